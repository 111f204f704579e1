package tools_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

func TestListBookingsSendsFiltersAndRendersCompactItems(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()

	res := testenv.Call(t, ctx, c, "list_bookings", map[string]any{
		"status": "scheduled", "limit": 5, "starting_time_after": "2026-11-23", "starting_time_before": "2026-12-31",
		"time_zone": "Asia/Kolkata",
	})
	var out struct {
		Items      []map[string]any `json:"items"`
		Count      int              `json:"count"`
		HasMore    bool             `json:"has_more"`
		NextCursor string           `json:"next_cursor"`
	}
	testenv.Structured(t, res, &out)

	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/bookings", req.Path)
	// The dates are days in Asia/Kolkata: OnceHub's UTC-day filters ask for
	// a day more on each side, and what lies outside is trimmed here, over
	// as many items as it takes to fill the page. The owner is expanded for
	// its name.
	assert.Equal(t, url.Values{"status": {"scheduled"}, "limit": {"100"}, "starting_time.gt": {"2026-11-21"}, "starting_time.lt": {"2026-12-31"},
		"expand": {"data.owner"}}, req.Query)

	require.Len(t, out.Items, 5)
	assert.Equal(t, 5, out.Count)
	assert.True(t, out.HasMore)
	assert.Equal(t, out.Items[4]["id"], out.NextCursor, "next cursor is the last item's ID")
	for _, it := range out.Items {
		assert.Equal(t, "scheduled", it["status"])
		assert.Regexp(t, `^BKNG-`, it["id"])
		assert.Regexp(t, `Z$`, it["starting_time"])
		assert.Regexp(t, `\+05:30$`, it["starting_time_local"])
		assert.Equal(t, "Asia/Kolkata", it["time_zone"])
		assert.GreaterOrEqual(t, it["starting_time_local"], "2026-11-23T00:00:00+05:30")
		assert.Less(t, it["starting_time_local"], "2026-12-31T00:00:00+05:30")
		assert.NotContains(t, it, "form_submission", "compact items drop the raw form")
	}
	readBack(t, res) // the text says the same
}

func TestListBookingsFollowsCursorAndFullDetail(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()

	first := testenv.Object(t, testenv.Call(t, ctx, c, "list_bookings", map[string]any{"limit": 3}))
	second := testenv.Call(t, ctx, c, "list_bookings", map[string]any{"limit": 3, "after": first["next_cursor"], "detail": "full"})
	items := testenv.Items(t, second)
	require.Len(t, items, 3)
	reqs := env.Fake.Requests()
	assert.Equal(t, first["next_cursor"], reqs[1].Query.Get("after"))
	assert.Contains(t, items[0], "form_submission", "full detail keeps every field")
	assert.Contains(t, items[0], "payment_information", "fields the client does not model are kept")
	firstIDs := map[any]bool{}
	for _, it := range first["items"].([]any) {
		firstIDs[it.(map[string]any)["id"]] = true
	}
	for _, it := range items {
		assert.False(t, firstIDs[it["id"]], "second page repeats %v", it["id"])
	}
}

func TestListBookingsMaxResultsWalksPages(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	res := testenv.Object(t, testenv.Call(t, testenv.KeyCtx(), c, "list_bookings", map[string]any{"max_results": 250}))
	assert.Len(t, res["items"], 250)
	assert.Equal(t, true, res["has_more"], "the fake has 260 bookings")
	assert.NotEmpty(t, res["next_cursor"])
	assert.Len(t, env.Fake.Requests(), 3, "100 + 100 + 50")

	env.Fake.ResetRequests()
	all := testenv.Object(t, testenv.Call(t, testenv.KeyCtx(), c, "list_bookings", map[string]any{"max_results": 1000}))
	assert.Len(t, all["items"], 260)
	assert.Equal(t, false, all["has_more"])
	assert.Empty(t, all["next_cursor"])
}

