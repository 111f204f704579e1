package oncehub

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/testdeps"
)

// redisClient is a client of the Redis at url with go-redis' defaults (five
// dial attempts 100 ms apart, three retries) except that context deadlines
// are honoured, closed when the test ends. The limiter must fall back in time
// without any further tuning of the client.
func redisClient(t testing.TB, url string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(url)
	require.NoError(t, err)
	opts.ContextTimeoutEnabled = true
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// unreachableRedis is a client of an address where nothing listens.
func unreachableRedis(t testing.TB) *redis.Client {
	return redisClient(t, fmt.Sprintf("redis://127.0.0.1:%d/0", testdeps.FreePort(t)))
}

func newRedisLimiter(t testing.TB, o RedisOptions) *RedisLimiter {
	t.Helper()
	l, err := NewRedisLimiter(o)
	require.NoError(t, err)
	return l
}

func TestRedisLimiterTwoClientsShareOneBudget(t *testing.T) {
	t.Parallel()

	url := testdeps.Redis(t)
	a := newRedisLimiter(t, RedisOptions{Client: redisClient(t, url), RPS: 1, Burst: 3})
	b := newRedisLimiter(t, RedisOptions{Client: redisClient(t, url), RPS: 1, Burst: 3})
	acct := NewFingerprinter(nil).Fingerprint(testKey)
	var ok, refused int
	for i := range 6 {
		l := a
		if i%2 == 1 {
			l = b
		}
		err := l.Wait(shortCtx(t), acct)
		if err == nil {
			ok++
			continue
		}
		var we *RateWaitError
		require.ErrorAs(t, err, &we)
		refused++
	}
	assert.Equal(t, 3, ok, "one burst for both replicas, not one each")
	assert.Equal(t, 3, refused)
	require.NoError(t, a.Wait(shortCtx(t), NewFingerprinter(nil).Fingerprint("another key")), "other accounts are separate")
	assert.Zero(t, a.Fallbacks()+b.Fallbacks())

	// The key in Redis is the fingerprint, never the API key.
	keys, err := redisClient(t, url).Keys(context.Background(), "*").Result()
	require.NoError(t, err)
	assert.Contains(t, keys, "oncehub-mcp:rate:"+acct)
	for _, k := range keys {
		assert.NotContains(t, k, testKey)
	}
}

func TestRedisLimiterConcurrentWaitersAreSpacedAcrossReplicas(t *testing.T) {
	t.Parallel()

	url := testdeps.Redis(t)
	a := newRedisLimiter(t, RedisOptions{Client: redisClient(t, url), RPS: 50, Burst: 1}) // a turn every 20 ms
	b := newRedisLimiter(t, RedisOptions{Client: redisClient(t, url), RPS: 50, Burst: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var mu sync.Mutex
	var granted []time.Time
	var wg sync.WaitGroup
	for i := range 10 {
		l := a
		if i%2 == 1 {
			l = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, l.Wait(ctx, "key:shared"), "callers wait for their turn instead of failing")
			mu.Lock()
			granted = append(granted, time.Now())
			mu.Unlock()
		}()
	}
	wg.Wait()
	require.Len(t, granted, 10)
	first, last := granted[0], granted[0]
	for _, g := range granted {
		if g.Before(first) {
			first = g
		}
		if g.After(last) {
			last = g
		}
	}
	// Ten turns at 20 ms spacing take 9 × 20 = 180 ms with a shared budget; each
	// replica alone would let its five through in 80 ms. The bound sits between
	// the two, with room for the scheduling delay between a grant and time.Now
	// on a loaded machine (a bound of 170 ms failed once by 0.8 ms that way).
	assert.GreaterOrEqual(t, last.Sub(first), 140*time.Millisecond)
}

func TestRedisLimiterPauseIsShared(t *testing.T) {
	t.Parallel()

	url := testdeps.Redis(t)
	a := newRedisLimiter(t, RedisOptions{Client: redisClient(t, url), RPS: 100, Burst: 5})
	b := newRedisLimiter(t, RedisOptions{Client: redisClient(t, url), RPS: 100, Burst: 5})
	a.Pause("key:p", time.Minute)
	var we *RateWaitError
	require.ErrorAs(t, b.Wait(shortCtx(t), "key:p"), &we, "a Retry-After seen by one replica holds back the other")
	assert.Greater(t, we.Wait, 50*time.Second)
}

func TestRedisLimiterFallsBackAndRecovers(t *testing.T) {
	t.Parallel()

	// The client dials wherever target says: first a port where nothing
	// listens, then a running redis-server.
	var target atomic.Value
	target.Store(fmt.Sprintf("127.0.0.1:%d", testdeps.FreePort(t)))
	rdb := redis.NewClient(&redis.Options{
		ContextTimeoutEnabled: true,
		Dialer: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, target.Load().(string))
		},
	})
	t.Cleanup(func() { _ = rdb.Close() })
	var logs bytes.Buffer
	var logMu sync.Mutex
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &logMu}, nil))
	var hook atomic.Int32
	l := newRedisLimiter(t, RedisOptions{
		Client: rdb, RPS: 1, Burst: 2,
		Logger: logger, OnFallback: func(error) { hook.Add(1) }, RetryAfter: 50 * time.Millisecond,
	})
	// Redis down: calls still go through, paced by the local bucket.
	require.NoError(t, l.Wait(shortCtx(t), "key:f"))
	require.NoError(t, l.Wait(shortCtx(t), "key:f"))
	var we *RateWaitError
	require.ErrorAs(t, l.Wait(shortCtx(t), "key:f"), &we, "the local fallback still paces")
	assert.Equal(t, int64(3), l.Fallbacks())
	assert.Equal(t, int32(3), hook.Load())
	logMu.Lock()
	assert.Equal(t, 1, strings.Count(logs.String(), "rate-limit Redis unreachable"), "said once, not per call: %s", logs.String())
	logMu.Unlock()

	url := testdeps.Redis(t)
	target.Store(strings.TrimSuffix(strings.TrimPrefix(url, "redis://"), "/0"))
	time.Sleep(60 * time.Millisecond) // past RetryAfter: Redis is tried again
	require.NoError(t, l.Wait(shortCtx(t), "key:other"))
	assert.Equal(t, int64(3), l.Fallbacks(), "served by Redis again")
	logMu.Lock()
	assert.Contains(t, logs.String(), "rate-limit Redis reachable again")
	logMu.Unlock()
	n, err := redisClient(t, url).Exists(context.Background(), "oncehub-mcp:rate:key:other").Result()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n, "the turn was taken in Redis")
}

