package tools_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

// pickBooking returns a booking of the fake in status whose start is in the
// future (upcoming) or the past, read straight through the client, and
// forgets the requests it took.
func pickBooking(t *testing.T, env *testenv.Env, status string, upcoming bool) oncehub.Booking {
	t.Helper()
	defer env.Fake.ResetRequests()
	for b, err := range env.App.Client.Bookings.ListAll(testenv.KeyCtx(), &oncehub.BookingListOptions{Status: status}).Items(1000) {
		require.NoError(t, err)
		if b.StartingTime.After(testenv.Now) == upcoming && b.FormSubmission != nil && b.CustomerTimezone != "" {
			return b
		}
	}
	require.FailNow(t, "no booking to test with", "status %s upcoming %v", status, upcoming)
	return oncehub.Booking{}
}

// userWith returns the ID of the first user that is (or is not) active and is not except.
func userWith(t *testing.T, env *testenv.Env, active bool, except string) string {
	t.Helper()
	for _, u := range env.Fake.Users(fakeoncehub.TestKey) {
		if (u["status"] == "active") == active && u["id"] != except {
			return u["id"].(string)
		}
	}
	require.FailNow(t, "no such user")
	return ""
}

// onePost asserts the fake saw exactly one request, this POST with this JSON
// body, then forgets it.
func onePost(t *testing.T, env *testenv.Env, path, body string) {
	t.Helper()
	defer env.Fake.ResetRequests()
	reqs := env.Fake.Requests()
	require.Len(t, reqs, 1, "requests: %v", reqs)
	assert.Equal(t, "POST", reqs[0].Method)
	assert.Equal(t, path, reqs[0].Path)
	assert.Empty(t, reqs[0].Query)
	assert.Equal(t, fakeoncehub.TestKey, reqs[0].APIKey)
	if body == "" {
		assert.Empty(t, reqs[0].Body)
	} else {
		assert.JSONEq(t, body, string(reqs[0].Body))
	}
}

func getBooking(t *testing.T, env *testenv.Env, id string) oncehub.Booking {
	t.Helper()
	b, _, err := env.App.Client.Bookings.Get(testenv.KeyCtx(), id, nil)
	require.NoError(t, err)
	return b
}

func TestWriteToolsAnnotations(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	assertAnnotations(t, env.InProcess(t), map[string][3]bool{ // readOnly, destructive, idempotent
		"cancel_booking":             {false, true, true},
		"request_booking_reschedule": {false, true, true},
		"reassign_booking":           {false, true, false},
		"mark_booking_no_show":       {false, false, true},
	})
}

func TestCancelBooking(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t) // no elicitation: proceeds on the host's approval, without a GET
	ctx := testenv.KeyCtx()
	b := pickBooking(t, env, "scheduled", true)

	res := testenv.Call(t, ctx, c, "cancel_booking", map[string]any{"booking_id": b.ID, "reason": "Host is ill", "send_cancellation_email": false})
	out := testenv.Object(t, res)
	onePost(t, env, "/bookings/"+b.ID+"/cancel", `{"cancellation_reason":"Host is ill","send_cancellation_email":false}`)
	assert.Equal(t, b.ID, out["id"])
	assert.Equal(t, "canceled", out["status"])
	assert.Equal(t, b.FormSubmission.Email, out["guest_email"])

	after := getBooking(t, env, b.ID)
	assert.Equal(t, "canceled", after.Status)
	require.NotNil(t, after.CancelRescheduleInformation)
	assert.Equal(t, "Host is ill", after.CancelRescheduleInformation.Reason)
	assert.Equal(t, "user", after.CancelRescheduleInformation.ActionedBy)
	assert.Regexp(t, `^USR-`, after.CancelRescheduleInformation.UserID)

	// Without options the body is empty and OnceHub's defaults apply (email sent).
	other := pickBooking(t, env, "rescheduled", true)
	testenv.Object(t, testenv.Call(t, ctx, c, "cancel_booking", map[string]any{"booking_id": other.ID}))
	onePost(t, env, "/bookings/"+other.ID+"/cancel", `{}`)
}

