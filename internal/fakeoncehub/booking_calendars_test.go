package fakeoncehub

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) // a Monday

func newTestFake(t *testing.T) *Server {
	t.Helper()
	return New(Options{Now: func() time.Time { return testNow }})
}

// do sends one request to the fake and returns its status and, when the
// answer is a JSON object, the object (nil for any other JSON, e.g. a list of
// time slots).
func do(t *testing.T, s *Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, "http://fake/v2"+path, strings.NewReader(body))
	req.Header.Set("API-Key", TestKey)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	assert.NotEmpty(t, rec.Header().Get("Request-Id"))
	data := rec.Body.Bytes()
	require.True(t, json.Valid(data), "not JSON: %s", data)
	var out map[string]any
	if len(data) > 0 && data[0] == '{' {
		require.NoError(t, json.Unmarshal(data, &out))
	}
	return rec.Code, out
}

func calendarByName(s *Server, name string) obj {
	for _, c := range s.accounts[TestKey].calendars {
		if c["name"] == name {
			return c
		}
	}
	return nil
}

func TestTimeSlotWindowErrors(t *testing.T) {
	t.Parallel()

	s := newTestFake(t)
	id := calendarByName(s, "Sales discovery call")["id"].(string)
	cases := []struct {
		query, message, param string
	}{
		{"start_time=2026-11-24T00:00:00Z&end_time=2026-12-24T00:00:01Z", "The difference between start_time and end_time must be less than or equal to 30 days.", "end_time"},
		{"start_time=2026-11-25T00:00:00Z&end_time=2026-11-24T00:00:00Z", "End time must be after the start time.", "end_time"},
		{"start_time=2026-11-23T09:59:00Z", "Start time cannot be in the past.", "start_time"},
		{"end_time=tomorrow", "Invalid date format for 'end_time'.", "end_time"},
	}
	for _, tc := range cases {
		status, body := do(t, s, "GET", "/booking-calendars/"+id+"/time-slots?"+tc.query, "")
		assert.Equal(t, http.StatusBadRequest, status, tc.query)
		assert.Equal(t, map[string]any{"type": "invalid_request_error", "message": tc.message, "param": tc.param}, body, tc.query)
	}
	status, _ := do(t, s, "GET", "/booking-calendars/"+id+"/time-slots?start_time=2026-11-24T00:00:00.000Z&end_time=2026-12-24T00:00:00.000Z", "")
	assert.Equal(t, http.StatusOK, status, "exactly 30 days is allowed")
}

