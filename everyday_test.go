package main_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// The everyday requests of issue #11, done as an agent with only tools/list
// and the instructions would do them: every call succeeds the first time,
// and each request takes the fewest calls the tools allow (the exact
// sequence is asserted). Over the built binary (stdio) and in-process.

// agent calls tools like a model would, and records them.
type agent struct {
	t     *testing.T
	c     *client.Client
	ctx   context.Context
	calls []string
}

// call makes one call that must succeed, and returns its structured result.
func (a *agent) call(tool string, args map[string]any) map[string]any {
	a.t.Helper()
	res := testenv.Call(a.t, a.ctx, a.c, tool, args)
	require.False(a.t, res.IsError, "%s %v failed on the first call: %s", tool, args, testenv.Text(res))
	a.calls = append(a.calls, tool)
	return testenv.Object(a.t, res)
}

// took asserts the calls made since the last took, in order.
func (a *agent) took(want ...string) {
	a.t.Helper()
	assert.Equal(a.t, want, a.calls, "the fewest calls for this request")
	a.calls = nil
}

func items(m map[string]any) []map[string]any {
	var out []map[string]any
	for _, it := range m["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func TestEverydayRequests(t *testing.T) {
	t.Parallel()

	for _, transport := range []string{"in-process", "stdio"} {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()

			// The binary runs on the real clock, so the fake and the
			// in-process server do too.
			env := testenv.New(t, func(s testenv.Setup) {
				s.Fake.Now = time.Now
				s.Deps.Now = time.Now
			})
			p := &person{answer: mcp.ElicitationResponseActionAccept}
			opts := []client.ClientOption{client.WithElicitationHandler(p)}
			a := &agent{t: t, ctx: context.Background()}
			if transport == "stdio" {
				a.c = env.StdioWith(t, []string{"ONCEHUB_API_KEY=" + fakeoncehub.TestKey}, opts)
			} else {
				a.c, a.ctx = env.InProcess(t, opts...), testenv.KeyCtx()
			}
			everydayRequests(t, env, a, p)
		})
	}
}

