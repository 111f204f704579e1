package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
)

// A fake OnceHub that enforces both of OnceHub's limits — 5 requests per
// second per account, and an IP budget (scaled down so that tests are
// fast) — serving four accounts.
type enforcingFake struct {
	*fakeoncehub.Server
	url      string
	keys     []string
	inFlight atomic.Int64
	peak     atomic.Int64
	delay    time.Duration
}

func newEnforcingFake(t *testing.T, ipLimit int, ipWindow time.Duration) *enforcingFake {
	t.Helper()
	keys := map[string]string{}
	f := &enforcingFake{}
	for i := range 4 {
		k := fmt.Sprintf("tenant-key-%d-0123456789", i)
		keys[k] = fmt.Sprintf("tenant%d@example.com", i)
		f.keys = append(f.keys, k)
	}
	f.Server = fakeoncehub.New(fakeoncehub.Options{Keys: keys})
	f.EnforceRateLimit(&fakeoncehub.RateLimit{RPS: 5, Burst: 5, RetryAfter: true})
	f.EnforceIPLimit(&fakeoncehub.IPLimit{Limit: ipLimit, Window: ipWindow})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := f.inFlight.Add(1)
		defer f.inFlight.Add(-1)
		for p := f.peak.Load(); n > p && !f.peak.CompareAndSwap(p, n); {
			p = f.peak.Load()
		}
		if f.delay > 0 {
			time.Sleep(f.delay)
		}
		f.ServeHTTP(w, r)
	}))
	t.Cleanup(up.Close)
	f.url = up.URL + "/v2"
	return f
}

// requestsBy counts the fake's recorded requests per key.
func (f *enforcingFake) requestsBy() map[string]int {
	n := map[string]int{}
	for _, r := range f.Requests() {
		n[r.APIKey]++
	}
	return n
}

// rpcAnswer is one JSON-RPC answer over HTTP.
type rpcAnswer struct {
	status int
	Result struct {
		IsError bool `json:"isError"`
		Content []struct {
			Text string `json:"text"`
		} `json:"content"`
		Contents []json.RawMessage `json:"contents"`
	} `json:"result"`
	Error *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (a rpcAnswer) text() string {
	var s []string
	for _, c := range a.Result.Content {
		s = append(s, c.Text)
	}
	return strings.Join(s, "")
}

// ok: an answer that is neither a refusal, a protocol error nor a tool error.
func (a rpcAnswer) ok() bool { return a.status == 200 && a.Error == nil && !a.Result.IsError }

// post sends one JSON-RPC request as a 2025-11-25 client does after
// initialize (the server is stateless: any POST is served on its own).
func post(t *testing.T, base, key, method string, params any) rpcAnswer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	req, err := http.NewRequest(http.MethodPost, base+"/mcp", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("MCP-Protocol-Version", "2025-11-25")
	if key != "" {
		req.Header.Set("API-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return rpcAnswer{status: 0}
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	a := rpcAnswer{status: resp.StatusCode}
	if i := bytes.Index(data, []byte("data: ")); bytes.HasPrefix(data, []byte("event:")) && i >= 0 {
		data = data[i+len("data: "):]
	}
	_ = json.Unmarshal(data, &a)
	return a
}

func callTool(t *testing.T, base, key, name string, args map[string]any) rpcAnswer {
	t.Helper()
	if args == nil {
		args = map[string]any{}
	}
	return post(t, base, key, "tools/call", map[string]any{"name": name, "arguments": args})
}

// The starvation attack of issue 16: a hundred looping callers with a bogus
// key while a valid tenant works. The valid tenant's calls are all answered
// (no 503, no 429), the bogus key reaches OnceHub once, and neither of
// OnceHub's limits is ever hit.
func TestBogusKeyFloodDoesNotStarveAValidTenant(t *testing.T) {
	t.Parallel()

	fake := newEnforcingFake(t, 60, 3*time.Second)
	_, base, _ := startHTTPBinary(t, []string{"ONCEHUB_API_URL=" + fake.url, "ONCEHUB_IP_LIMIT=60", "ONCEHUB_IP_WINDOW=3s"},
		"--max-in-flight", "16")
	valid := fake.keys[0]
	require.True(t, callTool(t, base, valid, "test_api_key", nil).ok(), "the tenant's key is known good")

	stop := make(chan struct{})
	var attackers sync.WaitGroup
	var attackCalls, attack503 atomic.Int64
	for range 100 {
		attackers.Add(1)
		go func() {
			defer attackers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				a := callTool(t, base, "bogus", "list_users", nil)
				attackCalls.Add(1)
				if a.status == http.StatusServiceUnavailable {
					attack503.Add(1)
				}
			}
		}()
	}
	require.Eventually(t, func() bool { return attackCalls.Load() > 500 }, 60*time.Second, 10*time.Millisecond)
	var answers []rpcAnswer
	for range 6 {
		answers = append(answers, callTool(t, base, valid, "test_api_key", nil))
	}
	close(stop)
	attackers.Wait()

	for i, a := range answers {
		assert.True(t, a.ok(), "valid call %d: status %d, %s %v", i, a.status, a.text(), a.Error)
	}
	// The calls admitted before OnceHub's first 401 came back (the lane's
	// 8 at most) reached it; its 401 answered all the rest.
	assert.LessOrEqual(t, fake.requestsBy()["bogus"], 8, "of %d calls with the bogus key", attackCalls.Load())
	assert.Zero(t, fake.RateLimited(), "no 429 for the per-account limit")
	assert.Zero(t, fake.IPLimited(), "no 429 for the per-IP limit")
	t.Logf("attack: %d calls, %d answered 503", attackCalls.Load(), attack503.Load())
}

// 300 calls, each with a new random key: a stranger trying keys. Only a few
// reach OnceHub (new keys per address are capped), and a valid tenant from
// the same address is served throughout.
func TestRandomKeyFloodIsCappedBeforeOnceHub(t *testing.T) {
	t.Parallel()

	fake := newEnforcingFake(t, 60, 3*time.Second)
	_, base, _ := startHTTPBinary(t, []string{"ONCEHUB_API_URL=" + fake.url, "ONCEHUB_IP_LIMIT=60", "ONCEHUB_IP_WINDOW=3s",
		"ONCEHUB_NEW_KEYS_PER_MINUTE=10"})
	valid := fake.keys[1]
	require.True(t, callTool(t, base, valid, "get_me", nil).ok())
	var wg sync.WaitGroup
	var refused atomic.Int64
	for i := range 300 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := callTool(t, base, fmt.Sprintf("random-key-%06d", i), "test_api_key", nil)
			if a.status == http.StatusTooManyRequests {
				refused.Add(1)
				assert.Contains(t, a.Error.Message, "new credentials")
			}
		}()
	}
	for range 5 {
		a := callTool(t, base, valid, "get_me", nil)
		assert.True(t, a.ok(), "status %d %v %s", a.status, a.Error, a.text())
	}
	wg.Wait()
	upstream := 0
	for k, n := range fake.requestsBy() {
		if strings.HasPrefix(k, "random-key-") {
			upstream += n
		}
	}
	assert.LessOrEqual(t, upstream, 5+2, "a burst of 5 new keys (10 a minute), maybe one more as the minute goes on")
	assert.GreaterOrEqual(t, refused.Load(), int64(290))
	assert.Zero(t, fake.IPLimited())
	assert.Zero(t, fake.RateLimited())
}

