package tools_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// seededUsers returns the fake's users by email (fetched through list_users),
// then forgets the requests made.
func seededUsers(t *testing.T, env *testenv.Env, c *client.Client) map[string]map[string]any {
	t.Helper()
	items := testenv.Items(t, testenv.Call(t, testenv.KeyCtx(), c, "list_users", map[string]any{"limit": 100}))
	out := map[string]map[string]any{}
	for _, u := range items {
		out[u["email"].(string)] = u
	}
	env.Fake.ResetRequests()
	return out
}

// seededTeams returns the fake's teams by name.
func seededTeams(t *testing.T, env *testenv.Env, c *client.Client) map[string]string {
	t.Helper()
	items := testenv.Items(t, testenv.Call(t, testenv.KeyCtx(), c, "list_teams", map[string]any{"limit": 100}))
	out := map[string]string{}
	for _, tm := range items {
		out[tm["name"].(string)] = tm["id"].(string)
	}
	env.Fake.ResetRequests()
	return out
}

const priya = "priya.raman@example.com"

func TestListUsersFiltersByEmailAndPages(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()

	res := testenv.Call(t, ctx, c, "list_users", map[string]any{"email": priya, "limit": 5})
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/users", req.Path)
	assert.Equal(t, url.Values{"email": {priya}, "limit": {"5"}}, req.Query)
	assert.Empty(t, req.Body)
	items := testenv.Items(t, res)
	require.Len(t, items, 1)
	u := items[0]
	assert.Regexp(t, `^USR-`, u["id"])
	assert.Equal(t, "Priya", u["first_name"])
	assert.Equal(t, "Raman", u["last_name"])
	assert.Equal(t, "Administrator", u["role_name"])
	assert.Equal(t, "active", u["status"])
	assert.Equal(t, "Asia/Kolkata", u["timezone"])
	assert.Len(t, u["teams"], 2)
	readBack(t, res)

	env.Fake.ResetRequests()
	first := testenv.Object(t, testenv.Call(t, ctx, c, "list_users", map[string]any{"limit": 4}))
	assert.Equal(t, true, first["has_more"])
	assert.Len(t, first["items"], 4)
	second := testenv.Object(t, testenv.Call(t, ctx, c, "list_users", map[string]any{"limit": 4, "after": first["next_cursor"]}))
	assert.Equal(t, false, second["has_more"])
	assert.Len(t, second["items"], 2, "6 seeded users")
	assert.Equal(t, first["next_cursor"], env.Fake.Requests()[1].Query.Get("after"))

	all := testenv.Object(t, testenv.Call(t, ctx, c, "list_users", map[string]any{"max_results": 50}))
	assert.Equal(t, float64(6), all["count"])
	assert.Equal(t, false, all["has_more"])
}

func TestGetUserAndNotFound(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	id := seededUsers(t, env, c)[priya]["id"].(string)

	got := testenv.Object(t, testenv.Call(t, ctx, c, "get_user", map[string]any{"user_id": id}))
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/users/"+id, req.Path)
	assert.Empty(t, req.Query)
	assert.Equal(t, id, got["id"])
	assert.Equal(t, "user", got["object"])
	assert.Equal(t, priya, got["email"])

	msg := toolError(t, testenv.Call(t, ctx, c, "get_user", map[string]any{"user_id": "USR-NOSUCHUSER"}))
	assert.Contains(t, msg, "OnceHub error 404")
	assert.Contains(t, msg, "No such user: 'USR-NOSUCHUSER'")
	assert.Contains(t, msg, "[param: id]")
	assert.Regexp(t, `Request-Id: req_\d+`, msg)
}

