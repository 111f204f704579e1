package transport_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	mcptransport "github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/transport"
)

const (
	protocolLatest = "2026-07-28"
	protocol2025   = "2025-11-25"
)

type tenantKey struct{}

// tenantContext plays the part of app.HTTPContext: the caller's credential
// (here any API-Key header) goes into the context.
func tenantContext(ctx context.Context, r *http.Request) context.Context {
	return context.WithValue(ctx, tenantKey{}, r.Header.Get("API-Key"))
}

// workServer is an MCP server with one tool, "work": it sends `steps`
// progress notifications naming the caller's tenant, then (with hold) waits
// for release or cancellation, and answers with the tenant.
type workServer struct {
	*server.MCPServer
	release   chan struct{}        // closed to let held calls finish
	started   chan string          // a held call began (tenant)
	holding   chan context.Context // and its context
	cancelled atomic.Int64         // held calls that saw their context end
}

func newWorkServer() *workServer {
	ws := &workServer{release: make(chan struct{}), started: make(chan string, 256), holding: make(chan context.Context, 256)}
	s := server.NewMCPServer("test", "1", server.WithToolCapabilities(false), server.WithElicitation(), server.WithLogging())
	tool := mcp.NewTool("work",
		mcp.WithNumber("steps"),
		mcp.WithBoolean("hold"),
	)
	s.AddTool(tool, func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		tenant, _ := ctx.Value(tenantKey{}).(string)
		steps := req.GetInt("steps", 0)
		var token mcp.ProgressToken
		if req.Params.Meta != nil {
			token = req.Params.Meta.ProgressToken
		}
		srv := server.ServerFromContext(ctx)
		for i := 1; i <= steps && token != nil; i++ {
			_ = srv.SendNotificationToClient(ctx, "notifications/progress", map[string]any{
				"progressToken": token, "progress": i, "total": steps,
				"message": "tenant=" + tenant,
			})
			time.Sleep(time.Millisecond)
		}
		if req.GetBool("hold", false) {
			ws.holding <- ctx
			ws.started <- tenant
			select {
			case <-ws.release:
			case <-ctx.Done():
				ws.cancelled.Add(1)
				return nil, ctx.Err()
			}
		}
		return mcp.NewToolResultText("tenant=" + tenant), nil
	})
	// "ask" asks the client a yes/no question on the call's stream (waiting
	// at most wait_ms) and answers with what came back.
	s.AddTool(mcp.NewTool("ask", mcp.WithNumber("wait_ms")), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		ctx, cancel := context.WithTimeout(ctx, time.Duration(req.GetInt("wait_ms", 10000))*time.Millisecond)
		defer cancel()
		res, err := server.ServerFromContext(ctx).RequestElicitation(ctx, mcp.ElicitationRequest{
			Request: mcp.Request{Method: string(mcp.MethodElicitationCreate)},
			Params: mcp.ElicitationParams{Message: "Go ahead?", RequestedSchema: map[string]any{"type": "object",
				"properties": map[string]any{"ok": map[string]any{"type": "boolean"}}}},
		})
		if err != nil {
			return mcp.NewToolResultError("not asked: " + err.Error()), nil
		}
		return mcp.NewToolResultText("answer=" + string(res.Action)), nil
	})
	// "notify" sends steps progress notifications back to back and returns
	// at once.
	s.AddTool(mcp.NewTool("notify", mcp.WithNumber("steps")), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		steps := req.GetInt("steps", 1)
		for i := 1; i <= steps && req.Params.Meta != nil; i++ {
			_ = server.ServerFromContext(ctx).SendNotificationToClient(ctx, "notifications/progress", map[string]any{
				"progressToken": req.Params.Meta.ProgressToken, "progress": i, "total": steps})
		}
		return mcp.NewToolResultText("done"), nil
	})
	// "log" sends one notifications/message at each level given.
	s.AddTool(mcp.NewTool("log", mcp.WithString("level")), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		level := mcp.LoggingLevel(req.GetString("level", "info"))
		_ = server.ServerFromContext(ctx).SendLogMessageToClient(ctx, mcp.NewLoggingMessageNotification(level, "test", "a "+string(level)+" message"))
		return mcp.NewToolResultText("logged"), nil
	})
	ws.MCPServer = s
	return ws
}

func serve(t *testing.T, ws *workServer, o transport.HTTPOptions) string {
	t.Helper()
	if o.ContextFunc == nil {
		o.ContextFunc = tenantContext
	}
	srv := httptest.NewServer(transport.NewHTTPHandler(ws.MCPServer, o))
	t.Cleanup(srv.Close)
	return srv.URL
}

