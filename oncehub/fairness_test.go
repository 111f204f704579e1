package oncehub

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A key with any byte outside visible ASCII is refused before a request:
// no OnceHub key has one, and net/http would forward most of them.
func TestKeysThatAreNotVisibleASCIIAreRefusedLocally(t *testing.T) {
	t.Parallel()

	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) { okJSON(w) })
	c := newTestClient(t, up.URL)
	for name, key := range map[string]string{
		"tab":        "sk-live\tsecret",
		"space":      "sk-live secret",
		"newline":    "sk-live\nsecret",
		"NUL":        "sk-live\x00secret",
		"DEL":        "sk-live\x7fsecret",
		"latin-1":    "sk-live\xe9secret",
		"UTF-8":      "sk-live-sécret",
		"zero-width": "sk-live\u200bsecret",
	} {
		// Sequential: the upstream is checked untouched after them.
		t.Run(name, func(t *testing.T) {
			_, resp, err := c.TestAPIKey(WithAPIKey(context.Background(), key))
			require.ErrorIs(t, err, ErrMalformedAPIKey)
			assert.Nil(t, resp)
			assert.False(t, MaybeSent(err))
			assert.NotContains(t, err.Error(), "secret")
		})
	}
	assert.Zero(t, up.count(), "nothing was sent")
	_, _, err := c.TestAPIKey(WithAPIKey(context.Background(), "  sk-live-ok-0123 \n"))
	require.NoError(t, err, "spaces around a key are trimmed, not refused")
}

// A 2xx answer whose body is empty or null is not a success: a write's
// caller must learn that the change may or may not have been made.
func TestNullOrEmptySuccessBodyIsAnErrorThatMaySentTheWrite(t *testing.T) {
	t.Parallel()

	for _, body := range []string{"", "null", "  null\n", "\n"} {
		t.Run(fmt.Sprintf("%q", body), func(t *testing.T) {
			t.Parallel()

			up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusCreated)
				_, _ = w.Write([]byte(body))
			})
			c := newTestClient(t, up.URL)
			ct, resp, err := c.Contacts.Create(keyCtx(), &CreateContactRequest{Email: "a@example.com", ContactFields: ContactFields{FirstName: ptr("A"), LastName: ptr("B")}})
			require.ErrorIs(t, err, ErrEmptyAnswer)
			assert.Empty(t, ct.ID)
			require.NotNil(t, resp)
			assert.Equal(t, "req_1", resp.RequestID)
			assert.True(t, MaybeSent(err), "the write reached OnceHub")
			te, ok := errors.AsType[*TransportError](err)
			require.True(t, ok, "%T", err)
			assert.Equal(t, http.StatusCreated, te.Status)
			assert.Equal(t, 1, up.count(), "a write is never repeated")
		})
	}
}

func TestRetryAfterParsesSafely(t *testing.T) {
	t.Parallel()

	for in, want := range map[string]time.Duration{
		"5":                              5 * time.Second,
		" 7 ":                            7 * time.Second,
		"0":                              0,
		"123456789012345678901234567890": maxRetryAfter,
		"9223372036854775807":            maxRetryAfter,
		"86401":                          maxRetryAfter,
		"-1":                             0,
		"1.5":                            0,
		"soon":                           0,
		"":                               0,
		"Wed, 21 Oct 2015 07:28:00 GMT":  0, // in the past
		time.Now().Add(time.Hour).UTC().Format(http.TimeFormat): time.Hour,
	} {
		got := parseRetryAfter(in)
		assert.InDelta(t, float64(want), float64(got), float64(2*time.Second), "%q → %s", in, got)
	}
}