// Four tenants hammer one server whose IP budget is the bottleneck: OnceHub
// never answers 429, and each tenant gets its fair quarter of the requests
// (within ±20%).
func TestFourTenantsShareTheIPBudgetFairly(t *testing.T) {
	t.Parallel()

	fake := newEnforcingFake(t, 40, 4*time.Second) // ~9 requests a second for the whole server
	_, base, _ := startHTTPBinary(t, []string{"ONCEHUB_API_URL=" + fake.url, "ONCEHUB_IP_LIMIT=40", "ONCEHUB_IP_WINDOW=4s",
		"ONCEHUB_MAX_RATE_WAIT=30s"})
	for _, k := range fake.keys { // OnceHub accepts each key: each tenant has a lane of its own
		require.True(t, callTool(t, base, k, "test_api_key", nil).ok())
	}
	fake.ResetRequests()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var failed atomic.Int64
	for _, k := range fake.keys {
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					if a := callTool(t, base, k, "test_api_key", nil); !a.ok() {
						failed.Add(1)
					}
				}
			}()
		}
	}
	// Enough turns for a meaningful share: 80 requests (about 9 s).
	require.Eventually(t, func() bool { return len(fake.Requests()) >= 80 }, 120*time.Second, 50*time.Millisecond)
	counts := fake.requestsBy()
	close(stop)
	wg.Wait()
	total := 0
	for _, n := range counts {
		total += n
	}
	fair := float64(total) / 4
	for _, k := range fake.keys {
		assert.InDelta(t, fair, counts[k], 0.2*fair, "tenant %s: %d of %d requests", k[:13], counts[k], total)
	}
	assert.Zero(t, fake.RateLimited(), "no 429 for the per-account limit")
	assert.Zero(t, fake.IPLimited(), "no 429 for the per-IP limit")
	assert.Zero(t, failed.Load(), "every call was served, none refused")
}

