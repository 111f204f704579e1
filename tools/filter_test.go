package tools_test

import (
	"context"
	"os/exec"
	"slices"
	"sort"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

var bookingWriteTools = []string{"cancel_booking", "mark_booking_no_show", "reassign_booking", "request_booking_reschedule"}

func TestToolWithoutAnnotationsCountsAsWrite(t *testing.T) {
	t.Parallel()

	bare := tools.Tool{Toolset: tools.Toolset{Name: "bookings"}, Def: mcp.Tool{Name: "bare"}}
	assert.False(t, bare.ReadOnly(), "no readOnlyHint: a write")
	assert.True(t, bare.Destructive(), "no destructiveHint: destructive, as MCP says")
	assert.False(t, tools.Filter{ReadOnly: true}.Allows(bare))

	no := false
	notRead := tools.Tool{Def: mcp.Tool{Name: "w", Annotations: mcp.ToolAnnotation{ReadOnlyHint: &no}}}
	assert.False(t, notRead.ReadOnly())

	yes := true
	read := tools.Tool{Def: mcp.Tool{Name: "r", Annotations: mcp.ToolAnnotation{ReadOnlyHint: &yes, DestructiveHint: &yes}}}
	assert.True(t, read.ReadOnly())
	assert.False(t, read.Destructive(), "a read-only tool destroys nothing whatever its destructiveHint")
	assert.True(t, tools.Filter{ReadOnly: true}.Allows(read))
}

// listed returns the names of the tools c lists, sorted, and whether every one is read-only.
func listed(t *testing.T, ctx context.Context, c *client.Client) (names []string, allReadOnly bool) {
	t.Helper()
	res, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	require.NoError(t, err)
	allReadOnly = true
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
		allReadOnly = allReadOnly && tl.Annotations.ReadOnlyHint != nil && *tl.Annotations.ReadOnlyHint
	}
	sort.Strings(names)
	return names, allReadOnly
}

// refused asserts that calling tool is refused (as an unknown tool, or a tool
// error) and that nothing reaches OnceHub.
func refused(t *testing.T, ctx context.Context, env *testenv.Env, c *client.Client, tool string) {
	t.Helper()
	env.Fake.ResetRequests()
	req := mcp.CallToolRequest{}
	req.Params.Name = tool
	req.Params.Arguments = map[string]any{"booking_id": "BKNG-AAAAAAAAAA", "new_host": "USR-AAAAAAAAAA"}
	res, err := c.CallTool(ctx, req)
	if err == nil {
		require.True(t, res.IsError, "%s was not refused: %s", tool, testenv.Text(res))
	} else {
		assert.Contains(t, err.Error(), "not found")
	}
	assert.Empty(t, env.Fake.Requests(), "%s reached OnceHub", tool)
}

func TestReadOnlyRemovesAndRefusesWrites(t *testing.T) {
	t.Parallel()

	env := testenv.New(t, func(s testenv.Setup) { s.Config.ReadOnly = true })
	c := env.InProcess(t)
	names, allReadOnly := listed(t, testenv.KeyCtx(), c)
	assert.True(t, allReadOnly, "read-only lists only read-only tools: %v", names)
	assert.Contains(t, names, "get_booking")
	for _, w := range bookingWriteTools {
		assert.NotContains(t, names, w)
		refused(t, testenv.KeyCtx(), env, c, w)
	}
	for _, tl := range env.App.Tools {
		assert.True(t, tl.ReadOnly(), "%s registered under --read-only", tl.Def.Name)
	}
}

func TestToolsetsAndToolsSelect(t *testing.T) {
	t.Parallel()

	env := testenv.New(t, func(s testenv.Setup) { s.Config.Toolsets = []string{"bookings"} })
	names, _ := listed(t, testenv.KeyCtx(), env.InProcess(t))
	assert.Equal(t, []string{"cancel_booking", "get_booking", "list_bookings", "mark_booking_no_show", "reassign_booking", "request_booking_reschedule"}, names)

	env = testenv.New(t, func(s testenv.Setup) { s.Config.Tools = []string{"get_booking", "cancel_booking"} })
	c := env.InProcess(t)
	names, _ = listed(t, testenv.KeyCtx(), c)
	assert.Equal(t, []string{"cancel_booking", "get_booking"}, names)
	refused(t, testenv.KeyCtx(), env, c, "list_bookings")
	refused(t, testenv.KeyCtx(), env, c, "reassign_booking")

	env = testenv.New(t, func(s testenv.Setup) {
		s.Config.Toolsets, s.Config.Tools, s.Config.ReadOnly = []string{"bookings"}, []string{"get_booking", "cancel_booking", "test_api_key"}, true
	})
	names, _ = listed(t, testenv.KeyCtx(), env.InProcess(t))
	assert.Equal(t, []string{"get_booking"}, names, "the settings combine: each one narrows")
}