func TestGetBookingExpandsAndReportsNotFound(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	list := testenv.Items(t, testenv.Call(t, ctx, c, "list_bookings", map[string]any{"limit": 1}))
	id := list[0]["id"].(string)

	got := testenv.Object(t, testenv.Call(t, ctx, c, "get_booking", map[string]any{"booking_id": id, "expand": []any{"owner"}}))
	assert.Equal(t, id, got["id"])
	owner, ok := got["owner"].(map[string]any)
	require.True(t, ok, "owner expanded to an object: %v", got["owner"])
	assert.Regexp(t, `^USR-`, owner["id"])
	last := env.Fake.Requests()[1]
	assert.Equal(t, "/bookings/"+id, last.Path)
	assert.Equal(t, "owner", last.Query.Get("expand"))

	res := testenv.Call(t, ctx, c, "get_booking", map[string]any{"booking_id": "BKNG-DOESNOTEXIST"})
	require.True(t, res.IsError)
	msg := testenv.Text(res)
	assert.Contains(t, msg, "404")
	assert.Contains(t, msg, "No such booking: 'BKNG-DOESNOTEXIST'")
	assert.Contains(t, msg, "[param: id]")
	assert.Regexp(t, `Request-Id: req_\d+`, msg)
}

func TestBookingToolsRejectBadInputWithoutCallingUpstream(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	assertRejected(t, env, c, []badInput{
		{"get_booking", map[string]any{}, `"booking_id": is required`},
		{"get_booking", map[string]any{"booking_id": "../users"}, `"booking_id"`},
		{"get_booking", map[string]any{"booking_id": "BKNG-1?x=y"}, `then letters and digits`},
		{"get_booking", map[string]any{"booking_id": "USR-ABC"}, `(BKNG- then letters and digits`},
		{"get_booking", map[string]any{"booking_id": 42}, `"booking_id": must be a string`},
		{"get_booking", map[string]any{"booking_id": "BKNG-A", "expand": []any{"secrets"}}, `"expand[0]": "secrets" is not one of the allowed values; use one of booking_page`},
		{"list_bookings", map[string]any{"limit": 0.5}, `"limit"`},
		{"list_bookings", map[string]any{"limit": 500}, `"limit": must be between 1 and 100`},
		{"list_bookings", map[string]any{"limit": -1}, `"limit"`},
		{"list_bookings", map[string]any{"after": "BKNG-A", "before": "BKNG-B"}, `"before": cannot be combined with after`},
		{"list_bookings", map[string]any{"starting_time_after": "2026-12-01", "starting_time_before": "2026-11-01"}, `"starting_time_after"`},
		{"list_bookings", map[string]any{"creation_time_after": "yesterday"}, `"creation_time_after": "yesterday" is not a date`},
		{"list_bookings", map[string]any{"status": "done"}, `"status"`},
		{"list_bookings", map[string]any{"owner": "CTC-123"}, `"owner"`},
		{"list_bookings", map[string]any{"time_zone": "Mars/Olympus"}, `"time_zone"`},
		{"list_bookings", map[string]any{"max_results": 5000}, `"max_results"`},
		{"list_bookings", map[string]any{"detail": "everything"}, `"detail"`},
		{"list_bookings", map[string]any{"stauts": "scheduled"}, `"stauts": is not an argument of this tool`},
	})
}

// Without time_zone, a filter time without offset is read in UTC (there is
// no one guest to read it for), and time_zone's description says so rather
// than promising the guest's zone.
func TestListBookingsTimeWithoutOffsetIsUTCWithoutTimeZone(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	all := testenv.Items(t, testenv.Call(t, testenv.KeyCtx(), c, "list_bookings", map[string]any{
		"starting_time_after": "2026-11-23T09:00", "starting_time_before": "2026-11-30T09:00", "max_results": 100}))
	require.NotEmpty(t, all)
	for _, it := range all {
		assert.GreaterOrEqual(t, it["starting_time"], "2026-11-23T09:00:00Z")
		assert.Less(t, it["starting_time"], "2026-11-30T09:00:00Z")
	}

	res, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	for _, tl := range res.Tools {
		if tl.Name != "list_bookings" {
			continue
		}
		tz, ok := tl.InputSchema.Properties["time_zone"].(map[string]any)
		require.True(t, ok)
		assert.Contains(t, tz["description"], "default UTC", "for times without offset")
	}
}
