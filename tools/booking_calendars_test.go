package tools_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

// Seeded booking calendars (see fakeoncehub's seed).
const (
	calSales   = "Sales discovery call"       // Asia/Kolkata, weekdays 09:00-17:00, 30 min, zoom or google_meet
	calSupport = "Product support session"    // Europe/Berlin, Mon-Thu 10:00-16:00, 45 min, microsoft_teams or guest_phone
	calOnsite  = "Onboarding workshop"        // America/Los_Angeles, Tue+Thu 13:00-17:00, 60 min, physical ADD-SF0001 or virtual_static
	calPartner = "Partner consult"            // host only invited: no seat (402)
	calDraft   = "Executive briefing (draft)" // unpublished (422)
)

// calendarIDs maps the seeded calendars' names to their IDs, then forgets the request.
func calendarIDs(t *testing.T, env *testenv.Env, c *client.Client) map[string]string {
	t.Helper()
	items := testenv.Items(t, testenv.Call(t, testenv.KeyCtx(), c, "list_booking_calendars", map[string]any{"limit": 100}))
	out := map[string]string{}
	for _, it := range items {
		out[it["name"].(string)] = it["id"].(string)
	}
	require.Len(t, out, 5)
	env.Fake.ResetRequests()
	return out
}

type slotsResult struct {
	BookingCalendarID string `json:"booking_calendar_id"`
	WindowStart       string `json:"window_start"`
	WindowEnd         string `json:"window_end"`
	TimeZone          string `json:"time_zone"`
	Count             int    `json:"count"`
	Note              string `json:"note"`
	Slots             []struct {
		StartTime      string              `json:"start_time"`
		StartTimeLocal string              `json:"start_time_local"`
		Locations      []map[string]string `json:"locations"`
	} `json:"slots"`
}

func getSlots(t *testing.T, c *client.Client, args map[string]any) slotsResult {
	t.Helper()
	var out slotsResult
	testenv.Structured(t, testenv.Call(t, testenv.KeyCtx(), c, "get_time_slots", args), &out)
	return out
}

func TestListBookingCalendarsFiltersByHost(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	ids := calendarIDs(t, env, c)
	cal := testenv.Object(t, testenv.Call(t, ctx, c, "get_booking_calendar", map[string]any{"booking_calendar_id": ids[calSales]}))
	host := cal["host"].(string)
	env.Fake.ResetRequests()

	res := testenv.Call(t, ctx, c, "list_booking_calendars", map[string]any{"host": host, "limit": 5})
	items := testenv.Items(t, res)
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/booking-calendars", req.Path)
	assert.Equal(t, url.Values{"host": {host}, "limit": {"5"}}, req.Query)
	require.Len(t, items, 1)
	assert.Equal(t, ids[calSales], items[0]["id"])
	assert.Equal(t, "booking_calendar", items[0]["object"])
	assert.Equal(t, true, items[0]["published"])
	assert.EqualValues(t, 30, items[0]["duration_minutes"])

	env.Fake.ResetRequests()
	none := testenv.Object(t, testenv.Call(t, ctx, c, "list_booking_calendars", map[string]any{"host": "TM-NOCALENDARS"}))
	assert.Equal(t, float64(0), none["count"])
	assert.Equal(t, false, none["has_more"])

	// A cursor OnceHub does not know is its 400.
	res = testenv.Call(t, ctx, c, "list_booking_calendars", map[string]any{"after": "BKC-UNKNOWN"})
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "OnceHub error 400")
	assert.Contains(t, testenv.Text(res), "[param: after]")
}

func TestGetBookingCalendarAndNotFound(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	ids := calendarIDs(t, env, c)

	got := testenv.Object(t, testenv.Call(t, ctx, c, "get_booking_calendar", map[string]any{"booking_calendar_id": ids[calDraft]}))
	assert.Equal(t, ids[calDraft], got["id"])
	assert.Equal(t, false, got["published"])
	assert.Equal(t, "Executive briefing", got["subject"])
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/booking-calendars/"+ids[calDraft], req.Path)
	assert.Empty(t, req.Query)

	res := testenv.Call(t, ctx, c, "get_booking_calendar", map[string]any{"booking_calendar_id": "BKC-DOESNOTEXIST"})
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "OnceHub error 404")
	assert.Contains(t, testenv.Text(res), "No such booking calendar: 'BKC-DOESNOTEXIST'")
	assert.Regexp(t, `Request-Id: req_\d+`, testenv.Text(res))
}

