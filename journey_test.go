package main_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

// person answers every confirmation the way a user at the host would, and
// remembers the questions.
type person struct {
	mu     sync.Mutex
	answer mcp.ElicitationResponseAction
	asked  []string
}

func (p *person) Elicit(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.asked = append(p.asked, req.Params.Message)
	res := &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: p.answer}}
	if p.answer == mcp.ElicitationResponseActionAccept {
		res.Content = map[string]any{"confirm": true}
	}
	return res, nil
}

func (p *person) questions() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.asked...)
}

// TestSchedulingJourney runs the agent's whole path through the built binary
// over stdio and over streamable HTTP: find free times → book → find the
// booking → request a reschedule, and book again → cancel, with the user
// confirming each destructive step.
func TestSchedulingJourney(t *testing.T) {
	t.Parallel()

	for _, transport := range []string{"stdio", "http"} {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()

			// The binary runs on the real clock, so the fake does too.
			env := testenv.New(t, func(s testenv.Setup) { s.Fake.Now = time.Now })
			p := &person{answer: mcp.ElicitationResponseActionAccept}
			opts := []client.ClientOption{client.WithElicitationHandler(p)}
			var c *client.Client
			if transport == "stdio" {
				c = env.StdioWith(t, []string{"ONCEHUB_API_KEY=" + fakeoncehub.TestKey}, opts)
			} else {
				c = env.HTTP(t, env.HTTPServer(t), map[string]string{"API-Key": fakeoncehub.TestKey}, opts...)
			}
			ctx := context.Background()
			call := func(name string, args map[string]any) map[string]any {
				t.Helper()
				return testenv.Object(t, testenv.Call(t, ctx, c, name, args))
			}

			var calendar string
			for _, it := range testenv.Items(t, testenv.Call(t, ctx, c, "list_booking_calendars", map[string]any{})) {
				if it["name"] == "Sales discovery call" {
					calendar = it["id"].(string)
				}
			}
			require.NotEmpty(t, calendar)

			found := call("find_available_slots", map[string]any{
				"booking_calendar_id": calendar, "start": time.Now().Add(48 * time.Hour).Format(time.DateOnly),
				"end": "P14D", "time_zone": "Asia/Kolkata", "weekdays": []any{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"},
				"time_of_day": "09:00-12:00", "max_slots": 4,
			})
			days := found["days"].([]any)
			require.NotEmpty(t, days)
			slots := days[0].(map[string]any)["slots"].([]any)
			require.GreaterOrEqual(t, len(slots), 2)
			book := func(slot map[string]any, name, email string) string {
				loc := slot["locations"].([]any)[0].(map[string]any)
				booked := call("schedule_meeting", map[string]any{
					"booking_calendar_id": calendar, "start_time": slot["start_time"], "guest_time_zone": "Asia/Kolkata",
					"name": name, "email": email, "location": map[string]any{"type": loc["type"], "value": loc["value"]},
				})
				id, _ := booked["booking_id"].(string)
				require.Regexp(t, `^BKNG-`, id)
				return id
			}
			first := book(slots[0].(map[string]any), "Asha Verma", "asha.verma@example.com")

			// The agent finds the booking again.
			got := call("get_booking", map[string]any{"booking_id": first})
			assert.Equal(t, "scheduled", got["status"])
			assert.Equal(t, slots[0].(map[string]any)["start_time"], got["starting_time"])
			listed := testenv.Items(t, testenv.Call(t, ctx, c, "list_bookings", map[string]any{"booking_calendar": calendar, "limit": 3}))
			require.NotEmpty(t, listed)
			assert.Equal(t, first, listed[0]["id"], "newest first")

			// Request a reschedule, confirmed by the user.
			call("request_booking_reschedule", map[string]any{"booking_id": first, "reason": "Speaker unavailable"})
			q := p.questions()
			require.Len(t, q, 1)
			assert.Contains(t, q[0], first)
			assert.Contains(t, q[0], "Asha Verma")
			assert.Contains(t, q[0], "Asia/Kolkata")
			assert.NotEqual(t, "scheduled", call("get_booking", map[string]any{"booking_id": first})["status"])

			// Book again, then cancel, confirmed by the user.
			second := book(slots[1].(map[string]any), "Ravi Iyer", "ravi.iyer@example.com")
			call("cancel_booking", map[string]any{"booking_id": second, "reason": "No longer needed"})
			require.Len(t, p.questions(), 2)
			assert.Contains(t, p.questions()[1], second)
			assert.Equal(t, "canceled", call("get_booking", map[string]any{"booking_id": second})["status"])

			// A declined confirmation sends nothing.
			third := book(slots[2%len(slots)].(map[string]any), "Mei Lin", "mei.lin@example.com")
			p.mu.Lock()
			p.answer = mcp.ElicitationResponseActionDecline
			p.mu.Unlock()
			env.Fake.ResetRequests()
			res := testenv.Call(t, ctx, c, "cancel_booking", map[string]any{"booking_id": third})
			assert.True(t, res.IsError)
			assert.Contains(t, testenv.Text(res), "nothing was sent")
			for _, r := range env.Fake.Requests() {
				assert.Equal(t, "GET", r.Method, "only the summary lookup reached OnceHub")
			}
			assert.Equal(t, "scheduled", call("get_booking", map[string]any{"booking_id": third})["status"])
		})
	}
}