func TestUnknownToolsetOrToolIsAStartupError(t *testing.T) {
	t.Parallel()

	for _, cfg := range []app.Config{
		{Toolsets: []string{"bookings", "calender"}},
		{Tools: []string{"cancel_bookings"}},
	} {
		cfg.APIURL = "http://127.0.0.1:1/v2"
		_, err := app.Build(cfg, app.Options{Version: "test"})
		require.Error(t, err)
		if len(cfg.Toolsets) > 0 {
			assert.Contains(t, err.Error(), `unknown toolset "calender"`)
			assert.Contains(t, err.Error(), "bookings, calendars", "the error lists the known toolsets")
		} else {
			assert.Contains(t, err.Error(), `unknown tool "cancel_bookings"`)
		}
	}
	out, err := exec.Command(testenv.Binary(t), "stdio", "--toolsets", "bookings,nope").CombinedOutput()
	require.Error(t, err, "%s", out)
	assert.Contains(t, string(out), `unknown toolset \"nope\"`)
}

func TestHTTPHeadersNarrowButNeverWiden(t *testing.T) {
	t.Parallel()

	key := map[string]string{"API-Key": fakeoncehub.TestKey}
	with := func(extra map[string]string) map[string]string {
		h := map[string]string{"API-Key": fakeoncehub.TestKey}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	for _, proto := range []string{testenv.ProtocolLatest, testenv.Protocol2025} {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()

			ctx := context.Background()
			opt := client.WithProtocolVersion(proto)

			// Operator: everything. Headers narrow.
			env := testenv.New(t)
			url := env.HTTPServer(t)
			all, _ := listed(t, ctx, env.HTTP(t, url, key, opt))
			for _, w := range bookingWriteTools {
				assert.Contains(t, all, w)
			}
			c := env.HTTP(t, url, with(map[string]string{"X-MCP-Readonly": "true"}), opt)
			names, allReadOnly := listed(t, ctx, c)
			assert.True(t, allReadOnly, "%v", names)
			assert.Contains(t, names, "list_bookings")
			refused(t, ctx, env, c, "cancel_booking")

			c = env.HTTP(t, url, with(map[string]string{"X-MCP-Toolsets": "bookings"}), opt)
			names, _ = listed(t, ctx, c)
			assert.Equal(t, []string{"cancel_booking", "get_booking", "list_bookings", "mark_booking_no_show", "reassign_booking", "request_booking_reschedule"}, names)
			refused(t, ctx, env, c, "test_api_key")

			c = env.HTTP(t, url, with(map[string]string{"X-MCP-Tools": "get_booking, cancel_booking"}), opt)
			names, _ = listed(t, ctx, c)
			assert.Equal(t, []string{"cancel_booking", "get_booking"}, names)
			refused(t, ctx, env, c, "reassign_booking")

			// Operator: --read-only. A header asking for the bookings toolset
			// (or naming a write tool) gets no write tool.
			env = testenv.New(t, func(s testenv.Setup) { s.Config.ReadOnly = true })
			url = env.HTTPServer(t)
			for _, h := range []map[string]string{
				{"X-MCP-Toolsets": "bookings"},
				{"X-MCP-Tools": "cancel_booking,get_booking"},
				{"X-MCP-Readonly": "false"},
			} {
				c = env.HTTP(t, url, with(h), opt)
				names, allReadOnly = listed(t, ctx, c)
				assert.True(t, allReadOnly, "%v: %v", h, names)
				assert.Contains(t, names, "get_booking")
				for _, w := range bookingWriteTools {
					refused(t, ctx, env, c, w)
				}
			}

			// Operator: --toolsets bookings. Asking for users gets nothing from users.
			env = testenv.New(t, func(s testenv.Setup) { s.Config.Toolsets = []string{"bookings"} })
			url = env.HTTPServer(t)
			c = env.HTTP(t, url, with(map[string]string{"X-MCP-Toolsets": "users"}), opt)
			names, _ = listed(t, ctx, c)
			assert.Empty(t, names)
			refused(t, ctx, env, c, "cancel_booking")
			c = env.HTTP(t, url, with(map[string]string{"X-MCP-Tools": "list_users,get_booking"}), opt)
			names, _ = listed(t, ctx, c)
			assert.Equal(t, []string{"get_booking"}, names)
		})
	}
}

func TestStdioBinaryFlagsSelectTools(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.Stdio(t, []string{"ONCEHUB_API_KEY=" + fakeoncehub.TestKey}, "--read-only", "--toolsets", "bookings,account")
	ctx := context.Background()
	names, allReadOnly := listed(t, ctx, c)
	assert.True(t, allReadOnly, "%v", names)
	assert.Contains(t, names, "list_bookings")
	assert.Contains(t, names, "test_api_key")
	assert.False(t, slices.ContainsFunc(names, func(n string) bool { return n == "list_users" || n == "list_webhooks" }), "%v", names)
	for _, w := range bookingWriteTools {
		assert.NotContains(t, names, w)
		refused(t, ctx, env, c, w)
	}
}

func TestStdioBinaryRequireConfirmation(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.Stdio(t, []string{"ONCEHUB_API_KEY=" + fakeoncehub.TestKey, "ONCEHUB_REQUIRE_CONFIRMATION=true"})
	res := testenv.Call(t, context.Background(), c, "cancel_booking", map[string]any{"booking_id": "BKNG-AAAAAAAAAA"})
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "--require-confirmation")
	assert.Empty(t, env.Fake.Requests())
}