func TestCancelBookingErrors(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	canceled := pickBooking(t, env, "canceled", true)
	completed := pickBooking(t, env, "completed", false)
	paid := pickBooking(t, env, "scheduled", true)
	require.True(t, env.Fake.PatchBooking(fakeoncehub.TestKey, paid.ID, map[string]any{
		"payment_information": map[string]any{"amount_charged": 5000, "currency": "USD", "transaction_id": "ch_1"}}))

	for _, tc := range []struct {
		name, id string
		want     []string
	}{
		{"unknown", "BKNG-NOSUCHBOOKING", []string{"OnceHub error 404", "No such booking: 'BKNG-NOSUCHBOOKING'", "[param: id]", "list_"}},
		{"completed", completed.ID, []string{"OnceHub error 409", "Booking cannot be cancelled"}},
		{"paid", paid.ID, []string{"OnceHub error 422", "Paid bookings cannot be canceled through this endpoint"}},
	} {
		// Sequential: the subtests share one fake and count its requests.
		t.Run(tc.name, func(t *testing.T) {
			env.Fake.ResetRequests()
			res := testenv.Call(t, ctx, c, "cancel_booking", map[string]any{"booking_id": tc.id})
			require.True(t, res.IsError, testenv.Text(res))
			for _, w := range tc.want {
				assert.Contains(t, testenv.Text(res), w)
			}
			assert.Regexp(t, `Request-Id: req_\d+`, testenv.Text(res))
			reqs := env.Fake.Requests()
			require.NotEmpty(t, reqs)
			assert.Equal(t, "POST /bookings/"+tc.id+"/cancel", reqs[0].Method+" "+reqs[0].Path)
			if len(reqs) > 1 { // a 409: the booking is read to see whether it was already canceled
				assert.Equal(t, []string{"GET /bookings/" + tc.id}, []string{reqs[1].Method + " " + reqs[1].Path})
			}
		})
	}

	// Cancelling a canceled booking changes nothing, so it is no error: the
	// answer says it was already canceled (here, from a client that cannot
	// be asked, after OnceHub's 409; a client that can be asked is told so
	// before any question, see TestCancelingACanceledBookingAsksNothing).
	t.Run("already canceled", func(t *testing.T) {
		env.Fake.ResetRequests()
		out := testenv.Object(t, testenv.Call(t, ctx, c, "cancel_booking", map[string]any{"booking_id": canceled.ID}))
		assert.Equal(t, true, out["already_canceled"])
		assert.Equal(t, "canceled", out["status"])
		var got []string
		for _, r := range env.Fake.Requests() {
			got = append(got, r.Method+" "+r.Path)
		}
		assert.Equal(t, []string{"POST /bookings/" + canceled.ID + "/cancel", "GET /bookings/" + canceled.ID}, got)
	})
	assert.Equal(t, "scheduled", getBooking(t, env, paid.ID).Status, "a refused cancel changes nothing")
}

func TestRequestBookingReschedule(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	b := pickBooking(t, env, "requested", true)

	out := testenv.Object(t, testenv.Call(t, ctx, c, "request_booking_reschedule", map[string]any{"booking_id": b.ID, "reason": "Please pick a later day"}))
	onePost(t, env, "/bookings/"+b.ID+"/request-reschedule", `{"reschedule_reason":"Please pick a later day"}`)
	assert.Equal(t, "canceled", out["status"], "requesting a reschedule cancels the booking")
	after := getBooking(t, env, b.ID)
	require.NotNil(t, after.CancelRescheduleInformation)
	assert.Equal(t, "Please pick a later day", after.CancelRescheduleInformation.Reason)

	paid := pickBooking(t, env, "scheduled", true)
	require.True(t, env.Fake.PatchBooking(fakeoncehub.TestKey, paid.ID, map[string]any{"payment_information": map[string]any{"amount_charged": 100, "currency": "EUR"}}))
	for _, tc := range []struct {
		name, id string
		want     []string
	}{
		{"unknown", "BKNG-NOSUCHBOOKING", []string{"OnceHub error 404", "No such booking"}},
		{"already canceled", b.ID, []string{"OnceHub error 409", "Booking cannot be cancelled"}},
		{"no-show", pickBooking(t, env, "no_show", false).ID, []string{"OnceHub error 409"}},
		{"paid", paid.ID, []string{"OnceHub error 422", "Paid bookings can only be requested for reschedule in your OnceHub account"}},
	} {
		// Sequential: the subtests share one fake and count its requests.
		t.Run(tc.name, func(t *testing.T) {
			env.Fake.ResetRequests()
			res := testenv.Call(t, ctx, c, "request_booking_reschedule", map[string]any{"booking_id": tc.id})
			require.True(t, res.IsError, testenv.Text(res))
			for _, w := range tc.want {
				assert.Contains(t, testenv.Text(res), w)
			}
			onePost(t, env, "/bookings/"+tc.id+"/request-reschedule", `{}`)
		})
	}
}

