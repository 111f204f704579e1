package app_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/transport"
)

func metricsStatus(t *testing.T, cfg app.Config, header string) int {
	t.Helper()
	a, err := app.Build(cfg, app.Options{Version: "test"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	srv := httptest.NewServer(transport.NewHTTPHandler(a.MCP, a.HTTPOptions()))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/metrics", nil)
	if header != "" {
		req.Header.Set("Authorization", header)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		assert.Contains(t, string(body), "oncehub_mcp_tool_calls_in_flight")
	}
	return resp.StatusCode
}

// /metrics is open only where nobody else can reach it: on a loopback
// listener, or on the separate metrics address the operator chose. Anywhere
// else it needs the metrics token; without one it is not served.
func TestMetricsAreNotOpenToTheNetwork(t *testing.T) {
	t.Parallel()

	base := app.Config{APIURL: "https://api.oncehub.com/v2"}
	for name, tc := range map[string]struct {
		addr, metricsAddr, token, header string
		want                             int
	}{
		"loopback":                      {addr: "127.0.0.1:8080", want: 200},
		"all interfaces":                {addr: "0.0.0.0:8080", want: 404},
		"all interfaces, token":         {addr: "0.0.0.0:8080", token: "metrics-token-1234", header: "Bearer metrics-token-1234", want: 200},
		"all interfaces, wrong token":   {addr: "0.0.0.0:8080", token: "metrics-token-1234", header: "Bearer metrics-token-9999", want: 401},
		"all interfaces, no token sent": {addr: "0.0.0.0:8080", token: "metrics-token-1234", want: 401},
		"loopback, token required":      {addr: "127.0.0.1:8080", token: "metrics-token-1234", want: 401},
		"metrics elsewhere: not on MCP": {addr: "127.0.0.1:8080", metricsAddr: "127.0.0.1:9090", want: 404},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			cfg := base
			cfg.Addr, cfg.MetricsAddr, cfg.MetricsToken = tc.addr, tc.metricsAddr, tc.token
			assert.Equal(t, tc.want, metricsStatus(t, cfg, tc.header))
		})
	}
}