func TestUserLifecycleCreateListUpdateDelete(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	teams := seededTeams(t, env, c)
	sales, onboarding := teams["Sales"], teams["Onboarding"]
	require.NotEmpty(t, sales)

	// Create.
	created := testenv.Object(t, testenv.Call(t, ctx, c, "create_user", map[string]any{
		"email": "carrie.customer@example.com", "first_name": "Carrie", "last_name": "Customer",
		"role_name": "Team Manager", "teams": []any{sales},
	}))
	req := onlyRequest(t, env)
	assert.Equal(t, "POST", req.Method)
	assert.Equal(t, "/users", req.Path)
	assert.Empty(t, req.Query)
	assert.JSONEq(t, fmt.Sprintf(`{"email":"carrie.customer@example.com","first_name":"Carrie","last_name":"Customer","role_name":"Team Manager","teams":[%q]}`, sales), string(req.Body))
	id, _ := created["id"].(string)
	assert.Regexp(t, `^USR-[A-Z0-9]+$`, id)
	assert.Equal(t, "invited", created["status"])
	assert.Equal(t, "Team Manager", created["role_name"])
	assert.Equal(t, []any{sales}, created["teams"])

	// It appears in the list, and among Sales' members.
	env.Fake.ResetRequests()
	found := testenv.Items(t, testenv.Call(t, ctx, c, "list_users", map[string]any{"email": "carrie.customer@example.com"}))
	require.Len(t, found, 1)
	assert.Equal(t, id, found[0]["id"])
	newest := testenv.Items(t, testenv.Call(t, ctx, c, "list_users", map[string]any{"limit": 1}))
	assert.Equal(t, id, newest[0]["id"], "the new user is listed first (newest)")
	userTeams := testenv.Items(t, testenv.Call(t, ctx, c, "list_teams", map[string]any{"user": id}))
	require.Len(t, userTeams, 1)
	assert.Equal(t, sales, userTeams[0]["id"])

	// Update only the first name and the teams: nothing else is sent.
	env.Fake.ResetRequests()
	updated := testenv.Object(t, testenv.Call(t, ctx, c, "update_user", map[string]any{
		"user_id": id, "first_name": "Caroline", "teams": []any{onboarding},
	}))
	req = onlyRequest(t, env)
	assert.Equal(t, "PATCH", req.Method)
	assert.Equal(t, "/users/"+id, req.Path)
	assert.JSONEq(t, fmt.Sprintf(`{"first_name":"Caroline","teams":[%q]}`, onboarding), string(req.Body))
	assert.Equal(t, "Caroline", updated["first_name"])
	assert.Equal(t, "Customer", updated["last_name"], "an omitted field keeps its value")
	assert.Equal(t, "Team Manager", updated["role_name"])
	assert.Equal(t, []any{onboarding}, updated["teams"])

	// An empty teams list is sent as [] and removes every team.
	env.Fake.ResetRequests()
	cleared := testenv.Object(t, testenv.Call(t, ctx, c, "update_user", map[string]any{"user_id": id, "teams": []any{}}))
	assert.JSONEq(t, `{"teams":[]}`, string(onlyRequest(t, env).Body))
	assert.NotContains(t, cleared, "teams", "no teams left")
	assert.Equal(t, "Caroline", cleared["first_name"])

	// Delete from a client that can confirm: the user is looked up for the
	// confirmation summary, the person accepts, then it is deleted.
	u := answering(accept)
	cc, cctx := connect(t, env, "in-process", testenv.ProtocolLatest, u)
	env.Fake.ResetRequests()
	deleted := testenv.Object(t, testenv.Call(t, cctx, cc, "delete_user", map[string]any{"user_id": id}))
	require.Len(t, u.questions(), 1)
	assert.Contains(t, u.questions()[0], "carrie.customer@example.com")
	reqs := env.Fake.Requests()
	require.GreaterOrEqual(t, len(reqs), 2)
	assert.Equal(t, "GET /users/"+id, reqs[0].Method+" "+reqs[0].Path)
	last := reqs[len(reqs)-1]
	assert.Equal(t, "DELETE /users/"+id, last.Method+" "+last.Path)
	assert.Equal(t, fakeoncehub.TestKey, last.APIKey)
	assert.Empty(t, last.Body)
	assert.Equal(t, map[string]any{"id": id, "deleted": true, "request_id": last.RequestID}, deleted)

	// Gone from lists; GET shows it deleted; changing it is 410; deleting again does nothing.
	gone := testenv.Object(t, testenv.Call(t, ctx, c, "get_user", map[string]any{"user_id": id}))
	assert.Equal(t, map[string]any{"id": id, "object": "user", "deleted": true}, gone)
	assert.Empty(t, testenv.Items(t, testenv.Call(t, ctx, c, "list_users", map[string]any{"email": "carrie.customer@example.com"})))
	msg := toolError(t, testenv.Call(t, ctx, c, "update_user", map[string]any{"user_id": id, "last_name": "X"}))
	assert.Contains(t, msg, "OnceHub error 410")
	assert.Contains(t, msg, "User cannot be modified as they have been deleted: '"+id+"'")
	assert.Contains(t, msg, "no longer exists")

	// Deleting again (a retry after a lost answer, say) succeeds and changes
	// nothing, as delete_contact and delete_webhook do: without asking a
	// client that can confirm, and from one that cannot, after OnceHub's 404.
	env.Fake.ResetRequests()
	n := len(u.questions())
	again := testenv.Object(t, testenv.Call(t, cctx, cc, "delete_user", map[string]any{"user_id": id}))
	assert.Equal(t, map[string]any{"id": id, "deleted": true, "already_deleted": true}, again)
	assert.Len(t, u.questions(), n, "nothing to ask")
	assert.Equal(t, []string{"GET /users/" + id}, methods(env), "no second DELETE is sent")

	env.Fake.ResetRequests()
	again = testenv.Object(t, testenv.Call(t, ctx, c, "delete_user", map[string]any{"user_id": id}))
	assert.Equal(t, map[string]any{"id": id, "deleted": true, "already_deleted": true, "request_id": requestIDOf(t, env, "DELETE")}, again)
	assert.Equal(t, []string{"DELETE /users/" + id, "GET /users/" + id}, methods(env))
}