func TestReassignBooking(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	b := pickBooking(t, env, "scheduled", true)
	host := userWith(t, env, true, b.Owner.ID)

	out := testenv.Object(t, testenv.Call(t, ctx, c, "reassign_booking", map[string]any{"booking_id": b.ID, "new_host": host, "video_provider": "zoom"}))
	onePost(t, env, "/bookings/"+b.ID+"/reassign", `{"new_host":"`+host+`","location":{"type":"virtual","value":"zoom"}}`)
	assert.Equal(t, host, out["owner"])
	assert.Equal(t, "zoom", out["location"])
	assert.Contains(t, out["join_url"], "zoom")

	// Without video_provider the location is left alone and not sent.
	back := userWith(t, env, true, host)
	testenv.Object(t, testenv.Call(t, ctx, c, "reassign_booking", map[string]any{"booking_id": b.ID, "new_host": back}))
	onePost(t, env, "/bookings/"+b.ID+"/reassign", `{"new_host":"`+back+`"}`)
	assert.Equal(t, back, getBooking(t, env, b.ID).Owner.ID)

	invited := userWith(t, env, false, "")
	canceled := pickBooking(t, env, "canceled", true)
	for _, tc := range []struct {
		name string
		args map[string]any
		want []string
	}{
		{"unknown booking", map[string]any{"booking_id": "BKNG-NOSUCHBOOKING", "new_host": host}, []string{"OnceHub error 404", "No such booking", "[param: id]"}},
		{"unknown user", map[string]any{"booking_id": b.ID, "new_host": "USR-NOSUCHUSER"}, []string{"OnceHub error 404", "No such user: 'USR-NOSUCHUSER'", "[param: new_host]"}},
		{"inactive user", map[string]any{"booking_id": b.ID, "new_host": invited}, []string{"OnceHub error 409", "User is inactive.", "[param: new_host]"}},
		{"same host", map[string]any{"booking_id": b.ID, "new_host": back}, []string{"OnceHub error 409", "same host"}},
		{"canceled booking", map[string]any{"booking_id": canceled.ID, "new_host": userWith(t, env, true, canceled.Owner.ID)}, []string{"OnceHub error 409", "current status", "[param: id]"}},
		{"provider not connected", map[string]any{"booking_id": b.ID, "new_host": host, "video_provider": "webex"}, []string{"OnceHub error 409", "'webex' is not connected", "[param: location.value]"}},
	} {
		// Sequential: the subtests share one fake and count its requests.
		t.Run(tc.name, func(t *testing.T) {
			env.Fake.ResetRequests()
			res := testenv.Call(t, ctx, c, "reassign_booking", tc.args)
			require.True(t, res.IsError, testenv.Text(res))
			for _, w := range tc.want {
				assert.Contains(t, testenv.Text(res), w)
			}
			req := onlyRequest(t, env)
			assert.Equal(t, "/bookings/"+tc.args["booking_id"].(string)+"/reassign", req.Path)
		})
	}
	assert.Equal(t, back, getBooking(t, env, b.ID).Owner.ID, "refused reassignments change nothing")
}

func TestMarkBookingNoShow(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	b := pickBooking(t, env, "completed", false)

	out := testenv.Object(t, testenv.Call(t, ctx, c, "mark_booking_no_show", map[string]any{"booking_id": b.ID}))
	onePost(t, env, "/bookings/"+b.ID+"/no-show", "")
	assert.Equal(t, "no_show", out["status"])
	assert.Equal(t, "no_show", getBooking(t, env, b.ID).Status)

	for _, tc := range []struct{ name, id, want string }{
		{"unknown", "BKNG-NOSUCHBOOKING", "OnceHub error 404"},
		{"not happened yet", pickBooking(t, env, "scheduled", true).ID, "Cannot update booking status to no_show"},
		{"canceled", pickBooking(t, env, "canceled", false).ID, "OnceHub error 409"},
	} {
		// Sequential: the subtests share one fake and count its requests.
		t.Run(tc.name, func(t *testing.T) {
			env.Fake.ResetRequests()
			res := testenv.Call(t, ctx, c, "mark_booking_no_show", map[string]any{"booking_id": tc.id})
			require.True(t, res.IsError, testenv.Text(res))
			assert.Contains(t, testenv.Text(res), tc.want)
			onePost(t, env, "/bookings/"+tc.id+"/no-show", "")
		})
	}
}

