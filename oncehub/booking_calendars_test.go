package oncehub

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testClient is a client (see newTestClient) of a server answering with h.
func testClient(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return newTestClient(t, srv.URL)
}

func TestGetTimeSlotsDecodesSpecExample(t *testing.T) {
	var query string
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.RawQuery
		_, _ = w.Write([]byte(`[{"start_time":"2024-12-02T06:30:00.000Z","locations":[
			{"type":"virtual","value":"google_meet","id":null},{"type":"virtual_static","value":null,"id":null},
			{"type":"guest_phone","value":"+12025550195","id":null}]},
			{"start_time":"2024-12-05T14:30:00.000Z","locations":[{"type":"physical","value":null,"id":"ADD-17SE9FWWOC"}]}]`))
	})
	slots, err := c.GetTimeSlots(keyCtx(), "BKC-1", time.Time{}, time.Time{})
	require.NoError(t, err)
	assert.Empty(t, query, "zero times leave OnceHub's defaults")
	require.Len(t, slots, 2)
	assert.True(t, slots[0].StartTime.Equal(time.Date(2024, 12, 2, 6, 30, 0, 0, time.UTC)))
	assert.Equal(t, []SlotLocation{{Type: "virtual", Value: "google_meet"}, {Type: "virtual_static"}, {Type: "guest_phone", Value: "+12025550195"}}, slots[0].Locations)
	assert.Equal(t, []SlotLocation{{Type: "physical", ID: "ADD-17SE9FWWOC"}}, slots[1].Locations)

	kolkata := time.FixedZone("IST", 5*3600+1800)
	_, err = c.GetTimeSlots(keyCtx(), "BKC-1", time.Date(2026, 12, 1, 9, 0, 0, 0, kolkata), time.Date(2026, 12, 31, 9, 0, 0, 0, kolkata))
	require.NoError(t, err)
	assert.Equal(t, "end_time=2026-12-31T03%3A30%3A00.000Z&start_time=2026-12-01T03%3A30%3A00.000Z", query, "UTC, exactly 30 days is allowed")
}

func TestCheckSlotWindow(t *testing.T) {
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	assert.NoError(t, CheckSlotWindow(start, start.Add(MaxSlotWindow)))
	assert.NoError(t, CheckSlotWindow(time.Time{}, start))
	assert.NoError(t, CheckSlotWindow(start, time.Time{}))
	for _, end := range []time.Time{start, start.Add(-time.Second), start.Add(MaxSlotWindow + time.Second)} {
		err := CheckSlotWindow(start, end)
		ae, ok := AsArgError(err)
		require.True(t, ok, "%v", end)
		assert.Equal(t, "end_time", ae.Arg)
	}
}

func TestScheduleParamsBody(t *testing.T) {
	p := ScheduleParams{
		StartTime:     time.Date(2026, 12, 1, 9, 0, 0, 0, time.FixedZone("", -5*3600)),
		GuestTimeZone: "America/New_York",
		BookingForm:   BookingForm{Name: "Carrie Customer", Email: "carrie@example.org", Custom: map[string]any{"topics": []string{"a", "b"}, "title": "CTO"}},
		Location:      &MeetingLocation{Type: LocationVirtualStatic},
	}
	require.NoError(t, p.Validate())
	b, err := json.Marshal(p)
	require.NoError(t, err)
	assert.JSONEq(t, `{"start_time":"2026-12-01T14:00:00.000Z","guest_time_zone":"America/New_York",
		"booking_form":{"name":"Carrie Customer","email":"carrie@example.org","topics":["a","b"],"title":"CTO"},
		"location":{"type":"virtual_static","value":null}}`, string(b))

	b, err = json.Marshal(OneTimeLinkParams{})
	require.NoError(t, err)
	assert.JSONEq(t, `{}`, string(b), "nothing set, nothing sent")
}

func TestScheduleMeetingIsNotRetried(t *testing.T) {
	var calls atomic.Int32
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusBadGateway)
	})
	p := ScheduleParams{StartTime: time.Now().Add(time.Hour), GuestTimeZone: "UTC", BookingForm: BookingForm{Name: "A B", Email: "a@example.com"}}
	_, err := c.ScheduleMeeting(keyCtx(), "BKC-1", p)
	require.Error(t, err)
	assert.Equal(t, int32(1), calls.Load())
	assert.True(t, MaybeSent(err))

	calls.Store(0)
	_, err = c.GetTimeSlots(keyCtx(), "BKC-1", time.Time{}, time.Time{})
	require.Error(t, err)
	assert.Equal(t, int32(4), calls.Load(), "the same failure on a read is retried")

	calls.Store(0)
	_, err = c.ScheduleMeeting(keyCtx(), "BKC-1", ScheduleParams{StartTime: p.StartTime, GuestTimeZone: "UTC", BookingForm: BookingForm{Name: "A B"}})
	ae, ok := AsArgError(err)
	require.True(t, ok)
	assert.Equal(t, "email", ae.Arg)
	assert.Zero(t, calls.Load(), "invalid parameters are not sent")
}