func connect(t *testing.T, url, key, protocol string) *client.Client {
	t.Helper()
	c, err := client.NewStreamableHttpClient(url+"/mcp", mcptransport.WithHTTPHeaders(map[string]string{"API-Key": key}))
	require.NoError(t, err)
	if protocol != "" {
		c = client.NewClient(c.GetTransport(), client.WithProtocolVersion(protocol))
	}
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Close() })
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "t", Version: "1"}
	if protocol != "" {
		req.Params.ProtocolVersion = protocol
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = c.Initialize(ctx, req)
	require.NoError(t, err)
	return c
}

func callWork(ctx context.Context, c *client.Client, token string, steps int, hold bool) (*mcp.CallToolResult, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = "work"
	req.Params.Arguments = map[string]any{"steps": steps, "hold": hold}
	if token != "" {
		req.Params.Meta = &mcp.Meta{ProgressToken: token}
	}
	return c.CallTool(ctx, req)
}

func text(res *mcp.CallToolResult) string {
	var s string
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			s += tc.Text
		}
	}
	return s
}

// postRaw sends one JSON-RPC message the way a client of protocol would.
func postRaw(t *testing.T, url, key, protocol string, msg any) *http.Response {
	t.Helper()
	body, err := json.Marshal(msg)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, url+"/mcp", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("API-Key", key)
	if protocol != "" {
		req.Header.Set("MCP-Protocol-Version", protocol)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	return resp
}

// Two tenants hammer one server at once, over both protocol versions, while
// tenant B also fires notifications/cancelled for every request ID A could be
// using and tries to open the standalone GET stream. Every call must answer
// its own tenant, every progress notification must reach only its caller,
// and no call may be cancelled by anyone but its caller.
func TestTenantsCannotCancelOrObserveEachOther(t *testing.T) {
	t.Parallel()

	testTenantIsolation(t, nil)
}

func testTenantIsolation(t *testing.T, sessions *transport.SessionOptions) {
	for _, protocol := range []string{protocolLatest, protocol2025} {
		t.Run(protocol, func(t *testing.T) {
			ws := newWorkServer()
			url := serve(t, ws, transport.HTTPOptions{MaxInFlight: 200, Sessions: sessions})
			tenants := []string{"key-A", "key-B"}
			clients := map[string]*client.Client{}
			var mu sync.Mutex
			progress := map[string][]string{} // tenant → progress messages received
			tokens := map[string]map[string]bool{}
			for _, k := range tenants {
				c := connect(t, url, k, protocol)
				k := k
				tokens[k] = map[string]bool{}
				c.OnNotification(func(n mcp.JSONRPCNotification) {
					if n.Method != "notifications/progress" {
						return
					}
					mu.Lock()
					defer mu.Unlock()
					progress[k] = append(progress[k], fmt.Sprint(n.Params.AdditionalFields["message"]))
					tokens[k][fmt.Sprint(n.Params.AdditionalFields["progressToken"])] = true
				})
				clients[k] = c
			}

			// The standalone GET stream, which would receive other clients'
			// notifications in stateless mode, is refused.
			req, _ := http.NewRequest(http.MethodGet, url+"/mcp", nil)
			req.Header.Set("Accept", "text/event-stream")
			req.Header.Set("MCP-Protocol-Version", protocol)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)

			// Held calls: each tenant holds calls with the same JSON-RPC IDs.
			const held = 5
			ctx, cancelA := context.WithCancel(context.Background())
			defer cancelA()
			type outcome struct {
				tenant string
				res    *mcp.CallToolResult
				err    error
			}
			heldOut := make(chan outcome, 2*held)
			for i := 0; i < held; i++ {
				go func() {
					res, err := callWork(ctx, clients["key-A"], "", 0, true)
					heldOut <- outcome{"key-A", res, err}
				}()
				go func() {
					res, err := callWork(context.Background(), clients["key-B"], "", 0, true)
					heldOut <- outcome{"key-B", res, err}
				}()
			}
			for i := 0; i < 2*held; i++ {
				<-ws.started
			}

			// Tenant B tries to cancel every request ID, in both eras.
			for id := 0; id <= 64; id++ {
				for _, p := range []string{"", protocol2025, protocolLatest} {
					msg := map[string]any{"jsonrpc": "2.0", "method": "notifications/cancelled",
						"params": map[string]any{"requestId": id, "reason": "attack"}}
					if p == protocolLatest {
						msg["params"].(map[string]any)["_meta"] = map[string]any{"io.modelcontextprotocol/protocolVersion": p}
					}
					resp := postRaw(t, url, "key-B", p, msg)
					resp.Body.Close()
					assert.Equal(t, http.StatusAccepted, resp.StatusCode)
				}
			}

			// Meanwhile both tenants run progress-reporting calls concurrently.
			const calls = 20
			var wg sync.WaitGroup
			errs := make(chan error, 2*calls)
			for _, k := range tenants {
				for i := 0; i < calls; i++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						cctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
						defer cancel()
						res, err := callWork(cctx, clients[k], fmt.Sprintf("%s-%d", k, i), 3, false)
						if err != nil {
							errs <- err
							return
						}
						if got := text(res); got != "tenant="+k {
							errs <- fmt.Errorf("%s got %q", k, got)
						}
					}()
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}

			// Nothing B sent cancelled anything.
			assert.Zero(t, ws.cancelled.Load(), "a held call was cancelled by another tenant's notification")

			// A cancels its own held calls by ending their context; B's are
			// untouched and finish when released.
			cancelA()
			for i := 0; i < held; i++ {
				o := <-heldOut
				require.Equal(t, "key-A", o.tenant, "only A's calls end when A cancels")
				require.Error(t, o.err)
			}
			require.Eventually(t, func() bool { return ws.cancelled.Load() == held }, 10*time.Second, 5*time.Millisecond,
				"A's own cancellation reaches its handlers")
			close(ws.release)
			for i := 0; i < held; i++ {
				o := <-heldOut
				require.Equal(t, "key-B", o.tenant)
				require.NoError(t, o.err)
				assert.Equal(t, "tenant=key-B", text(o.res))
			}
			assert.Equal(t, int64(held), ws.cancelled.Load())

			mu.Lock()
			defer mu.Unlock()
			for _, k := range tenants {
				require.NotEmpty(t, progress[k], "%s received its progress", k)
				for _, m := range progress[k] {
					assert.Equal(t, "tenant="+k, m, "%s received another tenant's progress", k)
				}
				for tok := range tokens[k] {
					assert.True(t, strings.HasPrefix(tok, k+"-"), "%s received progress token %s", k, tok)
				}
			}
		})
	}
}