func TestBookingWriteToolsRejectBadInputWithoutCallingUpstream(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	assertRejected(t, env, c, []badInput{
		{"cancel_booking", map[string]any{}, `"booking_id": is required`},
		{"cancel_booking", map[string]any{"booking_id": "CTC-123"}, `(BKNG- then letters and digits`},
		{"cancel_booking", map[string]any{"booking_id": "BKNG-A/../x"}, `"booking_id"`},
		{"cancel_booking", map[string]any{"booking_id": "BKNG-A", "send_cancellation_email": "no"}, `"send_cancellation_email": must be true or false`},
		{"cancel_booking", map[string]any{"booking_id": "BKNG-A", "notify": true}, `"notify": is not an argument of this tool`},
		{"request_booking_reschedule", map[string]any{"booking_id": 7}, `"booking_id": must be a string`},
		{"request_booking_reschedule", map[string]any{"reason": "x"}, `"booking_id": is required`},
		{"reassign_booking", map[string]any{"booking_id": "BKNG-A"}, `"new_host": is required`},
		{"reassign_booking", map[string]any{"booking_id": "BKNG-A", "new_host": "TM-1"}, `"new_host"`},
		{"reassign_booking", map[string]any{"booking_id": "BKNG-A", "new_host": "USR-1", "video_provider": "skype"}, `"video_provider": "skype" is not one of the allowed values; use one of google_meet, microsoft_teams, webex, gotomeeting, zoom`},
		{"mark_booking_no_show", map[string]any{"booking_id": ""}, `"booking_id": must not be empty`},
		{"mark_booking_no_show", map[string]any{"booking_id": "BKNG-1?x=1"}, `then letters and digits`},
	})
}

// dropAfter passes requests to the fake, but for POSTs whose path ends with
// suffix it lets the fake act and then closes the connection unanswered.
type dropAfter struct {
	fake   http.Handler
	suffix string
}

func (d dropAfter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, d.suffix) {
		d.fake.ServeHTTP(w, r)
		return
	}
	d.fake.ServeHTTP(httptest.NewRecorder(), r)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	_ = conn.Close()
}

func TestLostAnswerToABookingWriteIsNotRepeated(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	up := httptest.NewServer(dropAfter{fake: env.Fake, suffix: "/cancel"})
	t.Cleanup(up.Close)
	a, err := app.Build(app.Config{APIURL: up.URL + "/v2", Timeout: 10 * time.Second}, app.Options{Version: "test", Deps: tools.Deps{Now: func() time.Time { return testenv.Now }}})
	require.NoError(t, err)
	c, err := client.NewInProcessClient(a.MCP)
	require.NoError(t, err)
	_, err = c.Initialize(context.Background(), mcp.InitializeRequest{})
	require.NoError(t, err)
	b := pickBooking(t, env, "scheduled", true)

	res := testenv.Call(t, testenv.KeyCtx(), c, "cancel_booking", map[string]any{"booking_id": b.ID})
	require.True(t, res.IsError)
	msg := testenv.Text(res)
	assert.Contains(t, msg, "may have reached OnceHub")
	assert.Contains(t, msg, `check the current state with get_booking (booking_id "`+b.ID+`") before trying again`)
	reqs := env.Fake.Requests()
	require.Len(t, reqs, 1, "the POST was sent exactly once, never retried")
	assert.Equal(t, "POST", reqs[0].Method)
	assert.Equal(t, "/bookings/"+b.ID+"/cancel", reqs[0].Path)
	assert.Equal(t, "canceled", getBooking(t, env, b.ID).Status, "it did take effect: that is why the agent must look before retrying")
}

func getUser(t *testing.T, env *testenv.Env, id string) oncehub.User {
	t.Helper()
	defer env.Fake.ResetRequests()
	u, _, err := env.App.Client.Users.Get(testenv.KeyCtx(), id)
	require.NoError(t, err)
	return u
}
