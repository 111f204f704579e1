package oncehub

import (
	"context"
	"sync"

	"golang.org/x/time/rate"
)

// Limiter paces requests per account. account is the key's Fingerprint, never
// the key itself. Wait blocks until a request may be sent or ctx ends.
type Limiter interface {
	Wait(ctx context.Context, account string) error
}

// LocalLimiter is an in-process token bucket per account (OnceHub allows 5
// requests per second per account).
type LocalLimiter struct {
	rps   rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// NewLocalLimiter returns a limiter allowing rps requests per second per
// account with the given burst.
func NewLocalLimiter(rps float64, burst int) *LocalLimiter {
	if burst < 1 {
		burst = 1
	}
	return &LocalLimiter{rps: rate.Limit(rps), burst: burst, buckets: map[string]*rate.Limiter{}}
}

// Wait implements Limiter.
func (l *LocalLimiter) Wait(ctx context.Context, account string) error {
	l.mu.Lock()
	b, ok := l.buckets[account]
	if !ok {
		b = rate.NewLimiter(l.rps, l.burst)
		l.buckets[account] = b
	}
	l.mu.Unlock()
	return b.Wait(ctx)
}