func TestCreateUserErrors(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()

	cases := []struct {
		name string
		args map[string]any
		want []string
	}{
		{"duplicate email", map[string]any{"email": "Priya.Raman@example.com", "first_name": "P", "last_name": "R"},
			[]string{"OnceHub error 400 (invalid_request_error)", "Email already exists: 'Priya.Raman@example.com'", "[param: email]"}},
		{"unknown team", map[string]any{"email": "x@example.com", "first_name": "X", "last_name": "Y", "teams": []any{"TM-NOPE1", "TM-NOPE2"}},
			[]string{"OnceHub error 400", "Invalid team(s): 'TM-NOPE1', 'TM-NOPE2'", "[param: teams]"}},
		{"name OnceHub refuses", map[string]any{"email": "y@example.com", "first_name": "fir[/*st_na*/]?me", "last_name": "Y"},
			[]string{"OnceHub error 400", "Invalid first_name", "[param: first_name]"}},
	}
	// Sequential: the subtests share one fake and count its requests.
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env.Fake.ResetRequests()
			msg := toolError(t, testenv.Call(t, ctx, c, "create_user", tc.args))
			for _, w := range tc.want {
				assert.Contains(t, msg, w)
			}
			req := onlyRequest(t, env)
			assert.Equal(t, "POST", req.Method)
		})
	}
}

func TestCreateUserBeyondThePlanLimitIs422(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	existing := len(seededUsers(t, env, c))
	// Filled straight into the fake's handler: no network, no contract check
	// of 500 identical requests.
	for i := existing; i < fakeoncehub.UserLimit; i++ {
		body := fmt.Sprintf(`{"email":"filler%d@example.com","first_name":"F","last_name":"L"}`, i)
		req := httptest.NewRequest("POST", "/v2/users", bytes.NewBufferString(body))
		req.Header.Set("API-Key", fakeoncehub.TestKey)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		env.Fake.ServeHTTP(rec, req)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	}
	env.Fake.ResetRequests()
	msg := toolError(t, testenv.Call(t, testenv.KeyCtx(), c, "create_user", map[string]any{"email": "one.more@example.com", "first_name": "One", "last_name": "More"}))
	assert.Contains(t, msg, "OnceHub error 422")
	assert.Contains(t, msg, "user limit")
	onlyRequest(t, env)
}

func TestUpdateUserErrors(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	users := seededUsers(t, env, c)
	owner := users[fakeoncehub.TestAccount]["id"].(string)
	lukas := users["lukas.becker@example.com"]["id"].(string)

	msg := toolError(t, testenv.Call(t, ctx, c, "update_user", map[string]any{"user_id": "USR-NOTFOUND", "first_name": "A"}))
	assert.Contains(t, msg, "OnceHub error 404")
	assert.Contains(t, msg, "No such user: 'USR-NOTFOUND'")

	msg = toolError(t, testenv.Call(t, ctx, c, "update_user", map[string]any{"user_id": owner, "last_name": "Owens-Smith"}))
	assert.Contains(t, msg, "OnceHub error 403")
	assert.Contains(t, msg, "Cannot update 'Account Owner' user.")

	env.Fake.ResetRequests()
	msg = toolError(t, testenv.Call(t, ctx, c, "update_user", map[string]any{"user_id": lukas, "teams": []any{"TM-INVALID1"}}))
	assert.Contains(t, msg, "OnceHub error 400")
	assert.Contains(t, msg, "Invalid team(s): 'TM-INVALID1'")
	assert.JSONEq(t, `{"teams":["TM-INVALID1"]}`, string(onlyRequest(t, env).Body))

	env.Fake.ResetRequests()
	msg = toolError(t, testenv.Call(t, ctx, c, "update_user", map[string]any{"user_id": lukas, "first_name": "L<u>kas"}))
	assert.Contains(t, msg, "OnceHub error 400")
	assert.Contains(t, msg, "[param: first_name]")
}