func TestScheduleRequiresFieldsAndOfferedLocation(t *testing.T) {
	t.Parallel()

	s := newTestFake(t)
	id := calendarByName(s, "Product support session")["id"].(string)
	slots := s.accounts[TestKey].slots(id, testNow, testNow.Add(7*24*time.Hour), testNow)
	require.NotEmpty(t, slots)
	start := rfc(slots[0].start)
	before := len(s.accounts[TestKey].bookings)
	cases := []struct {
		body, message, param string
	}{
		{`{"guest_time_zone":"Europe/Berlin","booking_form":{"name":"A B","email":"a@example.com"}}`, "Required fields are missing.", "start_time"},
		{`{"start_time":"` + start + `","booking_form":{"name":"A B","email":"a@example.com"}}`, "Required fields are missing.", "guest_time_zone"},
		{`{"start_time":"` + start + `","guest_time_zone":"Europe/Berlin","booking_form":{"email":"a@example.com"}}`, "Required fields are missing.", "booking_form"},
		{`{"start_time":"` + start + `","guest_time_zone":"Europe/Berlin","booking_form":{"name":"A B"}}`, "Required fields are missing.", "booking_form"},
		{`{"start_time":"` + start + `","guest_time_zone":"Europe/Berlin","booking_form":{"name":"A B","email":"a@example.com"},"location":{"type":"virtual","value":"zoom"}}`,
			"The selected location is not available for this time slot.", "location"},
		{`{"start_time":"2026-11-23T09:00:00.000Z","guest_time_zone":"Europe/Berlin","booking_form":{"name":"A B","email":"a@example.com"}}`,
			"The selected start time is not available.", "start_time"},
		{`not json`, "Request body is not valid JSON.", ""},
	}
	for _, tc := range cases {
		status, body := do(t, s, "POST", "/booking-calendars/"+id+"/schedule", tc.body)
		assert.Equal(t, http.StatusBadRequest, status, tc.body)
		want := map[string]any{"type": "invalid_request_error", "message": tc.message}
		if tc.param != "" {
			want["param"] = tc.param
		}
		assert.Equal(t, want, body, tc.body)
	}
	assert.Len(t, s.accounts[TestKey].bookings, before, "nothing booked")

	// No location: a virtual one is chosen. The guest becomes a contact.
	status, body := do(t, s, "POST", "/booking-calendars/"+id+"/schedule",
		`{"start_time":"`+start+`","guest_time_zone":"Europe/Berlin","booking_form":{"name":"Ada Byron","email":"ada@example.com","phone":"+4930123456"}}`)
	require.Equal(t, http.StatusOK, status, body)
	st := s.accounts[TestKey]
	b := st.bookings[0]
	assert.Equal(t, body["id"], b["id"])
	assert.Equal(t, "microsoft_teams", b["location_description"])
	assert.Equal(t, 45, b["duration_minutes"])
	ct := find(st.contacts, b["contact"].(string))
	require.NotNil(t, ct)
	assert.Equal(t, "ada@example.com", ct["email"])
	assert.Equal(t, "Ada", ct["first_name"])
	assert.Equal(t, "Byron", ct["last_name"])
	assert.Equal(t, st.contacts[0]["id"], ct["id"], "newest first")

	// A second booking by the same guest reuses the contact; the 45-minute
	// slot after the first is still free, the first is not.
	status, body = do(t, s, "POST", "/booking-calendars/"+id+"/schedule",
		`{"start_time":"`+rfc(slots[1].start)+`","guest_time_zone":"Europe/Berlin","booking_form":{"name":"Ada Byron","email":"ADA@example.com"}}`)
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, ct["id"], st.bookings[0]["contact"])
	left := st.slots(id, testNow, testNow.Add(7*24*time.Hour), testNow)
	assert.Len(t, left, len(slots)-2)
}

func TestSlotsFollowLocalWallClockAcrossDST(t *testing.T) {
	t.Parallel()

	s := newTestFake(t)
	st := s.accounts[TestKey]
	id := calendarByName(s, "Partner consult")["id"].(string) // Australia/Adelaide, weekdays 09:00-12:30, 30 min
	adelaide, err := time.LoadLocation("Australia/Adelaide")
	require.NoError(t, err)
	st.bookings = nil // this test is about the wall clock, not about bookings
	// Adelaide moves from +09:30 to +10:30 on Sunday 4 October 2026.
	from := time.Date(2026, 9, 28, 0, 0, 0, 0, adelaide)
	slots := st.slots(id, from, from.Add(14*24*time.Hour), from)
	require.Len(t, slots, 10*7, "ten weekdays of seven slots")
	offsets := map[int]bool{}
	for _, sl := range slots {
		local := sl.start.In(adelaide)
		_, off := local.Zone()
		offsets[off] = true
		mins := local.Hour()*60 + local.Minute()
		assert.True(t, mins >= 9*60 && mins <= 12*60 && local.Minute()%30 == 0, local.String())
	}
	assert.Equal(t, map[int]bool{9*3600 + 1800: true, 10*3600 + 1800: true}, offsets, "both sides of the change")
}

func TestMasterPageLinkForDeletedPage(t *testing.T) {
	t.Parallel()

	s := newTestFake(t)
	st := s.accounts[TestKey]
	id := st.masterPages[0]["id"].(string)
	s.mu.Lock()
	st.remove(&st.masterPages, id, "master_page")
	s.mu.Unlock()
	status, body := do(t, s, "POST", "/master-pages/"+id+"/one-time-links", "")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, map[string]any{"type": "invalid_request_error", "message": "This master page is deleted: '" + id + "'", "param": "id"}, body)
	status, body = do(t, s, "GET", "/master-pages/"+id, "")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, map[string]any{"id": id, "object": "master_page", "deleted": true}, body)
}
