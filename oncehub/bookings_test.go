package oncehub

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const bookingJSON = `{"object":"booking","id":"BKNG-1","status":"scheduled","subject":"Intro",
	"starting_time":"2026-12-01T09:00:00Z","customer_timezone":"Europe/Berlin","duration_minutes":30,
	"owner":"USR-1","contact":{"id":"CTC-1","object":"contact","email":"c@example.com"},
	"form_submission":{"name":"Carrie","email":"c@example.com","shoe_size":"42"},"new_field":true}`

func testBooking(t *testing.T, b Booking) {
	t.Helper()
	assert.Equal(t, "BKNG-1", b.ID)
	assert.Equal(t, BookingScheduled, b.Status)
	assert.Equal(t, "Intro", b.Subject)
	require.NotNil(t, b.StartingTime)
	assert.True(t, b.StartingTime.Equal(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)))
	assert.Equal(t, 30, b.DurationMinutes)
	assert.Equal(t, "USR-1", b.Owner.ID)
	assert.Nil(t, b.Owner.Object, "not expanded")
	require.NotNil(t, b.Contact.Object, "expanded")
	assert.Equal(t, "c@example.com", b.Contact.Object.Email)
	require.NotNil(t, b.FormSubmission)
	assert.Equal(t, "Carrie", b.FormSubmission.Name)
	assert.Contains(t, asJSON(t, b), `"new_field":true`, "fields this client does not model are kept")
}

func TestBookingsList(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/bookings", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testQuery(t, r, url.Values{
			"limit": {"2"}, "after": {"BKNG-0"}, "status": {"scheduled"}, "owner": {"USR-1"}, "contact": {"CTC-1"},
			"booking_calendar": {"BKC-1"}, "host": {"USR-2"}, "booking_page": {"BP-1"}, "master_page": {"MP-1"}, "event_type": {"ET-1"},
			"creation_time.gt": {"2026-01-01"}, "starting_time.gt": {"2026-11-01"}, "starting_time.lt": {"2026-12-31"},
			"last_updated_time.lt": {"2026-12-01"}, "expand": {"data.owner,data.contact"},
		})
		testBody(t, r, "")
		w.Header().Set("Link", `<https://api.oncehub.com/v2/bookings?limit=2&after=BKNG-9>; rel="next", <https://api.oncehub.com/v2/bookings?limit=2&before=BKNG-1>; rel="previous"`)
		reply(w, 200, `{"object":"list","has_more":true,"data":[`+bookingJSON+`,{"id":"BKNG-9","object":"booking"}]}`)
	})
	got, resp, err := c.Bookings.List(ctx, &BookingListOptions{
		ListOptions: ListOptions{Limit: 2, After: "BKNG-0"}, Status: BookingScheduled, Owner: "USR-1", Contact: "CTC-1",
		BookingCalendar: "BKC-1", Host: "USR-2", BookingPage: "BP-1", MasterPage: "MP-1", EventType: "ET-1",
		CreationTime: DateRange{After: "2026-01-01"}, StartingTime: DateRange{After: "2026-11-01", Before: "2026-12-31"},
		LastUpdatedTime: DateRange{Before: "2026-12-01"}, Expand: ListExpand{"owner", "contact"},
	})
	require.NoError(t, err)
	testResponse(t, resp, 200)
	require.Len(t, got, 2)
	testBooking(t, got[0])
	assert.True(t, resp.HasMore)
	assert.Equal(t, "BKNG-9", resp.NextCursor, "from the Link header")
	assert.Equal(t, "BKNG-1", resp.PrevCursor)
}

func TestBookingsListDefaultsAndCursorsWithoutLinkHeader(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/bookings", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, nil)
		reply(w, 200, `{"object":"list","has_more":true,"data":[{"id":"BKNG-3"},{"id":"BKNG-2"}]}`)
	})
	got, resp, err := c.Bookings.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.True(t, resp.HasMore)
	assert.Equal(t, "BKNG-2", resp.NextCursor, "the last item, when OnceHub sends no Link header")
	assert.Empty(t, resp.PrevCursor, "the newest page has no previous page")
}

func TestBookingsListEmptyIsNotNil(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/bookings", func(w http.ResponseWriter, r *http.Request) {
		reply(w, 200, `{"object":"list","has_more":false,"data":null}`)
	})
	got, resp, err := c.Bookings.List(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, []Booking{}, got)
	assert.False(t, resp.HasMore)
	assert.Empty(t, resp.NextCursor)
}

