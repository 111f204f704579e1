package app_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/transport"
)

// oauth mode needs a public URL off loopback, and refuses one that is not
// an https origin.
func TestOAuthConfigIsCheckedAtStartup(t *testing.T) {
	for _, k := range []string{"ONCEHUB_CREDENTIAL_MODE", "ONCEHUB_MCP_ADDR", "ONCEHUB_PUBLIC_URL"} {
		t.Setenv(k, "") // restored after the test
		require.NoError(t, os.Unsetenv(k))
	}
	cases := []struct {
		name string
		args []string
		err  string
		want string // the normalized public URL
	}{
		{"loopback without a public URL", []string{"--credential-mode", "oauth"}, "", ""},
		{"all interfaces without a public URL", []string{"--credential-mode", "oauth", "--addr", "0.0.0.0:8080"}, "--public-url", ""},
		{"https origin", []string{"--credential-mode", "oauth", "--addr", "0.0.0.0:8080", "--public-url", "https://mcp.example.com/"}, "", "https://mcp.example.com"},
		{"plain http off loopback", []string{"--credential-mode", "oauth", "--public-url", "http://mcp.example.com"}, "must use https", ""},
		{"http on loopback", []string{"--credential-mode", "oauth", "--public-url", "http://127.0.0.1:8080"}, "", "http://127.0.0.1:8080"},
		{"a path", []string{"--credential-mode", "oauth", "--public-url", "https://example.com/oncehub"}, "bare origin", ""},
		{"not a URL", []string{"--credential-mode", "oauth", "--public-url", "mcp.example.com"}, "absolute URL", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := app.Load(app.ModeHTTP, tc.args, io.Discard)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, app.CredentialsOAuth, cfg.CredentialMode)
			assert.Equal(t, tc.want, cfg.PublicURL)
		})
	}
	t.Setenv("ONCEHUB_CREDENTIAL_MODE", "oauth")
	t.Setenv("ONCEHUB_PUBLIC_URL", "https://mcp.example.com")
	cfg, err := app.Load(app.ModeHTTP, []string{"--addr", "0.0.0.0:1"}, io.Discard)
	require.NoError(t, err, "from the environment")
	assert.Equal(t, "https://mcp.example.com", cfg.PublicURL)
}

// Built in oauth mode, the app mounts the OAuth endpoints beside /mcp, and
// warns when its secret will not outlive the process.
func TestOAuthModeMountsEndpointsAndWarnsAboutAnEphemeralSecret(t *testing.T) {
	t.Parallel()

	for _, secret := range []string{"", "a-configured-secret-of-enough-length-0123456789"} {
		logs := &testenv.LogBuffer{}
		a, err := app.Build(app.Config{CredentialMode: app.CredentialsOAuth, APIURL: "http://127.0.0.1:1/v2", ServerSecret: secret},
			app.Options{Logger: slog.New(slog.NewTextHandler(logs, nil))})
		require.NoError(t, err)
		require.NotNil(t, a.OAuth)
		if secret == "" {
			assert.Contains(t, logs.String(), "ONCEHUB_SERVER_SECRET is not set")
		} else {
			assert.NotContains(t, logs.String(), "ONCEHUB_SERVER_SECRET is not set")
		}
		srv := httptest.NewServer(transport.NewHTTPHandler(a.MCP, a.HTTPOptions()))
		for path, want := range map[string]int{
			"/.well-known/oauth-authorization-server":   http.StatusOK,
			"/.well-known/oauth-protected-resource/mcp": http.StatusOK,
			"/.well-known/oauth-protected-resource":     http.StatusOK,
			"/oauth/login":                              http.StatusBadRequest, // no request to show
			"/mcp":                                      http.StatusUnauthorized,
		} {
			resp, err := http.Get(srv.URL + path)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, want, resp.StatusCode, path)
			if path == "/mcp" {
				assert.Contains(t, resp.Header.Get("WWW-Authenticate"), "resource_metadata=")
			}
		}
		srv.Close()
	}
	// Other modes mount nothing of it.
	a, err := app.Build(app.Config{CredentialMode: app.CredentialsPassThrough, APIURL: "http://127.0.0.1:1/v2"}, app.Options{})
	require.NoError(t, err)
	assert.Nil(t, a.OAuth)
	assert.Empty(t, a.HTTPOptions().Routes)
}