// A 30-digit Retry-After on a 429 is not ignored: the account is held back
// for the longest pause, and the call says so instead of retrying.
func TestHugeRetryAfterHoldsTheAccountBack(t *testing.T) {
	t.Parallel()

	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "123456789012345678901234567890")
		apiErr(w, http.StatusTooManyRequests, ErrTypeRateLimit)
	})
	l := NewLocalLimiter(100, 5)
	c := newTestClient(t, up.URL, func(cfg *Config) { cfg.Limiter = l })
	_, _, err := c.TestAPIKey(keyCtx())
	e, ok := asAPIError(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, maxRetryAfter, e.RetryAfter)
	assert.Equal(t, 1, up.count(), "not retried: OnceHub asked for a long pause")
	var we *RateWaitError
	require.ErrorAs(t, l.Wait(shortCtx(t), c.Fingerprint(testKey)), &we)
	assert.Greater(t, we.Wait, time.Hour)
}

// A key OnceHub rejected is refused without a request while it is
// remembered; other keys are not affected, and a 2xx makes a key accepted.
func TestRejectedKeysAreRememberedAndCostNoRequest(t *testing.T) {
	t.Parallel()

	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("API-Key") == "bad-key-0000" {
			apiErr(w, http.StatusUnauthorized, ErrTypeAuthentication)
			return
		}
		okJSON(w)
	})
	keys := NewKeyMemory(KeyMemoryOptions{RejectedFor: time.Minute})
	c := newTestClient(t, up.URL, func(cfg *Config) { cfg.Keys = keys })
	bad := WithAPIKey(context.Background(), "bad-key-0000")
	_, _, err := c.TestAPIKey(bad)
	first, ok := asAPIError(err)
	require.True(t, ok)
	assert.True(t, first.Remembered.IsZero())
	for range 50 {
		_, resp, err := c.TestAPIKey(bad)
		e, ok := asAPIError(err)
		require.True(t, ok, "%v", err)
		assert.Equal(t, http.StatusUnauthorized, e.Status)
		assert.Equal(t, "req_1", e.RequestID, "OnceHub's own answer, with its Request-Id")
		assert.False(t, e.Remembered.IsZero())
		assert.Contains(t, e.Error(), "not sent again")
		assert.False(t, MaybeSent(err))
		assert.Nil(t, resp)
	}
	assert.Equal(t, 1, up.count(), "one request for 51 calls with the bad key")
	assert.False(t, keys.Accepted(c.fps.Sum("bad-key-0000")))

	_, _, err = c.TestAPIKey(keyCtx())
	require.NoError(t, err)
	assert.True(t, keys.Accepted(c.fps.Sum(testKey)))
	assert.Equal(t, 2, up.count())
}

func TestRejectedKeysAreForgottenAfterAWhile(t *testing.T) {
	t.Parallel()

	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) {
		apiErr(w, http.StatusUnauthorized, ErrTypeAuthentication)
	})
	c := newTestClient(t, up.URL, func(cfg *Config) { cfg.Keys = NewKeyMemory(KeyMemoryOptions{RejectedFor: 50 * time.Millisecond}) })
	_, _, _ = c.TestAPIKey(keyCtx())
	_, _, _ = c.TestAPIKey(keyCtx())
	require.Equal(t, 1, up.count())
	require.Eventually(t, func() bool {
		_, _, _ = c.TestAPIKey(keyCtx())
		return up.count() == 2
	}, 5*time.Second, 20*time.Millisecond, "tried again once forgotten")
}

// The calls waiting for their turn under the per-account limit tell the
// context's hook, and the longest wait is bounded by MaxRateWait.
func TestRateWaitsAreBoundedAndToldToTheHook(t *testing.T) {
	t.Parallel()

	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) { okJSON(w) })
	c := newTestClient(t, up.URL, func(cfg *Config) {
		cfg.Limiter = NewLocalLimiter(20, 1)
		cfg.MaxRateWait = 30 * time.Millisecond
	})
	h := &countingHook{}
	ctx := WithRateWaitHook(keyCtx(), h)
	_, _, err := c.TestAPIKey(ctx) // the burst
	require.NoError(t, err)
	_, _, err = c.TestAPIKey(ctx) // waits ~50 ms: longer than MaxRateWait
	var we *RateWaitError
	require.ErrorAs(t, err, &we)
	assert.Empty(t, we.Budget)
	assert.False(t, MaybeSent(err))
	assert.Zero(t, h.waits.Load(), "refused at once, not after sleeping")

	c.maxWait = time.Second
	_, _, err = c.TestAPIKey(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1), h.waits.Load())
	assert.Equal(t, int64(1), h.dones.Load())
	assert.Equal(t, 2, up.count())
}