func TestBookingsGet(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/bookings/BKNG-1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testQuery(t, r, url.Values{"expand": {"contact,owner"}})
		testBody(t, r, "")
		reply(w, 200, bookingJSON)
	})
	b, resp, err := c.Bookings.Get(ctx, "BKNG-1", &BookingGetOptions{Expand: []string{"contact", "owner"}})
	require.NoError(t, err)
	testResponse(t, resp, 200)
	testBooking(t, b)
}

func TestBookingsWrites(t *testing.T) {
	t.Parallel()

	no := false
	cases := []struct {
		name, path, body string
		call             func(c *Client) (Booking, *Response, error)
	}{
		{"Cancel", "/bookings/BKNG-1/cancel", `{"cancellation_reason":"ill","send_cancellation_email":false}`,
			func(c *Client) (Booking, *Response, error) {
				return c.Bookings.Cancel(keyCtx(), "BKNG-1", &CancelRequest{Reason: "ill", SendEmail: &no})
			}},
		{"Cancel without a body", "/bookings/BKNG-1/cancel", `{}`,
			func(c *Client) (Booking, *Response, error) { return c.Bookings.Cancel(keyCtx(), "BKNG-1", nil) }},
		{"RequestReschedule", "/bookings/BKNG-1/request-reschedule", `{"reschedule_reason":"travel"}`,
			func(c *Client) (Booking, *Response, error) {
				return c.Bookings.RequestReschedule(keyCtx(), "BKNG-1", &RescheduleRequest{Reason: "travel"})
			}},
		{"Reassign", "/bookings/BKNG-1/reassign", `{"new_host":"USR-2","location":{"type":"virtual","value":"zoom"}}`,
			func(c *Client) (Booking, *Response, error) {
				return c.Bookings.Reassign(keyCtx(), "BKNG-1", &ReassignRequest{NewHost: "USR-2", Location: &ReassignLocation{Type: LocationVirtual, Value: "zoom"}})
			}},
		{"Reassign keeping the location", "/bookings/BKNG-1/reassign", `{"new_host":"USR-2"}`,
			func(c *Client) (Booking, *Response, error) {
				return c.Bookings.Reassign(keyCtx(), "BKNG-1", &ReassignRequest{NewHost: "USR-2"})
			}},
		{"MarkNoShow", "/bookings/BKNG-1/no-show", "",
			func(c *Client) (Booking, *Response, error) { return c.Bookings.MarkNoShow(keyCtx(), "BKNG-1") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			c, mux, _ := setup(t)
			mux.HandleFunc(tc.path, func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, "POST")
				testQuery(t, r, nil)
				testBody(t, r, tc.body)
				reply(w, 200, bookingJSON)
			})
			b, resp, err := tc.call(c)
			require.NoError(t, err)
			testResponse(t, resp, 200)
			testBooking(t, b)
		})
	}
}

func TestBookingOptionsRefusedInOnceHubTerms(t *testing.T) {
	t.Parallel()

	cases := []struct {
		name, param, msg string
		err              error
	}{
		{"status", "status", `"done" is not a booking status`, BookingListOptions{Status: "done"}.Validate()},
		{"owner kind", "owner", "expected one starting with USR-", BookingListOptions{Owner: "CTC-1"}.Validate()},
		{"host shape", "host", "is not a OnceHub ID", BookingListOptions{Host: "Dana"}.Validate()},
		{"date", "starting_time.gt", `"tomorrow" is not a date`, BookingListOptions{StartingTime: DateRange{After: "tomorrow"}}.Validate()},
		{"empty range", "creation_time.gt", "the range is empty", BookingListOptions{CreationTime: DateRange{After: "2026-02-01", Before: "2026-01-01"}}.Validate()},
		{"expand", "expand", `"secret" cannot be expanded`, BookingListOptions{Expand: ListExpand{"secret"}}.Validate()},
		{"limit", "limit", "must be between 1 and 100", BookingListOptions{ListOptions: ListOptions{Limit: 101}}.Validate()},
		{"after and before", "after", "cannot be used together", BookingListOptions{ListOptions: ListOptions{After: "BKNG-1", Before: "BKNG-2"}}.Validate()},
		{"new host", "new_host", "is required", ReassignRequest{}.Validate()},
		{"provider", "location.value", `"skype" is not a supported provider`, ReassignRequest{NewHost: "USR-1", Location: &ReassignLocation{Type: LocationVirtual, Value: "skype"}}.Validate()},
	}
	for _, tc := range cases {
		pe, ok := errors.AsType[*ParamError](tc.err)
		if assert.True(t, ok, "%s: %v", tc.name, tc.err) {
			assert.Equal(t, tc.param, pe.Param, tc.name)
			assert.Contains(t, pe.Message, tc.msg, tc.name)
		}
	}
}
