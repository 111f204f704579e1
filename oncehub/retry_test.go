package oncehub

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testKey = "sk-test-0123456789-secret"

// fastRetry keeps tests quick: same rules, tiny backoffs.
var fastRetry = RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: 2 * time.Second}

func keyCtx() context.Context { return WithAPIKey(context.Background(), testKey) }

// upstream is an httptest server whose answers are scripted per request.
type upstream struct {
	*httptest.Server
	mu    sync.Mutex
	calls []*http.Request
	times []time.Time
}

func newUpstream(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) *upstream {
	t.Helper()
	u := &upstream{}
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		u.mu.Lock()
		u.calls = append(u.calls, r)
		u.times = append(u.times, time.Now())
		n := len(u.calls)
		u.mu.Unlock()
		w.Header().Set("Request-Id", fmt.Sprintf("req_%d", n))
		answer(n, w, r)
	}))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) count() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.calls)
}

func newTestClient(t *testing.T, base string, mod ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{BaseURL: base + "/v2", Retry: fastRetry, Timeout: 5 * time.Second}
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	require.NoError(t, err)
	return c
}

func okJSON(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"message":"The API key is valid for account: a@example.com"}`)
}

func apiErr(w http.ResponseWriter, status int, typ string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"type":%q,"message":"boom"}`, typ)
}

// resetConn sends half a 200 response and resets the connection.
func resetConn(w http.ResponseWriter) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"id\":\"BKNG-")
	_ = buf.Flush()
	_ = conn.(*net.TCPConn).SetLinger(0)
	_ = conn.Close()
}

func TestGetRetriedOnRetryableStatusesThenSucceeds(t *testing.T) {
	t.Parallel()

	for _, status := range []int{429, 502, 503, 504} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()

			up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n < 3 {
					apiErr(w, status, "api_error")
					return
				}
				okJSON(w)
			})
			var tries []int
			c := newTestClient(t, up.URL, func(cfg *Config) { cfg.Observer = func(a Attempt) { tries = append(tries, a.Try) } })
			res, _, err := c.TestAPIKey(keyCtx())
			require.NoError(t, err)
			assert.Contains(t, res.Message, "a@example.com")
			assert.Equal(t, 3, up.count())
			assert.Equal(t, []int{1, 2, 3}, tries)
		})
	}
}

func TestGetNotRetriedOnOtherStatuses(t *testing.T) {
	t.Parallel()

	for _, status := range []int{400, 401, 402, 403, 404, 409, 422, 500, 501} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()

			up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) { apiErr(w, status, "api_error") })
			_, _, err := newTestClient(t, up.URL).TestAPIKey(keyCtx())
			e, ok := errors.AsType[*APIError](err)
			require.True(t, ok, "%v", err)
			assert.Equal(t, status, e.Status)
			assert.Equal(t, 1, up.count())
		})
	}
}

func TestRetriesBoundedByAttempts(t *testing.T) {
	t.Parallel()

	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) { apiErr(w, 503, "api_error") })
	_, _, err := newTestClient(t, up.URL).TestAPIKey(keyCtx())
	e, ok := errors.AsType[*APIError](err)
	require.True(t, ok)
	assert.Equal(t, 503, e.Status)
	assert.Equal(t, "req_4", e.RequestID, "the last attempt's Request-Id is reported")
	assert.Equal(t, fastRetry.MaxAttempts, up.count())
}

func TestRetryAfterHonoured(t *testing.T) {
	t.Parallel()

	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			apiErr(w, 429, ErrTypeRateLimit)
			return
		}
		okJSON(w)
	})
	_, _, err := newTestClient(t, up.URL).TestAPIKey(keyCtx())
	require.NoError(t, err)
	require.Equal(t, 2, up.count())
	assert.GreaterOrEqual(t, up.times[1].Sub(up.times[0]), time.Second, "the retry waited for Retry-After, not the 1 ms backoff")
}

func TestRetryAfterBeyondCapOrDeadlineEndsRetries(t *testing.T) {
	t.Parallel()

	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "45")
		apiErr(w, 429, ErrTypeRateLimit)
	})
	_, _, err := newTestClient(t, up.URL).TestAPIKey(keyCtx())
	e, ok := errors.AsType[*APIError](err)
	require.True(t, ok)
	assert.Equal(t, 45*time.Second, e.RetryAfter, "the caller learns how long to wait")
	assert.Equal(t, 1, up.count(), "Retry-After above MaxRetryAfter: no retry")

	up2 := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		apiErr(w, 503, ErrTypeAPI)
	})
	ctx, cancel := context.WithTimeout(keyCtx(), 300*time.Millisecond)
	defer cancel()
	_, _, err = newTestClient(t, up2.URL).TestAPIKey(ctx)
	e503, ok := errors.AsType[*APIError](err)
	require.True(t, ok && e503.Status == 503, "%v", err)
	assert.Equal(t, 1, up2.count(), "the deadline is closer than Retry-After: report now")
	assert.NoError(t, ctx.Err(), "returned before the deadline instead of sleeping through it")
}

