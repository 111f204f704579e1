package tools_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

type availSlot struct {
	StartTime      string              `json:"start_time"`
	StartTimeLocal string              `json:"start_time_local"`
	Locations      []map[string]string `json:"locations"`
}

type availResult struct {
	TimeZone      string `json:"time_zone"`
	WindowStart   string `json:"window_start"`
	WindowEnd     string `json:"window_end"`
	Count         int    `json:"count"`
	MoreAvailable bool   `json:"more_available"`
	NextStart     string `json:"next_start"`
	StoppedEarly  string `json:"stopped_early"`
	Note          string `json:"note"`
	Days          []struct {
		Date    string      `json:"date"`
		Weekday string      `json:"weekday"`
		Slots   []availSlot `json:"slots"`
	} `json:"days"`
}

// slots flattens the days, checking that each slot sits under its local day.
func (r availResult) slots(t *testing.T) []availSlot {
	t.Helper()
	var out []availSlot
	for _, d := range r.Days {
		require.NotEmpty(t, d.Slots, "day %s has no slots", d.Date)
		for _, s := range d.Slots {
			local, err := time.Parse(time.RFC3339, s.StartTimeLocal)
			require.NoError(t, err)
			assert.Equal(t, d.Date, local.Format(time.DateOnly), "slot %s grouped under %s", s.StartTimeLocal, d.Date)
			assert.Equal(t, d.Weekday, local.Weekday().String())
			out = append(out, s)
		}
	}
	assert.Len(t, out, r.Count)
	return out
}

func starts(slots []availSlot) []string {
	out := make([]string, len(slots))
	for i, s := range slots {
		out[i] = s.StartTime
	}
	return out
}

func findSlots(t *testing.T, c *client.Client, args map[string]any) availResult {
	t.Helper()
	var out availResult
	testenv.Structured(t, testenv.Call(t, testenv.KeyCtx(), c, "find_available_slots", args), &out)
	return out
}

type window struct{ start, end time.Time } // start zero: OnceHub's now

