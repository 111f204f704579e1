package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testdeps"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

// Confirmation over HTTP, against the built binary, with both real clients
// on both protocol versions: accepting cancels the booking; declining or
// dismissing keeps it, and nothing is sent to OnceHub.

// sessionEnv is the environment of the binary: the fake OnceHub, a shared
// server secret, no rate limit.
func sessionEnv(env *testenv.Env, extra ...string) []string {
	return append([]string{
		"ONCEHUB_API_URL=" + env.APIURL, "ONCEHUB_RATE_LIMIT=0",
		"ONCEHUB_SERVER_SECRET=" + strings.Repeat("shared-secret-", 4),
	}, extra...)
}

// upcomingBookings returns the IDs of scheduled bookings of the test account
// that can still be canceled, read straight from the fake.
func upcomingBookings(t *testing.T, env *testenv.Env) []string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.APIURL+"/bookings?status=scheduled&limit=100", nil)
	require.NoError(t, err)
	req.Header.Set("API-Key", fakeoncehub.TestKey)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var page struct {
		Data []struct {
			ID           string    `json:"id"`
			StartingTime time.Time `json:"starting_time"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&page))
	var ids []string
	for _, b := range page.Data {
		if b.StartingTime.After(testenv.Now) {
			ids = append(ids, b.ID)
		}
	}
	env.Fake.ResetRequests()
	require.NotEmpty(t, ids)
	return ids
}

// sentFor lists "METHOD path" of the fake's requests about booking id.
func sentFor(env *testenv.Env, id string) []string {
	var out []string
	for _, r := range env.Fake.Requests() {
		if strings.Contains(r.Path, id) {
			out = append(out, r.Method+" "+r.Path)
		}
	}
	return out
}

// steer adds the API key to every request and, through nginx, chooses the
// replica by what the request is (X-Test-Backend): the call on replica 1,
// the answer to the question (or, on 2026-07-28, the call's retry carrying
// the answer) on replica 2. It records which replica served each kind.
type steer struct {
	key    string
	split  bool
	mu     sync.Mutex
	served map[string][]string // kind → X-Upstream of each answer
	sent   map[string][]string // kind → X-Test-Backend of each request
	cut    func(kind string) bool
	resume string // X-Test-Backend for GETs (stream resumption)
}

func (s *steer) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		_ = r.Body.Close()
	}
	r = r.Clone(r.Context())
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.Header.Set("API-Key", s.key)
	k := requestKind(r, body)
	if s.split {
		switch k {
		case "tools/call":
			r.Header.Set("X-Test-Backend", "1")
		case "tools/call retry", "answer":
			r.Header.Set("X-Test-Backend", "2")
		}
	}
	if k == "resume" && s.resume != "" {
		r.Header.Set("X-Test-Backend", s.resume)
	}
	s.mu.Lock()
	if s.sent == nil {
		s.sent = map[string][]string{}
	}
	s.sent[k] = append(s.sent[k], r.Header.Get("X-Test-Backend"))
	s.mu.Unlock()
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.served == nil {
		s.served = map[string][]string{}
	}
	s.served[k] = append(s.served[k], resp.Header.Get("X-Upstream"))
	s.mu.Unlock()
	if s.cut != nil && s.cut(k) && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		resp.Body = &cutAfterFirstEvent{rc: resp.Body}
	}
	return resp, nil
}

func (s *steer) backends(kind string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.sent[kind]...)
}

func (s *steer) upstreams(kind string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.served[kind]...)
}

// requestKind names a request by its JSON-RPC method; "answer" for a
// response to the server's question, "tools/call retry" for a 2026-07-28
// call that carries answers, "resume" for a GET with Last-Event-ID.
func requestKind(r *http.Request, body []byte) string {
	if r.Method == http.MethodGet && r.Header.Get("Last-Event-ID") != "" {
		return "resume"
	}
	if r.Method != http.MethodPost {
		return r.Method
	}
	var m struct {
		Method string          `json:"method"`
		ID     json.RawMessage `json:"id"`
		Params struct {
			InputResponses json.RawMessage `json:"inputResponses"`
		} `json:"params"`
	}
	_ = json.Unmarshal(body, &m)
	switch {
	case m.Method == "" && len(m.ID) > 0:
		return "answer"
	case m.Method == "tools/call" && len(m.Params.InputResponses) > 0:
		return "tools/call retry"
	}
	return m.Method
}

// cutAfterFirstEvent ends an SSE body after its first event, as a dropped
// connection would.
type cutAfterFirstEvent struct {
	rc   io.ReadCloser
	seen []byte
	done bool
}

func (c *cutAfterFirstEvent) Read(p []byte) (int, error) {
	if c.done {
		return 0, io.EOF
	}
	n, err := c.rc.Read(p)
	c.seen = append(c.seen, p[:n]...)
	if i := bytes.Index(c.seen, []byte("\n\n")); i >= 0 {
		c.done = true
		_ = c.rc.Close()
		return n - (len(c.seen) - (i + 2)), nil
	}
	return n, err
}

func (c *cutAfterFirstEvent) Close() error { return c.rc.Close() }

// confirmer is a person at the client answering every question with action
// ("": one who answers only after the server stopped waiting).
type confirmer struct {
	action string
	asked  atomic.Int32
}

// late waits until well after the server's confirm timeout (1s in the tests
// that use it), or until the client gives up.
func (c *confirmer) late(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(3 * time.Second):
		return errors.New("the user walked away")
	}
}

// mcpClient is a connected client of either library.
type mcpClient struct {
	call      func(name string, args map[string]any, progress string) (isError bool, text string, err error)
	sessionID func() string
}

// connectMCPGo connects mcp-go's client over HTTP through hc.
func connectMCPGo(t *testing.T, url, proto string, hc *http.Client, who *confirmer, onNote func(method string, params map[string]any)) mcpClient {
	t.Helper()
	tr, err := transport.NewStreamableHTTP(url+"/mcp", transport.WithHTTPBasicClient(hc))
	require.NoError(t, err)
	opts := []client.ClientOption{client.WithProtocolVersion(proto)}
	if who != nil {
		opts = append(opts, client.WithElicitationHandler(elicitFunc(func(ctx context.Context, _ mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
			who.asked.Add(1)
			if who.action == "" {
				return nil, who.late(ctx)
			}
			res := &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseAction(who.action)}}
			if who.action == "accept" {
				res.Content = map[string]any{"confirm": true}
			}
			return res, nil
		})))
	}
	c := client.NewClient(tr, opts...)
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Close() })
	if onNote != nil {
		c.OnNotification(func(n mcp.JSONRPCNotification) { onNote(n.Method, n.Params.AdditionalFields) })
	}
	testenv.Initialize(t, c)
	return mcpClient{
		call: func(name string, args map[string]any, progress string) (bool, string, error) {
			req := mcp.CallToolRequest{}
			req.Params.Name, req.Params.Arguments = name, args
			if progress != "" {
				req.Params.Meta = &mcp.Meta{ProgressToken: progress}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			res, err := c.CallTool(ctx, req)
			if err != nil {
				return false, "", err
			}
			return res.IsError, testenv.Text(res), nil
		},
		sessionID: c.GetSessionId,
	}
}

type elicitFunc func(context.Context, mcp.ElicitationRequest) (*mcp.ElicitationResult, error)

func (f elicitFunc) Elicit(ctx context.Context, r mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	return f(ctx, r)
}

// connectGoSDK connects the official go-sdk client over HTTP through hc.
func connectGoSDK(t *testing.T, url, proto string, hc *http.Client, who *confirmer, onNote func(method string, params map[string]any)) mcpClient {
	t.Helper()
	opts := &sdk.ClientOptions{}
	if who != nil {
		opts.ElicitationHandler = func(ctx context.Context, _ *sdk.ElicitRequest) (*sdk.ElicitResult, error) {
			who.asked.Add(1)
			if who.action == "" {
				return nil, who.late(ctx)
			}
			res := &sdk.ElicitResult{Action: who.action}
			if who.action == "accept" {
				res.Content = map[string]any{"confirm": true}
			}
			return res, nil
		}
	}
	if onNote != nil {
		opts.ProgressNotificationHandler = func(_ context.Context, r *sdk.ProgressNotificationClientRequest) {
			onNote("notifications/progress", map[string]any{"progress": r.Params.Progress, "total": r.Params.Total, "message": r.Params.Message})
		}
	}
	cl := sdk.NewClient(&sdk.Implementation{Name: "go-sdk-test", Version: "1"}, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var sessID string
	cs, err := cl.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: url + "/mcp", HTTPClient: &http.Client{Transport: sessionIDSpy{hc.Transport, &sessID}}},
		&sdk.ClientSessionOptions{ProtocolVersion: proto})
	require.NoError(t, err)
	t.Cleanup(func() { _ = cs.Close() })
	return mcpClient{
		call: func(name string, args map[string]any, progress string) (bool, string, error) {
			p := &sdk.CallToolParams{Name: name, Arguments: args}
			if progress != "" {
				p.SetProgressToken(progress)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			res, err := cs.CallTool(ctx, p)
			if err != nil {
				return false, "", err
			}
			var text string
			for _, c := range res.Content {
				if tc, ok := c.(*sdk.TextContent); ok {
					text += tc.Text
				}
			}
			return res.IsError, text, nil
		},
		sessionID: func() string { return sessID },
	}
}

// sessionIDSpy remembers the Mcp-Session-Id the server hands out.
type sessionIDSpy struct {
	next http.RoundTripper
	id   *string
}

func (s sessionIDSpy) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(r)
	if err == nil {
		if id := resp.Header.Get("Mcp-Session-Id"); id != "" {
			*s.id = id
		}
	}
	return resp, err
}

var clientKinds = map[string]func(*testing.T, string, string, *http.Client, *confirmer, func(string, map[string]any)) mcpClient{
	"mcp-go": connectMCPGo,
	"go-sdk": connectGoSDK,
}

// checkConfirmation runs cancel_booking on booking id with a person
// answering action, and checks what reached OnceHub.
func checkConfirmation(t *testing.T, env *testenv.Env, c mcpClient, who *confirmer, id string) {
	t.Helper()
	isErr, text, err := c.call("cancel_booking", map[string]any{"booking_id": id, "reason": "Conflict"}, "")
	require.NoError(t, err)
	assert.Equal(t, int32(1), who.asked.Load(), "asked once")
	if who.action == "accept" {
		require.False(t, isErr, text)
		assert.Contains(t, text, `"status":"canceled"`)
		assert.Contains(t, sentFor(env, id), "POST /bookings/"+id+"/cancel")
		return
	}
	require.True(t, isErr, text)
	assert.Contains(t, text, "The user did not confirm")
	assert.Contains(t, text, "nothing was sent to OnceHub")
	for _, m := range sentFor(env, id) {
		assert.True(t, strings.HasPrefix(m, "GET "), "only reads reached OnceHub: %s", m)
	}
}

func TestHTTPConfirmationWithRealClientsOnBothProtocols(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	_, base, _ := startHTTPBinary(t, sessionEnv(env))
	ids := upcomingBookings(t, env)
	n := 0
	for _, kind := range []string{"mcp-go", "go-sdk"} {
		for _, proto := range []string{testenv.Protocol2025, testenv.ProtocolLatest} {
			for _, action := range []string{"accept", "decline", "cancel"} {
				id := ids[n]
				t.Run(kind+"/"+proto+"/"+action, func(t *testing.T) {
					t.Parallel()

					who := &confirmer{action: action}
					c := clientKinds[kind](t, base, proto, &http.Client{Transport: &steer{key: fakeoncehub.TestKey}}, who, nil)
					if proto == testenv.Protocol2025 {
						assert.NotEmpty(t, c.sessionID(), "a 2025-11-25 client gets a session")
					}
					checkConfirmation(t, env, c, who, id)
				})
				n++
			}
		}
	}
}

// Two replicas behind nginx sharing Redis and the server secret: the call
// runs on replica 1, the answer is sent to replica 2, and the confirmation
// still holds.
func TestHTTPConfirmationAcrossTwoReplicas(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	redisURL := testdeps.Redis(t)
	shared := sessionEnv(env, "ONCEHUB_REDIS_URL="+redisURL)
	_, r1, logs1 := startHTTPBinary(t, shared)
	_, r2, logs2 := startHTTPBinary(t, shared)
	lb := testdeps.StartNginx(t, strings.TrimPrefix(r1, "http://"), strings.TrimPrefix(r2, "http://"))
	ids := upcomingBookings(t, env)
	// 2025-11-25: replica 2 passed each answer on through Redis, and replica 1
	// handed it to the waiting call (the clients may drop the answer's 202
	// once the call's result is in, so the replicas' logs tell). Checked once
	// every subtest has finished.
	t.Cleanup(func() {
		assert.Equal(t, 6, strings.Count(logs2.String(), "answer passed on to the other replicas"))
		assert.Equal(t, 6, strings.Count(logs1.String(), "answer from another replica delivered to the call waiting for it"))
		assert.NotContains(t, logs1.String()+logs2.String(), fakeoncehub.TestKey)
	})
	n := 0
	for _, kind := range []string{"mcp-go", "go-sdk"} {
		for _, proto := range []string{testenv.Protocol2025, testenv.ProtocolLatest} {
			for _, action := range []string{"accept", "decline", "cancel"} {
				id := ids[n]
				t.Run(kind+"/"+proto+"/"+action, func(t *testing.T) {
					t.Parallel()

					who := &confirmer{action: action}
					st := &steer{key: fakeoncehub.TestKey, split: true}
					c := clientKinds[kind](t, lb.URL, proto, &http.Client{Transport: st}, who, nil)
					checkConfirmation(t, env, c, who, id)
					answer := "answer" // 2025-11-25: the answer to the question on the call's stream
					if proto == testenv.ProtocolLatest {
						answer = "tools/call retry" // 2026-07-28: the call again, with the answer
					}
					assert.Equal(t, []string{strings.TrimPrefix(r1, "http://")}, st.upstreams("tools/call"), "the call ran on replica 1")
					assert.Equal(t, []string{"2"}, st.backends(answer), "the answer was sent to replica 2")
					if proto == testenv.ProtocolLatest {
						assert.Equal(t, []string{strings.TrimPrefix(r2, "http://")}, st.upstreams(answer), "and replica 2 served it")
					}
				})
				n++
			}
		}
	}
}

// A question that is never answered ends the call: not confirmed, nothing sent.
func TestHTTPUnansweredConfirmationSendsNothing(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	_, base, _ := startHTTPBinary(t, sessionEnv(env, "ONCEHUB_CONFIRM_TIMEOUT=1s"))
	ids := upcomingBookings(t, env)
	for i, kind := range []string{"mcp-go", "go-sdk"} {
		id := ids[i]
		t.Run(kind, func(t *testing.T) {
			t.Parallel()

			who := &confirmer{} // never answers
			c := clientKinds[kind](t, base, testenv.Protocol2025, &http.Client{Transport: &steer{key: fakeoncehub.TestKey}}, who, nil)
			isErr, text, err := c.call("cancel_booking", map[string]any{"booking_id": id}, "")
			require.NoError(t, err)
			require.True(t, isErr, text)
			assert.Contains(t, text, "Not confirmed: no answer to the confirmation question came within 1s")
			assert.Contains(t, text, "nothing was sent to OnceHub")
			assert.Equal(t, []string{"GET /bookings/" + id}, sentFor(env, id))
		})
	}
}

// A session ID is bound to the credential that started it.
func TestHTTPSessionReplayedWithAnotherTenantsKeyIsRefused(t *testing.T) {
	t.Parallel()

	const keyB = "second-key-9876543210"
	env := testenv.New(t, func(s testenv.Setup) {
		s.Fake.Keys = map[string]string{fakeoncehub.TestKey: fakeoncehub.TestAccount, keyB: "other@example.com"}
	})
	_, base, logs := startHTTPBinary(t, sessionEnv(env))
	a := connectMCPGo(t, base, testenv.Protocol2025, &http.Client{Transport: &steer{key: fakeoncehub.TestKey}}, nil, nil)
	_, _, err := a.call("test_api_key", nil, "")
	require.NoError(t, err)
	stolen := a.sessionID()
	require.NotEmpty(t, stolen)
	env.Fake.ResetRequests()

	// Tenant B's client, with B's own key, presents A's session ID.
	// Sequential: what reached OnceHub and A's session are checked after.
	for kind, connect := range clientKinds {
		t.Run(kind, func(t *testing.T) {
			swap := &swapSession{next: &steer{key: keyB}, id: stolen}
			b := connect(t, base, testenv.Protocol2025, &http.Client{Transport: swap}, nil, nil)
			_, _, err := b.call("get_current_time", map[string]any{"time_zone": "UTC"}, "") // no upstream call: the zone is given
			require.NoError(t, err, "B's own session works")
			swap.on.Store(true)
			_, _, err = b.call("test_api_key", nil, "")
			require.Error(t, err)
			if kind == "mcp-go" {
				assert.True(t, errors.Is(err, transport.ErrSessionTerminated), "%v", err)
			} else {
				assert.True(t, errors.Is(err, sdk.ErrSessionMissing), "%v", err)
			}
		})
	}
	assert.Empty(t, env.Fake.Requests(), "nothing reached OnceHub")
	assert.Contains(t, logs.String(), "refused a session ID presented with another credential")
	assert.NotContains(t, logs.String(), keyB)

	// A's own calls are unaffected.
	isErr, text, err := a.call("test_api_key", nil, "")
	require.NoError(t, err)
	assert.False(t, isErr, text)
}

// swapSession replaces the session ID a client sends with another, once on.
type swapSession struct {
	next http.RoundTripper
	id   string
	on   atomic.Bool
}

func (s *swapSession) RoundTrip(r *http.Request) (*http.Response, error) {
	if s.on.Load() && r.Header.Get("Mcp-Session-Id") != "" {
		r = r.Clone(r.Context())
		r.Header.Set("Mcp-Session-Id", s.id)
	}
	return s.next.RoundTrip(r)
}

// Progress notifications arrive during a list_bookings that walks three
// pages, on a session (2025-11-25) and statelessly (2026-07-28).
func TestHTTPProgressDuringAMultiPageList(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	_, base, _ := startHTTPBinary(t, sessionEnv(env))
	for _, tc := range []struct{ kind, proto string }{
		{"mcp-go", testenv.Protocol2025}, {"mcp-go", testenv.ProtocolLatest},
		{"go-sdk", testenv.Protocol2025}, {"go-sdk", testenv.ProtocolLatest},
	} {
		// Sequential: each subtest counts the fake's requests.
		t.Run(tc.kind+"/"+tc.proto, func(t *testing.T) {
			var mu sync.Mutex
			var progress []float64
			var messages []string
			note := func(method string, p map[string]any) {
				if method != "notifications/progress" {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				progress = append(progress, toFloat(p["progress"]))
				messages = append(messages, fmt.Sprint(p["message"]))
				assert.Equal(t, 250.0, toFloat(p["total"]))
			}
			c := clientKinds[tc.kind](t, base, tc.proto, &http.Client{Transport: &steer{key: fakeoncehub.TestKey}}, nil, note)
			env.Fake.ResetRequests()
			isErr, text, err := c.call("list_bookings", map[string]any{"max_results": 250}, "walk-1")
			require.NoError(t, err)
			require.False(t, isErr, text)
			assert.Len(t, env.Fake.Requests(), 3, "three pages")
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, []float64{100, 200, 250}, progress)
			assert.Equal(t, "read 250 items in 3 pages (up to 250 wanted)", messages[len(messages)-1])
		})
	}
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int:
		return float64(n)
	}
	return -1
}

// A session unused for the idle timeout is forgotten: the client is told to
// initialize again.
func TestHTTPIdleSessionExpires(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	_, base, _ := startHTTPBinary(t, sessionEnv(env, "ONCEHUB_SESSION_IDLE_TIMEOUT=2s"))
	for _, kind := range []string{"mcp-go", "go-sdk"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()

			c := clientKinds[kind](t, base, testenv.Protocol2025, &http.Client{Transport: &steer{key: fakeoncehub.TestKey}}, nil, nil)
			_, _, err := c.call("get_current_time", nil, "")
			require.NoError(t, err, "in use")
			time.Sleep(3 * time.Second)
			_, _, err = c.call("get_current_time", nil, "")
			require.Error(t, err, "idle for longer than 2s")
			if kind == "mcp-go" {
				assert.True(t, errors.Is(err, transport.ErrSessionTerminated), "%v", err)
			} else {
				assert.True(t, errors.Is(err, sdk.ErrSessionMissing), "%v", err)
			}
		})
	}
}

// With Redis, a call's stream that breaks is resumed with Last-Event-ID on
// the other replica, and the result arrives.
func TestHTTPStreamResumesOnTheOtherReplica(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	shared := sessionEnv(env, "ONCEHUB_REDIS_URL="+testdeps.Redis(t))
	_, r1, _ := startHTTPBinary(t, shared)
	_, r2, _ := startHTTPBinary(t, shared)
	lb := testdeps.StartNginx(t, strings.TrimPrefix(r1, "http://"), strings.TrimPrefix(r2, "http://"))
	for _, kind := range []string{"mcp-go", "go-sdk"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()

			var mu sync.Mutex
			var progress []float64
			note := func(method string, p map[string]any) {
				if method == "notifications/progress" {
					mu.Lock()
					progress = append(progress, toFloat(p["progress"]))
					mu.Unlock()
				}
			}
			st := &steer{key: fakeoncehub.TestKey, split: true, resume: "2", cut: func(k string) bool { return k == "tools/call" }}
			c := clientKinds[kind](t, lb.URL, testenv.Protocol2025, &http.Client{Transport: st}, nil, note)
			isErr, text, err := c.call("list_bookings", map[string]any{"max_results": 250}, "walk-2")
			require.NoError(t, err)
			require.False(t, isErr, text)
			assert.Contains(t, text, "\ncount=250; has_more=true", "the whole walk, its paging line last")
			assert.Equal(t, []string{strings.TrimPrefix(r1, "http://")}, st.upstreams("tools/call"))
			resumed := st.upstreams("resume")
			require.NotEmpty(t, resumed, "the stream was resumed")
			for _, u := range resumed {
				assert.Equal(t, strings.TrimPrefix(r2, "http://"), u, "on replica 2")
			}
			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, []float64{100, 200, 250}, progress, "the first live, the rest replayed")
		})
	}
}

// The report that opened issue #12: the official TypeScript SDK client, on
// 2025-11-25 with elicitation declared, over HTTP. It is asked; declining
// keeps the booking, accepting cancels it.
func TestTypeScriptSDKClientIsAskedToConfirm(t *testing.T) {
	t.Parallel()

	dir, node := testdeps.JSModules(t)
	env := testenv.New(t)
	_, base, logs := startHTTPBinary(t, sessionEnv(env))
	ids := upcomingBookings(t, env)
	for i, answer := range []string{"decline", "cancel", "accept"} {
		t.Run(answer, func(t *testing.T) {
			t.Parallel()

			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, node, filepath.Join(dir, "confirm.mjs"))
			cmd.Dir = dir
			cmd.Env = []string{"MCP_URL=" + base + "/mcp", "ONCEHUB_KEY=" + fakeoncehub.TestKey, "BOOKING=" + ids[i], "ANSWER=" + answer,
				"PATH=/usr/bin:/bin:/usr/local/bin"}
			out, err := cmd.Output()
			stderr := ""
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			require.NoError(t, err, "node: %s\n%s\nserver:\n%s", out, stderr, logs.String())
			var got struct {
				Session  bool     `json:"session"`
				Protocol string   `json:"protocol"`
				Asked    []string `json:"asked"`
				IsError  bool     `json:"isError"`
				Text     string   `json:"text"`
			}
			require.NoError(t, json.Unmarshal(out, &got), "%s", out)
			assert.True(t, got.Session, "the client got a session")
			assert.Equal(t, testenv.Protocol2025, got.Protocol)
			require.Len(t, got.Asked, 1, "asked once")
			assert.Contains(t, got.Asked[0], "Cancel booking "+ids[i])
			if answer == "accept" {
				assert.False(t, got.IsError, got.Text)
				assert.Contains(t, sentFor(env, ids[i]), "POST /bookings/"+ids[i]+"/cancel")
				return
			}
			assert.True(t, got.IsError, got.Text)
			assert.Contains(t, got.Text, "The user did not confirm")
			assert.Equal(t, []string{"GET /bookings/" + ids[i]}, sentFor(env, ids[i]), "nothing but the read for the summary")
		})
	}
}

// Over stdio (the built binary), on both protocol versions: asked every time;
// declining keeps the booking, accepting cancels it.
func TestStdioConfirmationOnBothProtocols(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	ids := upcomingBookings(t, env)
	n := 0
	for _, proto := range []string{testenv.Protocol2025, testenv.ProtocolLatest} {
		for _, action := range []string{"decline", "accept"} {
			id := ids[n]
			t.Run(proto+"/"+action, func(t *testing.T) {
				t.Parallel()

				who := &confirmer{action: action}
				c := env.StdioWith(t, []string{"ONCEHUB_API_KEY=" + fakeoncehub.TestKey}, []client.ClientOption{
					client.WithProtocolVersion(proto),
					client.WithElicitationHandler(elicitFunc(func(context.Context, mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
						who.asked.Add(1)
						res := &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: mcp.ElicitationResponseAction(action)}}
						if action == "accept" {
							res.Content = map[string]any{"confirm": true}
						}
						return res, nil
					})),
				})
				mc := mcpClient{call: func(name string, args map[string]any, _ string) (bool, string, error) {
					req := mcp.CallToolRequest{}
					req.Params.Name, req.Params.Arguments = name, args
					res, err := c.CallTool(context.Background(), req)
					if err != nil {
						return false, "", err
					}
					return res.IsError, testenv.Text(res), nil
				}}
				checkConfirmation(t, env, mc, who, id)
			})
			n++
		}
	}
}