// A Redis that accepts connections and never answers costs a call at most
// half of its remaining time; the local limiter paces it.
func TestRedisLimiterFallsBackWhenRedisHangs(t *testing.T) {
	t.Parallel()

	silent, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	done := make(chan struct{})
	t.Cleanup(func() { silent.Close(); <-done })
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	l := newRedisLimiter(t, RedisOptions{Client: redisClient(t, "redis://"+silent.Addr().String()), RPS: 5, Burst: 2})
	require.NoError(t, l.Wait(shortCtx(t), "key:h"))
	assert.Equal(t, int64(1), l.Fallbacks())
}

func TestRedisLimiterNeverFailsAToolCallWhenRedisIsGone(t *testing.T) {
	t.Parallel()

	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) { okJSON(w) })
	l := newRedisLimiter(t, RedisOptions{Client: unreachableRedis(t), RPS: 5, Burst: 2})
	c := newTestClient(t, up.URL, func(cfg *Config) { cfg.Limiter = l })
	for range 3 {
		_, _, err := c.TestAPIKey(keyCtx())
		require.NoError(t, err)
	}
	assert.Equal(t, 3, up.count())
}

func TestNewRedisLimiterNeedsAClientAndARate(t *testing.T) {
	t.Parallel()

	_, err := NewRedisLimiter(RedisOptions{RPS: 5})
	require.Error(t, err)
	_, err = NewRedisLimiter(RedisOptions{Client: unreachableRedis(t), RPS: 0})
	require.Error(t, err)
}

// Whatever goes wrong with Redis, the password in its URL shows up neither
// in the log nor in the error handed to the metrics hook.
func TestRedisLimiterNeverLogsThePassword(t *testing.T) {
	t.Parallel()

	refusing, err := net.Listen("tcp", "127.0.0.1:0") // answers every command with WRONGPASS
	require.NoError(t, err)
	t.Cleanup(func() { refusing.Close() })
	go func() {
		for {
			c, err := refusing.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 512)
				for {
					if _, err := c.Read(buf); err != nil {
						return
					}
					_, _ = c.Write([]byte("-WRONGPASS invalid username-password pair or user is disabled.\r\n"))
				}
			}()
		}
	}()
	for _, addr := range []string{fmt.Sprintf("127.0.0.1:%d", testdeps.FreePort(t)), refusing.Addr().String()} {
		var logs bytes.Buffer
		var logMu sync.Mutex
		var hookErrs []string
		l := newRedisLimiter(t, RedisOptions{
			Client: redisClient(t, "redis://alice:hunter2@"+addr+"/1"), RPS: 5, Burst: 2,
			Logger:     slog.New(slog.NewTextHandler(&lockedWriter{w: &logs, mu: &logMu}, nil)),
			OnFallback: func(err error) { hookErrs = append(hookErrs, err.Error()) },
		})
		require.Error(t, l.Ping(shortCtx(t)))
		require.NoError(t, l.Wait(shortCtx(t), "key:pw"), "paced locally")
		logMu.Lock()
		assert.Contains(t, logs.String(), "rate-limit Redis unreachable")
		assert.NotContains(t, logs.String(), "hunter2")
		logMu.Unlock()
		require.Len(t, hookErrs, 1)
		assert.NotContains(t, hookErrs[0], "hunter2")
	}
}

type lockedWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
