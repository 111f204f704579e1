package oncehub

import (
	"errors"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const calendarJSON = `{"object":"booking_calendar","id":"BKC-1","host":"TM-1","name":"Sales","subject":"Discovery call",
	"url":"https://go.oncehub.com/sales","published":true,"duration_minutes":30,"color":"blue"}`

func testCalendar(t *testing.T, b BookingCalendar) {
	t.Helper()
	assert.Equal(t, "BKC-1", b.ID)
	assert.Equal(t, "TM-1", b.Host)
	assert.Equal(t, "Sales", b.Name)
	assert.True(t, b.Published)
	assert.Equal(t, 30.0, b.DurationMinutes)
	assert.Contains(t, asJSON(t, b), `"color":"blue"`)
}

func TestBookingCalendarsList(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/booking-calendars", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testQuery(t, r, url.Values{"host": {"TM-1"}, "limit": {"5"}, "before": {"BKC-9"}})
		reply(w, 200, `{"object":"list","has_more":false,"data":[`+calendarJSON+`]}`)
	})
	got, resp, err := c.BookingCalendars.List(ctx, &BookingCalendarListOptions{ListOptions: ListOptions{Limit: 5, Before: "BKC-9"}, Host: "TM-1"})
	require.NoError(t, err)
	testResponse(t, resp, 200)
	require.Len(t, got, 1)
	testCalendar(t, got[0])
	assert.False(t, resp.HasMore)
	assert.Empty(t, resp.NextCursor, "paging back: no forward cursor is derived")
	assert.Empty(t, resp.PrevCursor, "the first page going back has no more")

	_, _, err = c.BookingCalendars.List(ctx, &BookingCalendarListOptions{Host: "CTC-1"})
	pe, ok := errors.AsType[*ParamError](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, "host", pe.Param)
	assert.Contains(t, pe.Message, "USR- or TM-")
}

func TestBookingCalendarsGet(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/booking-calendars/BKC-1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testQuery(t, r, nil)
		reply(w, 200, calendarJSON)
	})
	b, resp, err := c.BookingCalendars.Get(ctx, "BKC-1")
	require.NoError(t, err)
	testResponse(t, resp, 200)
	testCalendar(t, b)
}

func TestBookingCalendarsListTimeSlots(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	var query url.Values
	mux.HandleFunc("/booking-calendars/BKC-1/time-slots", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		query = r.URL.Query()
		reply(w, 200, `[{"start_time":"2024-12-02T06:30:00.000Z","locations":[
			{"type":"virtual","value":"google_meet","id":null},{"type":"virtual_static","value":null,"id":null},
			{"type":"guest_phone","value":"+12025550195","id":null}]},
			{"start_time":"2024-12-05T14:30:00.000Z","locations":[{"type":"physical","value":null,"id":"ADD-17SE9FWWOC"}]}]`)
	})
	slots, resp, err := c.BookingCalendars.ListTimeSlots(ctx, "BKC-1", nil)
	require.NoError(t, err)
	testResponse(t, resp, 200)
	assert.Empty(t, query, "no window: OnceHub's default")
	require.Len(t, slots, 2)
	assert.True(t, slots[0].StartTime.Equal(time.Date(2024, 12, 2, 6, 30, 0, 0, time.UTC)))
	assert.Equal(t, []SlotLocation{{Type: "virtual", Value: "google_meet"}, {Type: "virtual_static"}, {Type: "guest_phone", Value: "+12025550195"}}, slots[0].Locations)
	assert.Equal(t, []SlotLocation{{Type: "physical", ID: "ADD-17SE9FWWOC"}}, slots[1].Locations)

	kolkata := time.FixedZone("IST", 5*3600+1800)
	_, _, err = c.BookingCalendars.ListTimeSlots(ctx, "BKC-1", &TimeSlotOptions{
		StartTime: time.Date(2026, 12, 1, 9, 0, 0, 0, kolkata), EndTime: time.Date(2026, 12, 31, 9, 0, 0, 0, kolkata)})
	require.NoError(t, err)
	assert.Equal(t, url.Values{"start_time": {"2026-12-01T03:30:00.000Z"}, "end_time": {"2026-12-31T03:30:00.000Z"}}, query,
		"sent in UTC, in OnceHub's full form; exactly 30 days is allowed")
}