func TestGetTimeSlotsSendsUTCWindowAndRendersLocalTimes(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ids := calendarIDs(t, env, c)

	// Tuesday 24 November, 09:00 to 17:00 in India (UTC+05:30, no DST).
	out := getSlots(t, c, map[string]any{"booking_calendar_id": ids[calSales],
		"start_time": "2026-11-24T09:00:00+05:30", "end_time": "2026-11-24T17:00:00+05:30", "time_zone": "Asia/Kolkata"})
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/booking-calendars/"+ids[calSales]+"/time-slots", req.Path)
	assert.Equal(t, url.Values{"start_time": {"2026-11-24T03:30:00.000Z"}, "end_time": {"2026-11-24T11:30:00.000Z"}}, req.Query)

	assert.Equal(t, "2026-11-24T03:30:00Z", out.WindowStart)
	assert.Equal(t, "2026-11-24T11:30:00Z", out.WindowEnd)
	assert.Equal(t, "Asia/Kolkata", out.TimeZone)
	assert.Empty(t, out.Note)
	require.NotEmpty(t, out.Slots)
	assert.Equal(t, len(out.Slots), out.Count)
	assert.LessOrEqual(t, out.Count, 16, "09:00-17:00 in 30-minute slots")
	for _, s := range out.Slots {
		assert.Regexp(t, `^2026-11-24T(0[3-9]|10|11):(00|30):00Z$`, s.StartTime)
		assert.Regexp(t, `^2026-11-24T(09|1[0-6]):(00|30):00\+05:30$`, s.StartTimeLocal)
		assert.Equal(t, []map[string]string{{"type": "virtual", "value": "zoom"}, {"type": "virtual", "value": "google_meet"}}, s.Locations)
	}
}

// A date as end_time includes that whole day in time_zone, as end does in
// find_available_slots: one date as both start and end is that day.
func TestGetTimeSlotsDateEndIsInclusive(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ids := calendarIDs(t, env, c)

	out := getSlots(t, c, map[string]any{"booking_calendar_id": ids[calSales],
		"start_time": "2026-11-24", "end_time": "2026-11-24", "time_zone": "Asia/Kolkata"})
	req := onlyRequest(t, env)
	assert.Equal(t, url.Values{"start_time": {"2026-11-23T18:30:00.000Z"}, "end_time": {"2026-11-24T18:30:00.000Z"}}, req.Query)
	assert.Equal(t, "2026-11-24T18:30:00Z", out.WindowEnd)
	require.NotEmpty(t, out.Slots)
	for _, s := range out.Slots {
		assert.True(t, strings.HasPrefix(s.StartTimeLocal, "2026-11-24T"), "a slot outside 24 November in India: %s", s.StartTimeLocal)
	}
}

// The local time of every slot is its UTC time plus exactly 5:30 in India,
// checked with plain arithmetic rather than the zone database, so it holds in
// any season.
func TestGetTimeSlotsLocalTimesInHalfHourZone(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ids := calendarIDs(t, env, c)

	out := getSlots(t, c, map[string]any{"booking_calendar_id": ids[calSales], "time_zone": "Asia/Kolkata",
		"end_time": "2026-12-21T10:00:00Z"})
	require.Greater(t, out.Count, 100, "four weeks of weekday slots")
	offset := 5*time.Hour + 30*time.Minute
	for _, s := range out.Slots {
		u, err := time.Parse(time.RFC3339, s.StartTime)
		require.NoError(t, err)
		require.Equal(t, time.UTC, u.Location())
		wall := u.Add(offset) // the wall clock in India, expressed in a UTC value
		assert.Equal(t, wall.Format("2006-01-02T15:04:05")+"+05:30", s.StartTimeLocal)
		mins := wall.Hour()*60 + wall.Minute()
		assert.True(t, mins >= 9*60 && mins <= 16*60+30 && wall.Minute()%30 == 0, "slot %s outside 09:00-16:30 local", s.StartTimeLocal)
		assert.NotContains(t, []time.Weekday{time.Saturday, time.Sunday}, wall.Weekday(), s.StartTimeLocal)
		assert.False(t, u.Before(testenv.Now), "slot %s before now", s.StartTime)
	}
	// Now is Monday 15:30 in India: the first free slot is today.
	assert.True(t, strings.HasPrefix(out.Slots[0].StartTimeLocal, "2026-11-23T"), out.Slots[0].StartTimeLocal)
}

func TestGetTimeSlotsDefaultsAndPastStart(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ids := calendarIDs(t, env, c)

	// No window: OnceHub's default (now → +7 days); no time zone: no local times.
	out := getSlots(t, c, map[string]any{"booking_calendar_id": ids[calOnsite]})
	req := onlyRequest(t, env)
	assert.Empty(t, req.Query)
	assert.Equal(t, "2026-11-23T10:00:00Z", out.WindowStart)
	assert.Equal(t, "2026-11-30T10:00:00Z", out.WindowEnd)
	require.NotEmpty(t, out.Slots)
	for _, s := range out.Slots {
		assert.Empty(t, s.StartTimeLocal)
		assert.Equal(t, []map[string]string{{"type": "physical", "value": "ADD-SF0001"}, {"type": "virtual_static"}}, s.Locations,
			"a physical location's address ID is the value schedule_meeting takes")
	}

	// A past start moves to now (OnceHub's default) and says so.
	env.Fake.ResetRequests()
	moved := getSlots(t, c, map[string]any{"booking_calendar_id": ids[calOnsite], "start_time": "2026-11-20T08:00:00-08:00", "end_time": "2026-11-27T00:00:00Z"})
	req = onlyRequest(t, env)
	assert.Equal(t, url.Values{"end_time": {"2026-11-27T00:00:00.000Z"}}, req.Query)
	assert.Contains(t, moved.Note, "2026-11-20T16:00:00Z is in the past")
	assert.Equal(t, "2026-11-23T10:00:00Z", moved.WindowStart)
	assert.NotEmpty(t, moved.Slots)

	// A window without slots says what to do.
	env.Fake.ResetRequests()
	empty := getSlots(t, c, map[string]any{"booking_calendar_id": ids[calOnsite], "start_time": "2026-11-28T00:00:00Z", "end_time": "2026-11-29T00:00:00Z"})
	assert.Equal(t, 0, empty.Count)
	assert.NotNil(t, empty.Slots)
	assert.Contains(t, empty.Note, "No free slots")
}

