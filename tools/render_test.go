package tools_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/readback"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

// readBack checks that a result's text says what its structuredContent says
// (internal/readback reads the text back) and returns the shape it has.
func readBack(t *testing.T, res *mcp.CallToolResult) readback.Shape {
	t.Helper()
	require.False(t, res.IsError, testenv.Text(res))
	require.NotNil(t, res.StructuredContent)
	return readback.Check(t, testenv.Text(res), res.StructuredContent)
}

func TestEveryListToolsTextReadsBackAsItsStructuredResult(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	listed, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	require.NoError(t, err)

	// Every list tool, by itself, a page with more, and whole objects.
	variants := map[string][]map[string]any{
		"list_bookings": {
			{"time_zone": "America/New_York", "max_results": 150}, // one zone: said once, above the table
			{"expand": []string{"owner", "contact", "event_type"}, "limit": 20, "detail": "full"},
			{"status": "canceled", "limit": 100}, // canceled: cancel_reschedule_information
		},
		"list_sms_notifications": {{"max_results": 30}, {"detail": "full", "limit": 5, "expand": []string{"recipient"}}},
		"list_contacts":          {{"max_results": 60}},
	}
	var lists []string
	for _, tl := range listed.Tools {
		if !strings.HasPrefix(tl.Name, "list_") {
			continue
		}
		lists = append(lists, tl.Name)
		args := []map[string]any{{}, {"limit": 2}}
		if _, ok := tl.InputSchema.Properties["detail"]; ok {
			args = append(args, map[string]any{"detail": "full", "limit": 3})
		}
		for _, a := range append(args, variants[tl.Name]...) {
			t.Run(tl.Name+" "+mustJSON(t, a), func(t *testing.T) {
				t.Parallel()

				res := testenv.Call(t, ctx, c, tl.Name, a)
				assert.Equal(t, readback.Table, readBack(t, res))
			})
		}
	}
	assert.Len(t, lists, 10, "every list tool is covered: %v", lists)
}

func TestListBookingsTableSaysEachTimeOnceInTheAskedZone(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	res := testenv.Call(t, testenv.KeyCtx(), c, "list_bookings", map[string]any{"status": "scheduled", "limit": 5, "time_zone": "Asia/Kolkata"})
	readBack(t, res)
	text := testenv.Text(res)
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	require.Len(t, lines, 8, "common values, header, 5 bookings, paging:\n%s", text)
	assert.Equal(t, "all items: status=scheduled; time_zone=Asia/Kolkata", lines[0], "the zone is named once, at the top")
	assert.True(t, strings.HasPrefix(lines[1], "id,subject,starting_time_local,"), lines[1])
	assert.NotContains(t, lines[1], "starting_time,", "the UTC copy is dropped")
	assert.NotContains(t, text, "Z,", "no UTC times in the rows")
	assert.Regexp(t, `^BKNG-\w+,[^,]+,\d{4}-\d\d-\d\d (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:\d\d,`, lines[2])
	assert.Regexp(t, `^count=5; has_more=true; next_cursor=BKNG-\w+$`, lines[7])
	assert.NotContains(t, text, `"`+"id"+`"`, "no JSON keys")

	// Guests in different zones: each row keeps its zone.
	mixed := testenv.Call(t, testenv.KeyCtx(), c, "list_bookings", map[string]any{"limit": 20})
	readBack(t, mixed)
	header, _, _ := strings.Cut(testenv.Text(mixed), "\n")
	if strings.HasPrefix(header, "all items: ") {
		header = strings.SplitN(testenv.Text(mixed), "\n", 3)[1]
	}
	assert.Contains(t, header, ",time_zone,", "time_zone is a column when the guests' zones differ")
}

