package transport_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/transport"
)

// keyTenant plays the part of app.Tenant: keys starting with "good" are
// trusted (OnceHub accepted them), any other key is a stranger's.
func keyTenant(r *http.Request) transport.Tenant {
	k := r.Header.Get("API-Key")
	return transport.Tenant{ID: k, Trusted: strings.HasPrefix(k, "good")}
}

// heldServer is an MCP server whose tool, resource, prompt and completion
// all wait for release, as a call waiting on OnceHub would.
type heldServer struct {
	*server.MCPServer
	release chan struct{}
	started chan string // method
	running atomic.Int64
	peak    atomic.Int64
}

func newHeldServer() *heldServer {
	h := &heldServer{release: make(chan struct{}), started: make(chan string, 1024)}
	hold := func(ctx context.Context, method string) error {
		n := h.running.Add(1)
		defer h.running.Add(-1)
		for {
			p := h.peak.Load()
			if n <= p || h.peak.CompareAndSwap(p, n) {
				break
			}
		}
		h.started <- method
		select {
		case <-h.release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	s := server.NewMCPServer("held", "1", server.WithToolCapabilities(false), server.WithResourceCapabilities(false, false),
		server.WithPromptCapabilities(false), server.WithCompletions(),
		server.WithPromptCompletionProvider(completer{hold}))
	s.AddTool(mcp.NewTool("work"), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		if err := hold(ctx, "tools/call"); err != nil {
			return nil, err
		}
		return mcp.NewToolResultText("done"), nil
	})
	s.AddResource(mcp.NewResource("test://users", "users"), func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		if err := hold(ctx, "resources/read"); err != nil {
			return nil, err
		}
		return []mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, Text: "[]"}}, nil
	})
	s.AddPrompt(mcp.NewPrompt("agenda", mcp.WithArgument("user_id")), func(ctx context.Context, _ mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		if err := hold(ctx, "prompts/get"); err != nil {
			return nil, err
		}
		return mcp.NewGetPromptResult("agenda", nil), nil
	})
	h.MCPServer = s
	return h
}

type completer struct {
	hold func(context.Context, string) error
}

func (c completer) CompletePromptArgument(ctx context.Context, _ string, _ mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	if err := c.hold(ctx, "completion/complete"); err != nil {
		return nil, err
	}
	return &mcp.Completion{Values: []string{}}, nil
}

func rpc(method string, params any) map[string]any {
	return map[string]any{"jsonrpc": "2.0", "id": 7, "method": method, "params": params}
}

var heldCalls = map[string]map[string]any{
	"tools/call":          rpc("tools/call", map[string]any{"name": "work", "arguments": map[string]any{}}),
	"resources/read":      rpc("resources/read", map[string]any{"uri": "test://users"}),
	"prompts/get":         rpc("prompts/get", map[string]any{"name": "agenda"}),
	"completion/complete": rpc("completion/complete", map[string]any{"ref": map[string]any{"type": "ref/prompt", "name": "agenda"}, "argument": map[string]any{"name": "user_id", "value": "U"}}),
}

// Every method that may call OnceHub is admitted the same way: a tenant
// flooding any of them holds at most its share, never a slot another
// tenant needs, and other methods are not held back at all.
func TestEveryMethodThatCallsOnceHubIsAdmittedPerTenant(t *testing.T) {
	t.Parallel()

	for method, msg := range heldCalls {
		t.Run(method, func(t *testing.T) {
			t.Parallel()

			hs := newHeldServer()
			var rejected sync.Map
			url := serve(t, &workServer{MCPServer: hs.MCPServer}, transport.HTTPOptions{
				MaxInFlight: 6, MaxInFlightPerTenant: 2, QueueTimeout: 50 * time.Millisecond, Tenant: keyTenant,
				OnReject: func(r string) { n, _ := rejected.LoadOrStore(r, new(atomic.Int64)); n.(*atomic.Int64).Add(1) },
			})
			var wg sync.WaitGroup
			statuses := make(chan int, 40)
			for range 40 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					resp := postRaw(t, url, "good-hog", protocol2025, msg)
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					statuses <- resp.StatusCode
				}()
			}
			<-hs.started
			<-hs.started
			// The hog's lane is full; another tenant is admitted at once.
			done := make(chan int, 1)
			go func() {
				resp := postRaw(t, url, "good-other", protocol2025, msg)
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				done <- resp.StatusCode
			}()
			assert.Equal(t, method, <-hs.started, "the other tenant's call started while the hog's 38 others wait")
			resp := postRaw(t, url, "good-hog", protocol2025, rpc("tools/list", map[string]any{}))
			resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode, "methods that do not call OnceHub are never held")

			codes := map[int]int{}
			for range 38 { // the hog's extra calls are refused after the queue timeout
				codes[<-statuses]++
			}
			close(hs.release)
			wg.Wait()
			assert.Equal(t, http.StatusOK, <-done)
			close(statuses)
			for c := range statuses {
				codes[c]++
			}
			assert.Equal(t, map[int]int{http.StatusOK: 2, http.StatusTooManyRequests: 38}, codes)
			assert.Equal(t, int64(3), hs.peak.Load(), "two of the hog's, one of the other's")
			n, _ := rejected.Load("tenant_busy")
			require.NotNil(t, n)
			assert.Equal(t, int64(38), n.(*atomic.Int64).Load())
		})
	}
}