func TestGetTimeSlotsUpstreamErrors(t *testing.T) {
	t.Parallel()

	// OnceHub's clock runs two hours ahead of ours, so a start we think is in
	// the future reaches it in the past: its 400.
	env := testenv.New(t, func(s testenv.Setup) {
		s.Fake.Now = func() time.Time { return testenv.Now.Add(2 * time.Hour) }
	})
	c := env.InProcess(t)
	ids := calendarIDs(t, env, c)
	ctx := testenv.KeyCtx()
	cases := []struct {
		name string
		id   string
		args map[string]any
		want []string
	}{
		{"400 past start", ids[calSales], map[string]any{"start_time": "2026-11-23T11:00:00Z"},
			[]string{"OnceHub error 400 (invalid_request_error): Start time cannot be in the past.", "[param: start_time]"}},
		{"402 no seat", ids[calPartner], nil,
			[]string{"OnceHub error 402", "doesn't have a seat assigned", "assign a seat"}},
		{"404 unknown", "BKC-DOESNOTEXIST", nil,
			[]string{"OnceHub error 400", "No such booking calendar: 'BKC-DOESNOTEXIST'"}},
		{"422 unpublished", ids[calDraft], nil,
			[]string{"OnceHub error 422", "unpublished booking calendar", "[param: id]"}},
	}
	// Sequential: the subtests share one fake and count its requests.
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env.Fake.ResetRequests()
			args := map[string]any{"booking_calendar_id": tc.id}
			for k, v := range tc.args {
				args[k] = v
			}
			res := testenv.Call(t, ctx, c, "get_time_slots", args)
			require.True(t, res.IsError, testenv.Text(res))
			for _, w := range tc.want {
				assert.Contains(t, testenv.Text(res), w)
			}
			assert.Regexp(t, `Request-Id: req_\d+`, testenv.Text(res))
			assert.Len(t, env.Fake.Requests(), 1, "one request, not retried")
		})
	}
}

func TestScheduleMeetingJourney(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	ids := calendarIDs(t, env, c)
	cal := ids[calSales]

	before := getSlots(t, c, map[string]any{"booking_calendar_id": cal, "time_zone": "America/New_York"})
	require.NotEmpty(t, before.Slots)
	slot := before.Slots[1]
	env.Fake.ResetRequests()

	res := testenv.Call(t, ctx, c, "schedule_meeting", map[string]any{
		"booking_calendar_id": cal, "start_time": slot.StartTime, "guest_time_zone": "America/New_York",
		"name": "Carrie Customer", "email": "carrie@example.org", "phone": "+442071838750",
		"custom_fields": map[string]any{"job_title": "CTO", "topics": []any{"pricing", "security"}},
		"location":      map[string]any{"type": "virtual", "value": "google_meet"},
	})
	out := testenv.Object(t, res)
	req := onlyRequest(t, env)
	assert.Equal(t, "POST", req.Method)
	assert.Equal(t, "/booking-calendars/"+cal+"/schedule", req.Path)
	assert.Empty(t, req.Query)
	start, err := time.Parse(time.RFC3339, slot.StartTime)
	require.NoError(t, err)
	assert.JSONEq(t, fmt.Sprintf(`{"start_time": %q, "guest_time_zone": "America/New_York",
		"booking_form": {"name": "Carrie Customer", "email": "carrie@example.org", "phone": "+442071838750",
			"job_title": "CTO", "topics": ["pricing", "security"]},
		"location": {"type": "virtual", "value": "google_meet"}}`, start.Format("2006-01-02T15:04:05.000Z")), string(req.Body))

	bookingID := out["booking_id"].(string)
	assert.Regexp(t, `^BKNG-`, bookingID)
	assert.Equal(t, cal, out["booking_calendar_id"])
	assert.Equal(t, slot.StartTime, out["start_time"])
	assert.Equal(t, slot.StartTimeLocal, out["start_time_local"], "the guest's local time")
	assert.Regexp(t, `-05:00$`, out["start_time_local"], "New York is on EST in November")
	assert.Equal(t, "America/New_York", out["guest_time_zone"])
	assert.Contains(t, out["next"], "get_booking")

	// list_bookings shows it, newest first.
	env.Fake.ResetRequests()
	items := testenv.Items(t, testenv.Call(t, ctx, c, "list_bookings", map[string]any{"booking_calendar": cal, "limit": 1}))
	require.Len(t, items, 1)
	b := items[0]
	assert.Equal(t, bookingID, b["id"])
	assert.Equal(t, "scheduled", b["status"])
	assert.Equal(t, slot.StartTime, b["starting_time"])
	assert.Equal(t, "America/New_York", b["time_zone"])
	assert.Equal(t, "Carrie Customer", b["guest_name"])
	assert.Equal(t, "carrie@example.org", b["guest_email"])
	assert.Equal(t, "google_meet", b["location"])
	assert.Regexp(t, `^https://google_meet\.example/`, b["join_url"])
	assert.EqualValues(t, 30, b["duration_minutes"])
	full := testenv.Object(t, testenv.Call(t, ctx, c, "get_booking", map[string]any{"booking_id": bookingID}))
	assert.Equal(t, []any{map[string]any{"name": "job_title", "value": "CTO"}, map[string]any{"name": "topics", "value": []any{"pricing", "security"}}},
		sortedCustom(full["form_submission"].(map[string]any)["custom_fields"].([]any)))
	assert.Regexp(t, `^CTC-`, full["contact"])

	// The slot is gone; the others remain.
	after := getSlots(t, c, map[string]any{"booking_calendar_id": cal, "time_zone": "America/New_York"})
	assert.Equal(t, before.Count-1, after.Count)
	for _, s := range after.Slots {
		assert.NotEqual(t, slot.StartTime, s.StartTime)
	}
	assert.Equal(t, before.Slots[0].StartTime, after.Slots[0].StartTime)

	// Booking the same time again is OnceHub's 400, and the message sends the
	// agent back to get_time_slots.
	env.Fake.ResetRequests()
	again := testenv.Call(t, ctx, c, "schedule_meeting", map[string]any{
		"booking_calendar_id": cal, "start_time": slot.StartTime, "guest_time_zone": "Europe/London",
		"name": "Someone Else", "email": "someone@example.org",
	})
	require.True(t, again.IsError)
	msg := testenv.Text(again)
	assert.Contains(t, msg, "is not available on booking calendar "+cal)
	assert.Contains(t, msg, "nothing was booked")
	assert.Contains(t, msg, "The selected start time is not available.")
	assert.Contains(t, msg, "[param: start_time]")
	assert.Regexp(t, `Request-Id: req_\d+`, msg)
	assert.Contains(t, msg, "Call find_available_slots for "+cal)
	assert.Len(t, env.Fake.Requests(), 1)
	assert.JSONEq(t, fmt.Sprintf(`{"start_time": %q, "guest_time_zone": "Europe/London",
		"booking_form": {"name": "Someone Else", "email": "someone@example.org"}}`, start.Format("2006-01-02T15:04:05.000Z")),
		string(env.Fake.Requests()[0].Body), "no location: OnceHub picks a virtual one")
}