func TestDeleteUnknownUserSendsNoDelete(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c, ctx := connect(t, env, "in-process", testenv.ProtocolLatest, answering(accept))
	msg := toolError(t, testenv.Call(t, ctx, c, "delete_user", map[string]any{"user_id": "USR-NOSUCH"}))
	assert.Contains(t, msg, "OnceHub error 404")
	assert.Contains(t, msg, "No such user: 'USR-NOSUCH'")
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method, "the lookup failed, so nothing is deleted")
}

func TestGetUserAvailability(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	id := seededUsers(t, env, c)[priya]["id"].(string)

	res := testenv.Call(t, ctx, c, "get_user_availability", map[string]any{"user_id": id})
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/users/"+id+"/scheduling-availability", req.Path)
	assert.Empty(t, req.Query)
	var out struct {
		UserID   string `json:"user_id"`
		Timezone string `json:"timezone"`
		Weekly   []struct {
			Day          string `json:"day"`
			WorkingHours []struct {
				StartTime string           `json:"start_time"`
				EndTime   string           `json:"end_time"`
				Locations []map[string]any `json:"locations"`
			} `json:"working_hours"`
		} `json:"weekly"`
		Overrides       []any    `json:"overrides"`
		UnavailableDays []string `json:"unavailable_days"`
	}
	testenv.Structured(t, res, &out)
	assert.Equal(t, id, out.UserID)
	assert.Equal(t, "Asia/Kolkata", out.Timezone)
	require.Len(t, out.Weekly, 5)
	assert.Equal(t, "Monday", out.Weekly[0].Day)
	assert.Equal(t, "09:00", out.Weekly[0].WorkingHours[0].StartTime)
	assert.Equal(t, "12:00", out.Weekly[0].WorkingHours[0].EndTime)
	assert.Equal(t, []map[string]any{{"type": "online_dynamic_link", "value": "zoom"}}, out.Weekly[0].WorkingHours[0].Locations, "null fields are dropped")
	assert.Equal(t, []string{"Saturday", "Sunday"}, out.UnavailableDays)
	assert.NotNil(t, out.Overrides)
	assert.NotContains(t, testenv.Text(res), "null")

	msg := toolError(t, testenv.Call(t, ctx, c, "get_user_availability", map[string]any{"user_id": "USR-NOSUCH"}))
	assert.Contains(t, msg, "OnceHub error 400")
	assert.Contains(t, msg, "No such user: 'USR-NOSUCH'")
}

func TestUpdateUserAvailabilitySendsSpecBodyAndMerges(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	id := seededUsers(t, env, c)["lukas.becker@example.com"]["id"].(string)

	res := testenv.Call(t, ctx, c, "update_user_availability", map[string]any{
		"user_id": id,
		"weekly": []any{
			map[string]any{"day": "Monday", "working_hours": []any{
				map[string]any{"start_time": "13:00", "end_time": "16:30", "locations": []any{
					map[string]any{"type": "online_static_link", "value": "https://meet.example.com/lukas"},
					map[string]any{"type": "in_person_by_host", "id": "ADD-K8E9X"},
				}},
				map[string]any{"start_time": "08:00", "end_time": "12:00"},
			}},
			map[string]any{"day": "Friday", "working_hours": []any{}},
			map[string]any{"day": "Saturday", "working_hours": []any{map[string]any{"start_time": "10:00", "end_time": "12:00", "locations": []any{map[string]any{"type": "phone_by_guest"}}}}},
		},
		"overrides": []any{
			map[string]any{"date": "2026-12-24", "working_hours": []any{}},
			map[string]any{"date": "2026-12-28", "working_hours": []any{map[string]any{"start_time": "09:00", "end_time": "11:00", "locations": []any{map[string]any{"type": "online_dynamic_link", "value": "zoom"}}}}},
		},
	})
	req := onlyRequest(t, env)
	assert.Equal(t, "PATCH", req.Method)
	assert.Equal(t, "/users/"+id+"/scheduling-availability", req.Path)
	assert.Empty(t, req.Query)
	assert.JSONEq(t, `{
		"weekly": [
			{"day": "Monday", "working_hours": [
				{"start_time": "13:00", "end_time": "16:30", "locations": [
					{"type": "online_static_link", "value": "https://meet.example.com/lukas"},
					{"type": "in_person_by_host", "id": "ADD-K8E9X"}]},
				{"start_time": "08:00", "end_time": "12:00", "locations": []}]},
			{"day": "Friday", "working_hours": []},
			{"day": "Saturday", "working_hours": [{"start_time": "10:00", "end_time": "12:00", "locations": [{"type": "phone_by_guest"}]}]}
		],
		"overrides": [
			{"date": "2026-12-24", "working_hours": []},
			{"date": "2026-12-28", "working_hours": [{"start_time": "09:00", "end_time": "11:00", "locations": [{"type": "online_dynamic_link", "value": "zoom"}]}]}
		]}`, string(req.Body))

	out := testenv.Object(t, res)
	assert.Equal(t, req.RequestID, out["request_id"], "the PATCH's Request-Id")
	delete(out, "request_id")
	assert.Equal(t, "Europe/Berlin", out["timezone"])
	assert.Equal(t, []any{"Friday", "Sunday"}, out["unavailable_days"], "Friday cleared, Saturday added")
	weekly := out["weekly"].([]any)
	require.Len(t, weekly, 6)
	monday := weekly[0].(map[string]any)
	assert.Equal(t, "Monday", monday["day"])
	hours := monday["working_hours"].([]any)
	require.Len(t, hours, 2)
	assert.Equal(t, "08:00", hours[0].(map[string]any)["start_time"], "slots come back in time order")
	tuesday := weekly[1].(map[string]any)
	assert.Equal(t, "Tuesday", tuesday["day"], "days not given keep their hours")
	assert.NotEmpty(t, tuesday["working_hours"])
	overrides := out["overrides"].([]any)
	require.Len(t, overrides, 2)
	assert.Equal(t, map[string]any{"date": "2026-12-24", "day": "Thursday", "working_hours": []any{}}, overrides[0])

	// The change persists.
	env.Fake.ResetRequests()
	again := testenv.Object(t, testenv.Call(t, ctx, c, "get_user_availability", map[string]any{"user_id": id}))
	assert.Equal(t, out, again)
}

