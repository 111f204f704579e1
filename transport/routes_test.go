package transport_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/transport"
)

// Extra routes are served beside /mcp, outside its guards, and a refused
// MCP request carries the challenge the options give (the default without).
func TestRoutesAndChallenge(t *testing.T) {
	t.Parallel()

	s := server.NewMCPServer("t", "1")
	h := transport.NewHTTPHandler(s, transport.HTTPOptions{
		Authorize: func(r *http.Request) bool { return r.Header.Get("Authorization") == "Bearer ok" },
		Challenge: func(r *http.Request) string { return `Bearer resource_metadata="http://` + r.Host + `/meta"` },
		Routes: map[string]http.Handler{
			"GET /meta": http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "metadata") }),
		},
	})
	srv := httptest.NewServer(h)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/meta")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "metadata", string(body))

	resp, err = http.Post(srv.URL+"/mcp", "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, `Bearer resource_metadata="`+strings.TrimPrefix(srv.URL, "http://")+`/meta"`,
		strings.Replace(resp.Header.Get("WWW-Authenticate"), "http://", "", 1))

	plain := httptest.NewServer(transport.NewHTTPHandler(s, transport.HTTPOptions{Authorize: func(*http.Request) bool { return false }}))
	defer plain.Close()
	resp, err = http.Post(plain.URL+"/mcp", "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, `Bearer realm="oncehub-mcp"`, resp.Header.Get("WWW-Authenticate"))
}