func sortedCustom(fields []any) []any {
	if len(fields) == 2 && fields[0].(map[string]any)["name"] != "job_title" {
		fields[0], fields[1] = fields[1], fields[0]
	}
	return fields
}

func TestScheduleMeetingLocations(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	ids := calendarIDs(t, env, c)

	onsite := getSlots(t, c, map[string]any{"booking_calendar_id": ids[calOnsite]})
	require.GreaterOrEqual(t, len(onsite.Slots), 3)
	support := getSlots(t, c, map[string]any{"booking_calendar_id": ids[calSupport]})
	require.GreaterOrEqual(t, len(support.Slots), 3)
	cases := []struct {
		name, cal, start string
		location         map[string]any
		phone            string
		wantLocation     string // the body's location
		wantBooked       string // list_bookings' location, "" when OnceHub refuses
	}{
		{"physical address", ids[calOnsite], onsite.Slots[0].StartTime, map[string]any{"type": "physical", "value": "ADD-SF0001"}, "",
			`{"type": "physical", "value": "ADD-SF0001"}`, "Onsite: 1 Market St, San Francisco"},
		{"virtual_static sends null", ids[calOnsite], onsite.Slots[1].StartTime, map[string]any{"type": "virtual_static"}, "",
			`{"type": "virtual_static", "value": null}`, "Online meeting"},
		{"guest_phone defaults to phone", ids[calSupport], support.Slots[0].StartTime, map[string]any{"type": "guest_phone"}, "+4930901820",
			`{"type": "guest_phone", "value": "+4930901820"}`, "Phone call: +4930901820"},
		{"provider not offered", ids[calSupport], support.Slots[1].StartTime, map[string]any{"type": "virtual", "value": "zoom"}, "",
			`{"type": "virtual", "value": "zoom"}`, ""},
		{"address not offered", ids[calOnsite], onsite.Slots[2].StartTime, map[string]any{"type": "physical", "value": "ADD-ELSEWHERE"}, "",
			`{"type": "physical", "value": "ADD-ELSEWHERE"}`, ""},
	}
	// Sequential: the subtests share one fake and count its requests.
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env.Fake.ResetRequests()
			args := map[string]any{"booking_calendar_id": tc.cal, "start_time": tc.start, "guest_time_zone": "Europe/Berlin",
				"name": "Lena Vogel", "email": "lena.vogel@example.de", "location": tc.location}
			if tc.phone != "" {
				args["phone"] = tc.phone
			}
			res := testenv.Call(t, ctx, c, "schedule_meeting", args)
			req := onlyRequest(t, env)
			var body map[string]any
			require.NoError(t, json.Unmarshal(req.Body, &body))
			assert.JSONEq(t, tc.wantLocation, mustJSON(t, body["location"]))
			if tc.wantBooked == "" {
				require.True(t, res.IsError)
				assert.Contains(t, testenv.Text(res), "OnceHub error 400")
				assert.Contains(t, testenv.Text(res), "[param: location]")
				return
			}
			out := testenv.Object(t, res)
			items := testenv.Items(t, testenv.Call(t, ctx, c, "list_bookings", map[string]any{"booking_calendar": tc.cal, "limit": 1}))
			require.Len(t, items, 1)
			assert.Equal(t, out["booking_id"], items[0]["id"])
			assert.Equal(t, tc.wantBooked, items[0]["location"])
		})
	}
}

