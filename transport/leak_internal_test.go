package transport

import (
	"context"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/require"
)

// mcpLogLevels counts the log levels mcp-go's streamable HTTP server keeps by
// session ID (an unexported map: read by reflection, as nothing else shows it).
func mcpLogLevels(t *testing.T, h *Handler) int {
	t.Helper()
	srv, ok := h.guard.next.(*server.StreamableHTTPServer)
	require.True(t, ok)
	logs := reflect.ValueOf(srv).Elem().FieldByName("sessionLogLevels").Elem().FieldByName("logs")
	require.True(t, logs.IsValid(), "mcp-go keeps session log levels elsewhere now: update this test")
	return logs.Len()
}

// Every stateless request is served by an mcp-go session of its own, named
// by the guard and never used again. mcp-go records logging/setLevel under
// that name and forgets it only on DELETE, so without cleanup each such
// request, from anyone (no credential needed), grew the server's memory for
// good.
func TestStatelessRequestsLeaveNothingBehind(t *testing.T) {
	t.Parallel()
	s := server.NewMCPServer("test", "1", server.WithLogging())
	h := NewHTTPHandler(s, HTTPOptions{})
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)

	c, err := client.NewStreamableHttpClient(ts.URL + "/mcp")
	require.NoError(t, err)
	c = client.NewClient(c.GetTransport(), client.WithProtocolVersion("2025-11-25"))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = "2025-11-25"
	init.Params.ClientInfo = mcp.Implementation{Name: "t", Version: "1"}
	_, err = c.Initialize(ctx, init)
	require.NoError(t, err)

	for range 50 {
		req := mcp.SetLevelRequest{}
		req.Params.Level = mcp.LoggingLevelDebug
		//nolint:staticcheck // logging/setLevel is what leaves state behind in mcp-go: what this test covers
		require.NoError(t, c.SetLevel(ctx, req))
	}
	require.Zero(t, mcpLogLevels(t, h), "stateless requests left their log levels in mcp-go's memory")
}
