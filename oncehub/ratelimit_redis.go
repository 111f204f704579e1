package oncehub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisOptions configures a RedisLimiter.
type RedisOptions struct {
	// Client is the process's Redis client, shared with whatever else uses
	// Redis; the limiter never closes it. It should honour context deadlines
	// (redis.Options.ContextTimeoutEnabled) so that Timeout bounds a call.
	Client redis.UniversalClient
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
	// Timeout bounds one Redis round trip (with go-redis' own retries);
	// 250 ms when zero.
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
	rdb        redis.UniversalClient
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

// NewRedisLimiter returns a limiter sharing its budget through o.Client. It
// does not connect: an unreachable Redis is not an error here.
func NewRedisLimiter(o RedisOptions) (*RedisLimiter, error) {
	if o.Client == nil {
		return nil, errors.New("a shared Redis rate limit needs a Redis client")
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
	return &RedisLimiter{
		rdb:        o.Client,
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
var reserveScript = redis.NewScript(`
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
var pauseScript = redis.NewScript(`
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
	// Redis gets at most Timeout, and never more than half of what the
	// caller has left: when it fails, the local fallback still has time.
	maxWait, budget := maxReserve, r.timeout
	if dl, ok := ctx.Deadline(); ok {
		maxWait = time.Until(dl)
		budget = min(budget, maxWait/2)
	}
	rctx, cancel := context.WithTimeout(ctx, budget)
	reply, err := reserveScript.Run(rctx, r.rdb, []string{r.prefix + account},
		r.emission.Microseconds(), r.burst, maxWait.Microseconds()).Int64Slice()
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // the caller gave up; Redis is not to blame
		}
		return r.fallback(ctx, account, err)
	}
	if len(reply) != 2 {
		return r.fallback(ctx, account, fmt.Errorf("unexpected reply from the reserve script: %v", reply))
	}
	r.markUp()
	taken, wait := reply[0], time.Duration(reply[1])*time.Microsecond
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
	if err := pauseScript.Run(ctx, r.rdb, []string{r.prefix + account},
		r.emission.Microseconds(), r.burst, d.Microseconds()).Err(); err != nil {
		r.markDown(err)
	}
}

// Fallbacks is how many calls were paced locally because Redis was unreachable.
func (r *RedisLimiter) Fallbacks() int64 { return r.fallbacks.Load() }

// Ping checks that Redis answers (startup diagnostics; never required).
func (r *RedisLimiter) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	return r.rdb.Ping(ctx).Err()
}

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