func TestScheduleMeetingUpstreamErrors(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	ids := calendarIDs(t, env, c)
	cases := []struct {
		name, id, start string
		want            []string
	}{
		{"400 outside availability", ids[calSales], "2026-11-28T04:30:00Z", // a Saturday
			[]string{"OnceHub error 400 (invalid_request_error): The selected start time is not available.", "Call find_available_slots"}},
		{"402 no seat", ids[calPartner], "2026-11-24T00:00:00Z",
			[]string{"OnceHub error 402", "Meeting cannot be scheduled when the host doesn't have a seat assigned.", "assign a seat"}},
		{"404 unknown", "BKC-DOESNOTEXIST", "2026-11-24T04:00:00Z",
			[]string{"OnceHub error 400", "No such booking calendar: 'BKC-DOESNOTEXIST'"}},
		{"422 unpublished", ids[calDraft], "2026-11-24T15:00:00Z",
			[]string{"OnceHub error 422", "Meeting cannot be scheduled on an unpublished booking calendar.", "[param: id]"}},
	}
	// Sequential: the subtests share one fake and count its requests.
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env.Fake.ResetRequests()
			res := testenv.Call(t, ctx, c, "schedule_meeting", map[string]any{"booking_calendar_id": tc.id, "start_time": tc.start,
				"guest_time_zone": "America/New_York", "name": "Sam Guest", "email": "sam@example.com"})
			require.True(t, res.IsError)
			for _, w := range tc.want {
				assert.Contains(t, testenv.Text(res), w)
			}
			assert.Regexp(t, `Request-Id: req_\d+`, testenv.Text(res))
			reqs := env.Fake.Requests()
			require.Len(t, reqs, 1, "sent once")
			assert.Equal(t, "/booking-calendars/"+tc.id+"/schedule", reqs[0].Path)
		})
	}
	env.Fake.ResetRequests()
	items := testenv.Items(t, testenv.Call(t, ctx, c, "list_bookings", map[string]any{"limit": 1}))
	assert.NotEqual(t, "Sam Guest", items[0]["guest_name"], "no failed call booked anything")
}

