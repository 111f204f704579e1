package tools_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

// user answers elicitation requests like a person at the client would, and
// remembers what they were asked.
type user struct {
	mu      sync.Mutex
	answers []mcp.ElicitationResponseAction // one per question; the last repeats
	asked   []string
	during  func() // runs while the question is shown
}

func (u *user) Elicit(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.asked = append(u.asked, req.Params.Message)
	if u.during != nil {
		u.during()
	}
	action := u.answers[min(len(u.asked), len(u.answers))-1]
	res := &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: action}}
	if action == mcp.ElicitationResponseActionAccept {
		res.Content = map[string]any{"confirm": true}
	}
	return res, nil
}

func (u *user) questions() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.asked...)
}

func answering(actions ...mcp.ElicitationResponseAction) *user { return &user{answers: actions} }

const (
	accept  = mcp.ElicitationResponseActionAccept
	decline = mcp.ElicitationResponseActionDecline
	dismiss = mcp.ElicitationResponseActionCancel
)

// methods lists "METHOD path" of the requests the fake saw.
func methods(env *testenv.Env) []string {
	var out []string
	for _, r := range env.Fake.Requests() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// connect returns a client of the given kind ("in-process" or "http") on protocol
// version proto that answers elicitations with u (nil: no elicitation support).
func connect(t *testing.T, env *testenv.Env, kind, proto string, u *user) (*client.Client, context.Context) {
	t.Helper()
	opts := []client.ClientOption{client.WithProtocolVersion(proto)}
	if u != nil {
		opts = append(opts, client.WithElicitationHandler(u))
	}
	if kind == "http" {
		return env.HTTP(t, env.HTTPServer(t), map[string]string{"API-Key": fakeoncehub.TestKey}, opts...), context.Background()
	}
	// Started, unlike env.InProcess: without Start an in-process client has
	// no session, so a 2025-11-25 client's capabilities are never recorded.
	c, err := client.NewInProcessClientWithOptions(env.App.MCP, opts...)
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Close() })
	_, err = c.Initialize(context.Background(), mcp.InitializeRequest{})
	require.NoError(t, err)
	return c, testenv.KeyCtx()
}

func TestConfirmationAskedBeforeCancel(t *testing.T) {
	t.Parallel()

	for _, tc := range []struct{ kind, proto string }{
		{"in-process", testenv.ProtocolLatest},
		{"in-process", testenv.Protocol2025},
		{"http", testenv.ProtocolLatest}, // stateless HTTP: the multi round-trip form
		{"http", testenv.Protocol2025},   // an HTTP session: asked on the call's stream
	} {
		t.Run(tc.kind+"/"+tc.proto, func(t *testing.T) {
			t.Parallel()

			env := testenv.New(t)
			b := pickBooking(t, env, "scheduled", true)
			u := answering(accept)
			c, ctx := connect(t, env, tc.kind, tc.proto, u)

			res := testenv.Call(t, ctx, c, "cancel_booking", map[string]any{"booking_id": b.ID, "reason": "Conflict"})
			out := testenv.Object(t, res)
			assert.Equal(t, "canceled", out["status"])

			q := u.questions()
			require.Len(t, q, 1, "asked once")
			assert.Contains(t, q[0], "Cancel booking "+b.ID)
			assert.Contains(t, q[0], `"`+b.Subject+`"`)
			assert.Contains(t, q[0], b.FormSubmission.Name+" <"+b.FormSubmission.Email+">")
			loc := mustZone(t, b.CustomerTimezone)
			assert.Contains(t, q[0], b.StartingTime.In(loc).Format("Mon 2 Jan 2006 15:04")+" ("+b.CustomerTimezone+"; "+b.StartingTime.UTC().Format("2006-01-02 15:04")+" UTC)")
			// The summary is read before asking and again with the answer
			// (so a change in between is noticed); the write is sent once.
			assert.Equal(t, []string{"GET /bookings/" + b.ID, "GET /bookings/" + b.ID, "POST /bookings/" + b.ID + "/cancel"}, methods(env))
			assert.JSONEq(t, `{"cancellation_reason":"Conflict"}`, string(env.Fake.Requests()[2].Body))
		})
	}
}

