package transport_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/transport"
)

func modernMeta() map[string]any {
	return map[string]any{
		"io.modelcontextprotocol/protocolVersion":    protocolLatest,
		"io.modelcontextprotocol/clientInfo":         map[string]any{"name": "t", "version": "1"},
		"io.modelcontextprotocol/clientCapabilities": map[string]any{},
	}
}

// Every kind of bad request gets the right HTTP status (and a JSON-RPC error
// code where there is a JSON-RPC answer), while well-behaved clients calling
// at the same time are served throughout.
func TestBadRequestsGetTheRightErrorAndOthersKeepBeingServed(t *testing.T) {
	t.Parallel()

	ws := newWorkServer()
	url := serve(t, ws, transport.HTTPOptions{AllowedOrigins: []string{"https://app.example.com"}})
	good := func() map[string]string {
		return map[string]string{"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
			"MCP-Protocol-Version": protocol2025}
	}
	toolsList := `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`
	bigArg := strings.Repeat("x", 2<<20)
	modernCall := func(extra map[string]any) string {
		params := map[string]any{"name": "work", "arguments": map[string]any{}, "_meta": modernMeta()}
		for k, v := range extra {
			params[k] = v
		}
		b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": params})
		return string(b)
	}

	cases := []struct {
		name    string
		method  string
		headers map[string]string
		body    string
		status  int
		rpcCode int // 0: no JSON-RPC error expected in the body
		contain string
	}{
		{"oversized body", "POST", good(),
			`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"work","arguments":{"s":"` + bigArg + `"}}}`,
			http.StatusRequestEntityTooLarge, mcp.INVALID_REQUEST, "larger than 1048576 bytes"},
		{"malformed JSON", "POST", good(), `{"jsonrpc":"2.0","id":1,"method":`,
			http.StatusBadRequest, mcp.PARSE_ERROR, ""},
		{"JSON-RPC batch", "POST", good(), `[` + toolsList + `]`,
			http.StatusBadRequest, mcp.PARSE_ERROR, ""},
		{"wrong JSON-RPC version", "POST", good(), `{"jsonrpc":"1.0","id":1,"method":"tools/list"}`,
			http.StatusOK, mcp.INVALID_REQUEST, "JSON-RPC version"},
		{"wrong content type", "POST",
			map[string]string{"Content-Type": "text/plain", "MCP-Protocol-Version": protocol2025}, toolsList,
			http.StatusBadRequest, 0, "content type"},
		{"no content type", "POST", map[string]string{"MCP-Protocol-Version": protocol2025}, toolsList,
			http.StatusBadRequest, 0, "content type"},
		{"unknown method (2025-11-25)", "POST", good(), `{"jsonrpc":"2.0","id":1,"method":"bookings/steal"}`,
			http.StatusOK, mcp.METHOD_NOT_FOUND, ""},
		{"unknown tool", "POST", good(), `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"nope","arguments":{}}}`,
			http.StatusOK, mcp.INVALID_PARAMS, "nope"},
		{"unsupported protocol version header", "POST",
			map[string]string{"Content-Type": "application/json", "MCP-Protocol-Version": "1999-01-01"}, toolsList,
			http.StatusBadRequest, 0, "Unsupported protocol version"},
		{"modern request without MCP-Protocol-Version header", "POST",
			map[string]string{"Content-Type": "application/json", "Mcp-Method": "tools/call", "Mcp-Name": "work"},
			modernCall(nil), http.StatusBadRequest, mcp.HEADER_MISMATCH, "header is required"},
		{"modern request without Mcp-Method header", "POST",
			map[string]string{"Content-Type": "application/json", "MCP-Protocol-Version": protocolLatest},
			modernCall(nil), http.StatusBadRequest, mcp.HEADER_MISMATCH, ""},
		{"modern header and body versions disagree", "POST",
			map[string]string{"Content-Type": "application/json", "MCP-Protocol-Version": protocol2025, "Mcp-Method": "tools/call", "Mcp-Name": "work"},
			modernCall(nil), http.StatusBadRequest, mcp.HEADER_MISMATCH, "does not match"},
		{"standalone GET stream", "GET",
			map[string]string{"Accept": "text/event-stream", "MCP-Protocol-Version": protocol2025}, "",
			http.StatusMethodNotAllowed, 0, ""},
		{"foreign Origin", "POST", merge(good(), map[string]string{"Origin": "https://evil.example"}), toolsList,
			http.StatusForbidden, mcp.INVALID_REQUEST, "not allowed"},
		{"opaque null Origin", "POST", merge(good(), map[string]string{"Origin": "null"}), toolsList,
			http.StatusForbidden, mcp.INVALID_REQUEST, "not allowed"},
		{"DNS-rebinding Host on loopback", "POST", merge(good(), map[string]string{"Host": "evil.example"}), toolsList,
			http.StatusForbidden, 0, "Host"},
		{"allowed Origin", "POST", merge(good(), map[string]string{"Origin": "https://app.example.com"}), toolsList,
			http.StatusOK, 0, `"tools"`},
		{"loopback Origin", "POST", merge(good(), map[string]string{"Origin": "http://localhost:3000"}), toolsList,
			http.StatusOK, 0, `"tools"`},
		{"cancel notification is accepted and ignored", "POST", good(),
			`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}`,
			http.StatusAccepted, 0, ""},
	}

	// Well-behaved tenants keep calling throughout.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	served := make(chan int, 1000)
	for _, k := range []string{"key-A", "key-B"} {
		c := connect(t, url, k, "")
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			defer func() { served <- n }()
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := callWork(context.Background(), c, "", 0, false)
				if !assert.NoError(t, err) || !assert.Equal(t, "tenant="+k, text(res)) {
					return
				}
				n++
			}
		}()
	}

	// Every bad request carries a key; no answer may echo it.
	const key = "caller-key-value-14142135"
	// The bad requests run in parallel; t.Run returns once all have finished.
	t.Run("bad requests", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()

				req, err := http.NewRequest(tc.method, url+"/mcp", bytes.NewReader([]byte(tc.body)))
				require.NoError(t, err)
				req.Header.Set("API-Key", key)
				for k, v := range tc.headers {
					if k == "Host" {
						req.Host = v
						continue
					}
					req.Header.Set(k, v)
				}
				resp, err := http.DefaultClient.Do(req)
				require.NoError(t, err)
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				assert.Equal(t, tc.status, resp.StatusCode, "body: %s", body)
				if tc.rpcCode != 0 {
					var msg struct {
						Error *struct {
							Code    int    `json:"code"`
							Message string `json:"message"`
						} `json:"error"`
						Result json.RawMessage `json:"result"`
					}
					require.NoError(t, json.Unmarshal(body, &msg), "JSON-RPC body: %s", body)
					if msg.Error != nil {
						assert.Equal(t, tc.rpcCode, msg.Error.Code, "body: %s", body)
					} else {
						// Tool-level failures come back as isError results.
						assert.Contains(t, string(msg.Result), `"isError":true`, "body: %s", body)
					}
				}
				if tc.contain != "" {
					assert.Contains(t, string(body), tc.contain)
				}
				assert.NotContains(t, string(body), key)
			})
		}
	})
	close(stop)
	wg.Wait()
	for i := 0; i < 2; i++ {
		assert.Positive(t, <-served, "a well-behaved client was served while bad requests arrived")
	}
	// And the server still answers a fresh client.
	c := connect(t, url, "key-C", protocolLatest)
	res, err := callWork(context.Background(), c, "", 0, false)
	require.NoError(t, err)
	assert.Equal(t, "tenant=key-C", text(res))
}

func merge(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