func TestListBookingsNamesTheOwnerFromTheSameRequest(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	owner := env.Fake.Users(fakeoncehub.TestKey)[1] // Priya Raman, host of the sales calendar

	res := testenv.Call(t, ctx, c, "list_bookings", map[string]any{"owner": owner["id"], "limit": 5})
	req := onlyRequest(t, env)
	assert.Equal(t, url.Values{"owner": {owner["id"].(string)}, "limit": {"5"}, "expand": {"data.owner"}}, req.Query,
		"the owner is expanded in the list request itself: no call per name")
	items := testenv.Items(t, res)
	require.NotEmpty(t, items)
	for _, it := range items {
		assert.Equal(t, owner["id"], it["owner"], "the ID stays")
		assert.Equal(t, "Priya Raman", it["owner_name"])
	}
	readBack(t, res)
	assert.Contains(t, testenv.Text(res), "owner="+owner["id"].(string)+"; owner_name=Priya Raman")

	// Asked expansions are kept, and owner added once.
	env.Fake.ResetRequests()
	testenv.Call(t, ctx, c, "list_bookings", map[string]any{"limit": 1, "expand": []string{"event_type", "owner"}})
	assert.Equal(t, "data.event_type,data.owner", onlyRequest(t, env).Query.Get("expand"))

	// detail=full returns OnceHub's objects as asked: nothing expanded unasked.
	env.Fake.ResetRequests()
	testenv.Call(t, ctx, c, "list_bookings", map[string]any{"limit": 1, "detail": "full"})
	assert.Empty(t, onlyRequest(t, env).Query.Get("expand"))
}

func TestSlotSearchTextReadsBackDayByDay(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	ids := calendarIDs(t, env, c)
	cases := []map[string]any{
		{"booking_calendar_id": ids[calSales], "end": "P6W", "time_zone": "Asia/Kolkata", "max_slots": 500,
			"weekdays": []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}, "time_of_day": "09:00-12:00"},
		// Two locations, one offered by every slot: said once; UTC by default.
		{"booking_calendar_id": ids[calSupport], "start": "2027-01-11", "end": "2027-01-14"},
		// Across a clock change: each day line carries its own offset.
		{"booking_calendar_id": ids[calSupport], "start": "2027-03-08", "end": "2027-04-02", "time_zone": "America/New_York", "max_slots": 500},
		{"booking_calendar_id": ids[calOnsite], "end": "P3W", "time_zone": "America/Los_Angeles", "location_type": "physical"},
		// More than max_slots: more_available and next_start.
		{"booking_calendar_id": ids[calSales], "end": "P2W", "time_zone": "Europe/London", "max_slots": 7},
		// Nothing matches: the note.
		{"booking_calendar_id": ids[calSales], "end": "P1W", "time_of_day": "02:00-03:00", "time_zone": "Asia/Kolkata"},
	}
	for _, a := range cases {
		t.Run(mustJSON(t, a), func(t *testing.T) {
			t.Parallel()

			res := testenv.Call(t, ctx, c, "find_available_slots", a)
			assert.Equal(t, readback.Slots, readBack(t, res))
		})
	}
	for _, a := range []map[string]any{
		{"booking_calendar_id": ids[calSales]},
		{"booking_calendar_id": ids[calSupport], "time_zone": "Europe/Berlin", "start_time": "2027-01-11T00:00:00Z", "end_time": "2027-01-20T00:00:00Z"},
	} {
		t.Run("get_time_slots "+mustJSON(t, a), func(t *testing.T) {
			t.Parallel()

			res := testenv.Call(t, ctx, c, "get_time_slots", a)
			assert.Equal(t, readback.Slots, readBack(t, res))
		})
	}

	res := testenv.Call(t, ctx, c, "find_available_slots", map[string]any{"booking_calendar_id": ids[calSales],
		"start": "2026-11-30", "end": "2026-12-01", "time_zone": "Asia/Kolkata", "time_of_day": "09:00-10:00"})
	assert.Equal(t, "time_zone=Asia/Kolkata; window_start=2026-11-30T00:00:00+05:30; window_end=2026-12-02T00:00:00+05:30; "+
		"locations=virtual:zoom/virtual:google_meet\n"+
		"2026-11-30 Mon +05:30: 09:00 09:30\n"+
		"2026-12-01 Tue +05:30: 09:00 09:30\n"+
		"count=4; more_available=false\n", testenv.Text(res))
}

