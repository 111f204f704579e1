package oncehub

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// OnceHub allows 5 requests per second per account. The default burst is small
// on purpose: a client that bursts as much as the server allows has no margin
// left for network jitter, and the surplus comes back as 429s.
const (
	DefaultRateLimit = 5.0
	DefaultRateBurst = 2
)

// Limiter paces requests per account. account is the key's Fingerprint, never
// the key itself. Wait blocks until a request may be sent or ctx ends; when
// ctx's deadline comes before the turn, it returns a *RateWaitError at once.
type Limiter interface {
	Wait(ctx context.Context, account string) error
}

// Pauser is a Limiter that can hold an account back, e.g. for the
// Retry-After of a 429 OnceHub sent despite the pacing.
type Pauser interface {
	Pause(account string, d time.Duration)
}

// RateWaitError reports that a call cannot wait for its turn under a rate
// limit: the turn is further away than the call's deadline or the longest
// wait allowed (Config.MaxRateWait). Nothing was sent.
type RateWaitError struct {
	Wait time.Duration // how long the turn is away (at least)
	// Budget names the shared budget whose turn it is (FairBudget.Name, e.g.
	// "200 requests per 5m0s per client IP"); "" for the per-account rate.
	Budget string
}

func (e *RateWaitError) Error() string {
	if e.Budget != "" {
		return fmt.Sprintf("OnceHub's limit of %s, shared by every user of this server, has no free turn for this caller for %s, longer than this call may wait",
			e.Budget, e.Wait.Round(time.Millisecond))
	}
	return fmt.Sprintf("OnceHub's rate limit for this account has no free turn for %s, longer than this call may wait", e.Wait.Round(time.Millisecond))
}

// Unwrap makes errors.Is(err, context.DeadlineExceeded) true.
func (e *RateWaitError) Unwrap() error { return context.DeadlineExceeded }

// LocalLimiter is an in-process token bucket per account, shared by every
// session and call that uses it. Idle accounts are forgotten, so a
// multi-tenant server does not grow without bound.
type LocalLimiter struct {
	rps   rate.Limit
	burst int

	mu        sync.Mutex
	buckets   map[string]*bucket
	lastSweep time.Time
}

type bucket struct {
	lim         *rate.Limiter
	pausedUntil time.Time
}

// sweepEvery bounds how often idle buckets are looked for.
const sweepEvery = time.Minute

// NewLocalLimiter returns a limiter allowing rps requests per second per
// account with the given burst (at least 1). rps <= 0 means no limit.
func NewLocalLimiter(rps float64, burst int) *LocalLimiter {
	if burst < 1 {
		burst = 1
	}
	lim := rate.Limit(rps)
	if rps <= 0 {
		lim = rate.Inf
	}
	return &LocalLimiter{rps: lim, burst: burst, buckets: map[string]*bucket{}, lastSweep: time.Now()}
}

func (l *LocalLimiter) bucket(account string, now time.Time) *bucket {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) >= sweepEvery {
		l.lastSweep = now
		for k, b := range l.buckets {
			// A full bucket behaves exactly like a new one: forget it.
			if b.lim.TokensAt(now) >= float64(l.burst) && now.After(b.pausedUntil) {
				delete(l.buckets, k)
			}
		}
	}
	b, ok := l.buckets[account]
	if !ok {
		b = &bucket{lim: rate.NewLimiter(l.rps, l.burst)}
		l.buckets[account] = b
	}
	return b
}

// Wait implements Limiter.
func (l *LocalLimiter) Wait(ctx context.Context, account string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if l.rps == rate.Inf {
		return nil
	}
	now := time.Now()
	b := l.bucket(account, now)
	l.mu.Lock()
	paused := b.pausedUntil
	l.mu.Unlock()
	if d := paused.Sub(now); d > 0 {
		if err := waitTurn(ctx, d); err != nil {
			return err
		}
		now = time.Now()
	}
	r := b.lim.ReserveN(now, 1)
	d := r.DelayFrom(now)
	if d == 0 {
		return nil
	}
	if err := waitTurn(ctx, d); err != nil {
		r.Cancel() // give the turn back to the other callers
		return err
	}
	return nil
}

// Pause implements Pauser: no request for account is let through for d.
func (l *LocalLimiter) Pause(account string, d time.Duration) {
	if d <= 0 || l.rps == rate.Inf {
		return
	}
	now := time.Now()
	b := l.bucket(account, now)
	l.mu.Lock()
	if until := now.Add(d); until.After(b.pausedUntil) {
		b.pausedUntil = until
	}
	l.mu.Unlock()
}

// accounts reports how many accounts have state (tests).
func (l *LocalLimiter) accounts() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// waitTurn sleeps d unless ctx ends first; a deadline that comes before d
// fails at once with a *RateWaitError instead of sleeping in vain. The
// context's RateWaitHook is told before and after the sleep.
func waitTurn(ctx context.Context, d time.Duration) error {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return &RateWaitError{Wait: d}
	}
	h := rateWaitHookFrom(ctx)
	if h != nil {
		h.RateWait()
	}
	err := sleepCtx(ctx, d)
	if h != nil {
		if herr := h.RateWaitDone(ctx); err == nil {
			err = herr
		}
	}
	return err
}

// RateWaitHook is told when a call starts sleeping for its turn under a rate
// limit or budget, and when the sleep is over. A server that bounds
// concurrent calls uses it to lend the call's slot to others meanwhile.
type RateWaitHook interface {
	// RateWait: the call is about to sleep.
	RateWait()
	// RateWaitDone: the sleep is over (or ctx ended); an error ends the call.
	RateWaitDone(ctx context.Context) error
}

type rateWaitHookCtx struct{}

// WithRateWaitHook returns a context whose calls tell h when they sleep for
// a turn under a rate limit (see RateWaitHook).
func WithRateWaitHook(ctx context.Context, h RateWaitHook) context.Context {
	return context.WithValue(ctx, rateWaitHookCtx{}, h)
}

func rateWaitHookFrom(ctx context.Context) RateWaitHook {
	h, _ := ctx.Value(rateWaitHookCtx{}).(RateWaitHook)
	return h
}