// slotWindows checks that every recorded request is a GET of calendar's time
// slots with the test key and a UTC window of at most 30 days in OnceHub's
// full form, and that the windows are contiguous; it returns them.
func slotWindows(t *testing.T, reqs []fakeoncehub.Request, calendar string) []window {
	t.Helper()
	var out []window
	for i, r := range reqs {
		assert.Equal(t, "GET", r.Method)
		assert.Equal(t, "/booking-calendars/"+calendar+"/time-slots", r.Path)
		assert.Equal(t, fakeoncehub.TestKey, r.APIKey)
		var w window
		for k := range r.Query {
			require.Contains(t, []string{"start_time", "end_time"}, k)
		}
		parse := func(v string) time.Time {
			require.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$`, v, "UTC, full form")
			ts, err := time.Parse(time.RFC3339, v)
			require.NoError(t, err)
			return ts
		}
		if v := r.Query.Get("start_time"); v != "" {
			w.start = parse(v)
		} else {
			require.Zero(t, i, "only the first request may start at OnceHub's now")
		}
		w.end = parse(r.Query.Get("end_time"))
		from := w.start
		if from.IsZero() {
			from = testenv.Now
		}
		assert.True(t, w.end.After(from))
		assert.LessOrEqual(t, w.end.Sub(from), 30*24*time.Hour, "request %d is longer than 30 days", i)
		if i > 0 {
			assert.Equal(t, out[i-1].end, w.start, "request %d does not continue where %d ended", i, i-1)
		}
		out = append(out, w)
	}
	return out
}

// The request that motivated the tool: "30 minutes with the sales calendar
// any weekday morning in the next six weeks, my time zone is Asia/Kolkata".
// One call; the cap is reached within the first 30 days, so one request.
func TestFindAvailableSlotsWeekdayMorningsInKolkata(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ids := calendarIDs(t, env, c)
	cal := ids[calSales]

	out := findSlots(t, c, map[string]any{"booking_calendar_id": cal, "end": "P6W", "time_zone": "Asia/Kolkata",
		"weekdays": []any{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}, "time_of_day": "09:00-12:00"})
	ws := slotWindows(t, env.Fake.Requests(), cal)
	require.Len(t, ws, 1)
	assert.True(t, ws[0].start.IsZero(), "starting now: OnceHub's own clock")
	assert.Equal(t, testenv.Now.Add(30*24*time.Hour-10*time.Minute), ws[0].end)

	assert.Equal(t, "Asia/Kolkata", out.TimeZone)
	assert.Equal(t, "2026-11-23T15:30:00+05:30", out.WindowStart, "now, in India")
	assert.Equal(t, "2027-01-04T15:30:00+05:30", out.WindowEnd, "six weeks later")
	assert.Equal(t, 50, out.Count, "the default cap")
	assert.True(t, out.MoreAvailable)
	assert.Equal(t, "More slots: call again with start="+out.NextStart+" and end=2027-01-04T15:30:00+05:30 (the same window; a length such as P6W would count from the new start).", out.Note)
	slots := out.slots(t)
	offset := 5*time.Hour + 30*time.Minute
	for _, s := range slots {
		u, err := time.Parse(time.RFC3339, s.StartTime)
		require.NoError(t, err)
		require.Equal(t, time.UTC, u.Location(), s.StartTime)
		wall := u.Add(offset) // India's wall clock by plain arithmetic, no zone database
		assert.Equal(t, wall.Format("2006-01-02T15:04:05")+"+05:30", s.StartTimeLocal)
		assert.Contains(t, []string{"09:00", "09:30", "10:00", "10:30", "11:00", "11:30"}, wall.Format("15:04"), "a morning slot")
		assert.Equal(t, []map[string]string{{"type": "virtual", "value": "zoom"}, {"type": "virtual", "value": "google_meet"}}, s.Locations)
	}
	// Monday's morning is over in India (15:30): the first morning is Tuesday's.
	assert.Equal(t, "2026-11-24", out.Days[0].Date)
	assert.Equal(t, "Tuesday", out.Days[0].Weekday)
	for _, d := range out.Days {
		assert.NotContains(t, []string{"Saturday", "Sunday"}, d.Weekday)
	}
	last := slots[len(slots)-1]
	assert.Less(t, last.StartTimeLocal, out.NextStart)
	assert.Regexp(t, `\+05:30$`, out.NextStart)

	// Continuing from next_start gives the next slots, none repeated.
	env.Fake.ResetRequests()
	more := findSlots(t, c, map[string]any{"booking_calendar_id": cal, "start": out.NextStart, "end": out.WindowEnd,
		"time_zone": "Asia/Kolkata", "weekdays": []any{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}, "time_of_day": "09:00-12:00", "max_slots": 5})
	next := more.slots(t)
	require.Len(t, next, 5)
	assert.Equal(t, out.NextStart, next[0].StartTimeLocal)
	assert.NotContains(t, starts(slots), next[0].StartTime)
	ws = slotWindows(t, env.Fake.Requests(), cal)
	next0, _ := time.Parse(time.RFC3339, out.NextStart)
	assert.Equal(t, next0.UTC(), ws[0].start, "an explicit start in the future is sent as is")
}

// A 90-day window is three contiguous requests of at most 30 days whose seams
// fall exactly on slot starts. The result equals both the calendar's rule and
// the slots fetched in ten-day pieces with get_time_slots.
func TestFindAvailableSlotsSplitsLongWindowsWithoutGapsOrDuplicates(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ids := calendarIDs(t, env, c)
	cal := ids[calSupport] // Europe/Berlin, Mon-Thu 10:00-16:00, 45 minutes; no bookings this far ahead

	// Saturday 10:45 in Berlin; the seams fall on Monday 8 February and
	// Wednesday 10 March at 10:45, a slot's start.
	start := time.Date(2027, 1, 9, 9, 45, 0, 0, time.UTC)
	out := findSlots(t, c, map[string]any{"booking_calendar_id": cal, "start": "2027-01-09T09:45:00Z", "end": "2027-04-08", "max_slots": 500})
	ws := slotWindows(t, env.Fake.Requests(), cal)
	end := time.Date(2027, 4, 9, 0, 0, 0, 0, time.UTC) // an end date includes its day
	seam1, seam2 := start.Add(30*24*time.Hour), start.Add(60*24*time.Hour)
	assert.Equal(t, []window{{start, seam1}, {seam1, seam2}, {seam2, end}}, ws)
	assert.Equal(t, "UTC", out.TimeZone)
	assert.Equal(t, "2027-01-09T09:45:00Z", out.WindowStart)
	assert.Equal(t, "2027-04-09T00:00:00Z", out.WindowEnd)
	assert.False(t, out.MoreAvailable)
	assert.Empty(t, out.NextStart)
	got := starts(out.slots(t))

	want := supportRule(t, start, end)
	assert.Equal(t, want, got)
	assert.Contains(t, got, seam1.Format(time.RFC3339), "the slot at the first seam is there")
	assert.Contains(t, got, seam2.Format(time.RFC3339), "the slot at the second seam is there")

	// The same window in ten-day pieces.
	var pieces []string
	for from := start; from.Before(end); from = from.Add(10 * 24 * time.Hour) {
		to := min(from.Add(10*24*time.Hour).Unix(), end.Unix())
		r := getSlots(t, c, map[string]any{"booking_calendar_id": cal, "start_time": from.Format(time.RFC3339),
			"end_time": time.Unix(to, 0).UTC().Format(time.RFC3339)})
		for _, s := range r.Slots {
			pieces = append(pieces, s.StartTime)
		}
	}
	assert.Equal(t, pieces, got)
}

// supportRule lists the seeded support calendar's slots starting in
// [start, end) from its rule (Europe/Berlin, Mon-Thu 10:00-16:00, 45 minutes),
// computed here rather than by the fake.
func supportRule(t *testing.T, start, end time.Time) []string {
	berlin := mustZone(t, "Europe/Berlin")
	var want []string
	for d := start.In(berlin); d.Before(end); d = d.AddDate(0, 0, 1) {
		if d.Weekday() < time.Monday || d.Weekday() > time.Thursday {
			continue
		}
		for k := 0; k < 8; k++ {
			s := time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, berlin).Add(time.Duration(k*45) * time.Minute)
			if !s.Before(start) && s.Before(end) {
				want = append(want, s.UTC().Format(time.RFC3339))
			}
		}
	}
	return want
}

// An upstream that also returns slots at or after end_time (an inclusive or
// sloppy end) adds neither duplicates at the seams nor slots past the window:
// each slot counts only in the part of the window its start lies in.
func TestFindAvailableSlotsIgnoresSlotsBeyondEachPart(t *testing.T) {
	t.Parallel()

	fake := fakeoncehub.New(fakeoncehub.Options{Now: func() time.Time { return testenv.Now }})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		end := r.URL.Query().Get("end_time")
		if !strings.HasSuffix(r.URL.Path, "/time-slots") || end == "" {
			fake.ServeHTTP(w, r)
			return
		}
		answer := func(from, to string) []json.RawMessage {
			q := r.URL.Query()
			if from != "" {
				q.Set("start_time", from)
			}
			q.Set("end_time", to)
			req := r.Clone(r.Context())
			req.URL.RawQuery = q.Encode()
			rec := httptest.NewRecorder()
			fake.ServeHTTP(rec, req)
			var slots []json.RawMessage
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &slots), rec.Body.String())
			return slots
		}
		e, err := time.Parse(time.RFC3339, end)
		require.NoError(t, err)
		slots := append(answer("", end), answer(end, e.Add(3*time.Hour).Format("2006-01-02T15:04:05.000Z"))...)
		w.Header().Set("Content-Type", "application/json")
		require.NoError(t, json.NewEncoder(w).Encode(slots))
	}))
	t.Cleanup(up.Close)
	a, err := app.Build(app.Config{APIURL: up.URL + "/v2", Timeout: 5 * time.Second},
		app.Options{Version: "test", Deps: tools.Deps{Now: func() time.Time { return testenv.Now }}})
	require.NoError(t, err)
	env := &testenv.Env{Fake: fake, Upstream: up, APIURL: up.URL + "/v2", App: a}
	c := env.InProcess(t)
	ids := calendarIDs(t, env, c)

	start := time.Date(2027, 1, 9, 9, 45, 0, 0, time.UTC)
	end := time.Date(2027, 4, 8, 9, 0, 0, 0, time.UTC) // Thursday 11:00 in Berlin: 11:30 and later fall outside
	out := findSlots(t, c, map[string]any{"booking_calendar_id": ids[calSupport], "start": "2027-01-09T09:45:00Z", "end": "2027-04-08T09:00:00Z", "max_slots": 500})
	assert.Equal(t, supportRule(t, start, end), starts(out.slots(t)))
}

// Dates, local times and filters follow the person's zone across daylight
// saving changes: the Berlin calendar seen from New York across the US change
// (14 March 2027) and the EU change (28 March), and the India calendar seen
// from Adelaide (a half-hour zone) across its change on 4 April 2027.
func TestFindAvailableSlotsAcrossDaylightSavingChanges(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ids := calendarIDs(t, env, c)

	ny := findSlots(t, c, map[string]any{"booking_calendar_id": ids[calSupport], "start": "2027-03-08", "end": "2027-04-02",
		"time_zone": "America/New_York", "max_slots": 500})
	assert.Equal(t, "2027-03-08T00:00:00-05:00", ny.WindowStart)
	assert.Equal(t, "2027-04-03T00:00:00-04:00", ny.WindowEnd, "the end date's whole day, in summer time")
	ws := slotWindows(t, env.Fake.Requests(), ids[calSupport])
	assert.Equal(t, []window{{time.Date(2027, 3, 8, 5, 0, 0, 0, time.UTC), time.Date(2027, 4, 3, 4, 0, 0, 0, time.UTC)}}, ws)
	first := map[string]availSlot{}
	for _, d := range ny.Days {
		first[d.Date] = d.Slots[0]
		assert.Len(t, d.Slots, 8, d.Date)
	}
	// Berlin 10:00 is 04:00 in New York (6 hours apart), 05:00 between the two
	// changes (5 hours), and 04:00 again once Europe changes too.
	assert.Equal(t, availSlot{"2027-03-08T09:00:00Z", "2027-03-08T04:00:00-05:00", []map[string]string{{"type": "virtual", "value": "microsoft_teams"}, {"type": "guest_phone"}}}, first["2027-03-08"])
	assert.Equal(t, "2027-03-11T04:00:00-05:00", first["2027-03-11"].StartTimeLocal)
	assert.Equal(t, "2027-03-15T05:00:00-04:00", first["2027-03-15"].StartTimeLocal)
	assert.Equal(t, "2027-03-15T09:00:00Z", first["2027-03-15"].StartTime)
	assert.Equal(t, "2027-03-25T05:00:00-04:00", first["2027-03-25"].StartTimeLocal)
	assert.Equal(t, "2027-03-29T04:00:00-04:00", first["2027-03-29"].StartTimeLocal)
	assert.Equal(t, "2027-03-29T08:00:00Z", first["2027-03-29"].StartTime)
	assert.Len(t, ny.Days, 16, "Mon-Thu for four weeks")

	// A time-of-day filter is read on New York's clock: 04:00-05:00 holds
	// Berlin's 10:00 and 10:45 only while the zones are six hours apart.
	env.Fake.ResetRequests()
	early := findSlots(t, c, map[string]any{"booking_calendar_id": ids[calSupport], "start": "2027-03-08", "end": "2027-04-02",
		"time_zone": "America/New_York", "time_of_day": "04:00-05:00"})
	var dates []string
	for _, d := range early.Days {
		dates = append(dates, d.Date)
		require.Len(t, d.Slots, 2, d.Date)
		assert.Regexp(t, `T04:00:00-0[45]:00$`, d.Slots[0].StartTimeLocal)
		assert.Regexp(t, `T04:45:00-0[45]:00$`, d.Slots[1].StartTimeLocal)
	}
	assert.Equal(t, []string{"2027-03-08", "2027-03-09", "2027-03-10", "2027-03-11", "2027-03-29", "2027-03-30", "2027-03-31", "2027-04-01"}, dates)

	// India (+05:30, no DST) seen from Adelaide (+10:30 in summer, +09:30 from
	// 4 April): 09:00 in India is 14:00, then 13:00, in Adelaide.
	adl := findSlots(t, c, map[string]any{"booking_calendar_id": ids[calSales], "start": "2027-04-01", "end": "2027-04-06",
		"time_zone": "Australia/Adelaide", "time_of_day": "13:00-14:30"})
	assert.Equal(t, "2027-04-01T00:00:00+10:30", adl.WindowStart)
	assert.Equal(t, "2027-04-07T00:00:00+09:30", adl.WindowEnd)
	var got []string
	for _, s := range adl.slots(t) {
		got = append(got, s.StartTime+" "+s.StartTimeLocal)
	}
	assert.Equal(t, []string{
		"2027-04-01T03:30:00Z 2027-04-01T14:00:00+10:30", // Thursday 09:00 in India
		"2027-04-02T03:30:00Z 2027-04-02T14:00:00+10:30", // Friday
		"2027-04-05T03:30:00Z 2027-04-05T13:00:00+09:30", // Monday, after the change
		"2027-04-05T04:00:00Z 2027-04-05T13:30:00+09:30",
		"2027-04-05T04:30:00Z 2027-04-05T14:00:00+09:30",
		"2027-04-06T03:30:00Z 2027-04-06T13:00:00+09:30",
		"2027-04-06T04:00:00Z 2027-04-06T13:30:00+09:30",
		"2027-04-06T04:30:00Z 2027-04-06T14:00:00+09:30",
	}, got)
}

func TestFindAvailableSlotsPastStartMovesToNow(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ids := calendarIDs(t, env, c)
	cal := ids[calSales]

	out := findSlots(t, c, map[string]any{"booking_calendar_id": cal, "start": "2026-11-20", "end": "2026-11-24", "time_zone": "Asia/Kolkata"})
	ws := slotWindows(t, env.Fake.Requests(), cal)
	require.Len(t, ws, 1)
	assert.True(t, ws[0].start.IsZero(), "a past start is not sent: OnceHub refuses it")
	assert.Equal(t, time.Date(2026, 11, 24, 18, 30, 0, 0, time.UTC), ws[0].end, "midnight after 24 November in India")
	assert.Equal(t, "start 2026-11-20T00:00:00+05:30 is in the past, so the search starts now (2026-11-23T15:30:00+05:30).", out.Note)
	assert.Equal(t, "2026-11-23T15:30:00+05:30", out.WindowStart)
	slots := out.slots(t)
	require.NotEmpty(t, slots)
	for _, s := range slots {
		assert.Greater(t, s.StartTimeLocal, "2026-11-23T15:30:00+05:30")
		assert.Less(t, s.StartTimeLocal, "2026-11-25")
	}

	// A window wholly in the past is refused before anything is sent.
	env.Fake.ResetRequests()
	res := testenv.Call(t, testenv.KeyCtx(), c, "find_available_slots", map[string]any{"booking_calendar_id": cal, "start": "2026-11-01", "end": "2026-11-20"})
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), `Invalid argument "end": 2026-11-21T00:00:00Z is not after now, 2026-11-23T10:00:00Z; choose a later end`)
	assert.Empty(t, env.Fake.Requests())
}

func TestFindAvailableSlotsFilters(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ids := calendarIDs(t, env, c)

	// Weekdays and a time of day in Berlin: the slot must start in
	// [11:00, 13:00), so 11:30 and 12:15 qualify and 13:00 does not.
	out := findSlots(t, c, map[string]any{"booking_calendar_id": ids[calSupport], "start": "2027-01-11T11:00+01:00", "end": "2027-01-24",
		"time_zone": "Europe/Berlin", "weekdays": []any{"Monday", "Wednesday"}, "time_of_day": "11:00-13:00"})
	var got []string
	for _, s := range out.slots(t) {
		got = append(got, s.StartTimeLocal)
	}
	assert.Equal(t, []string{"2027-01-11T11:30:00+01:00", "2027-01-11T12:15:00+01:00", "2027-01-13T11:30:00+01:00", "2027-01-13T12:15:00+01:00",
		"2027-01-18T11:30:00+01:00", "2027-01-18T12:15:00+01:00", "2027-01-20T11:30:00+01:00", "2027-01-20T12:15:00+01:00"}, got)

	// A range across midnight: 23:00-01:00 in Los Angeles is 12:30-14:30 in India.
	wrap := findSlots(t, c, map[string]any{"booking_calendar_id": ids[calSales], "start": "2027-01-12", "end": "2027-01-12",
		"time_zone": "America/Los_Angeles", "time_of_day": "23:00-01:00"})
	got = nil
	for _, s := range wrap.slots(t) {
		got = append(got, s.StartTimeLocal)
	}
	assert.Equal(t, []string{"2027-01-12T00:00:00-08:00", "2027-01-12T00:30:00-08:00", "2027-01-12T23:00:00-08:00", "2027-01-12T23:30:00-08:00"}, got)

	// location_type keeps slots offering it, with only those locations.
	phone := findSlots(t, c, map[string]any{"booking_calendar_id": ids[calSupport], "start": "2027-01-11", "end": "2027-01-11", "location_type": "guest_phone"})
	slots := phone.slots(t)
	require.Len(t, slots, 8)
	for _, s := range slots {
		assert.Equal(t, []map[string]string{{"type": "guest_phone"}}, s.Locations)
	}
	onsite := findSlots(t, c, map[string]any{"booking_calendar_id": ids[calOnsite], "start": "2027-01-12", "end": "2027-01-12",
		"time_zone": "America/Los_Angeles", "location_type": "physical"})
	slots = onsite.slots(t)
	require.Len(t, slots, 4)
	assert.Equal(t, []map[string]string{{"type": "physical", "value": "ADD-SF0001"}}, slots[0].Locations, "the value schedule_meeting takes")

	// Nothing matches: an empty result that says why and what to do.
	env.Fake.ResetRequests()
	none := findSlots(t, c, map[string]any{"booking_calendar_id": ids[calSales], "start": "2027-01-11", "end": "2027-01-15", "location_type": "physical"})
	assert.Equal(t, 0, none.Count)
	assert.NotNil(t, none.Days)
	assert.Empty(t, none.Days)
	assert.False(t, none.MoreAvailable)
	assert.Equal(t, "80 free slots in the window, none matching the filters; widen or drop weekdays, time_of_day or location_type, or widen the window.", none.Note)
	assert.Len(t, env.Fake.Requests(), 1)

	weekend := findSlots(t, c, map[string]any{"booking_calendar_id": ids[calSales], "start": "2027-01-16", "end": "2027-01-17", "time_zone": "Asia/Kolkata"})
	assert.Equal(t, 0, weekend.Count)
	assert.Contains(t, weekend.Note, "No free slots in this window; try a later or longer window")
}

// max_slots caps the result; more_available says whether slots beyond it
// exist, and next_start is the first of them.
func TestFindAvailableSlotsCap(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ids := calendarIDs(t, env, c)
	args := func(max int) map[string]any {
		// Tuesday 12 January in Los Angeles: 13:00, 14:00, 15:00, 16:00.
		return map[string]any{"booking_calendar_id": ids[calOnsite], "start": "2027-01-12", "end": "2027-01-12",
			"time_zone": "America/Los_Angeles", "max_slots": max}
	}
	all := findSlots(t, c, args(4))
	assert.Equal(t, 4, all.Count)
	assert.False(t, all.MoreAvailable, "exactly as many as the cap")
	assert.Empty(t, all.NextStart)

	three := findSlots(t, c, args(3))
	assert.Equal(t, 3, three.Count)
	assert.True(t, three.MoreAvailable)
	assert.Equal(t, "2027-01-12T16:00:00-08:00", three.NextStart)
	assert.Equal(t, starts(all.slots(t))[:3], starts(three.slots(t)))

	one := findSlots(t, c, args(1))
	assert.Equal(t, "2027-01-12T14:00:00-08:00", one.NextStart)
}

func TestFindAvailableSlotsRejectsBadInputWithoutCallingUpstream(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	const cal = "BKC-ABC123"
	cases := []struct {
		args map[string]any
		want string
	}{
		{map[string]any{}, `"booking_calendar_id": is required`},
		{map[string]any{"booking_calendar_id": "BP-ABC"}, `(BKC- then letters and digits`},
		{map[string]any{"booking_calendar_id": cal, "calendar": "sales"}, `"calendar": is not an argument of this tool`},
		{map[string]any{"booking_calendar_id": cal, "start": "tomorrow"}, `"start": "tomorrow" is not a date (2026-12-01) or an ISO 8601 date-time`},
		{map[string]any{"booking_calendar_id": cal, "start": "9999-12-01"}, `"start": "9999-12-01" is not a date`},
		{map[string]any{"booking_calendar_id": cal, "start": "2101-01-01"}, `"start": "2101-01-01" is not a date`},
		{map[string]any{"booking_calendar_id": cal, "start": "1960-01-01"}, `"start": "1960-01-01" is outside the years 1970-2099`},
		{map[string]any{"booking_calendar_id": cal, "start": "P1W"}, `"start": "P1W" is not a date`},
		{map[string]any{"booking_calendar_id": cal, "start": "2026-02-30"}, `"start": "2026-02-30" is not a date`},
		{map[string]any{"booking_calendar_id": cal, "end": "6 weeks"}, `"end": "6 weeks" is not a date (2026-12-01, inclusive), an ISO 8601 date-time, or a length after start such as P6W`},
		{map[string]any{"booking_calendar_id": cal, "end": "P0D"}, `"end": "P0D" is an empty length`},
		{map[string]any{"booking_calendar_id": cal, "end": "P"}, `"end": "P" is an empty length`},
		{map[string]any{"booking_calendar_id": cal, "end": "p6w"}, `"end": "p6w" is not`},
		{map[string]any{"booking_calendar_id": cal, "end": "P2Y"}, `"end": "P2Y" is not`},
		{map[string]any{"booking_calendar_id": cal, "end": "P99999999999999999999D"}, `"end": "P99999999999999999999D" is not`},
		{map[string]any{"booking_calendar_id": cal, "end": "P53W"}, `is longer than 366 days`},
		{map[string]any{"booking_calendar_id": cal, "end": "P400D"}, `"end": the window`},
		{map[string]any{"booking_calendar_id": cal, "start": "2026-12-10", "end": "2026-12-01"}, `"end": 2026-12-02T00:00:00Z is not after start 2026-12-10T00:00:00Z`},
		{map[string]any{"booking_calendar_id": cal, "start": "2026-12-01", "end": "2028-01-01"}, `is longer than 366 days`},
		{map[string]any{"booking_calendar_id": cal, "end": "2028-01-01"}, `is longer than 366 days`}, // checked against the clock
		{map[string]any{"booking_calendar_id": cal, "time_zone": "EST"}, `"time_zone": "EST" is not an IANA time zone name such as Europe/Berlin, America/New_York or UTC (not an abbreviation such as EST`},
		{map[string]any{"booking_calendar_id": cal, "time_zone": "Mars/Olympus"}, `"time_zone": "Mars/Olympus" is not an IANA time zone`},
		{map[string]any{"booking_calendar_id": cal, "weekdays": "monday"}, `"weekdays": must be a list, got a JSON string`},
		{map[string]any{"booking_calendar_id": cal, "weekdays": []any{"Monday", "weekend"}}, `"weekdays[1]": "weekend" is not one of the allowed values; use one of Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday`},
		{map[string]any{"booking_calendar_id": cal, "weekdays": []any{"monday"}}, `"weekdays[0]": "monday" is not one of the allowed values; use one of Monday`},
		{map[string]any{"booking_calendar_id": cal, "time_of_day": "mornings"}, `"time_of_day": "mornings" is not a local time range HH:MM-HH:MM`},
		{map[string]any{"booking_calendar_id": cal, "time_of_day": "9:00-12:00"}, `"time_of_day": "9:00-12:00" is not a local time range`},
		{map[string]any{"booking_calendar_id": cal, "time_of_day": "09:00-24:30"}, `"time_of_day": "09:00-24:30" is not a local time range`},
		{map[string]any{"booking_calendar_id": cal, "time_of_day": "24:00-09:00"}, `"time_of_day": "24:00-09:00" is not a local time range`},
		{map[string]any{"booking_calendar_id": cal, "time_of_day": "10:00-10:00"}, `"time_of_day": "10:00-10:00" is empty`},
		{map[string]any{"booking_calendar_id": cal, "location_type": "zoom"}, `"location_type": "zoom" is not one of the allowed values; use one of virtual, virtual_static, physical, guest_phone`},
		{map[string]any{"booking_calendar_id": cal, "max_slots": 501}, `"max_slots": must be between 1 and 500, got 501`},
		{map[string]any{"booking_calendar_id": cal, "max_slots": -1}, `"max_slots": must be between 1 and 500, got -1`},
		{map[string]any{"booking_calendar_id": cal, "max_slots": 0}, `"max_slots": must be between 1 and 500, got 0`},
		{map[string]any{"booking_calendar_id": cal, "max_slots": "ten"}, `"max_slots": must be a whole number`},
	}
	// Sequential: the subtests share one fake and count its requests.
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			env.Fake.ResetRequests()
			res := testenv.Call(t, testenv.KeyCtx(), c, "find_available_slots", tc.args)
			require.True(t, res.IsError, testenv.Text(res))
			assert.Contains(t, testenv.Text(res), "Invalid argument ")
			assert.Contains(t, testenv.Text(res), tc.want)
			assert.Contains(t, testenv.Text(res), "Nothing was sent to OnceHub.")
			assert.Empty(t, env.Fake.Requests())
		})
	}
}

func TestFindAvailableSlotsUpstreamErrors(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ids := calendarIDs(t, env, c)
	for _, tc := range []struct {
		name, id string
		want     []string
	}{
		{"402 no seat", ids[calPartner], []string{"OnceHub error 402", "assign a seat"}},
		{"422 unpublished", ids[calDraft], []string{"OnceHub error 422", "unpublished booking calendar"}},
		{"unknown calendar", "BKC-DOESNOTEXIST", []string{"OnceHub error 400", "No such booking calendar: 'BKC-DOESNOTEXIST'"}},
	} {
		// Sequential: the subtests share one fake and count its requests.
		t.Run(tc.name, func(t *testing.T) {
			env.Fake.ResetRequests()
			res := testenv.Call(t, testenv.KeyCtx(), c, "find_available_slots", map[string]any{"booking_calendar_id": tc.id, "end": "P10W"})
			require.True(t, res.IsError, testenv.Text(res))
			for _, w := range tc.want {
				assert.Contains(t, testenv.Text(res), w)
			}
			assert.Len(t, env.Fake.Requests(), 1, "the first part failed: nothing more is asked")
		})
	}
}

// When OnceHub fails part-way, the slots found so far come back with the part
// of the window that was searched and where to continue.
func TestFindAvailableSlotsUpstreamFailsPartWay(t *testing.T) {
	t.Parallel()

	fake := fakeoncehub.New(fakeoncehub.Options{Now: func() time.Time { return testenv.Now }})
	var slotCalls atomic.Int32
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/time-slots") && slotCalls.Add(1) == 2 {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Request-Id", "req_broken")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"type":"api_error","message":"Internal server error."}`))
			return
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(up.Close)
	a, err := app.Build(app.Config{APIURL: up.URL + "/v2", Timeout: 5 * time.Second},
		app.Options{Version: "test", Deps: tools.Deps{Now: func() time.Time { return testenv.Now }}})
	require.NoError(t, err)
	env := &testenv.Env{Fake: fake, Upstream: up, APIURL: up.URL + "/v2", App: a}
	c := env.InProcess(t)
	ids := calendarIDs(t, env, c)
	cal := ids[calSupport]

	out := findSlots(t, c, map[string]any{"booking_calendar_id": cal, "start": "2027-01-09T09:45:00Z", "end": "2027-04-08",
		"time_zone": "Europe/Berlin", "max_slots": 500})
	ws := slotWindows(t, env.Fake.Requests(), cal)
	require.Len(t, ws, 1, "the fake saw the first request; the second failed; no third was sent")
	assert.Equal(t, int32(2), slotCalls.Load())
	seam := "2027-02-08T10:45:00+01:00"
	assert.Equal(t, "Searched 2027-01-09T10:45:00+01:00 → "+seam+" only; OnceHub failed for "+seam+" → 2027-03-10T10:45:00+01:00: "+
		"OnceHub error 500 (api_error): Internal server error. [Request-Id: req_broken]. OnceHub is having trouble (Request-Id req_broken); try again shortly. "+
		"If it persists, give OnceHub support that Request-Id. Continue with start="+seam+" and end=2027-04-09T00:00:00+02:00.", out.StoppedEarly)
	assert.Equal(t, seam, out.NextStart)
	assert.False(t, out.MoreAvailable)
	assert.Empty(t, out.Note)
	slots := out.slots(t)
	require.NotEmpty(t, slots)
	assert.Equal(t, "2027-01-11T10:00:00+01:00", slots[0].StartTimeLocal)
	assert.Less(t, slots[len(slots)-1].StartTimeLocal, seam)
	assert.Len(t, slots, 4*4*8+1, "Mon 11 Jan to Thu 4 Feb, plus Monday 8 February's 10:00 (10:45 is the seam)")
}

// Continuing a search keeps its window: start=next_start and end=window_end
// (an absolute end) find the slots after the first page, up to the same end,
// where end=P6W again would have counted six weeks from the new start.
func TestFindAvailableSlotsContinuationKeepsTheWindow(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	cal := calendarIDs(t, env, c)[calSales]
	args := map[string]any{"booking_calendar_id": cal, "end": "P6W", "time_zone": "Asia/Kolkata",
		"weekdays": []any{"Monday", "Friday"}, "time_of_day": "09:00-10:00", "max_slots": 5}
	whole := findSlots(t, c, withArg(args, "max_slots", 100))
	require.False(t, whole.MoreAvailable)
	first := findSlots(t, c, args)
	require.True(t, first.MoreAvailable)
	var got []string
	got = append(got, starts(first.slots(t))...)
	for page := first; page.MoreAvailable; {
		page = findSlots(t, c, withArg(withArg(args, "start", page.NextStart), "end", page.WindowEnd))
		assert.Equal(t, first.WindowEnd, page.WindowEnd, "the window's end does not move")
		got = append(got, starts(page.slots(t))...)
	}
	assert.Equal(t, starts(whole.slots(t)), got, "the pages together are the whole window's slots, once each")
}

// A search over several 30-day windows reports its progress, one
// notification per window, to a call that sent a progress token.
func TestFindAvailableSlotsReportsProgressPerWindow(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ids := calendarIDs(t, env, c)
	var mu sync.Mutex
	var progress, totals []float64
	var last string
	// In process, notifications reach the client on their own goroutine, in
	// order, but possibly after the call's result: the third is awaited.
	third := make(chan struct{})
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method != "notifications/progress" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		progress = append(progress, n.Params.AdditionalFields["progress"].(float64))
		totals = append(totals, n.Params.AdditionalFields["total"].(float64))
		last = n.Params.AdditionalFields["message"].(string)
		if len(progress) == 3 {
			close(third)
		}
	})
	req := mcp.CallToolRequest{}
	req.Params.Name = "find_available_slots"
	req.Params.Arguments = map[string]any{"booking_calendar_id": ids[calSupport], "start": "2027-01-09T09:45:00Z", "end": "2027-04-08", "max_slots": 500}
	req.Params.Meta = &mcp.Meta{ProgressToken: "slots"}
	res, err := c.CallTool(testenv.KeyCtx(), req)
	require.NoError(t, err)
	require.False(t, res.IsError, testenv.Text(res))
	select {
	case <-third:
	case <-time.After(10 * time.Second):
	}
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []float64{1, 2, 3}, progress)
	assert.Equal(t, []float64{3, 3, 3}, totals)
	assert.Contains(t, last, "searched 2027-01-09T09:45:00Z → 2027-04-09T00:00:00Z")

	// Without a token, nothing is sent.
	progress = nil
	mu.Unlock()
	findSlots(t, c, map[string]any{"booking_calendar_id": ids[calSupport], "start": "2027-01-09", "end": "2027-04-08"})
	mu.Lock()
	assert.Empty(t, progress)
}