type countingHook struct{ waits, dones atomic.Int64 }

func (h *countingHook) RateWait()                          { h.waits.Add(1) }
func (h *countingHook) RateWaitDone(context.Context) error { h.dones.Add(1); return nil }

// Four tenants ask for far more turns than a shared budget has: while they
// all wait, the turns go round-robin, so each gets the same share.
func TestFairBudgetSharesTurnsEquallyBetweenWaitingTenants(t *testing.T) {
	t.Parallel()

	b := NewFairBudget(FairBudgetOptions{Name: "test budget", Source: NewLocalLimiter(400, 1), Account: "budget", RPS: 400, Burst: 1})
	const tenants, perTenant = 4, 60
	var mu sync.Mutex
	var order []string
	var wg sync.WaitGroup
	for i := range tenants {
		tenant := fmt.Sprintf("t%d", i)
		for range perTenant {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				if assert.NoError(t, b.Take(ctx, tenant)) {
					mu.Lock()
					order = append(order, tenant)
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	require.Len(t, order, tenants*perTenant)
	// In the middle of the run every tenant waits: any window of 40 turns
	// holds about 10 of each.
	mid := order[len(order)/4 : len(order)/4+40]
	n := map[string]int{}
	for _, x := range mid {
		n[x]++
	}
	for i := range tenants {
		assert.InDelta(t, 10, n[fmt.Sprintf("t%d", i)], 3, "turns %v", n)
	}
}

// A tenant alone may use the whole budget; a second one that arrives gets
// every other turn at once, not after the first has finished.
func TestFairBudgetNewcomerIsNotStuckBehindABacklog(t *testing.T) {
	t.Parallel()

	b := NewFairBudget(FairBudgetOptions{Name: "test budget", Source: NewLocalLimiter(100, 1), Account: "budget", RPS: 100, Burst: 1})
	var wg sync.WaitGroup
	var served atomic.Int64
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if b.Take(ctx, "hog") == nil {
				served.Add(1)
			}
		}()
	}
	require.Eventually(t, func() bool { return served.Load() >= 5 }, 10*time.Second, time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, b.Take(ctx, "newcomer"))
	assert.Less(t, served.Load(), int64(20), "the newcomer was served after a couple of the hog's turns, not after all 100")
	wg.Wait()
}

// A turn that cannot come before the call's deadline fails at once with an
// error naming the shared budget; nothing is sent.
func TestFairBudgetRefusesAWaitLongerThanTheDeadline(t *testing.T) {
	t.Parallel()

	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) { okJSON(w) })
	rps, burst := BudgetRate(20, time.Minute) // a turn every ~3.5 s after a burst of 2
	b := NewIPBudget(20, time.Minute, NewLocalLimiter(rps, burst))
	c := newTestClient(t, up.URL, func(cfg *Config) { cfg.Budget = b; cfg.MaxRateWait = 500 * time.Millisecond })
	for range burst {
		_, _, err := c.TestAPIKey(keyCtx())
		require.NoError(t, err)
	}
	_, _, err := c.TestAPIKey(keyCtx())
	var we *RateWaitError
	require.ErrorAs(t, err, &we)
	assert.Equal(t, "20 requests per 1m0s per client IP", we.Budget)
	assert.Contains(t, err.Error(), "shared by every user of this server")
	assert.Equal(t, burst, up.count())
}

// BudgetRate never lets more than limit requests fall in any window.
func TestBudgetRateStaysWithinTheLimitInAnyWindow(t *testing.T) {
	t.Parallel()

	for _, limit := range []int{2, 3, 9, 10, 200, 1000} {
		rps, burst := BudgetRate(limit, 5*time.Minute)
		worst := float64(burst) + rps*(5*time.Minute).Seconds()
		assert.LessOrEqual(t, worst, float64(limit), "limit %d: burst %d + %.2f/s", limit, burst, rps)
		assert.Positive(t, burst)
	}
}