func TestDeclinedConfirmationSendsNothing(t *testing.T) {
	t.Parallel()

	for _, tc := range []struct {
		kind, proto string
		answer      mcp.ElicitationResponseAction
		tool        string
	}{
		{"in-process", testenv.ProtocolLatest, decline, "cancel_booking"},
		{"in-process", testenv.Protocol2025, dismiss, "cancel_booking"},
		{"in-process", testenv.Protocol2025, decline, "reassign_booking"},
		{"http", testenv.ProtocolLatest, decline, "request_booking_reschedule"},
		{"http", testenv.ProtocolLatest, dismiss, "reassign_booking"},
		{"http", testenv.Protocol2025, decline, "cancel_booking"},
		{"http", testenv.Protocol2025, dismiss, "request_booking_reschedule"},
	} {
		t.Run(tc.kind+"/"+tc.proto+"/"+string(tc.answer)+"/"+tc.tool, func(t *testing.T) {
			t.Parallel()

			env := testenv.New(t)
			b := pickBooking(t, env, "scheduled", true)
			args := map[string]any{"booking_id": b.ID}
			if tc.tool == "reassign_booking" {
				args["new_host"] = userWith(t, env, true, b.Owner.ID)
			}
			u := answering(tc.answer)
			c, ctx := connect(t, env, tc.kind, tc.proto, u)

			res := testenv.Call(t, ctx, c, tc.tool, args)
			require.True(t, res.IsError, "a refusal is an error result, so it is never mistaken for success")
			msg := testenv.Text(res)
			assert.Contains(t, msg, "The user did not confirm")
			assert.Contains(t, msg, "nothing was sent to OnceHub")
			assert.Contains(t, msg, "Do not try again unless the user asks")
			assert.Len(t, u.questions(), 1)
			reads := []string{"GET /bookings/" + b.ID}
			if tc.tool == "reassign_booking" { // the new host, by name
				reads = append([]string{"GET /users/" + args["new_host"].(string)}, reads...)
			}
			assert.Equal(t, reads, methods(env), "only the reads for the summary")
			assert.Equal(t, b.Status, getBooking(t, env, b.ID).Status)
		})
	}
}

func TestReassignConfirmationNamesNewHost(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	b := pickBooking(t, env, "scheduled", true)
	host := userWith(t, env, true, b.Owner.ID)
	u := answering(accept)
	c, ctx := connect(t, env, "in-process", testenv.ProtocolLatest, u)
	out := testenv.Object(t, testenv.Call(t, ctx, c, "reassign_booking", map[string]any{"booking_id": b.ID, "new_host": host}))
	assert.Equal(t, host, out["owner"])
	require.Len(t, u.questions(), 1)
	q := u.questions()[0]
	assert.Contains(t, q, "Reassign booking "+b.ID)
	hosted := getUser(t, env, b.Owner.ID)
	assert.Contains(t, q, "hosted by "+hosted.FirstName+" "+hosted.LastName, "the current host by name")
	to := getUser(t, env, host)
	assert.Contains(t, q, " to "+to.FirstName+" "+to.LastName+" <"+to.Email+">", "the new host by name")
	assert.Contains(t, q, "("+host+")")
	assert.Contains(t, q, b.FormSubmission.Name+" <"+b.FormSubmission.Email+"> and both hosts are notified")
}

// An accepted form without the box ticked is not a yes: the form requires
// confirm and has no default, and an empty answer is taken as a refusal.
func TestEmptyAnswerIsNotConsent(t *testing.T) {
	t.Parallel()

	for _, content := range []map[string]any{nil, {}, {"confirm": false}, {"confirm": "yes"}} {
		t.Run(mustJSON(t, content), func(t *testing.T) {
			t.Parallel()

			env := testenv.New(t)
			b := pickBooking(t, env, "scheduled", true)
			var schema map[string]any
			u := &formUser{content: content, schema: &schema}
			c, ctx := connectWith(t, env, client.WithElicitationHandler(u))
			res := testenv.Call(t, ctx, c, "cancel_booking", map[string]any{"booking_id": b.ID})
			require.True(t, res.IsError)
			assert.Contains(t, testenv.Text(res), "The user did not confirm (they did not tick the confirmation)")
			assert.Equal(t, []string{"GET /bookings/" + b.ID}, methods(env), "nothing written")
			assert.Equal(t, []any{"confirm"}, schema["required"], "the box must be answered")
			props := schema["properties"].(map[string]any)["confirm"].(map[string]any)
			assert.NotContains(t, props, "default", "no default: nothing is ticked for the user")
		})
	}
}