// In Santiago, clocks jump from 00:00 to 01:00 on 5 September 2027: that day
// starts at 01:00 (-03:00), not at 23:00 the day before, and ends at the
// next midnight. A date is its whole local day even when midnight does not
// exist, for a date start, a date end and a length counted from a date.
func TestFindAvailableSlotsDateWhoseMidnightIsSkipped(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	cal := calendarIDs(t, env, c)[calSales]

	day := findSlots(t, c, map[string]any{"booking_calendar_id": cal, "start": "2027-09-05", "end": "2027-09-05", "time_zone": "America/Santiago"})
	assert.Equal(t, "2027-09-05T01:00:00-03:00", day.WindowStart)
	assert.Equal(t, "2027-09-06T00:00:00-03:00", day.WindowEnd)
	assert.Equal(t, []window{{time.Date(2027, 9, 5, 4, 0, 0, 0, time.UTC), time.Date(2027, 9, 6, 3, 0, 0, 0, time.UTC)}},
		slotWindows(t, env.Fake.Requests(), cal))

	// The day before ends where 5 September starts.
	before := findSlots(t, c, map[string]any{"booking_calendar_id": cal, "start": "2027-09-04", "end": "2027-09-04", "time_zone": "America/Santiago"})
	assert.Equal(t, "2027-09-04T00:00:00-04:00", before.WindowStart)
	assert.Equal(t, "2027-09-05T01:00:00-03:00", before.WindowEnd)

	// A week from 5 September ends at midnight on the 12th, not at 01:00.
	week := findSlots(t, c, map[string]any{"booking_calendar_id": cal, "start": "2027-09-05", "end": "P1W", "time_zone": "America/Santiago"})
	assert.Equal(t, "2027-09-12T00:00:00-03:00", week.WindowEnd)
	dflt := findSlots(t, c, map[string]any{"booking_calendar_id": cal, "start": "2027-09-05", "time_zone": "America/Santiago"})
	assert.Equal(t, "2027-09-12T00:00:00-03:00", dflt.WindowEnd, "the default end is seven days later")
}

// A time without offset that a spring-forward change skips is read as
// clocks do it, the length of the jump later (02:30 is 03:30 summer time),
// whichever side of the change the zone lies on; one that falls back is
// the first of the two.
func TestFindAvailableSlotsLocalTimeInAClockChange(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	cal := calendarIDs(t, env, c)[calSales]
	for _, tc := range []struct{ zone, start, want string }{
		{"America/New_York", "2027-03-14T02:30", "2027-03-14T03:30:00-04:00"},
		{"Europe/Berlin", "2027-03-28T02:30", "2027-03-28T03:30:00+02:00"},
		{"Australia/Adelaide", "2027-10-03T02:15", "2027-10-03T03:15:00+10:30"},
		{"America/New_York", "2027-11-07T01:30", "2027-11-07T01:30:00-04:00"},
	} {
		out := findSlots(t, c, map[string]any{"booking_calendar_id": cal, "start": tc.start, "end": "P1D", "time_zone": tc.zone})
		assert.Equal(t, tc.want, out.WindowStart, "%s in %s", tc.start, tc.zone)
	}
}