func everydayRequests(t *testing.T, env *testenv.Env, a *agent, p *person) {
	ctx := testenv.KeyCtx()
	cl := env.App.Client

	t.Run("meetings tomorrow afternoon for a Berlin user", func(t *testing.T) {
		a.t = t
		// Setup (not the agent's): one of Lukas's meetings moves to 14:00
		// tomorrow, Berlin time, so that there is one to find.
		lukas, _, err := cl.Users.List(ctx, &oncehub.UserListOptions{Email: "lukas.becker@example.com"})
		require.NoError(t, err)
		require.Len(t, lukas, 1)
		berlin, _ := time.LoadLocation("Europe/Berlin")
		now := time.Now().In(berlin)
		tomorrow := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, berlin)
		var moved string
		for b, err := range cl.Bookings.ListAll(ctx, &oncehub.BookingListOptions{Owner: lukas[0].ID}).Items(100) {
			require.NoError(t, err)
			moved = b.ID
			break
		}
		require.NotEmpty(t, moved)
		require.True(t, env.Fake.PatchBooking(fakeoncehub.TestKey, moved, map[string]any{
			"status": "scheduled", "starting_time": tomorrow.Add(14 * time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")}))
		env.Fake.ResetRequests()

		user := items(a.call("list_users", map[string]any{"name": "Lukas"}))
		require.Len(t, user, 1)
		zone := user[0]["timezone"].(string)
		assert.Equal(t, "Europe/Berlin", zone)
		today := a.call("get_current_time", map[string]any{"time_zone": zone})["date"].(string)
		d, err := time.Parse(time.DateOnly, today)
		require.NoError(t, err)
		day := d.AddDate(0, 0, 1).Format(time.DateOnly)
		got := items(a.call("list_bookings", map[string]any{"owner": user[0]["id"], "time_zone": zone,
			"starting_time_after": day + "T12:00", "starting_time_before": day + "T18:00"}))
		a.took("list_users", "get_current_time", "list_bookings")
		var ids []string
		for _, b := range got {
			ids = append(ids, b["id"].(string))
			assert.Equal(t, user[0]["id"], b["owner"])
			assert.True(t, strings.HasPrefix(b["starting_time_local"].(string), day+"T1"), "in the afternoon, Berlin time: %v", b["starting_time_local"])
		}
		assert.Contains(t, ids, moved)
	})

	var booked, moved string
	t.Run("three morning slots next week in Tokyo time, book the first, move it, cancel it", func(t *testing.T) {
		a.t = t
		cals := items(a.call("list_booking_calendars", map[string]any{"name": "onboarding"}))
		require.Len(t, cals, 1)
		cal := cals[0]["id"].(string)
		now := a.call("get_current_time", map[string]any{"time_zone": "Asia/Tokyo"})
		today, err := time.Parse(time.DateOnly, now["date"].(string))
		require.NoError(t, err)
		monday := today.AddDate(0, 0, (8-int(today.Weekday()))%7)
		if monday.Equal(today) {
			monday = monday.AddDate(0, 0, 7)
		}
		found := a.call("find_available_slots", map[string]any{"booking_calendar_id": cal, "time_zone": "Asia/Tokyo",
			"start": monday.Format(time.DateOnly), "end": monday.AddDate(0, 0, 6).Format(time.DateOnly),
			"time_of_day": "06:00-12:00", "max_slots": 3})
		a.took("list_booking_calendars", "get_current_time", "find_available_slots")
		assert.Equal(t, 3.0, found["count"])
		var slots []map[string]any
		for _, d := range found["days"].([]any) {
			for _, s := range d.(map[string]any)["slots"].([]any) {
				slots = append(slots, s.(map[string]any))
			}
		}
		require.Len(t, slots, 3)
		for _, s := range slots {
			local, err := time.Parse(time.RFC3339, s["start_time_local"].(string))
			require.NoError(t, err)
			assert.True(t, local.Hour() >= 6 && local.Hour() < 12, "a morning in Tokyo: %s", local)
			assert.Equal(t, "+09:00", local.Format("-07:00"))
		}
		book := func(s map[string]any) string {
			loc := s["locations"].([]any)[0].(map[string]any)
			out := a.call("schedule_meeting", map[string]any{"booking_calendar_id": cal, "start_time": s["start_time"],
				"guest_time_zone": "Asia/Tokyo", "name": "Haruto Sato", "email": "haruto.sato@example.jp",
				"location": map[string]any{"type": loc["type"], "value": loc["value"]}})
			return out["booking_id"].(string)
		}
		booked = book(slots[0])
		a.took("schedule_meeting")

		// Move it: book the new time, then cancel the old one (the person confirms).
		moved = book(slots[1])
		out := a.call("cancel_booking", map[string]any{"booking_id": booked, "reason": "Moved to a later slot"})
		assert.Equal(t, "canceled", out["status"])
		a.took("schedule_meeting", "cancel_booking")

		out = a.call("cancel_booking", map[string]any{"booking_id": moved, "reason": "No longer needed"})
		assert.Equal(t, "canceled", out["status"])
		a.took("cancel_booking")
		q := p.questions()
		require.Len(t, q, 2, "each cancel was confirmed once")
		assert.Contains(t, q[0], booked)
		assert.Contains(t, q[0], "Haruto Sato <haruto.sato@example.jp> is emailed the cancellation.")
		assert.Contains(t, q[1], moved)
	})

	t.Run("a team's users and one user's Thursday hours", func(t *testing.T) {
		a.t = t
		var team string
		for _, tm := range items(a.call("list_teams", nil)) {
			if tm["name"] == "Sales" {
				team = tm["id"].(string)
			}
		}
		require.NotEmpty(t, team)
		members := items(a.call("list_users", map[string]any{"team": team}))
		require.NotEmpty(t, members)
		for _, u := range members {
			assert.Contains(t, u["teams"], team)
		}
		hours := a.call("get_user_availability", map[string]any{"user_id": members[0]["id"]})
		a.took("list_teams", "list_users", "get_user_availability")
		var thursday map[string]any
		for _, d := range hours["weekly"].([]any) {
			if d.(map[string]any)["day"] == "Thursday" {
				thursday = d.(map[string]any)
			}
		}
		require.NotNil(t, thursday, "Thursday is listed (working_hours [] when unavailable)")
		assert.Contains(t, thursday, "working_hours")
	})

	t.Run("a webhook for new and cancelled bookings", func(t *testing.T) {
		a.t = t
		out := a.call("create_webhook", map[string]any{"name": "New and cancelled bookings", "url": "https://hooks.example.com/bookings",
			"events": []any{"booking.scheduled", "booking.canceled"}})
		a.took("create_webhook")
		assert.Equal(t, []any{"booking.scheduled", "booking.canceled"}, out["events"])
		assert.NotEmpty(t, out["secret"])
	})

	t.Run("last month's no-shows", func(t *testing.T) {
		a.t = t
		now := a.call("get_current_time", nil) // the account owner's zone
		zone := now["time_zone"].(string)
		today, err := time.Parse(time.DateOnly, now["date"].(string))
		require.NoError(t, err)
		first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
		out := a.call("list_bookings", map[string]any{"status": "no_show", "time_zone": zone, "max_results": 1000,
			"starting_time_after": first.AddDate(0, -1, 0).Format(time.DateOnly), "starting_time_before": first.Format(time.DateOnly)})
		a.took("get_current_time", "list_bookings")
		assert.Equal(t, false, out["has_more"])
		assert.Equal(t, out["count"], out["total"], "the whole list: its total is known")

		// Every no-show of last month, in the owner's zone, and no other.
		loc, err := time.LoadLocation(zone)
		require.NoError(t, err)
		from, to := time.Date(first.Year(), first.Month()-1, 1, 0, 0, 0, 0, loc), time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, loc)
		var want []string
		for b, err := range cl.Bookings.ListAll(ctx, &oncehub.BookingListOptions{Status: "no_show"}).Items(1000) {
			require.NoError(t, err)
			if !b.StartingTime.Before(from) && b.StartingTime.Before(to) {
				want = append(want, b.ID)
			}
		}
		var got []string
		for _, b := range items(out) {
			got = append(got, b["id"].(string))
		}
		assert.ElementsMatch(t, want, got)
	})

	t.Run("add a contact by phone and list their past meetings", func(t *testing.T) {
		a.t = t
		contact := a.call("create_contact", map[string]any{"first_name": "Pat", "last_name": "Lee", "mobile_phone": "+14155550123"})
		now := a.call("get_current_time", nil)
		out := a.call("list_bookings", map[string]any{"contact": contact["id"], "starting_time_before": now["utc"]})
		a.took("create_contact", "get_current_time", "list_bookings")
		assert.Equal(t, "+14155550123", contact["mobile_phone"])
		assert.Equal(t, 0.0, out["count"], "a new contact has no meetings yet")
		assert.Equal(t, 0.0, out["total"])
	})
}