// formUser accepts every form with content, and keeps the form's schema.
type formUser struct {
	content map[string]any
	schema  *map[string]any
}

func (f *formUser) Elicit(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	raw, _ := json.Marshal(req.Params.RequestedSchema)
	_ = json.Unmarshal(raw, f.schema)
	res := &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: accept}}
	if f.content != nil {
		res.Content = f.content
	}
	return res, nil
}

// connectWith is connect for an in-process client on the latest protocol with opts.
func connectWith(t *testing.T, env *testenv.Env, opts ...client.ClientOption) (*client.Client, context.Context) {
	t.Helper()
	c, err := client.NewInProcessClientWithOptions(env.App.MCP, opts...)
	require.NoError(t, err)
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Close() })
	_, err = c.Initialize(context.Background(), mcp.InitializeRequest{})
	require.NoError(t, err)
	return c, testenv.KeyCtx()
}

// Cancelling a booking that is already canceled asks no one: the answer says
// so, and nothing is written.
func TestCancelingACanceledBookingAsksNothing(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	b := pickBooking(t, env, "canceled", true)
	u := answering(accept)
	c, ctx := connect(t, env, "in-process", testenv.ProtocolLatest, u)
	out := testenv.Object(t, testenv.Call(t, ctx, c, "cancel_booking", map[string]any{"booking_id": b.ID}))
	assert.Equal(t, true, out["already_canceled"])
	assert.Empty(t, u.questions())
	assert.Equal(t, []string{"GET /bookings/" + b.ID}, methods(env))

	// A reschedule of it cannot happen: said without asking.
	env.Fake.ResetRequests()
	res := testenv.Call(t, ctx, c, "request_booking_reschedule", map[string]any{"booking_id": b.ID})
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "is already canceled")
	assert.Empty(t, u.questions())
	assert.Equal(t, []string{"GET /bookings/" + b.ID}, methods(env))
}

// The confirmation says who is emailed, or that no one is.
func TestCancelConfirmationSaysWhoIsEmailed(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	b := pickBooking(t, env, "scheduled", true)
	u := answering(decline)
	c, ctx := connect(t, env, "in-process", testenv.ProtocolLatest, u)
	testenv.Call(t, ctx, c, "cancel_booking", map[string]any{"booking_id": b.ID})
	testenv.Call(t, ctx, c, "cancel_booking", map[string]any{"booking_id": b.ID, "send_cancellation_email": false})
	q := u.questions()
	require.Len(t, q, 2)
	assert.Contains(t, q[0], b.FormSubmission.Name+" <"+b.FormSubmission.Email+"> is emailed the cancellation.")
	assert.Contains(t, q[1], "No cancellation email is sent.")
}

// Overwriting updates are confirmed, and say what they replace, by name.
func TestOverwritingUpdatesAreConfirmed(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	u := answering(decline)
	c, ctx := connect(t, env, "in-process", testenv.ProtocolLatest, u)
	users := testenv.Items(t, testenv.Call(t, ctx, c, "list_users", map[string]any{"name": "Priya"}))
	require.Len(t, users, 1)
	priya := users[0]["id"].(string)
	env.Fake.ResetRequests()

	res := testenv.Call(t, ctx, c, "update_user", map[string]any{"user_id": priya, "teams": []any{}})
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "The user did not confirm")
	res = testenv.Call(t, ctx, c, "update_user_availability", map[string]any{"user_id": priya,
		"weekly": []any{map[string]any{"day": "Thursday", "working_hours": []any{map[string]any{"start_time": "09:00", "end_time": "12:00"}}}}})
	require.True(t, res.IsError)
	q := u.questions()
	require.Len(t, q, 2)
	assert.Contains(t, q[0], "Update user Priya Raman <priya.raman@example.com>")
	assert.Regexp(t, `teams Customer Success \(TM-\w+\), Onboarding \(TM-\w+\) → \(none\) \(removed from every team\)`, q[0])
	assert.Contains(t, q[1], "Replace the working hours of Priya Raman <priya.raman@example.com>")
	assert.Contains(t, q[1], "in Asia/Kolkata: Thursday 09:00-12:00")
	for _, m := range methods(env) {
		assert.True(t, strings.HasPrefix(m, "GET "), "declined: only reads, got %s", m)
	}
}