func TestInFlightToolCallsAreBounded(t *testing.T) {
	t.Parallel()

	ws := newWorkServer()
	var rejected []string
	var mu sync.Mutex
	url := serve(t, ws, transport.HTTPOptions{MaxInFlight: 2, QueueTimeout: 20 * time.Millisecond,
		OnReject: func(r string) { mu.Lock(); rejected = append(rejected, r); mu.Unlock() }})
	c := connect(t, url, "key-A", protocol2025)
	done := make(chan error, 2)
	for i := 0; i < 2; i++ {
		go func() {
			_, err := callWork(context.Background(), c, "", 0, true)
			done <- err
		}()
	}
	<-ws.started
	<-ws.started

	resp := postRaw(t, url, "key-A", protocol2025, map[string]any{"jsonrpc": "2.0", "id": 99, "method": "tools/call",
		"params": map[string]any{"name": "work", "arguments": map[string]any{}}})
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, "1", resp.Header.Get("Retry-After"))
	assert.Contains(t, string(body), "server busy")

	// Other methods are not limited.
	_, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)

	close(ws.release)
	require.NoError(t, <-done)
	require.NoError(t, <-done)
	res, err := callWork(context.Background(), c, "", 0, false)
	require.NoError(t, err)
	assert.Equal(t, "tenant=key-A", text(res))
	mu.Lock()
	assert.Equal(t, []string{"busy"}, rejected)
	mu.Unlock()
}

func TestHealthReadinessAndMetricsEndpoints(t *testing.T) {
	t.Parallel()

	ws := newWorkServer()
	h := transport.NewHTTPHandler(ws.MCPServer, transport.HTTPOptions{
		Metrics: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("metrics here")) }),
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := get("/healthz")
	assert.Equal(t, 200, code)
	assert.Equal(t, "ok\n", body)
	code, _ = get("/readyz")
	assert.Equal(t, 200, code)
	code, body = get("/metrics")
	assert.Equal(t, 200, code)
	assert.Equal(t, "metrics here", body)

	h.Drain()
	code, _ = get("/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, code, "not ready while draining")
	code, _ = get("/healthz")
	assert.Equal(t, 200, code, "still alive while draining")
}
