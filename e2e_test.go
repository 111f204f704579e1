package main_test

import (
	"context"
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

// registered is every tool the server registers, by name, and the names of
// the read-only ones: what tools/list must show (the registry is the
// source of truth, so adding a tool needs no edit here).
func registered() (all, reads []string) {
	for _, tl := range tools.All(tools.Deps{}) {
		all = append(all, tl.Def.Name)
		if tl.ReadOnly() {
			reads = append(reads, tl.Def.Name)
		}
	}
	return all, reads
}

func listToolNames(t *testing.T, c *client.Client) map[string]mcp.Tool {
	t.Helper()
	res, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	out := map[string]mcp.Tool{}
	for _, tl := range res.Tools {
		out[tl.Name] = tl
	}
	return out
}

func TestStdioBinaryServesToolsWithEnvKey(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.Stdio(t, []string{"ONCEHUB_API_KEY=" + fakeoncehub.TestKey})
	listed := listToolNames(t, c)
	for _, name := range []string{"test_api_key", "list_bookings", "get_booking"} {
		require.Contains(t, listed, name)
		assert.NotNil(t, listed[name].Annotations.ReadOnlyHint)
		assert.NotEmpty(t, listed[name].OutputSchema.Type, "%s has an output schema", name)
	}
	res := testenv.Call(t, context.Background(), c, "test_api_key", nil)
	out := testenv.Object(t, res)
	assert.Equal(t, fakeoncehub.TestAccount, out["account"])
	reqs := env.Fake.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/test", reqs[0].Path)
	assert.Equal(t, fakeoncehub.TestKey, reqs[0].APIKey)
}

func TestStdioWithoutKeyExplainsAndSendsNothing(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.Stdio(t, nil)
	res := testenv.Call(t, context.Background(), c, "list_bookings", map[string]any{})
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "ONCEHUB_API_KEY")
	assert.Contains(t, testenv.Text(res), "APIs & Webhooks")
	assert.Empty(t, env.Fake.Requests())
}

func TestStdioRefusesPlainHTTPUpstream(t *testing.T) {
	t.Parallel()

	cmd := exec.Command(testenv.Binary(t), "stdio")
	cmd.Env = []string{"ONCEHUB_API_URL=http://api.oncehub.com/v2", "ONCEHUB_API_KEY=secret-key-value"}
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "must use https")
	assert.NotContains(t, string(out), "secret-key-value")
}

func TestHTTPBothProtocolVersionsAndKeyHeaders(t *testing.T) {
	t.Parallel()

	for _, proto := range []string{testenv.ProtocolLatest, testenv.Protocol2025} {
		for name, headers := range map[string]map[string]string{
			"API-Key": {"API-Key": fakeoncehub.TestKey},
			"Bearer":  {"Authorization": "Bearer " + fakeoncehub.TestKey},
		} {
			t.Run(proto+"/"+name, func(t *testing.T) {
				t.Parallel()

				env := testenv.New(t)
				url := env.HTTPServer(t)
				c := env.HTTP(t, url, headers, client.WithProtocolVersion(proto))
				assert.Contains(t, listToolNames(t, c), "list_bookings")
				res := testenv.Call(t, context.Background(), c, "list_bookings", map[string]any{"limit": 2, "status": "completed"})
				items := testenv.Items(t, res)
				require.Len(t, items, 2)
				reqs := env.Fake.Requests()
				require.Len(t, reqs, 1)
				assert.Equal(t, fakeoncehub.TestKey, reqs[0].APIKey)
				assert.Equal(t, "completed", reqs[0].Query.Get("status"))
			})
		}
	}
}

func TestHTTPWithoutKeyListsToolsButCallsNothing(t *testing.T) {
	t.Parallel()

	env := testenv.New(t, func(s testenv.Setup) { s.Config.APIKey = fakeoncehub.TestKey }) // the server's own key must not be used for HTTP callers
	url := env.HTTPServer(t)
	c := env.HTTP(t, url, nil)
	assert.Contains(t, listToolNames(t, c), "get_booking")
	res := testenv.Call(t, context.Background(), c, "test_api_key", nil)
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "API-Key")
	assert.Empty(t, env.Fake.Requests())
}

// headerTransport adds a header to every request (the go-sdk client has no header option).
type headerTransport struct{ key, value string }

func (h headerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(h.key, h.value)
	return http.DefaultTransport.RoundTrip(r)
}