// A write that may have reached OnceHub is never sent again: not when the
// connection breaks after the request went out, not on a 503. The same
// failures on a read are retried, which shows the test can tell the difference.
func TestScheduleMeetingIsSentAtMostOnce(t *testing.T) {
	t.Parallel()

	fake := fakeoncehub.New(fakeoncehub.Options{Now: func() time.Time { return testenv.Now }})
	var mode atomic.Value
	mode.Store("")
	var attempts atomic.Int32
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		faulty := strings.HasSuffix(r.URL.Path, "/schedule") || strings.HasSuffix(r.URL.Path, "/time-slots")
		if faulty {
			attempts.Add(1)
		}
		switch m := mode.Load().(string); {
		case faulty && m == "drop":
			fake.ServeHTTP(httptest.NewRecorder(), r) // OnceHub acts on it…
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_ = conn.Close() // …but the answer never arrives
			}
		case faulty && m == "503":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"type":"api_error","message":"Service unavailable."}`))
		default:
			fake.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(up.Close)
	a, err := app.Build(app.Config{APIURL: up.URL + "/v2", Timeout: 5 * time.Second},
		app.Options{Version: "test", Deps: tools.Deps{Now: func() time.Time { return testenv.Now }}})
	require.NoError(t, err)
	env := &testenv.Env{Fake: fake, Upstream: up, APIURL: up.URL + "/v2", App: a}
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	ids := calendarIDs(t, env, c)
	slots := getSlots(t, c, map[string]any{"booking_calendar_id": ids[calSales]})
	require.GreaterOrEqual(t, len(slots.Slots), 2)

	schedule := func(start string) string {
		attempts.Store(0)
		res := testenv.Call(t, ctx, c, "schedule_meeting", map[string]any{"booking_calendar_id": ids[calSales], "start_time": start,
			"guest_time_zone": "Asia/Kolkata", "name": "Ravi Kumar", "email": "ravi@example.in"})
		require.True(t, res.IsError)
		assert.Equal(t, int32(1), attempts.Load(), "the write was sent exactly once")
		return testenv.Text(res)
	}

	mode.Store("drop")
	msg := schedule(slots.Slots[0].StartTime)
	assert.Contains(t, msg, "may have reached OnceHub")
	assert.Contains(t, msg, "check the current state")
	mode.Store("")
	items := testenv.Items(t, testenv.Call(t, ctx, c, "list_bookings", map[string]any{"booking_calendar": ids[calSales], "limit": 1}))
	assert.Equal(t, "Ravi Kumar", items[0]["guest_name"], "OnceHub did book it: a retry would have booked twice")

	mode.Store("503")
	msg = schedule(slots.Slots[1].StartTime)
	assert.Contains(t, msg, "OnceHub error 503")

	// The same 503 on a read is retried (4 attempts in all).
	attempts.Store(0)
	res := testenv.Call(t, ctx, c, "get_time_slots", map[string]any{"booking_calendar_id": ids[calSales]})
	require.True(t, res.IsError)
	assert.Equal(t, int32(4), attempts.Load())
}

func TestCreateBookingCalendarLink(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	ids := calendarIDs(t, env, c)

	res := testenv.Call(t, ctx, c, "create_booking_calendar_link", map[string]any{
		"booking_calendar_id": ids[calSupport], "name": "Carrie Customer", "email": "carrie@example.org",
		"custom_fields": map[string]any{"plan": "Enterprise"}, "utm": map[string]any{"source": "newsletter", "campaign": "q4"},
	})
	out := testenv.Object(t, res)
	req := onlyRequest(t, env)
	assert.Equal(t, "POST", req.Method)
	assert.Equal(t, "/booking-calendars/"+ids[calSupport]+"/one-time-links", req.Path)
	assert.JSONEq(t, `{"booking_form": {"name": "Carrie Customer", "email": "carrie@example.org", "plan": "Enterprise"},
		"utm_params": {"source": "newsletter", "campaign": "q4"}}`, string(req.Body))
	assert.Regexp(t, `^[A-Z0-9]{12}$`, out["id"])
	assert.Regexp(t, `^https://oncehub\.com/\.[A-Z0-9]{12}\?`, out["url"])
	assert.Contains(t, out["url"], "email=carrie%40example.org")
	assert.Equal(t, "2026-11-23T10:00:00Z", out["creation_time"])

	env.Fake.ResetRequests()
	short := testenv.Object(t, testenv.Call(t, ctx, c, "create_booking_calendar_link", map[string]any{
		"booking_calendar_id": ids[calSupport], "email": "carrie@example.org", "hide_url_params": true}))
	assert.JSONEq(t, `{"hide_url_params": true, "booking_form": {"email": "carrie@example.org"}}`, string(env.Fake.Requests()[0].Body))
	assert.Regexp(t, `^https://oncehub\.com/\.[A-Z0-9]{12}$`, short["url"])
	assert.NotEqual(t, out["id"], short["id"], "each link is new")

	env.Fake.ResetRequests()
	bare := testenv.Call(t, ctx, c, "create_booking_calendar_link", map[string]any{"booking_calendar_id": ids[calSales]})
	assert.False(t, bare.IsError, testenv.Text(bare))
	assert.JSONEq(t, `{}`, string(env.Fake.Requests()[0].Body))

	for _, tc := range []struct{ id, want string }{
		{ids[calDraft], "OnceHub error 400 (invalid_request_error): This booking calendar does not allow creation of one time links: '" + ids[calDraft] + "' [param: id]"},
		{"BKC-DOESNOTEXIST", "OnceHub error 404 (invalid_request_error): No such booking calendar: 'BKC-DOESNOTEXIST'"},
	} {
		env.Fake.ResetRequests()
		res := testenv.Call(t, ctx, c, "create_booking_calendar_link", map[string]any{"booking_calendar_id": tc.id})
		require.True(t, res.IsError)
		assert.Contains(t, testenv.Text(res), tc.want)
		assert.Len(t, env.Fake.Requests(), 1)
	}
}