// Strangers (keys not accepted yet) share one lane per client address and
// may try a few new keys a minute; repeating a key tried lately is not
// capped; a trusted tenant from the same address is served while they are
// refused.
func TestUntrustedCallersAreCappedPerAddress(t *testing.T) {
	t.Parallel()

	hs := newHeldServer()
	close(hs.release)
	url := serve(t, &workServer{MCPServer: hs.MCPServer}, transport.HTTPOptions{Tenant: keyTenant, UntrustedPerMinute: 4})
	codes := map[int]int{}
	var body string
	for i := range 30 {
		resp := postRaw(t, url, "bogus-"+string(rune('a'+i)), protocol2025, heldCalls["tools/call"])
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		codes[resp.StatusCode]++
		if resp.StatusCode == http.StatusTooManyRequests {
			body = string(b)
			assert.NotEmpty(t, resp.Header.Get("Retry-After"))
		}
	}
	assert.Equal(t, map[int]int{http.StatusOK: 2, http.StatusTooManyRequests: 28}, codes, "a burst of 2, then 4 a minute")
	for range 10 {
		resp := postRaw(t, url, "bogus-a", protocol2025, heldCalls["tools/call"])
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode, "a key tried lately is not capped")
	}
	var e struct {
		ID    int `json:"id"`
		Error struct{ Message string }
	}
	require.NoError(t, json.Unmarshal([]byte(body), &e))
	assert.Equal(t, 7, e.ID, "the refusal answers the request's ID")
	assert.Contains(t, e.Error.Message, "at most 4 a minute")
	assert.Contains(t, e.Error.Message, "new credentials")
	assert.Contains(t, e.Error.Message, "Nothing was sent to OnceHub")

	resp := postRaw(t, url, "good-tenant", protocol2025, heldCalls["tools/call"])
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "a trusted tenant is not capped")
}

// At the shutdown deadline a call still running is answered with a JSON-RPC
// error in the words of the Stopped hook (for a write: it may or may not
// have happened, and how to check), both as a JSON answer and at the end of
// an SSE stream; its context ends.
func TestShutdownAnswersCallsStillRunning(t *testing.T) {
	t.Parallel()

	for _, steps := range []int{0, 1} { // 1: progress made the answer an SSE stream
		ws := newWorkServer()
		var gotMethod, gotParams string
		var mu sync.Mutex
		url, shutdown, errc := start(t, ws, transport.HTTPOptions{ShutdownTimeout: 50 * time.Millisecond,
			Stopped: func(method string, params json.RawMessage) string {
				mu.Lock()
				gotMethod, gotParams = method, string(params)
				mu.Unlock()
				return "stopped while running work: check before retrying"
			}})
		c := connect(t, url, "key-A", protocol2025)
		out := make(chan error, 1)
		go func() {
			_, err := callWork(context.Background(), c, "tok", steps, true)
			out <- err
		}()
		<-ws.started
		shutdown()
		err := <-errc
		require.Error(t, err)
		assert.Contains(t, err.Error(), "did not finish within 50ms")
		assert.Contains(t, err.Error(), "1 calls were answered")
		callErr := <-out
		require.Error(t, callErr)
		assert.Contains(t, callErr.Error(), "stopped while running work: check before retrying", "steps=%d", steps)
		mu.Lock()
		assert.Equal(t, "tools/call", gotMethod)
		assert.Contains(t, gotParams, `"name":"work"`)
		mu.Unlock()
		require.Eventually(t, func() bool { return ws.cancelled.Load() == 1 }, 10*time.Second, 5*time.Millisecond,
			"the handler's context ended")
	}
}