// The spec's prose says working_hours: null deletes a date's override (its
// schema says only "array"; the prose is what OnceHub documents as behaviour).
func TestUpdateUserAvailabilityRemovesAnOverrideWithNull(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	id := seededUsers(t, env, c)["lukas.becker@example.com"]["id"].(string)
	testenv.Call(t, ctx, c, "update_user_availability", map[string]any{"user_id": id, "overrides": []any{
		map[string]any{"date": "2026-12-24", "working_hours": []any{}},
		map[string]any{"date": "2026-12-28", "working_hours": []any{}},
	}})

	env.Fake.ResetRequests()
	after := testenv.Object(t, testenv.Call(t, ctx, c, "update_user_availability", map[string]any{
		"user_id": id, "overrides": []any{map[string]any{"date": "2026-12-24", "remove": true}},
	}))
	assert.JSONEq(t, `{"overrides":[{"date":"2026-12-24","working_hours":null}]}`, string(onlyRequest(t, env).Body))
	left := after["overrides"].([]any)
	require.Len(t, left, 1)
	assert.Equal(t, "2026-12-28", left[0].(map[string]any)["date"])
	assert.Len(t, after["weekly"], 5, "weekly hours untouched")
}

func TestUpdateUserAvailabilityErrorsFromOnceHub(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	id := seededUsers(t, env, c)["lukas.becker@example.com"]["id"].(string)

	// A date in the past (for the user's zone) is OnceHub's to judge: 400.
	msg := toolError(t, testenv.Call(t, ctx, c, "update_user_availability", map[string]any{
		"user_id": id, "overrides": []any{map[string]any{"date": "2024-01-01", "working_hours": []any{}}},
	}))
	assert.Contains(t, msg, "OnceHub error 400")
	assert.Contains(t, msg, "Date cannot be in the past: '2024-01-01'")
	assert.Contains(t, msg, "[param: overrides.date]")
	onlyRequest(t, env)

	env.Fake.ResetRequests()
	msg = toolError(t, testenv.Call(t, ctx, c, "update_user_availability", map[string]any{
		"user_id": "USR-NOSUCH", "weekly": []any{map[string]any{"day": "Monday", "working_hours": []any{}}},
	}))
	assert.Contains(t, msg, "OnceHub error 400")
	assert.Contains(t, msg, "No such user: 'USR-NOSUCH'")
}

