package tools_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

// Every write tool's result carries OnceHub's Request-Id of the write as
// request_id (OnceHub support asks for it), in structuredContent and text.
func TestEveryWriteToolReturnsTheWritesRequestID(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	first := func(tool string, args map[string]any) string {
		items := testenv.Items(t, testenv.Call(t, ctx, c, tool, args))
		require.NotEmpty(t, items, tool)
		return items[0]["id"].(string)
	}
	cal := calendarIDs(t, env, c)[calSales]
	slots := getSlots(t, c, map[string]any{"booking_calendar_id": cal})
	require.NotEmpty(t, slots.Slots)
	contact := first("list_contacts", nil)
	webhook := first("list_webhooks", nil)
	masterPage := first("list_master_pages", nil)
	toCancel := pickBooking(t, env, "scheduled", true)
	toReschedule := pickBooking(t, env, "rescheduled", true)
	toReassign := pickBooking(t, env, "requested", true)
	past := pickBooking(t, env, "completed", false)
	owner := userWith(t, env, true, "")
	user := userWith(t, env, true, owner) // the first active user owns the account, which the API cannot update
	invited := userWith(t, env, false, "")

	cases := []struct {
		tool, method string
		args         map[string]any
	}{
		{"schedule_meeting", "POST", map[string]any{"booking_calendar_id": cal, "start_time": slots.Slots[0].StartTime,
			"guest_time_zone": "Europe/Paris", "name": "Rid Test", "email": "rid@example.com"}},
		{"create_booking_calendar_link", "POST", map[string]any{"booking_calendar_id": cal}},
		{"create_master_page_link", "POST", map[string]any{"master_page_id": masterPage}},
		{"cancel_booking", "POST", map[string]any{"booking_id": toCancel.ID}},
		{"request_booking_reschedule", "POST", map[string]any{"booking_id": toReschedule.ID}},
		{"reassign_booking", "POST", map[string]any{"booking_id": toReassign.ID, "new_host": userWith(t, env, true, toReassign.Owner.ID)}},
		{"mark_booking_no_show", "POST", map[string]any{"booking_id": past.ID}},
		{"create_contact", "POST", map[string]any{"first_name": "Rid", "last_name": "Test", "email": "rid.contact@example.com"}},
		{"update_contact", "PATCH", map[string]any{"contact_id": contact, "company": "Acme"}},
		{"delete_contact", "DELETE", map[string]any{"contact_id": contact}},
		{"create_user", "POST", map[string]any{"email": "rid.user@example.com", "first_name": "Rid", "last_name": "User"}},
		{"update_user", "PATCH", map[string]any{"user_id": user, "last_name": "Renamed"}},
		{"update_user_availability", "PATCH", map[string]any{"user_id": user, "weekly": []any{map[string]any{"day": "Sunday", "working_hours": []any{}}}}},
		{"delete_user", "DELETE", map[string]any{"user_id": invited}},
		{"create_webhook", "POST", map[string]any{"name": "rid", "url": "https://rid.example.com/hook", "events": []any{"booking.scheduled"}}},
		{"delete_webhook", "DELETE", map[string]any{"webhook_id": webhook}},
	}
	// Sequential: the subtests share one fake, read its requests, and write to the same contact.
	for _, tc := range cases {
		t.Run(tc.tool, func(t *testing.T) {
			env.Fake.ResetRequests()
			res := testenv.Call(t, ctx, c, tc.tool, tc.args)
			require.False(t, res.IsError, testenv.Text(res))
			want := requestIDOf(t, env, tc.method)
			assert.Regexp(t, `^req_\d+$`, want)
			assert.Equal(t, want, testenv.Object(t, res)["request_id"])
			assert.Contains(t, testenv.Text(res), `"request_id":"`+want+`"`)
		})
	}
}