func TestWritesNeverRetriedOnceSent(t *testing.T) {
	t.Parallel()

	faults := map[string]func(w http.ResponseWriter){
		"429":   func(w http.ResponseWriter) { apiErr(w, 429, ErrTypeRateLimit) },
		"503":   func(w http.ResponseWriter) { apiErr(w, 503, ErrTypeAPI) },
		"504":   func(w http.ResponseWriter) { apiErr(w, 504, ErrTypeAPI) },
		"reset": resetConn,
	}
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) { fault(w) })
			_, _, err := newTestClient(t, up.URL).Bookings.Cancel(keyCtx(), "BKNG-ABC123", &CancelRequest{Reason: "sick"})
			require.Error(t, err)
			assert.Equal(t, 1, up.count(), "a POST that reached OnceHub is sent once")
			assert.True(t, MaybeSent(err))
			assert.NotContains(t, err.Error(), testKey)
		})
	}
}

// flakyDialer fails the first n dials the way an unreachable host does.
func flakyDialer(n int) (http.RoundTripper, *atomic.Int32) {
	var dials atomic.Int32
	tr := http.DefaultTransport.(*http.Transport).Clone()
	var d net.Dialer
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) <= int32(n) {
			return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
		}
		return d.DialContext(ctx, network, addr)
	}
	return tr, &dials
}

func TestWriteRetriedWhenItNeverLeft(t *testing.T) {
	t.Parallel()

	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"BKNG-ABC123","object":"booking","status":"canceled"}`)
	})
	tr, dials := flakyDialer(2)
	c := newTestClient(t, up.URL, func(cfg *Config) { cfg.Transport = tr })
	b, _, err := c.Bookings.Cancel(keyCtx(), "BKNG-ABC123", &CancelRequest{})
	require.NoError(t, err)
	assert.Equal(t, "canceled", b.Status)
	assert.Equal(t, int32(3), dials.Load())
	assert.Equal(t, 1, up.count(), "the write reached OnceHub exactly once")

	// DNS failure: nothing sent either; retried, then reported as not sent.
	c2 := newTestClient(t, "https://oncehub-mcp-test.invalid")
	_, _, err = c2.Bookings.Cancel(keyCtx(), "BKNG-ABC123", &CancelRequest{})
	require.Error(t, err)
	assert.False(t, MaybeSent(err), "%v", err)
}

func TestGetRetriedAfterConnectionResetMidBody(t *testing.T) {
	t.Parallel()

	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			resetConn(w)
			return
		}
		okJSON(w)
	})
	_, _, err := newTestClient(t, up.URL).TestAPIKey(keyCtx())
	require.NoError(t, err)
	assert.Equal(t, 2, up.count())
}

func TestTimeoutIsNotRetriedAndNothingHangs(t *testing.T) {
	t.Parallel()

	released := make(chan struct{}, 4)
	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			released <- struct{}{}
		case <-time.After(10 * time.Second):
		}
	})
	c := newTestClient(t, up.URL, func(cfg *Config) { cfg.Timeout = 100 * time.Millisecond })
	_, _, err := c.TestAPIKey(keyCtx())
	require.Error(t, err)
	assert.True(t, IsTimeout(err), "%v", err)
	assert.Equal(t, 1, up.count(), "a timeout is not retried")
	select {
	case <-released:
	case <-time.After(5 * time.Second):
		t.Fatal("the upstream request was not abandoned")
	}
}

func TestCallerCancellationReachesTheHTTPRequest(t *testing.T) {
	t.Parallel()

	released := make(chan struct{}, 1)
	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
			released <- struct{}{}
		case <-time.After(10 * time.Second):
		}
	})
	ctx, cancel := context.WithCancel(keyCtx())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	_, _, err := newTestClient(t, up.URL).TestAPIKey(ctx)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, up.count())
	select {
	case <-released:
	case <-time.After(5 * time.Second):
		t.Fatal("the upstream request was not canceled")
	}
}

func TestResponseBodyCapped(t *testing.T) {
	t.Parallel()

	big := strings.Repeat("x", 4096)
	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Query().Get("chunked") == "" {
			w.Header().Set("Content-Length", fmt.Sprint(len(big)+10))
		}
		_, _ = io.WriteString(w, `{"message":"`+big+`"}`)
	})
	c := newTestClient(t, up.URL, func(cfg *Config) { cfg.MaxResponseBytes = 1024 })
	type options struct {
		Chunked string `url:"chunked,omitempty"`
	}
	for _, chunked := range []string{"", "1"} {
		var out map[string]any
		_, err := c.do(keyCtx(), request{method: "GET", route: "/test", opts: options{chunked}}, &out)
		require.Error(t, err, chunked)
		assert.Contains(t, err.Error(), "1024-byte cap")
	}
	assert.Equal(t, 2, up.count(), "an oversized body is not retried")
}

func TestRedirectsAreNeverFollowed(t *testing.T) {
	t.Parallel()

	var followed atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { followed.Add(1) }))
	defer elsewhere.Close()
	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/v2/test?email=a@example.com", http.StatusFound)
	})
	_, _, err := newTestClient(t, up.URL).TestAPIKey(keyCtx())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "redirect to "+elsewhere.URL)
	assert.Contains(t, err.Error(), "never followed")
	assert.NotContains(t, err.Error(), "a@example.com", "only scheme and host of the target are shown")
	assert.Equal(t, int32(0), followed.Load())
	assert.Equal(t, 1, up.count())
}

func TestNonJSONAnswers(t *testing.T) {
	t.Parallel()

	cases := map[string]struct {
		answer func(w http.ResponseWriter)
		check  func(t *testing.T, err error)
	}{
		"html error page": {
			func(w http.ResponseWriter) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(500)
				_, _ = io.WriteString(w, "<html><body><h1>500 Internal Server Error</h1></body></html>")
			},
			func(t *testing.T, err error) {
				e, ok := errors.AsType[*APIError](err)
				require.True(t, ok)
				assert.Equal(t, "non-JSON error page", e.Message)
			},
		},
		"truncated json": {
			func(w http.ResponseWriter) { _, _ = io.WriteString(w, `{"message":"The API`) },
			func(t *testing.T, err error) { assert.Contains(t, err.Error(), "not the JSON expected") },
		},
		"malformed json": {
			func(w http.ResponseWriter) { _, _ = io.WriteString(w, `{message: nope}`) },
			func(t *testing.T, err error) { assert.Contains(t, err.Error(), "not the JSON expected") },
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) { tc.answer(w) })
			_, _, err := newTestClient(t, up.URL).TestAPIKey(keyCtx())
			require.Error(t, err)
			tc.check(t, err)
			assert.Equal(t, 1, up.count())
			assert.NotContains(t, err.Error(), testKey)
		})
	}
}

