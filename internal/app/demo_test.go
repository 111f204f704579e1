package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

// hostRecorder forwards requests and remembers every host and key it saw.
type hostRecorder struct {
	mu    sync.Mutex
	hosts []string
	keys  []string
}

func (h *hostRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	h.hosts = append(h.hosts, r.URL.Hostname())
	h.keys = append(h.keys, r.Header.Get("API-Key"))
	h.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func buildDemo(t *testing.T, cfg Config, rt http.RoundTripper) *App {
	t.Helper()
	cfg.Demo = true
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	a, err := Build(cfg, Options{Version: "test", Transport: rt, Deps: tools.Deps{Now: func() time.Time { return now }}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	return a
}

func call(t *testing.T, ctx context.Context, c *client.Client, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = name, args
	res, err := c.CallTool(ctx, req)
	require.NoError(t, err)
	return res
}

func inProcess(t *testing.T, a *App) *client.Client {
	t.Helper()
	c, err := client.NewInProcessClient(a.MCP)
	require.NoError(t, err)
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "t", Version: "1"}
	_, err = c.Initialize(context.Background(), req)
	require.NoError(t, err)
	return c
}

func TestDemoUsesOnlyTheLoopbackSandbox(t *testing.T) {
	t.Parallel()

	rec := &hostRecorder{}
	a := buildDemo(t, Config{APIURL: oncehub.DefaultBaseURL, APIKey: "real-key-must-not-be-used"}, rec)
	u, err := url.Parse(a.Client.BaseURL())
	require.NoError(t, err)
	assert.Equal(t, "127.0.0.1", u.Hostname(), "demo client base URL %s", a.Client.BaseURL())
	assert.Equal(t, "/v2", u.Path)
	assert.True(t, a.Demo())

	c := inProcess(t, a)
	ctx := a.StdioContext(context.Background())
	res := call(t, ctx, c, "test_api_key", nil)
	require.False(t, res.IsError, "%v", res.Content)
	assert.Equal(t, true, res.StructuredContent.(map[string]any)["demo"])
	res = call(t, ctx, c, "list_bookings", map[string]any{"limit": 2})
	require.False(t, res.IsError, "%v", res.Content)

	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.Len(t, rec.hosts, 2)
	for i := range rec.hosts {
		assert.Equal(t, "127.0.0.1", rec.hosts[i])
		assert.Equal(t, DemoKey, rec.keys[i], "the configured key must never be sent in demo mode")
	}
}

func TestDemoHTTPCallersNeedNoKey(t *testing.T) {
	t.Parallel()

	a := buildDemo(t, Config{}, nil)
	for _, headers := range []map[string]string{nil, {"API-Key": "some-caller-key"}} {
		r := httptest.NewRequest(http.MethodPost, "/mcp", nil)
		for k, v := range headers {
			r.Header.Set(k, v)
		}
		key, ok := oncehub.APIKeyFrom(a.HTTPContext(context.Background(), r))
		assert.True(t, ok)
		assert.Equal(t, DemoKey, key)
	}
}

func TestDemoSeedsLazily(t *testing.T) {
	t.Parallel()

	a := buildDemo(t, Config{}, nil)
	assert.Nil(t, a.demo.fake, "seeded before the first request")
	c := inProcess(t, a)
	res := call(t, a.StdioContext(context.Background()), c, "test_api_key", nil)
	require.False(t, res.IsError)
	assert.NotNil(t, a.demo.fake)
}

func TestDemoCloseStopsTheSandbox(t *testing.T) {
	t.Parallel()

	a := buildDemo(t, Config{}, nil)
	base := a.Client.BaseURL()
	require.NoError(t, a.Close())
	resp, err := http.Get(base + "/test")
	if err == nil {
		resp.Body.Close()
	}
	assert.Error(t, err)
}

func TestCheckLoopback(t *testing.T) {
	t.Parallel()

	assert.NoError(t, checkLoopback("http://127.0.0.1:1234/v2"))
	assert.Error(t, checkLoopback(oncehub.DefaultBaseURL))
	assert.Error(t, checkLoopback("http://api.oncehub.com/v2"))
	assert.Error(t, checkLoopback("http://10.0.0.1/v2"))
}

func TestDemoFromEnvAndFlag(t *testing.T) {
	t.Setenv("ONCEHUB_DEMO", "true")
	cfg, err := Load(ModeStdio, nil, nil)
	require.NoError(t, err)
	assert.True(t, cfg.Demo)
	t.Setenv("ONCEHUB_DEMO", "false")
	cfg, err = Load(ModeHTTP, []string{"--demo"}, nil)
	require.NoError(t, err)
	assert.True(t, cfg.Demo)
	cfg, err = Load(ModeHTTP, nil, nil)
	require.NoError(t, err)
	assert.False(t, cfg.Demo)
}