// Reads of reference data are answered from the cache for the same key;
// another key, bookings and slots always go to OnceHub; a write through the
// client drops what its key read.
func TestCacheKeepsReferenceReadsPerKeyUntilAWrite(t *testing.T) {
	t.Parallel()

	var mu sync.Mutex
	seen := map[string]int{}
	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.Method+" "+strings.TrimPrefix(r.URL.Path, "/v2")+" "+r.Header.Get("API-Key")]++
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPatch:
			_, _ = w.Write([]byte(`{"id":"USR-1","object":"user","first_name":"New"}`))
		case strings.HasPrefix(r.URL.Path, "/v2/users/"):
			_, _ = fmt.Fprintf(w, `{"id":"USR-1","object":"user","first_name":"Old-%d"}`, n)
		case r.URL.Path == "/v2/users":
			_, _ = w.Write([]byte(`{"object":"list","data":[{"id":"USR-1","object":"user"}],"has_more":false}`))
		default:
			_, _ = w.Write([]byte(`{"object":"list","data":[],"has_more":false}`))
		}
	})
	cache := NewCache(CacheOptions{TTL: time.Minute})
	c := newTestClient(t, up.URL, func(cfg *Config) { cfg.Cache = cache })
	other := WithAPIKey(context.Background(), "other-key-1111")

	u1, _, err := c.Users.Get(keyCtx(), "USR-1")
	require.NoError(t, err)
	u2, resp, err := c.Users.Get(keyCtx(), "USR-1")
	require.NoError(t, err)
	assert.Equal(t, u1.FirstName, u2.FirstName)
	assert.Equal(t, u1.ID, u2.ID)
	assert.Equal(t, "req_1", resp.RequestID, "the cached answer keeps OnceHub's Request-Id")
	_, _, err = c.Users.Get(other, "USR-1")
	require.NoError(t, err)
	for range 3 {
		_, _, err = c.Users.List(keyCtx(), nil)
		require.NoError(t, err)
		_, _, err = c.Bookings.List(keyCtx(), nil)
		require.NoError(t, err)
	}
	_, _, err = c.Users.Update(keyCtx(), "USR-1", &UpdateUserRequest{FirstName: ptr("New")})
	require.NoError(t, err)
	_, _, err = c.Users.Get(keyCtx(), "USR-1")
	require.NoError(t, err)
	_, _, err = c.Users.Get(other, "USR-1")
	require.NoError(t, err)

	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, map[string]int{
		"GET /users/USR-1 " + testKey:     2, // before and after the write
		"GET /users/USR-1 other-key-1111": 1, // its own entry, untouched by the other key's write
		"GET /users " + testKey:           1,
		"GET /bookings " + testKey:        3, // never cached
		"PATCH /users/USR-1 " + testKey:   1,
	}, seen)
	assert.Equal(t, CacheStats{Hits: 4, Misses: 4}, cache.Stats())
}

// Concurrent identical reads share one request; failures are not kept.
func TestCacheSharesConcurrentReadsAndKeepsNoErrors(t *testing.T) {
	t.Parallel()

	release := make(chan struct{})
	var fail atomic.Bool
	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) {
		<-release
		if fail.Load() {
			apiErr(w, http.StatusInternalServerError, ErrTypeAPI)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"object":"list","data":[],"has_more":false}`))
	})
	c := newTestClient(t, up.URL, func(cfg *Config) {
		cfg.Cache = NewCache(CacheOptions{})
		cfg.Retry = RetryPolicy{MaxAttempts: 1}
	})
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := c.Teams.List(keyCtx(), nil)
			assert.NoError(t, err)
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	assert.Equal(t, 1, up.count(), "20 concurrent reads, one request")

	fail.Store(true)
	_, _, err := c.EventTypes.List(keyCtx(), nil)
	require.Error(t, err)
	_, _, err = c.EventTypes.List(keyCtx(), nil)
	require.Error(t, err)
	assert.Equal(t, 3, up.count(), "an error is not kept")
}
