package tools_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

// uiCaps are the capabilities of a host that renders MCP Apps.
func uiCaps() mcp.ClientCapabilities {
	return mcp.ClientCapabilities{Extensions: map[string]any{
		tools.UIExtension: map[string]any{"mimeTypes": []string{tools.UIMIMEType}},
	}}
}

// rawJSON is v as JSON (what the client received, re-encoded).
func rawJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return string(data)
}

// uiView is what one client sees of the UI wiring.
type uiView struct {
	toolsJSON     string         // the whole tools/list
	toolMeta      map[string]any // _meta of find_available_slots
	otherMeta     []string       // other tools with _meta
	resource      *mcp.Resource  // the ui:// entry of resources/list
	extension     bool           // the server declared the extension in initialize
	resourcesJSON string
}

func look(t *testing.T, c *client.Client, init *mcp.InitializeResult) uiView {
	t.Helper()
	ctx := context.Background()
	var v uiView
	tl, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	require.NoError(t, err)
	v.toolsJSON = rawJSON(t, tl.Tools)
	for _, tool := range tl.Tools {
		switch {
		case tool.Name == "find_available_slots":
			if tool.Meta != nil {
				v.toolMeta = tool.Meta.AdditionalFields
			}
		case tool.Meta != nil:
			v.otherMeta = append(v.otherMeta, tool.Name)
		}
	}
	rl, err := c.ListResources(ctx, mcp.ListResourcesRequest{})
	require.NoError(t, err)
	v.resourcesJSON = rawJSON(t, rl.Resources)
	for i, r := range rl.Resources {
		if strings.HasPrefix(r.URI, "ui://") {
			require.Nil(t, v.resource, "one ui:// resource")
			v.resource = &rl.Resources[i]
		}
	}
	if init != nil {
		_, v.extension = init.Capabilities.Extensions[tools.UIExtension]
	}
	return v
}

// connectUI starts an in-process client with options and returns it with the
// server's initialize answer.
func connectUI(t *testing.T, env *testenv.Env, opts ...client.ClientOption) (*client.Client, *mcp.InitializeResult) {
	t.Helper()
	c, err := client.NewInProcessClientWithOptions(env.App.MCP, opts...)
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Close() })
	return c, testenv.Initialize(t, c)
}