func TestNoShowIsNotConfirmed(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	b := pickBooking(t, env, "completed", false)
	u := answering(decline)
	c, ctx := connect(t, env, "in-process", testenv.ProtocolLatest, u)
	testenv.Object(t, testenv.Call(t, ctx, c, "mark_booking_no_show", map[string]any{"booking_id": b.ID}))
	assert.Empty(t, u.questions(), "an update is not destructive: no question")
	assert.Equal(t, []string{"POST /bookings/" + b.ID + "/no-show"}, methods(env))
}

func TestConfirmationIsForTheBookingAsShown(t *testing.T) {
	t.Parallel()

	for _, tc := range []struct{ kind, proto string }{
		{"in-process", testenv.ProtocolLatest},
		{"in-process", testenv.Protocol2025},
		{"http", testenv.Protocol2025},
	} {
		t.Run(tc.kind+"/"+tc.proto, func(t *testing.T) {
			t.Parallel()

			env := testenv.New(t)
			b := pickBooking(t, env, "scheduled", true)
			u := answering(accept)
			// While the first question is on screen, the meeting changes: the answer
			// was given for something else, so the user is asked again.
			u.during = func() {
				if len(u.asked) == 1 {
					require.True(t, env.Fake.PatchBooking(fakeoncehub.TestKey, b.ID, map[string]any{"subject": "Renamed meeting"}))
				}
			}
			c, ctx := connect(t, env, tc.kind, tc.proto, u)
			testenv.Object(t, testenv.Call(t, ctx, c, "cancel_booking", map[string]any{"booking_id": b.ID}))
			q := u.questions()
			require.Len(t, q, 2)
			assert.Contains(t, q[0], b.Subject)
			assert.Contains(t, q[1], `"Renamed meeting"`)
		})
	}
}

func TestForgedConfirmationIsNotConsent(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	b := pickBooking(t, env, "scheduled", true)
	u := answering(decline)
	c, ctx := connect(t, env, "in-process", testenv.ProtocolLatest, u)
	req := mcp.CallToolRequest{}
	req.Params.Name = "cancel_booking"
	req.Params.Arguments = map[string]any{"booking_id": b.ID}
	req.Params.InputResponses = mcp.InputResponses{"confirm": mcp.NewElicitationInputResponse(mcp.ElicitationResult{
		ElicitationResponse: mcp.ElicitationResponse{Action: accept, Content: map[string]any{"confirm": true}}})}
	req.Params.RequestState = "eyJ0IjoiY2FuY2VsX2Jvb2tpbmcifQ.AAAA"
	res, err := c.CallTool(ctx, req)
	require.NoError(t, err)
	require.True(t, res.IsError, testenv.Text(res))
	assert.Contains(t, testenv.Text(res), "did not confirm")
	assert.Len(t, u.questions(), 1, "the forged answer was ignored and the user asked")
	assert.NotContains(t, methods(env), "POST /bookings/"+b.ID+"/cancel")
}

func TestWithoutElicitationTheHostApproves(t *testing.T) {
	t.Parallel()

	for _, tc := range []struct{ kind, proto string }{
		{"in-process", testenv.ProtocolLatest},
		{"in-process", testenv.Protocol2025},
		{"http", testenv.ProtocolLatest},
		{"http", testenv.Protocol2025},
	} {
		t.Run(tc.kind+"/"+tc.proto, func(t *testing.T) {
			t.Parallel()

			env := testenv.New(t)
			b := pickBooking(t, env, "scheduled", true)
			c, ctx := connect(t, env, tc.kind, tc.proto, nil)
			out := testenv.Object(t, testenv.Call(t, ctx, c, "cancel_booking", map[string]any{"booking_id": b.ID}))
			assert.Equal(t, "canceled", out["status"])
			assert.Equal(t, []string{"POST /bookings/" + b.ID + "/cancel"}, methods(env), "no summary is read when nobody can be asked")
		})
	}
}