func TestSingleObjectsReadAsCompactJSON(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	ids := calendarIDs(t, env, c)
	booking := testenv.Items(t, testenv.Call(t, ctx, c, "list_bookings", map[string]any{"limit": 1}))[0]["id"]
	user := env.Fake.Users(fakeoncehub.TestKey)[0]["id"]

	for _, call := range []struct {
		tool string
		args map[string]any
	}{
		{"get_booking", map[string]any{"booking_id": booking}},
		{"get_booking", map[string]any{"booking_id": booking, "expand": []string{"owner", "contact"}}},
		{"get_booking_calendar", map[string]any{"booking_calendar_id": ids[calSales]}},
		{"get_user", map[string]any{"user_id": user}},
		{"get_user_availability", map[string]any{"user_id": user}},
		{"get_current_time", map[string]any{"time_zone": "Europe/Paris"}},
	} {
		t.Run(call.tool+" "+mustJSON(t, call.args), func(t *testing.T) {
			t.Parallel()

			res := testenv.Call(t, ctx, c, call.tool, call.args)
			assert.Equal(t, readback.JSON, readBack(t, res))
			text := testenv.Text(res)
			assert.NotContains(t, text, "null")
			assert.NotContains(t, text, `:""`)
			assert.NotContains(t, text, `:[]`)
			assert.NotContains(t, text, `"object":`, "the ID's prefix says what it is")
		})
	}
}

// TestScheduleMeetingTextDropsTheCopyOfItsTime books in a zone at UTC: the
// local time repeats start_time and is left out of the text.
func TestScheduleMeetingTextDropsTheCopyOfItsTime(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	ids := calendarIDs(t, env, c)
	slots := findSlots(t, c, map[string]any{"booking_calendar_id": ids[calSales], "start": "2026-11-30", "end": "2026-11-30"}).slots(t)
	require.NotEmpty(t, slots)
	res := testenv.Call(t, ctx, c, "schedule_meeting", map[string]any{"booking_calendar_id": ids[calSales], "start_time": slots[0].StartTime,
		"guest_time_zone": "Europe/London", "name": "Mei Lin", "email": "mei.lin@example.com"})
	assert.Equal(t, readback.JSON, readBack(t, res))
	out := testenv.Object(t, res)
	assert.Equal(t, out["start_time"], out["start_time_local"], "London is at UTC in winter")
	assert.NotContains(t, testenv.Text(res), "start_time_local")
	assert.Contains(t, testenv.Text(res), `"request_id":"req_`)
}

// TestOwnerScenarioTextReadsBack reads back the requests bench/tokens
// measures: all of the owner's bookings in one call, and six weeks of their
// free weekday mornings.
func TestOwnerScenarioTextReadsBack(t *testing.T) {
	t.Parallel()

	env := testenv.New(t, func(s testenv.Setup) { s.Fake.OwnerCalendar = true })
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	owner := env.Fake.Users(fakeoncehub.TestKey)[0]["id"]

	res := testenv.Call(t, ctx, c, "list_bookings", map[string]any{"owner": owner, "max_results": 1000, "time_zone": fakeoncehub.OwnerZone})
	readBack(t, res)
	assert.Len(t, testenv.Items(t, res), fakeoncehub.OwnerBookings)
	assert.Contains(t, testenv.Text(res), "owner_name=Dana Owens")

	cal := testenv.Items(t, testenv.Call(t, ctx, c, "list_booking_calendars", map[string]any{"limit": 1}))[0]
	require.Equal(t, fakeoncehub.OwnerCalendarName, cal["name"])
	week := fakeoncehub.OwnerCalendarWeek(testenv.Now)
	res = testenv.Call(t, ctx, c, "find_available_slots", map[string]any{"booking_calendar_id": cal["id"], "start": week.Format("2006-01-02"),
		"end": "P6W", "weekdays": []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}, "time_of_day": "09:00-12:00",
		"time_zone": fakeoncehub.OwnerZone, "max_slots": 500})
	readBack(t, res)
	assert.EqualValues(t, 168, testenv.Object(t, res)["count"])
	assert.Len(t, strings.Split(strings.TrimSuffix(testenv.Text(res), "\n"), "\n"), 32, "a search line, 30 weekdays, a facts line")
}