func TestSlotPickerIsOfferedOnlyToHostsThatDeclareMCPApps(t *testing.T) {
	t.Parallel()

	for _, proto := range []string{testenv.ProtocolLatest, testenv.Protocol2025} {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()

			env := testenv.New(t)
			noUI := testenv.New(t, func(s testenv.Setup) { s.Config.NoUI = true }) // today's server, as before the picker

			ui, uiInit := connectUI(t, env, client.WithProtocolVersion(proto), client.WithClientCapabilities(uiCaps()))
			seen := look(t, ui, uiInit)
			assert.Equal(t, map[string]any{"ui": map[string]any{"resourceUri": tools.SlotPickerURI}}, seen.toolMeta)
			assert.Empty(t, seen.otherMeta, "only find_available_slots is linked to the view")
			require.NotNil(t, seen.resource, "resources/list has the view for a UI host")
			assert.Equal(t, tools.SlotPickerURI, seen.resource.URI)
			assert.Equal(t, "text/html;profile=mcp-app", seen.resource.MIMEType)
			require.NotNil(t, seen.resource.Meta)
			assert.Equal(t, map[string]any{"prefersBorder": true}, seen.resource.Meta.AdditionalFields["ui"])
			assert.True(t, seen.extension, "the server declares the extension")

			// A host without the extension sees exactly what the server
			// offered before the picker existed.
			plain, plainInit := connectUI(t, env, client.WithProtocolVersion(proto))
			was, _ := connectUI(t, noUI, client.WithProtocolVersion(proto))
			got, before := look(t, plain, plainInit), look(t, was, nil)
			assert.Nil(t, got.toolMeta)
			assert.Empty(t, got.otherMeta)
			assert.Nil(t, got.resource)
			assert.Equal(t, before.toolsJSON, got.toolsJSON, "tools/list unchanged for a host without MCP Apps")
			assert.Equal(t, before.resourcesJSON, got.resourcesJSON, "resources/list unchanged")
			assert.False(t, strings.Contains(got.toolsJSON, "ui://"), "no ui:// anywhere in tools/list")

			// The extension's name alone is not enough: the host must take our HTML.
			other, otherInit := connectUI(t, env, client.WithProtocolVersion(proto), client.WithClientCapabilities(mcp.ClientCapabilities{
				Extensions: map[string]any{tools.UIExtension: map[string]any{"mimeTypes": []string{"text/uri-list"}}}}))
			o := look(t, other, otherInit)
			assert.Nil(t, o.toolMeta)
			assert.Nil(t, o.resource)
			assert.Equal(t, before.toolsJSON, o.toolsJSON)

			// The results are the same text and structure for both hosts.
			ids := calendarIDs(t, env, plain)
			args := map[string]any{"booking_calendar_id": ids[calSales], "start": "2026-11-30", "end": "2026-12-01", "time_zone": "Asia/Kolkata"}
			ctx := testenv.KeyCtx()
			a, b := testenv.Call(t, ctx, ui, "find_available_slots", args), testenv.Call(t, ctx, plain, "find_available_slots", args)
			c := testenv.Call(t, ctx, was, "find_available_slots", args)
			require.False(t, a.IsError, testenv.Text(a))
			assert.Equal(t, rawJSON(t, c), rawJSON(t, b), "the result a plain host gets is today's")
			assert.Equal(t, rawJSON(t, b), rawJSON(t, a), "a UI host gets the same result: the text stays complete")
			assert.Contains(t, testenv.Text(a), "2026-11-30 Mon +05:30: 09:00 ", "09:00 in Kolkata, as text")
		})
	}
}

func TestSlotPickerResourceIsTheEmbeddedView(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c, _ := connectUI(t, env, client.WithClientCapabilities(uiCaps()))
	html, meta := readView(t, c)
	assert.Equal(t, map[string]any{"prefersBorder": true}, meta["ui"])
	assert.True(t, strings.HasPrefix(html, "<!DOCTYPE html>"), "an HTML5 document")
	assert.Contains(t, html, `data-booking="on"`, "booking is offered: schedule_meeting is exposed")
	for _, external := range []string{"http://", "https://", "src=", "@import", "fetch(", "XMLHttpRequest", "WebSocket"} {
		assert.NotContains(t, html, external, "the view loads nothing from anywhere")
	}

	// A host without the extension may still read it (it holds no data),
	// but it is never pointed at it.
	plain, _ := connectUI(t, env)
	again, _ := readView(t, plain)
	assert.Equal(t, html, again)
}

func readView(t *testing.T, c *client.Client) (string, map[string]any) {
	t.Helper()
	req := mcp.ReadResourceRequest{}
	req.Params.URI = tools.SlotPickerURI
	res, err := c.ReadResource(context.Background(), req)
	require.NoError(t, err)
	require.Len(t, res.Contents, 1)
	tc, ok := res.Contents[0].(mcp.TextResourceContents)
	require.True(t, ok, "%T", res.Contents[0])
	assert.Equal(t, tools.SlotPickerURI, tc.URI)
	assert.Equal(t, "text/html;profile=mcp-app", tc.MIMEType)
	return tc.Text, tc.Meta
}

