package oncehub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub/internal/resp"
)

// RedisOptions configures a RedisLimiter.
type RedisOptions struct {
	// URL of the Redis server, redis://[user:password@]host:port[/db] (rediss:// for TLS).
	URL string
	// RPS and Burst per account, as for NewLocalLimiter.
	RPS   float64
	Burst int
	// Prefix of the Redis keys; "oncehub-mcp:rate:" when empty. Every replica
	// that shares a budget must use the same prefix.
	Prefix string
	// Logger says when Redis becomes unreachable and when it is back.
	Logger *slog.Logger
	// OnFallback, when set, is called each time a call is paced by the local
	// limiter because Redis could not be reached (a hook for metrics).
	OnFallback func(err error)
	// Timeout bounds one Redis round trip; 250 ms when zero.
	Timeout time.Duration
	// RetryAfter is how long Redis is left alone after a failure before it is
	// tried again; 2 s when zero.
	RetryAfter time.Duration
}

// RedisLimiter shares one per-account budget between replicas through Redis
// (GCRA: each call reserves the next free turn atomically, in one round trip).
// When Redis cannot be reached it paces with a local limiter instead, logs
// that it does, and never fails a call because of Redis.
type RedisLimiter struct {
	rdb        *resp.Client
	prefix     string
	emission   time.Duration // time between turns
	burst      int
	timeout    time.Duration
	retryAfter time.Duration
	local      *LocalLimiter
	log        *slog.Logger
	onFallback func(error)

	fallbacks atomic.Int64
	mu        sync.Mutex
	down      bool
	downUntil time.Time
}

// NewRedisLimiter returns a limiter sharing its budget through the Redis at
// o.URL. It does not connect: an unreachable Redis is not an error here.
func NewRedisLimiter(o RedisOptions) (*RedisLimiter, error) {
	opts, err := resp.ParseURL(o.URL)
	if err != nil {
		return nil, fmt.Errorf("rate-limit Redis URL: %w", err)
	}
	if o.RPS <= 0 {
		return nil, errors.New("a shared Redis rate limit needs a positive requests-per-second rate")
	}
	if o.Burst < 1 {
		o.Burst = 1
	}
	if o.Timeout <= 0 {
		o.Timeout = 250 * time.Millisecond
	}
	if o.RetryAfter <= 0 {
		o.RetryAfter = 2 * time.Second
	}
	if o.Prefix == "" {
		o.Prefix = "oncehub-mcp:rate:"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	opts.Timeout = o.Timeout
	return &RedisLimiter{
		rdb:        resp.New(opts),
		prefix:     o.Prefix,
		emission:   time.Duration(float64(time.Second) / o.RPS),
		burst:      o.Burst,
		timeout:    o.Timeout,
		retryAfter: o.RetryAfter,
		local:      NewLocalLimiter(o.RPS, o.Burst),
		log:        o.Logger,
		onFallback: o.OnFallback,
	}, nil
}

// reserveScript takes the next turn of an account (GCRA). The stored value is
// the theoretical arrival time (TAT) in microseconds of Redis' clock. It
// returns {1, wait_us} when a turn was taken (sleep wait_us, then send) or
// {0, wait_us} when the turn is further away than the caller may wait
// (nothing taken).
var reserveScript = resp.NewScript(`
local emission = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call("GET", KEYS[1]) or "0")
if tat < now then tat = now end
local new_tat = tat + emission
local wait = new_tat - burst * emission - now
if wait < 0 then wait = 0 end
if wait > max_wait then return {"0", string.format("%.0f", wait)} end
local ttl = math.floor((new_tat - now) / 1000) + 1000
redis.call("SET", KEYS[1], string.format("%.0f", new_tat), "PX", string.format("%.0f", ttl))
return {"1", string.format("%.0f", wait)}
`)

// pauseScript holds an account back for ARGV[3] microseconds: no turn is free
// before then, and the burst is spent.
var pauseScript = resp.NewScript(`
local emission = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local pause = tonumber(ARGV[3])
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call("GET", KEYS[1]) or "0")
local target = now + pause + (burst - 1) * emission
if target > tat then
  local ttl = math.floor((target - now) / 1000) + 1000
  redis.call("SET", KEYS[1], string.format("%.0f", target), "PX", string.format("%.0f", ttl))
end
return 1
`)

// parseReserve reads reserveScript's reply, {"0"|"1", wait_us}.
func parseReserve(reply any) (taken, waitUS int64, err error) {
	res, ok := reply.([]any)
	if ok && len(res) == 2 {
		t, ok1 := res[0].(string)
		w, ok2 := res[1].(string)
		if ok1 && ok2 {
			taken, err = strconv.ParseInt(t, 10, 64)
			if err == nil {
				waitUS, err = strconv.ParseInt(w, 10, 64)
			}
			if err == nil {
				return taken, waitUS, nil
			}
		}
	}
	return 0, 0, fmt.Errorf("unexpected reply from the reserve script: %v", reply)
}

// maxReserve bounds the wait asked of Redis when the caller has no deadline.
const maxReserve = 10 * time.Minute

// Wait implements Limiter.
func (r *RedisLimiter) Wait(ctx context.Context, account string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if r.skipRedis() {
		return r.fallback(ctx, account, nil)
	}
	maxWait := maxReserve
	if dl, ok := ctx.Deadline(); ok {
		maxWait = time.Until(dl)
	}
	rctx, cancel := context.WithTimeout(ctx, r.timeout)
	reply, err := r.rdb.Eval(rctx, reserveScript, []string{r.prefix + account},
		r.emission.Microseconds(), r.burst, maxWait.Microseconds())
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // the caller gave up; Redis is not to blame
		}
		return r.fallback(ctx, account, err)
	}
	taken, waitUS, err := parseReserve(reply)
	if err != nil {
		return r.fallback(ctx, account, err)
	}
	r.markUp()
	wait := time.Duration(waitUS) * time.Microsecond
	if taken == 0 {
		return &RateWaitError{Wait: wait}
	}
	if wait == 0 {
		return nil
	}
	return waitTurn(ctx, wait)
}