// A hundred concurrent resources/read from one tenant: admitted like tool
// calls, never more than the tenant's share at once, every read answered.
func TestResourcesReadFloodIsBounded(t *testing.T) {
	t.Parallel()

	fake := newEnforcingFake(t, 100000, time.Minute)
	fake.delay = 20 * time.Millisecond
	_, base, _ := startHTTPBinary(t, []string{"ONCEHUB_API_URL=" + fake.url, "ONCEHUB_IP_LIMIT=0", "ONCEHUB_RATE_LIMIT=0",
		"ONCEHUB_CACHE_TTL=0"}, "--max-in-flight", "4", "--max-in-flight-per-caller", "2")
	key := fake.keys[2]
	require.True(t, callTool(t, base, key, "test_api_key", nil).ok())
	fake.peak.Store(0)
	var wg sync.WaitGroup
	var okReads, refused atomic.Int64
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := post(t, base, key, "resources/read", map[string]any{"uri": "oncehub://users"})
			switch {
			case a.status == 200 && a.Error == nil && len(a.Result.Contents) == 1:
				okReads.Add(1)
			case a.status == http.StatusTooManyRequests:
				refused.Add(1)
			default:
				t.Errorf("read: status %d %v", a.status, a.Error)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int64(100), okReads.Load()+refused.Load(), "every read answered")
	assert.Positive(t, okReads.Load())
	assert.LessOrEqual(t, fake.peak.Load(), int64(2), "never more than the tenant's 2 at once reached OnceHub")
}

// SIGTERM while schedule_meeting waits for OnceHub, past --shutdown-timeout:
// the caller gets a JSON-RPC error saying the server stopped, that the
// booking may or may not have been made, and how to check.
func TestShutdownMidWriteSaysHowToCheck(t *testing.T) {
	t.Parallel()

	fake := fakeoncehub.New(fakeoncehub.Options{})
	entered := make(chan struct{}, 1)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/schedule") {
			_, _ = io.Copy(io.Discard, r.Body) // then the server notices the client leaving
			entered <- struct{}{}
			<-r.Context().Done() // OnceHub never answers
			return
		}
		fake.ServeHTTP(w, r)
	}))
	defer up.Close()
	cmd, base, logs := startHTTPBinary(t, []string{"ONCEHUB_API_URL=" + up.URL + "/v2", "ONCEHUB_RATE_LIMIT=0", "ONCEHUB_IP_LIMIT=0"},
		"--shutdown-timeout", "300ms")
	key := fakeoncehub.TestKey
	var calendar string
	cals := callTool(t, base, key, "list_booking_calendars", nil)
	require.True(t, cals.ok(), cals.text())
	calendar = regexp.MustCompile(`BKC-[A-Z0-9]+`).FindString(cals.text())
	require.NotEmpty(t, calendar, cals.text())

	out := make(chan rpcAnswer, 1)
	go func() {
		out <- callTool(t, base, key, "schedule_meeting", map[string]any{
			"booking_calendar_id": calendar, "start_time": time.Now().Add(72 * time.Hour).UTC().Truncate(time.Hour).Format(time.RFC3339),
			"guest_time_zone": "Europe/London", "name": "Ada Lovelace", "email": "ada@example.com",
		})
	}()
	select {
	case <-entered:
	case a := <-out:
		t.Fatalf("schedule_meeting did not reach OnceHub: %s %v", a.text(), a.Error)
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	a := <-out
	require.NotNil(t, a.Error, "a JSON-RPC error, not a closed connection (status %d)", a.status)
	assert.Contains(t, a.Error.Message, "The server stopped")
	assert.Contains(t, a.Error.Message, "schedule_meeting")
	assert.Contains(t, a.Error.Message, "may or may not have been made")
	assert.Contains(t, a.Error.Message, "list_bookings")
	assert.Contains(t, a.Error.Message, calendar, "names the calendar to look at")
	err := cmd.Wait()
	assert.Error(t, err, "exit status 1: calls were cut off")
	assert.Contains(t, logs.String(), "1 calls were answered that the server stopped")
}

var metricsAddr = regexp.MustCompile(`serving metrics.* addr=(\S+)`)

// --metrics-addr serves /metrics on a listener of its own, and the MCP port
// no longer does.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	t.Parallel()

	_, base, logs := startHTTPBinary(t, []string{"ONCEHUB_API_URL=https://api.oncehub.com/v2"}, "--metrics-addr", "127.0.0.1:0")
	m := metricsAddr.FindStringSubmatch(logs.String())
	require.NotNil(t, m, logs.String())
	resp, err := http.Get("http://" + m[1] + "/metrics")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.Contains(t, string(body), "oncehub_mcp_tool_calls_in_flight")
	resp, err = http.Get(base + "/metrics")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}