func TestCalendarToolsRejectBadInputWithoutCallingUpstream(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	const cal = "BKC-ABC123"
	slot := func(extra map[string]any) map[string]any {
		args := map[string]any{"booking_calendar_id": cal, "start_time": "2026-11-24T09:00:00+05:30", "guest_time_zone": "Asia/Kolkata",
			"name": "Carrie Customer", "email": "carrie@example.org"}
		for k, v := range extra {
			if v == nil {
				delete(args, k)
			} else {
				args[k] = v
			}
		}
		return args
	}
	assertRejected(t, env, c, []badInput{
		{"list_booking_calendars", map[string]any{"host": "CTC-123"}, `"host": "CTC-123" is not a user or team ID (USR- or TM- then letters and digits`},
		{"list_booking_calendars", map[string]any{"host": "Dana"}, `"host": "Dana" is not a user or team ID`},
		{"list_booking_calendars", map[string]any{"limit": 101}, `"limit": must be between 1 and 100`},
		{"list_booking_calendars", map[string]any{"after": "BKC-A", "before": "BKC-B"}, `"before": cannot be combined with after`},
		{"list_booking_calendars", map[string]any{"owner": "USR-A"}, `"owner": is not an argument of this tool`},
		{"get_booking_calendar", map[string]any{}, `"booking_calendar_id": is required`},
		{"get_booking_calendar", map[string]any{"booking_calendar_id": "BP-ABC"}, `(BKC- then letters and digits`},
		{"get_booking_calendar", map[string]any{"booking_calendar_id": "BKC-1/../../users"}, `then letters and digits`},
		{"get_time_slots", map[string]any{}, `"booking_calendar_id": is required`},
		{"get_time_slots", map[string]any{"booking_calendar_id": "USR-1"}, `(BKC- then letters and digits`},
		{"get_time_slots", map[string]any{"booking_calendar_id": cal, "start_time": "2026-11-24 09:00"}, `"start_time": "2026-11-24 09:00" is not a date (2026-12-01) or an ISO 8601 date-time`},
		{"get_time_slots", map[string]any{"booking_calendar_id": cal, "end_time": "next week"}, `"end_time": "next week" is not a date`},
		{"get_time_slots", map[string]any{"booking_calendar_id": cal, "start_time": "2026-02-30"}, `"start_time": "2026-02-30" is not a date`},
		{"get_time_slots", map[string]any{"booking_calendar_id": cal, "start_time": "2026-11-25T00:00:00Z", "end_time": "2026-11-24T00:00:00Z"}, `"end_time": 2026-11-24T00:00:00.000Z is not after start_time`},
		{"get_time_slots", map[string]any{"booking_calendar_id": cal, "start_time": "2026-11-25T00:00:00Z", "end_time": "2026-12-25T00:00:01Z"}, `longer than 30 days`},
		{"get_time_slots", map[string]any{"booking_calendar_id": cal, "end_time": "2026-12-24T00:00:00Z"}, `"end_time": 2026-12-24T00:00:00Z is more than 30 days after the window start 2026-11-23T10:00:00Z`},
		{"get_time_slots", map[string]any{"booking_calendar_id": cal, "end_time": "2026-11-23T09:00:00Z"}, `"end_time": 2026-11-23T09:00:00Z is not after the window start 2026-11-23T10:00:00Z`},
		{"get_time_slots", map[string]any{"booking_calendar_id": cal, "start_time": "2026-11-01T00:00:00Z", "end_time": "2026-11-02T00:00:00Z"}, `"end_time": 2026-11-02T00:00:00Z is not after the window start`},
		{"get_time_slots", map[string]any{"booking_calendar_id": cal, "time_zone": "IST"}, `"time_zone": "IST" is not an IANA time zone`},
		{"get_time_slots", map[string]any{"booking_calendar_id": cal, "time_zone": "Local"}, `"time_zone"`},
		{"schedule_meeting", slot(map[string]any{"name": nil}), `"name": is required`},
		{"schedule_meeting", slot(map[string]any{"name": "   "}), `"name": is required`},
		{"schedule_meeting", slot(map[string]any{"email": nil}), `"email": is required`},
		{"schedule_meeting", slot(map[string]any{"email": "carrie@"}), `"email": "carrie@" is not an email address`},
		{"schedule_meeting", slot(map[string]any{"email": "Carrie <carrie@example.org>"}), `"email"`},
		{"schedule_meeting", slot(map[string]any{"email": "carrie@localhost"}), `"email"`},
		{"schedule_meeting", slot(map[string]any{"phone": "202-555-0195"}), `"phone": "202-555-0195" is not an E.164 phone number`},
		{"schedule_meeting", slot(map[string]any{"guest_time_zone": nil}), `"guest_time_zone": is required`},
		{"schedule_meeting", slot(map[string]any{"guest_time_zone": "Mars/Olympus"}), `"guest_time_zone": "Mars/Olympus" is not an IANA time zone`},
		{"schedule_meeting", slot(map[string]any{"guest_time_zone": "Local"}), `"guest_time_zone"`},
		{"schedule_meeting", slot(map[string]any{"start_time": nil}), `"start_time": is required`},
		{"schedule_meeting", slot(map[string]any{"start_time": "tomorrow at 9"}), `"start_time": "tomorrow at 9" is not an RFC 3339 date-time with offset`},
		{"schedule_meeting", slot(map[string]any{"start_time": "2026-11-24T09:00:00"}), `"start_time": "2026-11-24T09:00:00" is not an RFC 3339 date-time with offset`},
		{"schedule_meeting", slot(map[string]any{"start_time": "9999-11-24T09:00:00Z"}), `"start_time": "9999-11-24T09:00:00Z" is outside the years 1970-2099`},
		{"schedule_meeting", slot(map[string]any{"name": strings.Repeat("x", 201)}), `"name": is too long: 201 characters, at most 200`},
		{"schedule_meeting", slot(map[string]any{"start_time": "2026-11-20T09:00:00Z"}), `"start_time": 2026-11-20T09:00:00Z is not in the future (now is 2026-11-23T10:00:00Z); call find_available_slots`},
		{"schedule_meeting", slot(map[string]any{"start_time": "2026-11-23T15:30:00+05:30"}), `is not in the future`},
		{"schedule_meeting", slot(map[string]any{"booking_calendar_id": "BKNG-1"}), `(BKC- then letters and digits`},
		{"schedule_meeting", slot(map[string]any{"location": map[string]any{"type": "teleport"}}), `"location.type": "teleport" is not one of the allowed values; use one of virtual, virtual_static, physical, guest_phone`},
		{"schedule_meeting", slot(map[string]any{"location": map[string]any{"type": "virtual"}}), `"location.value": "" is not a video provider`},
		{"schedule_meeting", slot(map[string]any{"location": map[string]any{"type": "virtual", "value": "skype"}}), `"location.value": "skype" is not a video provider; for type virtual use one of google_meet`},
		{"schedule_meeting", slot(map[string]any{"location": map[string]any{"type": "physical", "value": "1 Market St"}}), `"location.value": "1 Market St" is not a location value`},
		{"schedule_meeting", slot(map[string]any{"location": map[string]any{"type": "physical", "value": "ADD-../x"}}), `"location.value": "ADD-../x" is not a location value`},
		{"schedule_meeting", slot(map[string]any{"location": map[string]any{"type": "physical", "value": "zoom"}}), `"location.value": "zoom" is not an address ID`},
		{"schedule_meeting", slot(map[string]any{"location": map[string]any{"type": "virtual_static", "value": "https://x.example"}}), `"location.value": "https://x.example" is not a location value`},
		{"schedule_meeting", slot(map[string]any{"location": map[string]any{"type": "virtual_static", "value": "zoom"}}), `"location.value": must be empty for type virtual_static`},
		{"schedule_meeting", slot(map[string]any{"location": map[string]any{"type": "guest_phone"}}), `"location.value": is required for type guest_phone`},
		{"schedule_meeting", slot(map[string]any{"location": map[string]any{"type": "guest_phone", "value": "12345"}}), `"location.value": "12345" is not a location value`},
		{"schedule_meeting", slot(map[string]any{"location": map[string]any{"type": "guest_phone", "value": "zoom"}}), `"location.value": "zoom" is not an E.164`},
		{"schedule_meeting", slot(map[string]any{"location": "zoom"}), `"location": must be an object`},
		{"schedule_meeting", slot(map[string]any{"custom_fields": map[string]any{"employees": 42}}), `"custom_fields.employees": must be a string or a list, got a JSON number`},
		{"schedule_meeting", slot(map[string]any{"custom_fields": map[string]any{"topics": []any{"a", 1}}}), `"custom_fields.topics[1]": must be a string`},
		{"schedule_meeting", slot(map[string]any{"custom_fields": map[string]any{"email": "x@example.org"}}), `"custom_fields.email": use the email argument`},
		{"schedule_meeting", slot(map[string]any{"custom_fields": map[string]any{"": "x"}}), `"custom_fields": has a field with an empty name`},
		{"schedule_meeting", slot(map[string]any{"booking_form": map[string]any{}}), `"booking_form": is not an argument of this tool`},
		{"create_booking_calendar_link", map[string]any{}, `"booking_calendar_id": is required`},
		{"create_booking_calendar_link", map[string]any{"booking_calendar_id": "MP-1"}, `(BKC- then letters and digits`},
		{"create_booking_calendar_link", map[string]any{"booking_calendar_id": cal, "email": "nope"}, `"email": "nope" is not an email address`},
		{"create_booking_calendar_link", map[string]any{"booking_calendar_id": cal, "phone": "555 0195"}, `"phone"`},
		{"create_booking_calendar_link", map[string]any{"booking_calendar_id": cal, "custom_fields": map[string]any{"vip": true}}, `"custom_fields.vip"`},
		{"create_booking_calendar_link", map[string]any{"booking_calendar_id": cal, "hide_url_params": "yes"}, `"hide_url_params": must be true or false`},
		{"create_booking_calendar_link", map[string]any{"booking_calendar_id": cal, "utm": "newsletter"}, `"utm": must be an object`},
	})
}