// goSDKSession connects the official go-sdk client to the MCP endpoint url
// over streamable HTTP with the fake's test key; it is closed when t ends.
func goSDKSession(t *testing.T, url string) *sdk.ClientSession {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	session, err := sdk.NewClient(&sdk.Implementation{Name: "go-sdk-test", Version: "1"}, nil).Connect(ctx, &sdk.StreamableClientTransport{
		Endpoint:             url,
		HTTPClient:           &http.Client{Transport: headerTransport{"API-Key", fakeoncehub.TestKey}},
		DisableStandaloneSSE: true,
	}, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = session.Close() })
	return session
}

func TestOfficialGoSDKClientOverHTTP(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	session := goSDKSession(t, env.HTTPServer(t))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	tools, err := session.ListTools(ctx, nil)
	require.NoError(t, err)
	names := map[string]*sdk.Tool{}
	for _, tl := range tools.Tools {
		names[tl.Name] = tl
	}
	require.Contains(t, names, "list_bookings")
	assert.True(t, names["list_bookings"].Annotations.ReadOnlyHint)

	res, err := session.CallTool(ctx, &sdk.CallToolParams{Name: "list_bookings", Arguments: map[string]any{"limit": 3, "status": "canceled"}})
	require.NoError(t, err)
	require.False(t, res.IsError)
	sc, ok := res.StructuredContent.(map[string]any)
	require.True(t, ok, "structured content: %T", res.StructuredContent)
	assert.Len(t, sc["items"], 3)
	reqs := env.Fake.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "canceled", reqs[0].Query.Get("status"))
	assert.Equal(t, fakeoncehub.TestKey, reqs[0].APIKey)
}

// assertReadToolsListed checks that every read-only tool is listed with
// all four annotations and an output schema, and that exactly the
// registered tools are listed (only the read-only ones when readOnly).
func assertReadToolsListed(t *testing.T, listed map[string]mcp.Tool, readOnly bool) {
	t.Helper()
	all, reads := registered()
	require.NotEmpty(t, reads)
	for _, name := range reads {
		tl, ok := listed[name]
		if !assert.True(t, ok, "%s is listed", name) {
			continue
		}
		a := tl.Annotations
		require.NotNil(t, a.ReadOnlyHint, name)
		require.NotNil(t, a.DestructiveHint, name)
		require.NotNil(t, a.IdempotentHint, name)
		require.NotNil(t, a.OpenWorldHint, name)
		assert.True(t, *a.ReadOnlyHint, name)
		assert.False(t, *a.DestructiveHint, name)
		assert.True(t, *a.IdempotentHint, name)
		assert.True(t, *a.OpenWorldHint, name)
		assert.Equal(t, "object", tl.OutputSchema.Type, "%s has an output schema", name)
	}
	var names []string
	for name := range listed {
		names = append(names, name)
	}
	if readOnly {
		assert.ElementsMatch(t, reads, names, "read-only mode lists exactly the read-only tools")
	} else {
		assert.ElementsMatch(t, all, names, "every registered tool is listed")
	}
}

func TestToolsListOverStdioAndHTTPShowsEveryReadTool(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	// Checked once every subtest has finished.
	t.Cleanup(func() { assert.Empty(t, env.Fake.Requests(), "listing tools sends nothing upstream") })
	t.Run("stdio", func(t *testing.T) {
		t.Parallel()

		assertReadToolsListed(t, listToolNames(t, env.Stdio(t, []string{"ONCEHUB_API_KEY=" + fakeoncehub.TestKey})), false)
	})
	t.Run("stdio read-only", func(t *testing.T) {
		t.Parallel()

		assertReadToolsListed(t, listToolNames(t, env.Stdio(t, []string{"ONCEHUB_API_KEY=" + fakeoncehub.TestKey}, "--read-only")), true)
	})
	url := env.HTTPServer(t)
	for _, proto := range []string{testenv.ProtocolLatest, testenv.Protocol2025} {
		t.Run("http "+proto, func(t *testing.T) {
			t.Parallel()

			assertReadToolsListed(t, listToolNames(t, env.HTTP(t, url, nil, client.WithProtocolVersion(proto))), false)
		})
		t.Run("http read-only header "+proto, func(t *testing.T) {
			t.Parallel()

			c := env.HTTP(t, url, map[string]string{"X-MCP-Readonly": "true"}, client.WithProtocolVersion(proto))
			assertReadToolsListed(t, listToolNames(t, c), true)
		})
	}
}