func TestUserToolsRejectBadInputWithoutCallingUpstream(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	slot := func(start, end string, locs ...any) map[string]any {
		s := map[string]any{"start_time": start, "end_time": end}
		if len(locs) > 0 {
			s["locations"] = locs
		}
		return s
	}
	day := func(name string, slots ...any) map[string]any {
		if slots == nil {
			slots = []any{}
		}
		return map[string]any{"day": name, "working_hours": slots}
	}
	avail := func(weekly ...any) map[string]any {
		return map[string]any{"user_id": "USR-A1", "weekly": weekly}
	}
	assertRejected(t, env, c, []badInput{
		{"list_users", map[string]any{"email": "not-an-email"}, `"email": "not-an-email" is not an email address`},
		{"list_users", map[string]any{"email": "Ana <ana@example.com>"}, `"email"`},
		{"list_users", map[string]any{"limit": 101}, `"limit": must be between 1 and 100`},
		{"list_users", map[string]any{"after": "USR-A", "before": "USR-B"}, `"before": cannot be combined with after`},
		{"list_users", map[string]any{"max_results": 1001}, `"max_results"`},
		{"list_users", map[string]any{"names": "Priya"}, `"names": is not an argument of this tool`},
		{"list_users", map[string]any{"team": "Sales"}, `"team": "Sales" is not a team ID`},
		{"list_users", map[string]any{"name": strings.Repeat("x", 101)}, `"name": is too long: 101 characters, at most 100`},

		{"get_user", map[string]any{}, `"user_id": is required`},
		{"get_user", map[string]any{"user_id": "TM-ABC"}, `(USR- then letters and digits`},
		{"get_user", map[string]any{"user_id": "USR-1/../../bookings"}, `then letters and digits`},
		{"get_user", map[string]any{"user_id": 7}, `"user_id": must be a string`},

		{"create_user", map[string]any{"first_name": "A", "last_name": "B"}, `"email": is required`},
		{"create_user", map[string]any{"email": "a@example.com", "last_name": "B"}, `"first_name": is required`},
		{"create_user", map[string]any{"email": "a@example.com", "first_name": "A"}, `"last_name": is required`},
		{"create_user", map[string]any{"email": "a@example.com", "first_name": " ", "last_name": "B"}, `"first_name": must not be empty`},
		{"create_user", map[string]any{"email": "a.example.com", "first_name": "A", "last_name": "B"}, `"email": "a.example.com" is not an email address`},
		{"create_user", map[string]any{"email": "a@example.com", "first_name": "A", "last_name": "B", "role_name": "admin"}, `"role_name": "admin" is not one of the allowed values; use one of Administrator, Member, Team Manager`},
		{"create_user", map[string]any{"email": "a@example.com", "first_name": "A", "last_name": "B", "role_name": "Account Owner"}, `"role_name": "Account Owner" is not one of the allowed values; use one of Administrator, Member, Team Manager`},
		{"create_user", map[string]any{"email": "a@example.com", "first_name": "A", "last_name": "B", "teams": []any{"USR-X"}}, `"teams[0]": "USR-X" is not a team ID (TM- then letters and digits`},
		{"create_user", map[string]any{"email": "a@example.com", "first_name": "A", "last_name": "B", "teams": "TM-X"}, `"teams": must be a list, got a JSON string`},
		{"create_user", map[string]any{"email": "a@example.com", "first_name": "A", "last_name": "B", "teams": []any{"TM-X", "TM-X"}}, `"teams": lists the same value twice (items 0 and 1)`},

		{"update_user", map[string]any{"user_id": "USR-A1"}, `"first_name": is required unless last_name, role_name or teams is given`},
		{"update_user", map[string]any{"first_name": "A"}, `"user_id": is required`},
		{"update_user", map[string]any{"user_id": "CTC-1", "first_name": "A"}, `(USR- then letters and digits`},
		{"update_user", map[string]any{"user_id": "USR-A1", "last_name": ""}, `"last_name": must not be empty`},
		{"update_user", map[string]any{"user_id": "USR-A1", "role_name": "Account Owner"}, `"role_name"`},
		{"update_user", map[string]any{"user_id": "USR-A1", "role_name": "member"}, `"role_name": "member" is not one of the allowed values`},
		{"update_user", map[string]any{"user_id": "USR-A1", "teams": []any{"sales"}}, `"teams[0]": "sales" is not a team ID`},
		{"update_user", map[string]any{"user_id": "USR-A1", "email": "new@example.com"}, `"email": is not an argument of this tool`},

		{"delete_user", map[string]any{}, `"user_id": is required`},
		{"delete_user", map[string]any{"user_id": "BKNG-1"}, `(USR- then letters and digits`},
		{"delete_user", map[string]any{"user_id": "USR-%2e%2e"}, `then letters and digits`},

		{"get_user_availability", map[string]any{}, `"user_id": is required`},
		{"get_user_availability", map[string]any{"user_id": "TM-1"}, `(USR- then letters and digits`},

		{"update_user_availability", map[string]any{"user_id": "USR-A1"}, `"weekly": is required unless overrides is given`},
		{"update_user_availability", map[string]any{"weekly": []any{day("Monday")}}, `"user_id": is required`},
		{"update_user_availability", map[string]any{"user_id": "X", "weekly": []any{day("Monday")}}, `"user_id"`},
		{"update_user_availability", avail(day("monday")), `"weekly[0].day": "monday" is not one of the allowed values; use one of Monday, Tuesday`},
		{"update_user_availability", avail(day("Mon")), `"weekly[0].day"`},
		{"update_user_availability", avail(day("Monday"), day("Tuesday"), day("Monday")), `"weekly[2].day": Monday is given twice`},
		{"update_user_availability", avail(day("Monday", slot("9:00", "12:00"))), `"weekly[0].working_hours[0].start_time": "9:00" is not a 24-hour time HH:MM on a quarter hour`},
		{"update_user_availability", avail(day("Monday", slot("09:05", "12:00"))), `"weekly[0].working_hours[0].start_time": "09:05" is not a 24-hour time HH:MM on a quarter hour`},
		{"update_user_availability", avail(day("Monday", slot("09:00", "12:10"))), `"weekly[0].working_hours[0].end_time": "12:10" is not a 24-hour time HH:MM on a quarter hour`},
		{"update_user_availability", avail(day("Monday", slot("09:00", "24:00"))), `"weekly[0].working_hours[0].end_time": "24:00" is not a 24-hour time HH:MM on a quarter hour`},
		{"update_user_availability", avail(day("Monday", slot("12:00", "09:00"))), `"weekly[0].working_hours[0].end_time": 09:00 is not after start_time 12:00`},
		{"update_user_availability", avail(day("Monday", slot("12:00", "12:00"))), `is not after start_time`},
		{"update_user_availability", avail(day("Friday", slot("09:00", "11:00"), slot("13:00", "14:00"), slot("10:45", "12:00"))), `"weekly[0].working_hours": 09:00-11:00 overlaps 10:45-12:00`},
		{"update_user_availability", avail(day("Monday", slot("09:00", "10:00", map[string]any{"type": "zoom"}))), `"weekly[0].working_hours[0].locations[0].type": "zoom" is not one of the allowed values; use one of in_person_by_host`},
		{"update_user_availability", avail(day("Monday", slot("09:00", "10:00", map[string]any{"type": "in_person_by_host"}))), `"weekly[0].working_hours[0].locations[0].id": is required`},
		{"update_user_availability", avail(day("Monday", slot("09:00", "10:00", map[string]any{"type": "in_person_by_host", "id": "BP-1"}))), `(ADD- then letters and digits`},
		{"update_user_availability", avail(day("Monday", slot("09:00", "10:00", map[string]any{"type": "online_static_link"}))), `online_static_link needs the meeting's URL`},
		{"update_user_availability", avail(day("Monday", slot("09:00", "10:00", map[string]any{"type": "online_static_link", "value": "meet.example.com"}))), `"weekly[0].working_hours[0].locations[0].value"`},
		{"update_user_availability", avail(day("Monday", slot("09:00", "10:00", map[string]any{"type": "phone_by_guest", "id": "ADD-1"}))), `"weekly[0].working_hours[0].locations[0].id": is only used for in_person_by_host`},
		{"update_user_availability", avail(day("Monday", slot("09:00", "10:00", map[string]any{"type": "phone_by_guest"}, map[string]any{"type": "phone_by_guest"}))), `phone_by_guest is given twice in one slot`},
		{"update_user_availability", avail(day("Monday", slot("09:00", "10:00", map[string]any{"type": "online_dynamic_link", "value": "zoom"}, map[string]any{"type": "online_static_link", "value": "https://x.example/r"}))), `online_dynamic_link or online_static_link, not both`},
		{"update_user_availability", avail(map[string]any{"day": "Monday"}), `"weekly[0].working_hours": is required`},
		{"update_user_availability", avail(map[string]any{"day": "Monday", "working_hours": nil}), `"weekly[0].working_hours": must be a list; to leave it out, omit it`},
		{"update_user_availability", avail(map[string]any{"day": "Monday", "hours": []any{}}), `"weekly[0].hours": is not a field here; valid fields: day, working_hours`},
		{"update_user_availability", avail(day("Monday", map[string]any{"start_time": "09:00", "end_time": "10:00", "location": []any{}})), `"weekly[0].working_hours[0].location": is not a field here; valid fields: start_time, end_time, locations`},
		{"update_user_availability", avail(day("Monday", slot("09:00", "10:00", map[string]any{"type": "phone_by_guest", "url": "x"}))), `"weekly[0].working_hours[0].locations[0].url": is not a field here; valid fields: type, value, id`},
		{"update_user_availability", avail(day("Monday", map[string]any{"start_time": "09:00"})), `"weekly[0].working_hours[0].end_time": is required`},
		{"update_user_availability", avail("Monday"), `"weekly[0]": must be an object, got a JSON string`},
		{"update_user_availability", avail(day("Monday", map[string]any{"start_time": 9, "end_time": "10:00"})), `"weekly[0].working_hours[0].start_time": must be a string, got a JSON number`},
		{"update_user_availability", map[string]any{"user_id": "USR-A1", "weekly": "Monday"}, `"weekly": must be a list, got a JSON string`},
		{"update_user_availability", map[string]any{"user_id": "USR-A1", "overrides": []any{map[string]any{"date": "2026-12-24", "remove": "yes"}}}, `"overrides[0].remove": must be true or false, got a JSON string`},
		{"update_user_availability", map[string]any{"user_id": "USR-A1", "overrides": []any{map[string]any{"date": "2026-12-24"}}}, `"overrides[0].working_hours": is required`},
		{"update_user_availability", map[string]any{"user_id": "USR-A1", "overrides": []any{map[string]any{"date": "2026-12-24", "remove": true, "working_hours": []any{}}}}, `"overrides[0].remove": cannot be combined with working_hours: give only one of working_hours or remove`},
		{"update_user_availability", map[string]any{"user_id": "USR-A1", "overrides": []any{map[string]any{"date": "2026-12-24", "remove": false}}}, `"overrides[0].remove": must be true`},
		{"update_user_availability", map[string]any{"user_id": "USR-A1", "overrides": []any{map[string]any{"date": "24/12/2026", "working_hours": []any{}}}}, `"overrides[0].date": "24/12/2026" is not a date, YYYY-MM-DD`},
		{"update_user_availability", map[string]any{"user_id": "USR-A1", "overrides": []any{map[string]any{"date": "2026-12-24", "working_hours": []any{}}, map[string]any{"date": "2026-12-24", "remove": true}}}, `"overrides[1].date": 2026-12-24 is given twice`},
		{"update_user_availability", map[string]any{"user_id": "USR-A1", "overrides": []any{map[string]any{"date": "2026-12-24", "working_hours": []any{slot("08:00", "07:00")}}}}, `"overrides[0].working_hours[0].end_time"`},
		{"update_user_availability", map[string]any{"user_id": "USR-A1", "overrides": []any{map[string]any{"working_hours": []any{}}}}, `"overrides[0].date": is required`},
		{"update_user_availability", map[string]any{"user_id": "USR-A1", "timezone": "UTC", "weekly": []any{day("Monday")}}, `"timezone": is not an argument of this tool`},
	})
}

