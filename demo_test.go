package main_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

// callEveryArglessTool calls each listed tool that has no required argument
// and checks that it answers without an error: in the demo every such tool
// works without an account.
func callEveryArglessTool(t *testing.T, c *client.Client) {
	t.Helper()
	res, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	require.NotEmpty(t, res.Tools)
	called := 0
	for _, tl := range res.Tools {
		if len(tl.InputSchema.Required) > 0 {
			continue
		}
		r := testenv.Call(t, context.Background(), c, tl.Name, map[string]any{})
		assert.False(t, r.IsError, "%s: %s", tl.Name, testenv.Text(r))
		called++
	}
	assert.Positive(t, called)
}

func assertDemoWorks(t *testing.T, c *client.Client) {
	t.Helper()
	init := testenv.Object(t, testenv.Call(t, context.Background(), c, "test_api_key", nil))
	assert.Equal(t, true, init["demo"])
	assert.Equal(t, "demo@example.com", init["account"])
	assert.Contains(t, init["message"], "demo sandbox")

	items := testenv.Items(t, testenv.Call(t, context.Background(), c, "list_bookings", map[string]any{"limit": 3, "status": "scheduled"}))
	require.Len(t, items, 3)
	id, _ := items[0]["id"].(string)
	require.True(t, strings.HasPrefix(id, "BKNG-"), id)
	got := testenv.Object(t, testenv.Call(t, context.Background(), c, "get_booking", map[string]any{"booking_id": id}))
	assert.Equal(t, id, got["id"])
	callEveryArglessTool(t, c)
}

func TestStdioDemoNeedsNoKeyAndNeverUsesTheConfiguredAPI(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	// testenv points ONCEHUB_API_URL at its fake: --demo must ignore it (and
	// the key) and use the sandbox inside the process instead.
	c := env.Stdio(t, []string{"ONCEHUB_API_KEY=real-key-must-not-be-used"}, "--demo")
	assertDemoWorks(t, c)
	assert.Empty(t, env.Fake.Requests(), "demo mode sent requests to the configured API")
}

func TestStdioDemoFromEnvironment(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.Stdio(t, []string{"ONCEHUB_DEMO=true"})
	out := testenv.Object(t, testenv.Call(t, context.Background(), c, "test_api_key", nil))
	assert.Equal(t, true, out["demo"])
	assert.Empty(t, env.Fake.Requests())
}

func TestDemoInstructionsSaySo(t *testing.T) {
	t.Parallel()

	c, err := client.NewStdioMCPClient(testenv.Binary(t), []string{}, "stdio", "--demo")
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	res := testenv.Initialize(t, c)
	assert.True(t, strings.HasPrefix(res.Instructions, "DEMO SANDBOX"), res.Instructions)
}

func TestStdioWithoutKeyLogsHowToGetOneAndTheDemo(t *testing.T) {
	t.Parallel()

	cmd := exec.Command(testenv.Binary(t), "stdio")
	cmd.Env = []string{}
	cmd.Stdin = strings.NewReader("") // EOF: the server stops at once
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "ONCEHUB_API_KEY is not set")
	assert.Contains(t, string(out), "APIs & Webhooks")
	assert.Contains(t, string(out), "oncehub-mcp stdio --demo")
}

func TestStdioWithoutKeyToolErrorMentionsTheDemo(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.Stdio(t, nil)
	res := testenv.Call(t, context.Background(), c, "test_api_key", nil)
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "--demo")
	assert.Empty(t, env.Fake.Requests())
}

func TestHTTPDemoBinaryNeedsNoKeyAndPassesHealthcheck(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	_, base, _ := startHTTPBinary(t, []string{"ONCEHUB_API_URL=" + env.APIURL}, "--demo")
	addr := strings.TrimPrefix(base, "http://")
	c := testenv.HTTPClient(t, base+"/mcp", nil)
	assertDemoWorks(t, c)
	assert.Empty(t, env.Fake.Requests())

	hc := exec.Command(testenv.Binary(t), "healthcheck", "--addr", addr)
	out, err := hc.CombinedOutput()
	assert.NoError(t, err, string(out))
}
