package oncehub

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// RetryPolicy bounds automatic retries. Reads (GET) are retried on 429, 502,
// 503, 504 and broken connections; writes only when the request provably never
// left this process (dial or DNS failure), so a write is never duplicated.
// Timeouts are not retried: a slow OnceHub gets a clear error, not a longer wait.
type RetryPolicy struct {
	MaxAttempts int           // total attempts, including the first; 4 when zero
	BaseDelay   time.Duration // first backoff ceiling; 250 ms when zero
	MaxDelay    time.Duration // backoff ceiling; 8 s when zero
	// MaxRetryAfter is the longest Retry-After honoured; a longer one ends the
	// retries (the error says when to try again). 30 s when zero.
	MaxRetryAfter time.Duration
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 250 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 8 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 30 * time.Second
	}
	return p
}

// shouldRetry decides whether attempt (0-based) that failed with err is tried
// again, and after how long.
func (p RetryPolicy) shouldRetry(ctx context.Context, method string, attempt int, err error) (time.Duration, bool) {
	if attempt+1 >= p.MaxAttempts || ctx.Err() != nil {
		return 0, false
	}
	if !retryable(method, err) {
		return 0, false
	}
	wait := p.backoff(attempt)
	if apiErr, ok := errors.AsType[*APIError](err); ok && apiErr.RetryAfter > 0 {
		if apiErr.RetryAfter > p.MaxRetryAfter {
			return 0, false // OnceHub wants a long pause: say so rather than wait
		}
		wait = apiErr.RetryAfter
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		return 0, false // the caller cannot wait that long: report the error now
	}
	return wait, true
}

// retryable reports whether a request with method that failed with err may be
// sent again without risking a second side effect.
func retryable(method string, err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || IsTimeout(err) {
		return false
	}
	if apiErr, ok := errors.AsType[*APIError](err); ok {
		switch apiErr.Status {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return method == http.MethodGet
		}
		return false
	}
	te, ok := errors.AsType[*TransportError](err)
	if !ok {
		return false
	}
	if !te.Sent {
		return true // no connection was ever obtained: nothing reached OnceHub
	}
	return method == http.MethodGet && isConnectionFailure(te.Err)
}

// backoff is exponential with full jitter: uniform in [0, min(MaxDelay, Base·2^n)].
func (p RetryPolicy) backoff(attempt int) time.Duration {
	ceiling := p.MaxDelay
	if attempt < 32 {
		if c := p.BaseDelay << attempt; c > 0 && c < ceiling {
			ceiling = c
		}
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

// sentTracker records whether a connection was obtained for a request: until
// then nothing can have reached OnceHub.
type sentTracker struct{ gotConn atomic.Bool }

func (t *sentTracker) maybeSent() bool { return t.gotConn.Load() }

func withSentTracker(ctx context.Context, t *sentTracker) context.Context {
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { t.gotConn.Store(true) },
	})
}
