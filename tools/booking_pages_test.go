package tools_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

func TestListBookingPagesFilters(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	all := testenv.Items(t, testenv.Call(t, ctx, c, "list_booking_pages", map[string]any{"limit": 100}))
	require.Len(t, all, 5)
	for _, p := range all {
		assert.Equal(t, "booking_page", p["object"])
		assert.Regexp(t, `^BP-`, p["id"])
		assert.Contains(t, p, "active")
		assert.NotEmpty(t, p["timezone"])
	}
	masters := testenv.Items(t, testenv.Call(t, ctx, c, "list_master_pages", nil))
	require.Len(t, masters, 2)
	cals := calendarIDs(t, env, c)
	host := testenv.Object(t, testenv.Call(t, ctx, c, "get_booking_calendar", map[string]any{"booking_calendar_id": cals[calSales]}))["host"].(string)
	events := testenv.Items(t, testenv.Call(t, ctx, c, "list_event_types", nil))
	require.Len(t, events, 4)
	env.Fake.ResetRequests()

	// user: the one page Priya Raman owns.
	res := testenv.Call(t, ctx, c, "list_booking_pages", map[string]any{"user": host, "limit": 10})
	mine := testenv.Items(t, res)
	reqs := env.Fake.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "GET", reqs[0].Method)
	assert.Equal(t, "/booking-pages", reqs[0].Path)
	assert.Equal(t, fakeoncehub.TestKey, reqs[0].APIKey)
	assert.Equal(t, url.Values{"user": {host}, "limit": {"10"}}, reqs[0].Query)
	require.Len(t, mine, 1)
	assert.Equal(t, "priya-raman", mine[0]["label"])
	assert.Equal(t, "Asia/Kolkata", mine[0]["timezone"])

	// master_page: the two master pages split the five pages between them.
	seen := map[any]bool{}
	for _, mp := range masters {
		items := testenv.Items(t, testenv.Call(t, ctx, c, "list_booking_pages", map[string]any{"master_page": mp["id"]}))
		assert.NotEmpty(t, items)
		for _, id := range ids(items) {
			assert.False(t, seen[id], "%v in two master pages", id)
			seen[id] = true
		}
	}
	assert.Len(t, seen, 5)

	// event_type combined with master_page narrows further; all filters are sent.
	env.Fake.ResetRequests()
	byEvent := testenv.Items(t, testenv.Call(t, ctx, c, "list_booking_pages", map[string]any{"event_type": events[0]["id"]}))
	both := testenv.Items(t, testenv.Call(t, ctx, c, "list_booking_pages", map[string]any{"event_type": events[0]["id"], "master_page": masters[0]["id"], "user": host}))
	assert.NotEmpty(t, byEvent)
	assert.Less(t, len(byEvent), 5)
	assert.LessOrEqual(t, len(both), len(byEvent))
	reqs = env.Fake.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, url.Values{"event_type": {events[0]["id"].(string)}}, reqs[0].Query)
	assert.Equal(t, url.Values{"event_type": {events[0]["id"].(string)}, "master_page": {masters[0]["id"].(string)}, "user": {host}}, reqs[1].Query)
}

func TestListBookingPagesPaging(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	first := testenv.Object(t, testenv.Call(t, ctx, c, "list_booking_pages", map[string]any{"limit": 2}))
	assert.Equal(t, true, first["has_more"])
	require.NotEmpty(t, first["next_cursor"])
	second := testenv.Object(t, testenv.Call(t, ctx, c, "list_booking_pages", map[string]any{"limit": 2, "after": first["next_cursor"]}))
	reqs := env.Fake.Requests()
	require.Len(t, reqs, 2)
	assert.Equal(t, url.Values{"limit": {"2"}, "after": {first["next_cursor"].(string)}}, reqs[1].Query)
	assert.Len(t, second["items"], 2)
	assert.NotEqual(t, first["items"], second["items"])
	walked := testenv.Object(t, testenv.Call(t, ctx, c, "list_booking_pages", map[string]any{"max_results": 50}))
	assert.Len(t, walked["items"], 5)
	assert.Equal(t, false, walked["has_more"])
}

func TestGetBookingPageAndNotFound(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	pages := testenv.Items(t, testenv.Call(t, ctx, c, "list_booking_pages", map[string]any{"limit": 100}))
	inactive := pages[4]
	require.Equal(t, false, inactive["active"])
	env.Fake.ResetRequests()

	got := testenv.Object(t, testenv.Call(t, ctx, c, "get_booking_page", map[string]any{"booking_page_id": inactive["id"]}))
	assert.Equal(t, inactive, got)
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/booking-pages/"+inactive["id"].(string), req.Path)
	assert.Empty(t, req.Query)

	res := testenv.Call(t, ctx, c, "get_booking_page", map[string]any{"booking_page_id": "BP-DOESNOTEXIST"})
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "OnceHub error 404 (invalid_request_error): No such booking page: 'BP-DOESNOTEXIST' [param: id]")
}

func TestBookingPageToolsRejectBadInputWithoutCallingUpstream(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	assertRejected(t, env, c, []badInput{
		{"list_booking_pages", map[string]any{"master_page": "ET-ABC"}, `"master_page": "ET-ABC" is not a master page ID (MP- then letters and digits`},
		{"list_booking_pages", map[string]any{"event_type": "MP-ABC"}, `"event_type": "MP-ABC" is not an event type ID (ET- then letters and digits`},
		{"list_booking_pages", map[string]any{"user": "TM-ABC"}, `"user": "TM-ABC" is not a user ID (USR- then letters and digits`},
		{"list_booking_pages", map[string]any{"user": "priya"}, `"user": "priya" is not a user ID`},
		{"list_booking_pages", map[string]any{"limit": 0.5}, `"limit"`},
		{"list_booking_pages", map[string]any{"max_results": 2000}, `"max_results"`},
		{"list_booking_pages", map[string]any{"host": "USR-A"}, `"host": is not an argument of this tool`},
		{"get_booking_page", map[string]any{}, `"booking_page_id": is required`},
		{"get_booking_page", map[string]any{"booking_page_id": "BKC-ABC"}, `(BP- then letters and digits`},
		{"get_booking_page", map[string]any{"booking_page_id": "BP-A?limit=1"}, `then letters and digits`},
		{"get_booking_page", map[string]any{"booking_page_id": []any{"BP-A"}}, `"booking_page_id": must be a string`},
	})
}
