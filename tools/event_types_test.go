package tools_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

func TestListAndGetEventTypes(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()

	first := testenv.Object(t, testenv.Call(t, ctx, c, "list_event_types", map[string]any{"limit": 3}))
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/event-types", req.Path)
	assert.Equal(t, url.Values{"limit": {"3"}}, req.Query)
	items := first["items"].([]any)
	require.Len(t, items, 3)
	assert.Equal(t, true, first["has_more"])
	et := items[0].(map[string]any)
	assert.Equal(t, "event_type", et["object"])
	assert.Regexp(t, `^ET-`, et["id"])
	assert.Equal(t, "Demo", et["name"])
	assert.Equal(t, "Demo meeting", et["description"])

	rest := testenv.Items(t, testenv.Call(t, ctx, c, "list_event_types", map[string]any{"after": first["next_cursor"]}))
	require.Len(t, rest, 1)
	assert.Equal(t, "Quarterly review", rest[0]["name"])

	env.Fake.ResetRequests()
	got := testenv.Object(t, testenv.Call(t, ctx, c, "get_event_type", map[string]any{"event_type_id": et["id"]}))
	assert.Equal(t, et, got)
	req = onlyRequest(t, env)
	assert.Equal(t, "/event-types/"+et["id"].(string), req.Path)
	assert.Empty(t, req.Query)

	res := testenv.Call(t, ctx, c, "get_event_type", map[string]any{"event_type_id": "ET-DOESNOTEXIST"})
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "OnceHub error 404 (invalid_request_error): No such event type: 'ET-DOESNOTEXIST' [param: id]")
}

func TestEventTypeToolsRejectBadInputWithoutCallingUpstream(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	assertRejected(t, env, c, []badInput{
		{"list_event_types", map[string]any{"limit": 1000}, `"limit": must be between 1 and 100`},
		{"list_event_types", map[string]any{"after": "ET-A", "before": "ET-B"}, `"before": cannot be combined with after`},
		{"list_event_types", map[string]any{"max_results": 5, "before": "ET-A"}, `"before": cannot be combined with max_results`},
		{"list_event_types", map[string]any{"after": "not an id"}, `"after"`},
		{"list_event_types", map[string]any{"title": "Demo"}, `"title": is not an argument of this tool`},
		{"list_event_types", map[string]any{"name": ""}, `"name": must not be empty`},
		{"list_event_types", map[string]any{"name": "Demo", "before": "ET-B"}, `"before": cannot be combined with name`},
		{"get_event_type", map[string]any{}, `"event_type_id": is required`},
		{"get_event_type", map[string]any{"event_type_id": "BP-ABC"}, `(ET- then letters and digits`},
		{"get_event_type", map[string]any{"event_type_id": "ET-../x"}, `then letters and digits`},
	})
}