func TestUserToolsAnnotations(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	assertAnnotations(t, env.InProcess(t), map[string][3]bool{ // readOnly, destructive, idempotent
		"list_users":               {true, false, true},
		"get_user":                 {true, false, true},
		"get_user_availability":    {true, false, true},
		"list_teams":               {true, false, true},
		"get_team":                 {true, false, true},
		"create_user":              {false, false, false},
		"update_user":              {false, true, true},
		"update_user_availability": {false, true, true},
		"delete_user":              {false, true, true},
	})
}

func TestUserToolsReportAnInvalidKey(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := oncehub.WithAPIKey(context.Background(), "not-a-valid-key")
	for _, call := range []struct {
		tool string
		args map[string]any
	}{
		{"list_users", map[string]any{}},
		{"create_user", map[string]any{"email": "a@example.com", "first_name": "A", "last_name": "B"}},
		{"update_user_availability", map[string]any{"user_id": "USR-A1", "weekly": []any{map[string]any{"day": "Monday", "working_hours": []any{}}}}},
		{"list_teams", map[string]any{}},
	} {
		msg := toolError(t, testenv.Call(t, ctx, c, call.tool, call.args))
		assert.Contains(t, msg, "OnceHub error 401 (authentication_error)", call.tool)
		assert.Contains(t, msg, "The OnceHub API key is missing or invalid", call.tool)
		assert.NotContains(t, msg, "not-a-valid-key", "the key never appears in output")
	}
	assert.Len(t, env.Fake.Requests(), 1, "OnceHub's 401 is remembered: the key is not sent again at once")
}