func TestBackoffIsExponentialWithFullJitter(t *testing.T) {
	t.Parallel()

	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}.withDefaults()
	for attempt, ceiling := range []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second} {
		var biggest time.Duration
		for range 300 {
			d := p.backoff(attempt)
			require.GreaterOrEqual(t, d, time.Duration(0))
			require.LessOrEqual(t, d, ceiling, "attempt %d", attempt)
			biggest = max(biggest, d)
		}
		assert.Greater(t, biggest, ceiling/2, "jitter spans the range (attempt %d)", attempt)
	}
	assert.LessOrEqual(t, p.backoff(200), time.Second, "no overflow for huge attempt numbers")
}

func TestRetryableDecisions(t *testing.T) {
	t.Parallel()

	sent := func(err error) error { return &TransportError{Sent: true, Err: err} }
	notSent := func(err error) error { return &TransportError{Sent: false, Err: err} }
	timeoutErr := &net.OpError{Op: "read", Err: &timeoutError{}}
	cases := []struct {
		method string
		err    error
		want   bool
	}{
		{"GET", &APIError{Status: 429}, true},
		{"GET", &APIError{Status: 502}, true},
		{"GET", &APIError{Status: 500}, false},
		{"GET", sent(syscall.ECONNRESET), true},
		{"GET", sent(io.ErrUnexpectedEOF), true},
		{"GET", sent(timeoutErr), false},
		{"GET", sent(context.Canceled), false},
		{"GET", sent(errors.New("response body larger than the cap")), false},
		{"POST", &APIError{Status: 429}, false},
		{"POST", &APIError{Status: 503}, false},
		{"POST", sent(syscall.ECONNRESET), false},
		{"POST", notSent(&net.DNSError{Err: "no such host", Name: "x"}), true},
		{"POST", notSent(&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), true},
		{"POST", notSent(context.DeadlineExceeded), false},
		{"PATCH", sent(io.EOF), false},
		{"DELETE", &APIError{Status: 504}, false},
		{"GET", errors.New("something else"), false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, retryable(tc.method, tc.err), "%s %v", tc.method, tc.err)
	}
	p := fastRetry.withDefaults()
	_, ok := p.shouldRetry(context.Background(), "GET", p.MaxAttempts-1, &APIError{Status: 503})
	assert.False(t, ok, "the last attempt is not retried")
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	_, ok = p.shouldRetry(canceled, "GET", 0, &APIError{Status: 503})
	assert.False(t, ok, "a canceled caller is not retried for")
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }
