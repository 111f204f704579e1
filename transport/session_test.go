package transport_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	mcptransport "github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/testdeps"
	"github.com/oncehub-mcp/oncehub-mcp/transport"
)

var sessionKey = bytes.Repeat([]byte("k"), 32)

// sessionOpts are sessions bound to the caller's API-Key header.
func sessionOpts(mod ...func(*transport.SessionOptions)) *transport.SessionOptions {
	o := &transport.SessionOptions{Key: sessionKey, Caller: func(r *http.Request) string { return r.Header.Get("API-Key") }}
	for _, m := range mod {
		m(o)
	}
	return o
}

// replica serves a fresh workServer with sessions; it returns its base URL.
func replica(t *testing.T, so *transport.SessionOptions) string {
	t.Helper()
	h := transport.NewHTTPHandler(newWorkServer().MCPServer, transport.HTTPOptions{ContextFunc: tenantContext, Sessions: so})
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); h.Close() })
	return srv.URL
}

// person answers elicitation requests with action (after an optional delay).
type person struct {
	action mcp.ElicitationResponseAction
	asked  atomic.Int32
}

func (p *person) Elicit(ctx context.Context, _ mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	p.asked.Add(1)
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: p.action}}, nil
}

// sessionClient connects an mcp-go client on protocol 2025-11-25 (or proto)
// through hc, answering questions with p (nil: no elicitation support).
func sessionClient(t *testing.T, base, key, proto string, hc *http.Client, p *person) *client.Client {
	t.Helper()
	topts := []mcptransport.StreamableHTTPCOption{mcptransport.WithHTTPHeaders(map[string]string{"API-Key": key})}
	if hc != nil {
		topts = append(topts, mcptransport.WithHTTPBasicClient(hc))
	}
	tr, err := mcptransport.NewStreamableHTTP(base+"/mcp", topts...)
	require.NoError(t, err)
	opts := []client.ClientOption{client.WithProtocolVersion(proto)}
	if p != nil {
		opts = append(opts, client.WithElicitationHandler(p))
	}
	c := client.NewClient(tr, opts...)
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Close() })
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = proto
	req.Params.ClientInfo = mcp.Implementation{Name: "t", Version: "1"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = c.Initialize(ctx, req)
	require.NoError(t, err)
	return c
}

func call(t *testing.T, c *client.Client, name string, args map[string]any) (*mcp.CallToolResult, error) {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return c.CallTool(ctx, req)
}

// postSession sends one JSON-RPC message with a session ID and returns the
// status and body.
func postSession(t *testing.T, base, key, session string, msg string) (int, string) {
	t.Helper()
	resp := sendInSession(t, base, key, session, msg)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// sendInSession sends one JSON-RPC message with a session ID, as a client
// of protocol 2025-11-25 would, and returns the response unread (an answer
// or an event stream); the caller closes its body.
func sendInSession(t *testing.T, base, key, session string, msg string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/mcp", strings.NewReader(msg))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("MCP-Protocol-Version", protocol2025)
	req.Header.Set("API-Key", key)
	req.Header.Set("Mcp-Session-Id", session)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	return resp
}

const listTools = `{"jsonrpc":"2.0","id":5,"method":"tools/list"}`

func TestInitializeGivesA2025ClientASessionAndAModernOneNone(t *testing.T) {
	t.Parallel()

	base := replica(t, sessionOpts())
	old := sessionClient(t, base, "key-A", protocol2025, nil, nil)
	id := old.GetSessionId()
	require.True(t, strings.HasPrefix(id, "s1."), "a signed session ID: %q", id)
	res, err := call(t, old, "work", nil)
	require.NoError(t, err)
	assert.Equal(t, "tenant=key-A", text(res))

	modern := sessionClient(t, base, "key-A", protocolLatest, nil, nil)
	assert.Empty(t, modern.GetSessionId(), "2026-07-28 has no sessions")
	res, err = call(t, modern, "work", nil)
	require.NoError(t, err)
	assert.Equal(t, "tenant=key-A", text(res))

	// Requests without a session are served as before.
	resp := postRaw(t, base, "key-A", protocol2025, map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestASessionIDIsRefusedWithAnotherCredentialOrWhenForged(t *testing.T) {
	t.Parallel()

	base := replica(t, sessionOpts())
	c := sessionClient(t, base, "key-A", protocol2025, nil, nil)
	id := c.GetSessionId()

	status, body := postSession(t, base, "key-A", id, listTools)
	assert.Equal(t, http.StatusOK, status, body)

	status, body = postSession(t, base, "key-B", id, listTools)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, body, "started with another credential")
	assert.NotContains(t, body, "work", "nothing was served")

	// The same session under another replica's key, or altered.
	other := replica(t, sessionOpts(func(o *transport.SessionOptions) { o.Key = bytes.Repeat([]byte("x"), 32) }))
	status, body = postSession(t, other, "key-A", id, listTools)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, body, "unknown session ID")
	payload := strings.Split(id, ".")
	for _, forged := range []string{"s1." + payload[1] + "." + strings.Repeat("A", len(payload[2])), id + "x", "mcp-session-123", "s1.e30.AAAA"} {
		status, _ = postSession(t, base, "key-A", forged, listTools)
		assert.Equal(t, http.StatusNotFound, status, forged)
	}

	// A session's client could not even cancel with another key.
	status, _ = postSession(t, base, "key-B", id, `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}`)
	assert.Equal(t, http.StatusNotFound, status)
}

func TestSessionsIdleOutAndDeleteEndsThem(t *testing.T) {
	t.Parallel()

	var mu sync.Mutex
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	base := replica(t, sessionOpts(func(o *transport.SessionOptions) { o.IdleTimeout = time.Hour; o.Now = clock }))

	id := sessionClient(t, base, "key-A", protocol2025, nil, nil).GetSessionId()
	// Used every 50 minutes for five hours: never idle for an hour.
	for i := 0; i < 6; i++ {
		advance(50 * time.Minute)
		status, body := postSession(t, base, "key-A", id, listTools)
		require.Equal(t, http.StatusOK, status, "use %d: %s", i, body)
	}
	advance(61 * time.Minute)
	status, body := postSession(t, base, "key-A", id, listTools)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, body, "session expired after 1h0m0s unused")

	// DELETE ends a session at once (the mcp-go client sends it on Close).
	c := sessionClient(t, base, "key-A", protocol2025, nil, nil)
	id = c.GetSessionId()
	status, _ = postSession(t, base, "key-A", id, listTools)
	require.Equal(t, http.StatusOK, status)
	require.NoError(t, c.Close())
	status, body = postSession(t, base, "key-A", id, listTools)
	assert.Equal(t, http.StatusNotFound, status)
	assert.Contains(t, body, "session ended")
}

// A question asked on a session's call reaches the client on that call's
// stream; its answer comes back in a new POST and ends the wait.
func TestQuestionsAreAskedOnTheCallsStream(t *testing.T) {
	t.Parallel()

	base := replica(t, sessionOpts())
	for _, action := range []mcp.ElicitationResponseAction{mcp.ElicitationResponseActionAccept, mcp.ElicitationResponseActionDecline, mcp.ElicitationResponseActionCancel} {
		p := &person{action: action}
		c := sessionClient(t, base, "key-A", protocol2025, nil, p)
		res, err := call(t, c, "ask", nil)
		require.NoError(t, err)
		assert.Equal(t, "answer="+string(action), text(res))
		assert.Equal(t, int32(1), p.asked.Load())
	}

	// Outside a session there is nobody to ask.
	resp := postRaw(t, base, "key-A", protocol2025, map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call",
		"params": map[string]any{"name": "ask", "arguments": map[string]any{"wait_ms": 200}}})
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(b), "not asked")

	// An answer nobody waits for is refused, and changes nothing.
	id := sessionClient(t, base, "key-A", protocol2025, nil, nil).GetSessionId()
	status, body := postSession(t, base, "key-A", id, `{"jsonrpc":"2.0","id":"q-nobody","result":{"action":"accept"}}`)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, body, "no call of this session is waiting")
}

// A client that never answers: the call's own bound ends the wait.
func TestAnUnansweredQuestionEndsWithTheCallersBound(t *testing.T) {
	t.Parallel()

	base := replica(t, sessionOpts())
	c := sessionClient(t, base, "key-A", protocol2025, nil, &person{action: "accept"})
	id := c.GetSessionId()
	// The question goes out on a raw stream nobody answers.
	resp := sendInSession(t, base, "key-A", id,
		`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"ask","arguments":{"wait_ms":300}}}`)
	defer resp.Body.Close()
	assert.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	events := readEvents(t, resp.Body)
	require.Len(t, events, 2, "the question, then the result")
	assert.Equal(t, "elicitation/create", events[0]["method"])
	qid, ok := events[0]["id"].(string)
	require.True(t, ok, "a string ID, unique across replicas: %v", events[0]["id"])
	assert.True(t, strings.HasPrefix(qid, "q-"))
	assert.Contains(t, fmt.Sprint(events[1]["result"]), "not asked: context deadline exceeded")

	// Too late: the call is over.
	status, _ := postSession(t, base, "key-A", id, `{"jsonrpc":"2.0","id":"`+qid+`","result":{"action":"accept"}}`)
	assert.Equal(t, http.StatusBadRequest, status)
}

// readEvents reads an SSE body to its end and decodes each event's data.
func readEvents(t *testing.T, r io.Reader) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			var m map[string]any
			require.NoError(t, json.Unmarshal([]byte(d), &m))
			out = append(out, m)
		}
	}
	return out
}

func TestLogLevelIsKeptForTheSession(t *testing.T) {
	t.Parallel()

	base := replica(t, sessionOpts())
	c := sessionClient(t, base, "key-A", protocol2025, nil, nil)
	var mu sync.Mutex
	var got []string
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == "notifications/message" {
			mu.Lock()
			got = append(got, fmt.Sprint(n.Params.AdditionalFields["data"]))
			mu.Unlock()
		}
	})
	_, err := call(t, c, "log", map[string]any{"level": "info"})
	require.NoError(t, err)
	//nolint:staticcheck // logging/setLevel of 2025-11-25 sessions is what this test covers
	require.NoError(t, c.SetLevel(context.Background(), mcp.SetLevelRequest{Params: mcp.SetLevelParams{Level: mcp.LoggingLevelInfo}}))
	_, err = call(t, c, "log", map[string]any{"level": "info"})
	require.NoError(t, err)
	_, err = call(t, c, "log", map[string]any{"level": "debug"})
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"a info message"}, got, "info only after setLevel info, debug never")
}

// Within a session, notifications/cancelled cancels that session's call of
// that ID, and nobody else's.
func TestASessionCancelsItsOwnCallsOnly(t *testing.T) {
	t.Parallel()

	ws := newWorkServer()
	h := transport.NewHTTPHandler(ws.MCPServer, transport.HTTPOptions{ContextFunc: tenantContext, Sessions: sessionOpts()})
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); h.Close() })
	a := sessionClient(t, srv.URL, "key-A", protocol2025, nil, nil).GetSessionId()
	b := sessionClient(t, srv.URL, "key-B", protocol2025, nil, nil).GetSessionId()

	held := func(session, key string) chan int {
		done := make(chan int, 1)
		go func() {
			status, _ := postSession(t, srv.URL, key, session, `{"jsonrpc":"2.0","id":77,"method":"tools/call","params":{"name":"work","arguments":{"hold":true}}}`)
			done <- status
		}()
		<-ws.started
		return done
	}
	doneA, doneB := held(a, "key-A"), held(b, "key-B")
	status, _ := postSession(t, srv.URL, "key-B", b, `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":77}}`)
	assert.Equal(t, http.StatusAccepted, status)
	require.Eventually(t, func() bool { return ws.cancelled.Load() == 1 }, 5*time.Second, 5*time.Millisecond)
	<-doneB
	select {
	case <-doneA:
		t.Fatal("B's cancellation ended A's call of the same ID")
	case <-time.After(50 * time.Millisecond):
	}
	close(ws.release)
	assert.Equal(t, http.StatusOK, <-doneA)
	assert.Equal(t, int64(1), ws.cancelled.Load())
}

// The in-memory session table holds at most MaxEntries sessions.
func TestTheMemorySessionTableIsBounded(t *testing.T) {
	t.Parallel()

	var mu sync.Mutex
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	base := replica(t, sessionOpts(func(o *transport.SessionOptions) {
		o.IdleTimeout, o.Now, o.MaxEntries = 10*time.Minute, clock, 3
	}))
	var ids []string
	for i := 0; i < 5; i++ {
		ids = append(ids, sessionClient(t, base, "key-A", protocol2025, nil, nil).GetSessionId())
	}
	mu.Lock()
	now = now.Add(2 * time.Minute) // past a tenth of the idle timeout: uses are recorded
	mu.Unlock()
	for _, id := range ids {
		status, _ := postSession(t, base, "key-A", id, listTools)
		require.Equal(t, http.StatusOK, status)
	}
	// Sessions whose use could not be recorded still live on their token
	// until an idle timeout after they began.
	mu.Lock()
	now = now.Add(9 * time.Minute)
	mu.Unlock()
	alive := 0
	for _, id := range ids {
		if status, _ := postSession(t, base, "key-A", id, listTools); status == http.StatusOK {
			alive++
		}
	}
	assert.Equal(t, 3, alive, "the three recorded sessions live on; the two over the bound expired from their start")
}

// router sends each request of a client to one of several replicas, by what
// the request is, and records where each kind went.
type router struct {
	backends []*url.URL
	pick     func(method, kind string) int
	mu       sync.Mutex
	log      []string
	cut      func(kind string) bool // end this response's stream after its first event
}

func newRouter(t *testing.T, pick func(method, kind string) int, bases ...string) *router {
	rt := &router{pick: pick}
	for _, b := range bases {
		u, err := url.Parse(b)
		require.NoError(t, err)
		rt.backends = append(rt.backends, u)
	}
	return rt
}

// kind names a request: its JSON-RPC method, "answer" for a response.
func kind(method string, body []byte) string {
	if method != http.MethodPost {
		return method
	}
	var m struct {
		Method string          `json:"method"`
		ID     json.RawMessage `json:"id"`
	}
	_ = json.Unmarshal(body, &m)
	if m.Method == "" && len(m.ID) > 0 {
		return "answer"
	}
	return m.Method
}

func (rt *router) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
	}
	k := kind(r.Method, body)
	i := rt.pick(r.Method, k)
	rt.mu.Lock()
	rt.log = append(rt.log, fmt.Sprintf("%s→%d", k, i+1))
	rt.mu.Unlock()
	r2 := r.Clone(r.Context())
	r2.URL.Scheme, r2.URL.Host, r2.Host = rt.backends[i].Scheme, rt.backends[i].Host, rt.backends[i].Host
	r2.Body = io.NopCloser(bytes.NewReader(body))
	resp, err := http.DefaultTransport.RoundTrip(r2)
	if err == nil && rt.cut != nil && rt.cut(k) && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		resp.Body = &firstEventOnly{rc: resp.Body}
	}
	return resp, err
}

func (rt *router) sent() []string {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	return append([]string(nil), rt.log...)
}

// firstEventOnly ends a stream (EOF, as a dropped proxy connection would)
// after its first event.
type firstEventOnly struct {
	rc   io.ReadCloser
	seen []byte
	done bool
}

func (f *firstEventOnly) Read(p []byte) (int, error) {
	if f.done {
		return 0, io.EOF
	}
	n, err := f.rc.Read(p)
	f.seen = append(f.seen, p[:n]...)
	if i := bytes.Index(f.seen, []byte("\n\n")); i >= 0 {
		keep := n - (len(f.seen) - (i + 2))
		f.done = true
		_ = f.rc.Close()
		return keep, nil
	}
	return n, err
}

func (f *firstEventOnly) Close() error { return f.rc.Close() }

func redisClient(t *testing.T) redis.UniversalClient {
	t.Helper()
	opts, err := redis.ParseURL(testdeps.Redis(t))
	require.NoError(t, err)
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// Two replicas that share a key: a session started on one is served by the
// other; the answer to a question reaches the replica whose call asked it
// through Redis, and not without it.
func TestTheAnswerReachesTheReplicaThatAsked(t *testing.T) {
	t.Parallel()

	for _, shared := range []bool{true, false} {
		t.Run(fmt.Sprintf("redis=%v", shared), func(t *testing.T) {
			t.Parallel()

			so := sessionOpts()
			if shared {
				so.Redis = redisClient(t)
			}
			a, b := replica(t, so), replica(t, so)
			// initialize and the call on replica 1, the answer on replica 2.
			rt := newRouter(t, func(_, k string) int {
				if k == "answer" {
					return 1
				}
				return 0
			}, a, b)
			p := &person{action: mcp.ElicitationResponseActionAccept}
			c := sessionClient(t, a, "key-A", protocol2025, &http.Client{Transport: rt}, p)
			res, err := call(t, c, "ask", map[string]any{"wait_ms": 1500})
			require.NoError(t, err)
			assert.Equal(t, int32(1), p.asked.Load())
			assert.Contains(t, rt.sent(), "tools/call→1")
			assert.Contains(t, rt.sent(), "answer→2")
			if shared {
				assert.Equal(t, "answer=accept", text(res))
			} else {
				assert.Equal(t, "not asked: context deadline exceeded", text(res), "without Redis the answer cannot reach replica 1")
			}
		})
	}
}

// With Redis, a stream that breaks is resumed with Last-Event-ID on another
// replica, and the call, which a dropped connection does not cancel, still
// answers.
func TestAStreamResumesOnAnotherReplica(t *testing.T) {
	t.Parallel()

	so := sessionOpts()
	so.Redis = redisClient(t)
	a, b := replica(t, so), replica(t, so)
	rt := newRouter(t, func(method, _ string) int {
		if method == http.MethodGet {
			return 1 // the resumption goes to replica 2
		}
		return 0
	}, a, b)
	rt.cut = func(k string) bool { return k == "tools/call" }
	c := sessionClient(t, a, "key-A", protocol2025, &http.Client{Transport: rt}, nil)
	var mu sync.Mutex
	var progress []float64
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == "notifications/progress" {
			mu.Lock()
			progress = append(progress, n.Params.AdditionalFields["progress"].(float64))
			mu.Unlock()
		}
	})
	req := mcp.CallToolRequest{}
	req.Params.Name = "work"
	req.Params.Arguments = map[string]any{"steps": 5}
	req.Params.Meta = &mcp.Meta{ProgressToken: "p1"}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, err := c.CallTool(ctx, req)
	require.NoError(t, err)
	assert.Equal(t, "tenant=key-A", text(res))
	assert.Contains(t, rt.sent(), "GET→2", "resumed on replica 2")
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []float64{1, 2, 3, 4, 5}, progress, "the first live, the rest replayed, none twice")
}

// Without a session nothing changes: the existing isolation test, with
// sessions switched on (its clients then use them).
func TestTenantsCannotCancelOrObserveEachOtherInSessions(t *testing.T) {
	t.Parallel()

	testTenantIsolation(t, sessionOpts())
}

// Every notification a call sends reaches the client before its result, on
// both protocol versions, with and without a session, even when the handler
// returns right after sending it.
func TestNoNotificationIsLost(t *testing.T) {
	t.Parallel()

	for _, so := range []*transport.SessionOptions{nil, sessionOpts()} {
		for _, proto := range []string{protocol2025, protocolLatest} {
			t.Run(fmt.Sprintf("sessions=%v/%s", so != nil, proto), func(t *testing.T) {
				t.Parallel()

				url := serve(t, newWorkServer(), transport.HTTPOptions{Sessions: so})
				c := sessionClient(t, url, "key-A", proto, nil, nil)
				var got atomic.Int64
				c.OnNotification(func(n mcp.JSONRPCNotification) {
					if n.Method == "notifications/progress" {
						got.Add(1)
					}
				})
				const calls, steps = 50, 3
				for i := 0; i < calls; i++ {
					req := mcp.CallToolRequest{}
					req.Params.Name = "notify"
					req.Params.Arguments = map[string]any{"steps": steps}
					req.Params.Meta = &mcp.Meta{ProgressToken: fmt.Sprint("t", i)}
					res, err := c.CallTool(context.Background(), req)
					require.NoError(t, err)
					require.Equal(t, "done", text(res))
					require.Equal(t, int64((i+1)*steps), got.Load(), "call %d", i)
				}
			})
		}
	}
}

// With Redis unreachable, sessions keep working on their signature alone on
// the replica that holds the call (idle expiry and DELETE wait for Redis).
func TestSessionsOutliveAnUnreachableRedis(t *testing.T) {
	t.Parallel()

	so := sessionOpts()
	so.Redis = redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", testdeps.FreePort(t)),
		DialTimeout: 100 * time.Millisecond, DialerRetries: 1, MaxRetries: -1})
	t.Cleanup(func() { _ = so.Redis.Close() })
	base := replica(t, so)
	c := sessionClient(t, base, "key-A", protocol2025, nil, &person{action: mcp.ElicitationResponseActionAccept})
	require.NotEmpty(t, c.GetSessionId())
	res, err := call(t, c, "work", map[string]any{"steps": 2})
	require.NoError(t, err)
	assert.Equal(t, "tenant=key-A", text(res))
	res, err = call(t, c, "ask", nil)
	require.NoError(t, err)
	assert.Equal(t, "answer=accept", text(res), "the answer reached this replica's call without Redis")
	status, _ := postSession(t, base, "key-B", c.GetSessionId(), listTools)
	assert.Equal(t, http.StatusNotFound, status, "the credential binding holds without Redis")
}

// A call waiting for its user's answer sends nothing to OnceHub, so it lends
// its slot of the server's total meanwhile (as a call sleeping for a
// rate-limit turn does): a few callers who never answer cannot keep every
// other tenant out until their questions time out. Their own lane's bound
// still counts the waiting call.
func TestACallWaitingForAnAnswerLendsItsSlot(t *testing.T) {
	t.Parallel()

	h := transport.NewHTTPHandler(newWorkServer().MCPServer, transport.HTTPOptions{
		ContextFunc: tenantContext, Sessions: sessionOpts(),
		MaxInFlight: 1, MaxInFlightPerTenant: 1, QueueTimeout: 300 * time.Millisecond,
		Tenant: func(r *http.Request) transport.Tenant {
			return transport.Tenant{ID: r.Header.Get("API-Key"), Trusted: true}
		},
	})
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); h.Close() })
	base := srv.URL

	// Tenant A's call asks its user, who does not answer.
	id := sessionClient(t, base, "key-A", protocol2025, nil, &person{action: "accept"}).GetSessionId()
	resp := sendInSession(t, base, "key-A", id,
		`{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"ask","arguments":{"wait_ms":5000}}}`)
	t.Cleanup(func() { _ = resp.Body.Close() })
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	require.NoError(t, err)
	require.Contains(t, line, "event: message", "the question is out: the call waits for its answer")

	// Tenant B is served meanwhile.
	res, err := call(t, connect(t, base, "key-B", protocol2025), "work", nil)
	require.NoError(t, err)
	assert.Equal(t, "tenant=key-B", text(res))

	// Tenant A's lane is still full: its waiting call counts there.
	b := postRaw(t, base, "key-A", protocol2025, map[string]any{"jsonrpc": "2.0", "id": 1, "method": "tools/call",
		"params": map[string]any{"name": "work", "arguments": map[string]any{}}})
	defer b.Body.Close()
	body, _ := io.ReadAll(b.Body)
	assert.NotEqual(t, http.StatusOK, b.StatusCode)
	assert.Contains(t, string(body), "too many calls in flight")
}