func TestTimeSlotOptionsValidate(t *testing.T) {
	t.Parallel()

	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	assert.NoError(t, TimeSlotOptions{StartTime: start, EndTime: start.Add(MaxSlotWindow)}.Validate())
	assert.NoError(t, TimeSlotOptions{EndTime: start}.Validate(), "a zero start is OnceHub's now")
	assert.NoError(t, TimeSlotOptions{StartTime: start}.Validate())
	for _, end := range []time.Time{start, start.Add(-time.Second), start.Add(MaxSlotWindow + time.Second)} {
		pe, ok := errors.AsType[*ParamError](TimeSlotOptions{StartTime: start, EndTime: end}.Validate())
		require.True(t, ok, "%v", end)
		assert.Equal(t, "end_time", pe.Param)
	}
}

func TestBookingCalendarsSchedule(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/booking-calendars/BKC-1/schedule", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "POST")
		testQuery(t, r, nil)
		testBody(t, r, `{"start_time":"2026-12-01T14:00:00.000Z","guest_time_zone":"America/New_York",
			"booking_form":{"name":"Carrie Customer","email":"carrie@example.org","topics":["a","b"],"title":"CTO"},
			"location":{"type":"virtual_static","value":null}}`)
		reply(w, 201, `{"id":"BKNG-NEW","extra":1}`)
	})
	got, resp, err := c.BookingCalendars.Schedule(ctx, "BKC-1", &ScheduleRequest{
		StartTime:     time.Date(2026, 12, 1, 9, 0, 0, 0, time.FixedZone("", -5*3600)),
		GuestTimeZone: "America/New_York",
		BookingForm:   BookingForm{Name: "Carrie Customer", Email: "carrie@example.org", Custom: map[string]any{"topics": []string{"a", "b"}, "title": "CTO"}},
		Location:      &MeetingLocation{Type: LocationVirtualStatic},
	})
	require.NoError(t, err)
	testResponse(t, resp, 201)
	assert.Equal(t, "BKNG-NEW", got.ID)
}

func TestScheduleIsNotRetriedButTheSameFailureOnAReadIs(t *testing.T) {
	t.Parallel()

	var calls atomic.Int32
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	})
	req := &ScheduleRequest{StartTime: time.Now().Add(time.Hour), GuestTimeZone: "UTC", BookingForm: BookingForm{Name: "A B", Email: "a@example.com"}}
	_, resp, err := c.BookingCalendars.Schedule(keyCtx(), "BKC-1", req)
	require.Error(t, err)
	assert.Equal(t, int32(1), calls.Load())
	assert.True(t, MaybeSent(err))
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode, "the answer comes back with the error")

	calls.Store(0)
	_, _, err = c.BookingCalendars.ListTimeSlots(keyCtx(), "BKC-1", nil)
	require.Error(t, err)
	assert.Equal(t, int32(4), calls.Load(), "the same failure on a read is retried")
}