// Pause implements Pauser, for every replica sharing the budget.
func (r *RedisLimiter) Pause(account string, d time.Duration) {
	if d <= 0 {
		return
	}
	r.local.Pause(account, d)
	if r.skipRedis() {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	if _, err := r.rdb.Eval(ctx, pauseScript, []string{r.prefix + account},
		r.emission.Microseconds(), r.burst, d.Microseconds()); err != nil {
		r.markDown(err)
	}
}

// Fallbacks is how many calls were paced locally because Redis was unreachable.
func (r *RedisLimiter) Fallbacks() int64 { return r.fallbacks.Load() }

// Ping checks that Redis answers (startup diagnostics; never required).
func (r *RedisLimiter) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	_, err := r.rdb.Do(ctx, "PING")
	return err
}

// Close releases the Redis connections.
func (r *RedisLimiter) Close() error { return r.rdb.Close() }

func (r *RedisLimiter) fallback(ctx context.Context, account string, err error) error {
	if err != nil {
		r.markDown(err)
	}
	r.fallbacks.Add(1)
	if r.onFallback != nil {
		if err == nil {
			err = errRedisResting
		}
		r.onFallback(err)
	}
	return r.local.Wait(ctx, account)
}

var errRedisResting = errors.New("rate-limit Redis failed recently; not tried again yet")

func (r *RedisLimiter) skipRedis() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.down && time.Now().Before(r.downUntil)
}

func (r *RedisLimiter) markDown(err error) {
	r.mu.Lock()
	was := r.down
	r.down, r.downUntil = true, time.Now().Add(r.retryAfter)
	r.mu.Unlock()
	if !was {
		r.log.Warn("rate-limit Redis unreachable: pacing with this process's own limiter until it is back "+
			"(replicas may then together exceed OnceHub's per-account limit; 429s are retried)", "err", err)
	}
}

func (r *RedisLimiter) markUp() {
	r.mu.Lock()
	was := r.down
	r.down = false
	r.mu.Unlock()
	if was {
		r.log.Info("rate-limit Redis reachable again: replicas share one budget per account")
	}
}