// A question asked on a session that gets no answer ends the call: nothing
// is sent, and the result says so.
func TestUnansweredConfirmationSendsNothing(t *testing.T) {
	t.Parallel()

	for _, kind := range []string{"in-process", "http"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()

			env := testenv.New(t, func(s testenv.Setup) { s.Deps.ConfirmTimeout = 300 * time.Millisecond })
			b := pickBooking(t, env, "scheduled", true)
			u := &silent{}
			opts := []client.ClientOption{client.WithProtocolVersion(testenv.Protocol2025), client.WithElicitationHandler(u)}
			var c *client.Client
			ctx := testenv.KeyCtx()
			if kind == "http" {
				c, ctx = env.HTTP(t, env.HTTPServer(t), map[string]string{"API-Key": fakeoncehub.TestKey}, opts...), context.Background()
			} else {
				var err error
				c, err = client.NewInProcessClientWithOptions(env.App.MCP, opts...)
				require.NoError(t, err)
				require.NoError(t, c.Start(context.Background()))
				t.Cleanup(func() { _ = c.Close() })
				_, err = c.Initialize(context.Background(), mcp.InitializeRequest{})
				require.NoError(t, err)
			}
			res := testenv.Call(t, ctx, c, "cancel_booking", map[string]any{"booking_id": b.ID})
			require.True(t, res.IsError, testenv.Text(res))
			assert.Contains(t, testenv.Text(res), "Not confirmed: no answer to the confirmation question came within 300ms")
			assert.Contains(t, testenv.Text(res), "nothing was sent to OnceHub")
			assert.Equal(t, int32(1), u.asked.Load())
			assert.Equal(t, []string{"GET /bookings/" + b.ID}, methods(env), "only the read for the summary")
		})
	}
}

// silent is a user who never answers.
type silent struct{ asked atomic.Int32 }