func TestSlotPickerOffersBookingOnlyWhereScheduleMeetingIs(t *testing.T) {
	t.Parallel()

	t.Run("read-only server", func(t *testing.T) {
		t.Parallel()

		env := testenv.New(t, func(s testenv.Setup) { s.Config.ReadOnly = true })
		c, init := connectUI(t, env, client.WithClientCapabilities(uiCaps()))
		seen := look(t, c, init)
		assert.NotNil(t, seen.toolMeta, "the view still shows free times")
		html, _ := readView(t, c)
		assert.Contains(t, html, `data-booking="off"`)
		assert.NotContains(t, html, `data-booking="on"`)
	})
	t.Run("without find_available_slots there is no view", func(t *testing.T) {
		t.Parallel()

		env := testenv.New(t, func(s testenv.Setup) { s.Config.Tools = []string{"get_time_slots", "schedule_meeting"} })
		c, init := connectUI(t, env, client.WithClientCapabilities(uiCaps()))
		seen := look(t, c, init)
		assert.Nil(t, seen.resource)
		assert.False(t, seen.extension)
		assert.False(t, strings.Contains(seen.toolsJSON, "ui://"), "no ui:// anywhere in tools/list")
	})
	for _, proto := range []string{testenv.ProtocolLatest, testenv.Protocol2025} {
		t.Run("HTTP request narrowed to read-only/"+proto, func(t *testing.T) {
			t.Parallel()

			// 2026-07-28 clients declare capabilities on every request;
			// 2025-11-25 clients once, in the session their initialize opened.
			env := testenv.New(t)
			url := env.HTTPServer(t)
			headers := map[string]string{"API-Key": fakeoncehub.TestKey}
			c := env.HTTP(t, url, headers, client.WithProtocolVersion(proto), client.WithClientCapabilities(uiCaps()))
			seen := look(t, c, nil)
			assert.NotNil(t, seen.toolMeta)
			require.NotNil(t, seen.resource)
			html, _ := readView(t, c)
			assert.Contains(t, html, `data-booking="on"`)

			plain := env.HTTP(t, url, headers, client.WithProtocolVersion(proto))
			assert.Nil(t, look(t, plain, nil).toolMeta, "a host without the extension is not pointed at the view")

			headers["X-MCP-Readonly"] = "true"
			ro := env.HTTP(t, url, headers, client.WithProtocolVersion(proto), client.WithClientCapabilities(uiCaps()))
			html, _ = readView(t, ro)
			assert.Contains(t, html, `data-booking="off"`, "this caller may not call schedule_meeting")
		})
	}
}

func TestNoUITurnsTheSlotPickerOff(t *testing.T) {
	t.Parallel()

	check := func(t *testing.T, c *client.Client, init *mcp.InitializeResult) {
		t.Helper()
		seen := look(t, c, init)
		assert.Nil(t, seen.toolMeta)
		assert.Nil(t, seen.resource)
		assert.False(t, seen.extension, "not declared in initialize")
		req := mcp.ReadResourceRequest{}
		req.Params.URI = tools.SlotPickerURI
		_, err := c.ReadResource(context.Background(), req)
		assert.Error(t, err, "the view is not served at all")
	}
	t.Run("config", func(t *testing.T) {
		t.Parallel()

		env := testenv.New(t, func(s testenv.Setup) { s.Config.NoUI = true })
		c, init := connectUI(t, env, client.WithClientCapabilities(uiCaps()))
		check(t, c, init)
	})
	env := testenv.New(t, func(s testenv.Setup) { s.Fake.Now = time.Now })
	for name, run := range map[string]struct {
		env  []string
		args []string
	}{
		"--no-ui":       {nil, []string{"--no-ui"}},
		"ONCEHUB_NO_UI": {[]string{"ONCEHUB_NO_UI=true"}, nil},
		"default":       {nil, nil},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			c := env.StdioWith(t, append([]string{"ONCEHUB_API_KEY=" + fakeoncehub.TestKey}, run.env...),
				[]client.ClientOption{client.WithClientCapabilities(uiCaps())}, run.args...)
			if name == "default" {
				seen := look(t, c, nil)
				assert.NotNil(t, seen.toolMeta, "the built binary offers the view by default")
				assert.NotNil(t, seen.resource)
				return
			}
			check(t, c, nil)
		})
	}
}
