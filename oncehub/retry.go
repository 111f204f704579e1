package oncehub

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"syscall"
	"time"
)

// RetryPolicy bounds automatic retries. Reads (GET) are retried on 429, 502,
// 503, 504 and broken connections; writes only when the request provably never
// left this process (dial or DNS failure), so a write is never duplicated.
type RetryPolicy struct {
	MaxAttempts int           // total attempts, including the first; 4 when zero
	BaseDelay   time.Duration // first backoff ceiling; 250 ms when zero
	MaxDelay    time.Duration // backoff ceiling; 8 s when zero
	// MaxRetryAfter caps how long a Retry-After header may make us wait; 30 s when zero.
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
	retryable := false
	var retryAfter time.Duration
	if apiErr, ok := AsAPIError(err); ok {
		switch apiErr.Status {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			retryable = method == http.MethodGet
			retryAfter = apiErr.RetryAfter
		}
	} else {
		var te *TransportError
		if errors.As(err, &te) {
			switch {
			case !te.Sent:
				retryable = !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
			case method == http.MethodGet:
				retryable = isConnectionFailure(te.Err)
			}
		}
	}
	if !retryable {
		return 0, false
	}
	wait := p.backoff(attempt)
	if retryAfter > 0 {
		wait = min(retryAfter, p.MaxRetryAfter)
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		return 0, false // the caller cannot wait that long: report the error now
	}
	return wait, true
}

// backoff is exponential with full jitter: uniform in [0, min(MaxDelay, Base·2^n)].
func (p RetryPolicy) backoff(attempt int) time.Duration {
	ceiling := p.BaseDelay << attempt
	if ceiling <= 0 || ceiling > p.MaxDelay {
		ceiling = p.MaxDelay
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

func isConnectionFailure(err error) bool {
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true // a per-attempt timeout on a read
	}
	var op *net.OpError
	return errors.As(err, &op) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
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