func TestCalendarAndPageToolAnnotations(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	toolsets := map[string]string{}
	for _, tl := range env.App.Tools {
		toolsets[tl.Def.Name] = tl.Toolset.Name
	}
	cases := []struct {
		name, toolset string
		hints         [3]bool // readOnly, destructive, idempotent
	}{
		{"list_booking_calendars", "calendars", [3]bool{true, false, true}},
		{"get_booking_calendar", "calendars", [3]bool{true, false, true}},
		{"get_time_slots", "calendars", [3]bool{true, false, true}},
		{"schedule_meeting", "calendars", [3]bool{false, false, false}},
		{"create_booking_calendar_link", "calendars", [3]bool{false, false, false}},
		{"list_booking_pages", "booking_pages", [3]bool{true, false, true}},
		{"get_booking_page", "booking_pages", [3]bool{true, false, true}},
		{"list_event_types", "booking_pages", [3]bool{true, false, true}},
		{"get_event_type", "booking_pages", [3]bool{true, false, true}},
		{"list_master_pages", "booking_pages", [3]bool{true, false, true}},
		{"get_master_page", "booking_pages", [3]bool{true, false, true}},
		{"create_master_page_link", "booking_pages", [3]bool{false, false, false}},
	}
	want := map[string][3]bool{}
	for _, tc := range cases {
		want[tc.name] = tc.hints
		assert.Equal(t, tc.toolset, toolsets[tc.name], tc.name)
	}
	assertAnnotations(t, env.InProcess(t), want)
}
