package oncehub

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every request carries the key in API-Key, JSON Accept, and a User-Agent
// naming this program and its version.
func TestRequestHeaders(t *testing.T) {
	t.Parallel()

	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"message":"The API key is valid for account: a@example.com"}`))
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL + "/v2", Version: "1.2.3"})
	require.NoError(t, err)
	_, _, err = c.TestAPIKey(WithAPIKey(t.Context(), "k-headers"))
	require.NoError(t, err)
	assert.Equal(t, "k-headers", got.Get("API-Key"))
	assert.Equal(t, "oncehub-mcp/1.2.3", got.Get("User-Agent"))
	assert.Equal(t, "application/json", got.Get("Accept"))
	assert.Empty(t, got.Get("Authorization"), "OnceHub takes the key in API-Key only")
}

// A key that cannot be sent as a header (or has any byte that is not
// visible ASCII) fails before anything leaves, and neither the error nor an
// attempt reported for logs and metrics quotes it.
func TestUnsendableKeyIsNeverQuoted(t *testing.T) {
	t.Parallel()

	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) { okJSON(w) })
	var errs []string
	c := newTestClient(t, up.URL, func(cfg *Config) {
		cfg.Observer = func(a Attempt) {
			if a.Err != nil {
				errs = append(errs, a.Err.Error())
			}
		}
	})
	const secret = "sk-live-secret\x7fvalue"
	_, _, err := c.TestAPIKey(WithAPIKey(t.Context(), secret))
	require.Error(t, err)
	assert.False(t, MaybeSent(err), "%v", err)
	assert.NotContains(t, err.Error(), "sk-live-secret")
	assert.ErrorIs(t, err, ErrMalformedAPIKey)
	for _, e := range errs {
		assert.NotContains(t, e, "sk-live-secret")
	}
	assert.Zero(t, up.count())
}

func TestWithoutAKeyNothingIsSent(t *testing.T) {
	t.Parallel()

	c, mux, _ := setup(t)
	refuseAll(t, mux)
	_, resp, err := c.TestAPIKey(context.Background())
	require.ErrorIs(t, err, ErrNoAPIKey)
	assert.Nil(t, resp)
	assert.NotContains(t, err.Error(), "ONCEHUB_", "the package names no environment variable")
}

// Every method that takes an ID checks it before anything is sent, and
// names OnceHub's path parameter, "id".
func TestMethodsRefuseBadIDsBeforeSending(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	refuseAll(t, mux)
	calls := map[string]func(id string) error{
		"Bookings.Get":               func(id string) error { _, _, err := c.Bookings.Get(ctx, id, nil); return err },
		"Bookings.Cancel":            func(id string) error { _, _, err := c.Bookings.Cancel(ctx, id, nil); return err },
		"Bookings.RequestReschedule": func(id string) error { _, _, err := c.Bookings.RequestReschedule(ctx, id, nil); return err },
		"Bookings.Reassign": func(id string) error {
			_, _, err := c.Bookings.Reassign(ctx, id, &ReassignRequest{NewHost: "USR-1"})
			return err
		},
		"Bookings.MarkNoShow":                func(id string) error { _, _, err := c.Bookings.MarkNoShow(ctx, id); return err },
		"BookingCalendars.Get":               func(id string) error { _, _, err := c.BookingCalendars.Get(ctx, id); return err },
		"BookingCalendars.ListTimeSlots":     func(id string) error { _, _, err := c.BookingCalendars.ListTimeSlots(ctx, id, nil); return err },
		"BookingCalendars.Schedule":          func(id string) error { _, _, err := c.BookingCalendars.Schedule(ctx, id, nil); return err },
		"BookingCalendars.CreateOneTimeLink": func(id string) error { _, _, err := c.BookingCalendars.CreateOneTimeLink(ctx, id, nil); return err },
		"BookingPages.Get":                   func(id string) error { _, _, err := c.BookingPages.Get(ctx, id); return err },
		"EventTypes.Get":                     func(id string) error { _, _, err := c.EventTypes.Get(ctx, id); return err },
		"MasterPages.Get":                    func(id string) error { _, _, err := c.MasterPages.Get(ctx, id); return err },
		"MasterPages.CreateOneTimeLink":      func(id string) error { _, _, err := c.MasterPages.CreateOneTimeLink(ctx, id); return err },
		"Users.Get":                          func(id string) error { _, _, err := c.Users.Get(ctx, id); return err },
		"Users.Update": func(id string) error {
			_, _, err := c.Users.Update(ctx, id, &UpdateUserRequest{LastName: ptr("B")})
			return err
		},
		"Users.Delete":          func(id string) error { _, _, err := c.Users.Delete(ctx, id); return err },
		"Users.GetAvailability": func(id string) error { _, _, err := c.Users.GetAvailability(ctx, id); return err },
		"Users.UpdateAvailability": func(id string) error {
			_, _, err := c.Users.UpdateAvailability(ctx, id, &UpdateAvailabilityRequest{Weekly: []DayHours{{Day: "Monday"}}})
			return err
		},
		"Teams.Get":    func(id string) error { _, _, err := c.Teams.Get(ctx, id); return err },
		"Contacts.Get": func(id string) error { _, _, err := c.Contacts.Get(ctx, id); return err },
		"Contacts.Update": func(id string) error {
			_, _, err := c.Contacts.Update(ctx, id, &ContactFields{Company: ptr("x")})
			return err
		},
		"Contacts.Delete": func(id string) error { _, _, err := c.Contacts.Delete(ctx, id); return err },
		"Webhooks.Get":    func(id string) error { _, _, err := c.Webhooks.Get(ctx, id); return err },
		"Webhooks.Delete": func(id string) error { _, _, err := c.Webhooks.Delete(ctx, id); return err },
	}
	for name, call := range calls {
		for _, id := range []string{"", "../users", "BKNG-1?x=y", "XX-1"} {
			err := call(id)
			pe, ok := errors.AsType[*ParamError](err)
			if assert.True(t, ok, "%s(%q): %v", name, id, err) {
				assert.Equal(t, "id", pe.Param, "%s(%q)", name, id)
			}
		}
	}
}

func TestAPIErrorsAreDecodedWithTheirResponse(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/bookings/BKNG-1/cancel", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		reply(w, 409, `{"type":"invalid_request_error","message":"Booking cannot be cancelled: 'BKNG-1'","param":"id"}`)
	})
	_, resp, err := c.Bookings.Cancel(ctx, "BKNG-1", nil)
	e, ok := errors.AsType[*APIError](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, &APIError{Status: 409, Type: ErrTypeInvalidRequest, Message: "Booking cannot be cancelled: 'BKNG-1'", Param: "id", RequestID: "req_1", RetryAfter: 7 * time.Second}, e)
	assert.Equal(t, "OnceHub error 409 (invalid_request_error): Booking cannot be cancelled: 'BKNG-1' [param: id] [Request-Id: req_1]", e.Error())
	require.NotNil(t, resp, "the answer comes back with its error")
	assert.Equal(t, 409, resp.StatusCode)
	assert.Equal(t, "req_1", resp.RequestID)
	assert.True(t, MaybeSent(err))
	assert.False(t, IsNotFound(err))
}

func TestNewRefusesPlainHTTPWithoutNamingEnvironmentVariables(t *testing.T) {
	t.Parallel()

	for raw, want := range map[string]string{
		"http://api.oncehub.com/v2": "must use https",
		"ftp://api.oncehub.com":     "must be an https URL",
		"api.oncehub.com/v2":        "not an absolute URL",
	} {
		_, err := New(Config{BaseURL: raw})
		require.Error(t, err, raw)
		assert.Contains(t, err.Error(), want)
		assert.NotContains(t, err.Error(), "ONCEHUB_")
	}
	for _, ok := range []string{"", "https://api.oncehub.com/v2/", "http://127.0.0.1:8080/v2", "http://localhost/v2"} {
		_, err := New(Config{BaseURL: ok})
		assert.NoError(t, err, ok)
	}
}

func TestParseRate(t *testing.T) {
	t.Parallel()

	h := http.Header{}
	assert.Equal(t, Rate{}, parseRate(h))
	h.Set("RateLimit-Limit", "5")
	h.Set("RateLimit-Remaining", "0")
	h.Set("RateLimit-Reset", "2")
	r := parseRate(h)
	assert.Equal(t, 5, r.Limit)
	assert.Equal(t, 0, r.Remaining)
	assert.WithinDuration(t, time.Now().Add(2*time.Second), r.Reset, 2*time.Second)

	h = http.Header{}
	h.Set("X-RateLimit-Limit", "200")
	h.Set("X-RateLimit-Remaining", "150")
	h.Set("X-RateLimit-Reset", "1900000000")
	assert.Equal(t, Rate{Limit: 200, Remaining: 150, Reset: time.Unix(1900000000, 0)}, parseRate(h))
}
