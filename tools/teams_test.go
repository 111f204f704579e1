package tools_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

func TestListTeamsAllAndByUser(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()

	res := testenv.Call(t, ctx, c, "list_teams", map[string]any{})
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/teams", req.Path)
	assert.Empty(t, req.Query)
	all := testenv.Object(t, res)
	assert.Equal(t, float64(3), all["count"])
	assert.Equal(t, false, all["has_more"])
	var names []any
	for _, it := range all["items"].([]any) {
		tm := it.(map[string]any)
		assert.Equal(t, "team", tm["object"])
		assert.Regexp(t, `^TM-`, tm["id"])
		names = append(names, tm["name"])
	}
	assert.ElementsMatch(t, []any{"Sales", "Customer Success", "Onboarding"}, names)

	user := seededUsers(t, env, c)[priya]
	res = testenv.Call(t, ctx, c, "list_teams", map[string]any{"user": user["id"], "limit": 10})
	req = onlyRequest(t, env)
	assert.Equal(t, url.Values{"user": {user["id"].(string)}, "limit": {"10"}}, req.Query)
	items := testenv.Items(t, res)
	var got []any
	for _, it := range items {
		got = append(got, it["id"])
	}
	assert.ElementsMatch(t, user["teams"], got, "exactly the user's teams")
	require.Len(t, got, 2)

	env.Fake.ResetRequests()
	page := testenv.Object(t, testenv.Call(t, ctx, c, "list_teams", map[string]any{"limit": 2}))
	assert.Equal(t, true, page["has_more"])
	next := testenv.Items(t, testenv.Call(t, ctx, c, "list_teams", map[string]any{"limit": 2, "after": page["next_cursor"]}))
	assert.Len(t, next, 1)
	assert.Equal(t, page["next_cursor"], env.Fake.Requests()[1].Query.Get("after"))
}

func TestGetTeamAndNotFound(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	id := seededTeams(t, env, c)["Customer Success"]

	got := testenv.Object(t, testenv.Call(t, ctx, c, "get_team", map[string]any{"team_id": id}))
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/teams/"+id, req.Path)
	assert.Empty(t, req.Query)
	assert.Equal(t, map[string]any{"object": "team", "id": id, "name": "Customer Success"}, got)

	msg := toolError(t, testenv.Call(t, ctx, c, "get_team", map[string]any{"team_id": "TM-NOSUCHTEAM"}))
	assert.Contains(t, msg, "OnceHub error 404")
	assert.Contains(t, msg, "No such team: 'TM-NOSUCHTEAM'")
	assert.Contains(t, msg, "[param: id]")
}

func TestTeamToolsRejectBadInputWithoutCallingUpstream(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	assertRejected(t, env, c, []badInput{
		{"list_teams", map[string]any{"user": "TM-ABC"}, `"user": "TM-ABC" is not a user ID (USR- then letters and digits`},
		{"list_teams", map[string]any{"user": "priya@example.com"}, `"user"`},
		{"list_teams", map[string]any{"limit": 0.5}, `"limit"`},
		{"list_teams", map[string]any{"limit": 1000}, `"limit": must be between 1 and 100`},
		{"list_teams", map[string]any{"after": "TM-A", "before": "TM-B"}, `"before": cannot be combined with after`},
		{"list_teams", map[string]any{"max_results": 5, "before": "TM-B"}, `"before"`},
		{"list_teams", map[string]any{"name": "Sales"}, `"name": is not an argument of this tool`},
		{"get_team", map[string]any{}, `"team_id": is required`},
		{"get_team", map[string]any{"team_id": "USR-ABC"}, `(TM- then letters and digits`},
		{"get_team", map[string]any{"team_id": "TM-../x"}, `then letters and digits`},
		{"get_team", map[string]any{"team_id": []any{"TM-A"}}, `"team_id": must be a string`},
	})
}
