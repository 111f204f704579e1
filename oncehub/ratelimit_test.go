package oncehub

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shortCtx has a deadline far shorter than any turn of a 1-per-second bucket,
// so "would have to wait" shows up as an immediate *RateWaitError instead of a
// timing measurement.
func shortCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	t.Cleanup(cancel)
	return ctx
}

func TestLocalLimiterBurstThenPacing(t *testing.T) {
	t.Parallel()

	l := NewLocalLimiter(1, 2)
	require.NoError(t, l.Wait(shortCtx(t), "key:a"))
	require.NoError(t, l.Wait(shortCtx(t), "key:a"))
	err := l.Wait(shortCtx(t), "key:a")
	var we *RateWaitError
	require.ErrorAs(t, err, &we, "the burst is spent: the next turn is ~1 s away")
	assert.Greater(t, we.Wait, 500*time.Millisecond)
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	// The refused turn was given back: waiting again costs no more than before.
	err = l.Wait(shortCtx(t), "key:a")
	var again *RateWaitError
	require.ErrorAs(t, err, &again)
	assert.LessOrEqual(t, again.Wait, we.Wait)

	// Accounts do not share buckets.
	require.NoError(t, l.Wait(shortCtx(t), "key:b"))
}

func TestLocalLimiterSharedByConcurrentCallers(t *testing.T) {
	t.Parallel()

	l := NewLocalLimiter(1, 3)
	var ok, refused atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := l.Wait(shortCtx(t), "key:a"); err == nil {
				ok.Add(1)
			} else {
				var we *RateWaitError
				assert.ErrorAs(t, err, &we)
				refused.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(3), ok.Load(), "exactly the burst goes through at once")
	assert.Equal(t, int32(17), refused.Load())
}

func TestLocalLimiterWaitsForItsTurn(t *testing.T) {
	t.Parallel()

	l := NewLocalLimiter(50, 1) // a turn every 20 ms
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for range 5 {
		require.NoError(t, l.Wait(ctx, "key:a"), "callers wait instead of failing")
	}
}

func TestLocalLimiterPauseAndCancel(t *testing.T) {
	t.Parallel()

	l := NewLocalLimiter(100, 5)
	l.Pause("key:a", time.Hour)
	var we *RateWaitError
	require.ErrorAs(t, l.Wait(shortCtx(t), "key:a"), &we)
	assert.Greater(t, we.Wait, 59*time.Minute)
	require.NoError(t, l.Wait(shortCtx(t), "key:b"), "a pause holds back one account only")

	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	assert.ErrorIs(t, l.Wait(ctx, "key:a"), context.Canceled, "a waiting caller can give up")
}

func TestLocalLimiterForgetsIdleAccounts(t *testing.T) {
	t.Parallel()

	l := NewLocalLimiter(5, 2)
	for _, a := range []string{"key:1", "key:2", "key:3"} {
		require.NoError(t, l.Wait(context.Background(), a))
	}
	l.Pause("key:3", time.Hour)
	require.Equal(t, 3, l.accounts())
	l.bucket("key:4", time.Now().Add(2*sweepEvery))
	assert.Equal(t, 2, l.accounts(), "full, unpaused buckets are dropped; the paused one and the new one stay")
}

func TestLocalLimiterZeroRateIsUnlimited(t *testing.T) {
	t.Parallel()

	l := NewLocalLimiter(0, 0)
	for range 100 {
		require.NoError(t, l.Wait(shortCtx(t), "key:a"))
	}
}

func TestClientPacesPerAccountAndReportsTheWait(t *testing.T) {
	t.Parallel()

	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) { okJSON(w) })
	c := newTestClient(t, up.URL, func(cfg *Config) { cfg.Limiter = NewLocalLimiter(1, 1) })
	_, _, err := c.TestAPIKey(keyCtx())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(keyCtx(), 100*time.Millisecond)
	defer cancel()
	_, _, err = c.TestAPIKey(ctx)
	var we *RateWaitError
	require.ErrorAs(t, err, &we)
	assert.False(t, MaybeSent(err), "nothing was sent")
	assert.Equal(t, 1, up.count())

	other := WithAPIKey(context.Background(), "another-key")
	_, _, err = c.TestAPIKey(other)
	require.NoError(t, err, "another account has its own budget")
}

func TestClientPausesAccountOnRetryAfter(t *testing.T) {
	t.Parallel()

	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "40")
		apiErr(w, 429, ErrTypeRateLimit)
	})
	l := NewLocalLimiter(100, 5)
	c := newTestClient(t, up.URL, func(cfg *Config) { cfg.Limiter = l })
	_, _, err := c.TestAPIKey(keyCtx())
	e, ok := errors.AsType[*APIError](err)
	require.True(t, ok && e.Status == http.StatusTooManyRequests, "%v", err)
	var we *RateWaitError
	require.ErrorAs(t, l.Wait(shortCtx(t), c.Fingerprint(testKey)), &we, "the account is held back for Retry-After")
	assert.Greater(t, we.Wait, 30*time.Second)
	assert.Equal(t, 1, up.count())
}

func TestRateWaitErrorText(t *testing.T) {
	t.Parallel()

	err := error(&TransportError{Op: "GET /bookings", Err: &RateWaitError{Wait: 1500 * time.Millisecond}})
	assert.Contains(t, err.Error(), "rate limit")
	assert.Contains(t, err.Error(), "1.5s")
	assert.True(t, errors.Is(err, context.DeadlineExceeded))
}