func (s *silent) Elicit(ctx context.Context, _ mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	s.asked.Add(1)
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestRequireConfirmation(t *testing.T) {
	t.Parallel()

	requireIt := func(s testenv.Setup) { s.Config.RequireConfirmation = true }
	for _, tc := range []struct{ kind, proto string }{
		{"in-process", testenv.ProtocolLatest},
		{"in-process", testenv.Protocol2025},
		{"http", testenv.ProtocolLatest},
		{"http", testenv.Protocol2025},
	} {
		t.Run("refuses a client that cannot confirm/"+tc.kind+"/"+tc.proto, func(t *testing.T) {
			t.Parallel()

			env := testenv.New(t, requireIt)
			b := pickBooking(t, env, "scheduled", true)
			c, ctx := connect(t, env, tc.kind, tc.proto, nil)
			for _, tool := range []string{"cancel_booking", "request_booking_reschedule", "reassign_booking"} {
				args := map[string]any{"booking_id": b.ID}
				if tool == "reassign_booking" {
					args["new_host"] = userWith(t, env, true, b.Owner.ID)
				}
				res := testenv.Call(t, ctx, c, tool, args)
				require.True(t, res.IsError, testenv.Text(res))
				msg := testenv.Text(res)
				assert.Contains(t, msg, tool+" was not run")
				assert.Contains(t, msg, "--require-confirmation")
				assert.Contains(t, msg, "Nothing was sent to OnceHub")
				// It says what the client lacks, and how to fix it.
				if tc.proto == testenv.ProtocolLatest {
					assert.Contains(t, msg, "the client declared no elicitation capability in this request's capabilities")
				} else {
					assert.Contains(t, msg, "the client declared no elicitation capability when it initialized")
				}
				assert.Contains(t, msg, "turn on its support for elicitation (form mode)")
			}
			assert.Empty(t, env.Fake.Requests(), "nothing at all reaches OnceHub")
		})
	}
	t.Run("updates still run", func(t *testing.T) {
		t.Parallel()

		env := testenv.New(t, requireIt)
		b := pickBooking(t, env, "completed", false)
		c, ctx := connect(t, env, "in-process", testenv.ProtocolLatest, nil)
		testenv.Object(t, testenv.Call(t, ctx, c, "mark_booking_no_show", map[string]any{"booking_id": b.ID}))
	})
	for _, proto := range []string{testenv.ProtocolLatest, testenv.Protocol2025} {
		t.Run("a client that can confirm is asked/http/"+proto, func(t *testing.T) {
			t.Parallel()

			env := testenv.New(t, requireIt)
			b := pickBooking(t, env, "scheduled", true)
			u := answering(accept)
			c, ctx := connect(t, env, "http", proto, u)
			out := testenv.Object(t, testenv.Call(t, ctx, c, "cancel_booking", map[string]any{"booking_id": b.ID}))
			assert.Equal(t, "canceled", out["status"])
			assert.Len(t, u.questions(), 1)
		})
	}
	t.Run("an HTTP client outside its session is told why", func(t *testing.T) {
		t.Parallel()

		env := testenv.New(t, requireIt)
		b := pickBooking(t, env, "scheduled", true)
		u := answering(accept)
		url := env.HTTPServer(t)
		c := env.HTTP(t, url, map[string]string{"API-Key": fakeoncehub.TestKey}, client.WithProtocolVersion(testenv.Protocol2025), client.WithElicitationHandler(u))
		require.NotEmpty(t, c.GetSessionId(), "initialize gave the client a session")
		// The same call from a client that drops the session ID it was given:
		// served statelessly, where what it declared at initialize is unknown.
		res := postWithoutSession(t, url, b.ID)
		assert.Contains(t, res, "cancel_booking was not run")
		assert.Contains(t, res, "did not send back the Mcp-Session-Id")
		assert.Empty(t, u.questions())
		assert.Empty(t, env.Fake.Requests())
	})
}

// The journey an agent takes: find the meeting, look at it, then change it
// with the user's confirmation.
func TestJourneyFindInspectRescheduleAndCancel(t *testing.T) {
	t.Parallel()

	for _, proto := range []string{testenv.ProtocolLatest, testenv.Protocol2025} {
		t.Run(proto, func(t *testing.T) {
			t.Parallel()

			env := testenv.New(t)
			u := answering(accept)
			c, ctx := connect(t, env, "in-process", proto, u)

			items := testenv.Items(t, testenv.Call(t, ctx, c, "list_bookings", map[string]any{
				"status": "scheduled", "starting_time_after": "2026-11-23", "limit": 2}))
			require.Len(t, items, 2)
			first, second := items[0]["id"].(string), items[1]["id"].(string)

			got := testenv.Object(t, testenv.Call(t, ctx, c, "get_booking", map[string]any{"booking_id": first}))
			assert.Equal(t, "scheduled", got["status"])

			res := testenv.Object(t, testenv.Call(t, ctx, c, "request_booking_reschedule", map[string]any{"booking_id": first, "reason": "Host travelling"}))
			assert.Equal(t, "canceled", res["status"])
			res = testenv.Object(t, testenv.Call(t, ctx, c, "cancel_booking", map[string]any{"booking_id": second}))
			assert.Equal(t, "canceled", res["status"])

			q := u.questions()
			require.Len(t, q, 2)
			assert.Contains(t, q[0], "Cancel and ask the guest to reschedule booking "+first)
			assert.Contains(t, q[1], "Cancel booking "+second)

			after := testenv.Object(t, testenv.Call(t, ctx, c, "get_booking", map[string]any{"booking_id": first}))
			assert.Equal(t, "canceled", after["status"])
			assert.Equal(t, "Host travelling", after["cancel_reschedule_information"].(map[string]any)["reason"])
			posts := 0
			for _, m := range methods(env) {
				if m[:4] == "POST" {
					posts++
				}
			}
			assert.Equal(t, 2, posts)
		})
	}
}

func TestStaleConfirmationIsAskedAgain(t *testing.T) {
	t.Parallel()

	var mu sync.Mutex
	now := testenv.Now
	env := testenv.New(t, func(s testenv.Setup) {
		s.Deps.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	})
	b := pickBooking(t, env, "scheduled", true)
	u := answering(accept)
	u.during = func() { // the first question stays unanswered for 11 minutes
		if len(u.asked) == 1 {
			mu.Lock()
			now = now.Add(11 * time.Minute)
			mu.Unlock()
		}
	}
	c, ctx := connect(t, env, "in-process", testenv.ProtocolLatest, u)
	testenv.Object(t, testenv.Call(t, ctx, c, "cancel_booking", map[string]any{"booking_id": b.ID}))
	assert.Len(t, u.questions(), 2, "an answer to a question older than 10 minutes is not consent")
}

// postWithoutSession calls cancel_booking on protocol 2025-11-25 the way a
// client that ignores Mcp-Session-Id would, and returns the result's text.
func postWithoutSession(t *testing.T, url, bookingID string) string {
	t.Helper()
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"cancel_booking","arguments":{"booking_id":"` + bookingID + `"}}}`
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewBufferString(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("MCP-Protocol-Version", testenv.Protocol2025)
	req.Header.Set("API-Key", fakeoncehub.TestKey)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(out))
	return string(out)
}