func TestScheduleRequestRefusedInOnceHubTerms(t *testing.T) {
	t.Parallel()

	ok := ScheduleRequest{StartTime: time.Now(), GuestTimeZone: "UTC", BookingForm: BookingForm{Name: "A B", Email: "a@example.com"}}
	with := func(f func(*ScheduleRequest)) ScheduleRequest { r := ok; f(&r); return r }
	cases := []struct {
		req          ScheduleRequest
		param, inMsg string
	}{
		{with(func(r *ScheduleRequest) { r.StartTime = time.Time{} }), "start_time", "is required"},
		{with(func(r *ScheduleRequest) { r.GuestTimeZone = "" }), "guest_time_zone", "is required"},
		{with(func(r *ScheduleRequest) { r.GuestTimeZone = "Mars/Olympus" }), "guest_time_zone", "not an IANA time zone"},
		{with(func(r *ScheduleRequest) { r.BookingForm.Name = " " }), "booking_form.name", "is required"},
		{with(func(r *ScheduleRequest) { r.BookingForm.Email = "" }), "booking_form.email", "is required"},
		{with(func(r *ScheduleRequest) { r.BookingForm.Email = "carrie@" }), "booking_form.email", "not an email address"},
		{with(func(r *ScheduleRequest) { r.BookingForm.Phone = "555" }), "booking_form.phone", "not an E.164 phone number"},
		{with(func(r *ScheduleRequest) { r.BookingForm.Custom = map[string]any{"size": 42} }), "booking_form.size", "must be a string"},
		{with(func(r *ScheduleRequest) { r.BookingForm.Custom = map[string]any{"email": "x@example.com"} }), "booking_form.email", "standard field"},
		{with(func(r *ScheduleRequest) { r.BookingForm.Custom = map[string]any{"": "x"} }), "booking_form", "empty name"},
		{with(func(r *ScheduleRequest) { r.Location = &MeetingLocation{Type: "teleport"} }), "location.type", "not a location type"},
		{with(func(r *ScheduleRequest) { r.Location = &MeetingLocation{Type: LocationVirtual, Value: "skype"} }), "location.value", "not a video provider"},
		{with(func(r *ScheduleRequest) { r.Location = &MeetingLocation{Type: LocationPhysical, Value: "1 Main St"} }), "location.value", "not an address ID"},
		{with(func(r *ScheduleRequest) { r.Location = &MeetingLocation{Type: LocationVirtualStatic, Value: "x"} }), "location.value", "must be empty"},
		{with(func(r *ScheduleRequest) { r.Location = &MeetingLocation{Type: LocationGuestPhone} }), "location.value", "is required"},
	}
	for _, tc := range cases {
		pe, isParam := errors.AsType[*ParamError](tc.req.Validate())
		if assert.True(t, isParam, tc.param) {
			assert.Equal(t, tc.param, pe.Param)
			assert.Contains(t, pe.Message, tc.inMsg, tc.param)
		}
	}
	assert.NoError(t, ok.Validate())
	assert.NoError(t, with(func(r *ScheduleRequest) { r.BookingForm.Custom = map[string]any{"topics": []any{"a"}} }).Validate())
}

func TestBookingCalendarsCreateOneTimeLink(t *testing.T) {
	t.Parallel()

	for _, tc := range []struct {
		name string
		req  *OneTimeLinkRequest
		body string
	}{
		{"prefilled", &OneTimeLinkRequest{HideURLParams: true, BookingForm: BookingForm{Name: "Ana", Email: "ana@example.com", Custom: map[string]any{"vip": "yes"}},
			UTMParams: &UTMParams{Source: "newsletter", Campaign: "dec"}},
			`{"hide_url_params":true,"booking_form":{"name":"Ana","email":"ana@example.com","vip":"yes"},"utm_params":{"source":"newsletter","campaign":"dec"}}`},
		{"nothing set, nothing sent", nil, `{}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			c, mux, ctx := setup(t)
			mux.HandleFunc("/booking-calendars/BKC-1/one-time-links", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, "POST")
				testBody(t, r, tc.body)
				reply(w, 201, `{"id":"OTL-1","url":"https://go.oncehub.com/x?otl=1","creation_time":"2026-11-23T10:00:00Z"}`)
			})
			l, resp, err := c.BookingCalendars.CreateOneTimeLink(ctx, "BKC-1", tc.req)
			require.NoError(t, err)
			testResponse(t, resp, 201)
			assert.Equal(t, OneTimeLink{ID: "OTL-1", URL: "https://go.oncehub.com/x?otl=1", CreationTime: "2026-11-23T10:00:00Z"}, OneTimeLink{ID: l.ID, URL: l.URL, CreationTime: l.CreationTime})
		})
	}
}
