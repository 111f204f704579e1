package tools_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

func getPrompt(t *testing.T, c *client.Client, name string, args map[string]string) (string, error) {
	t.Helper()
	req := mcp.GetPromptRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	res, err := c.GetPrompt(testenv.KeyCtx(), req)
	if err != nil {
		return "", err
	}
	require.Len(t, res.Messages, 1)
	assert.Equal(t, mcp.RoleUser, res.Messages[0].Role)
	tc, ok := res.Messages[0].Content.(mcp.TextContent)
	require.True(t, ok, "%T", res.Messages[0].Content)
	assert.NotEmpty(t, res.Description)
	return tc.Text, nil
}

func promptNames(t *testing.T, c *client.Client) map[string]mcp.Prompt {
	t.Helper()
	res, err := c.ListPrompts(context.Background(), mcp.ListPromptsRequest{})
	require.NoError(t, err)
	out := map[string]mcp.Prompt{}
	for _, p := range res.Prompts {
		out[p.Name] = p
	}
	return out
}

func TestPromptsAreListedWithArguments(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	prompts := promptNames(t, env.InProcess(t))
	require.Len(t, prompts, 3)
	args := func(p mcp.Prompt) map[string]bool {
		out := map[string]bool{}
		for _, a := range p.Arguments {
			out[a.Name] = a.Required
			assert.NotEmpty(t, a.Description, "%s.%s", p.Name, a.Name)
		}
		return out
	}
	assert.Equal(t, map[string]bool{"booking_calendar": false, "guest_name": false, "guest_email": false, "time_zone": false, "preferred_time": false}, args(prompts["book_meeting"]))
	assert.Equal(t, map[string]bool{"user_id": true, "date": false, "time_zone": false}, args(prompts["daily_agenda"]))
	assert.Equal(t, map[string]bool{"booking_id": true, "reason": false, "preferred_time": false}, args(prompts["reschedule_booking"]))
	tools := map[string]bool{}
	for _, tl := range env.App.Tools {
		tools[tl.Def.Name] = true
	}
	for _, p := range prompts {
		assert.NotEmpty(t, p.Title)
		assert.NotEmpty(t, p.Description)
		assert.False(t, tools[p.Name], "prompt %s has a tool's name: a model would confuse them", p.Name)
		assert.NotContains(t, p.Description, "get_time_slots", "prompts point to find_available_slots, as the instructions do")
	}
}

func TestPromptsFollowReadOnlyAndToolsets(t *testing.T) {
	t.Parallel()

	ro := testenv.New(t, func(s testenv.Setup) { s.Config.ReadOnly = true })
	assert.Equal(t, []string{"daily_agenda"}, keys(promptNames(t, ro.InProcess(t))), "read-only: no prompt that leads to changes")
	bk := testenv.New(t, func(s testenv.Setup) { s.Config.Toolsets = []string{"bookings"} })
	assert.Equal(t, []string{"reschedule_booking"}, keys(promptNames(t, bk.InProcess(t))), "daily_agenda also needs users")
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestBookMeetingPrompt(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	text, err := getPrompt(t, c, "book_meeting", map[string]string{
		"booking_calendar": "BKC-ABC123", "guest_name": "Ada Lovelace", "guest_email": "ada@example.com",
		"time_zone": "Asia/Kolkata", "preferred_time": "next Tuesday afternoon",
	})
	require.NoError(t, err)
	assert.Contains(t, text, "with Ada Lovelace <ada@example.com> on booking calendar BKC-ABC123, preferably next Tuesday afternoon")
	assert.Contains(t, text, "get_current_time with time_zone=Asia/Kolkata")
	assert.Contains(t, text, "find_available_slots for BKC-ABC123")
	assert.Contains(t, text, "time in Asia/Kolkata")
	assert.Contains(t, text, "never book a time I have not confirmed")
	assert.Contains(t, text, "schedule_meeting")
	assert.Less(t, strings.Index(text, "find_available_slots"), strings.Index(text, "Wait for me"))
	assert.Less(t, strings.Index(text, "Wait for me"), strings.Index(text, "Book it with schedule_meeting"))

	text, err = getPrompt(t, c, "book_meeting", nil)
	require.NoError(t, err)
	assert.Contains(t, text, "list_booking_calendars", "no calendar: choose one first")
	assert.NotContains(t, text, "meeting with")
	assert.Empty(t, env.Fake.Requests(), "book_meeting only guides")

	for args, want := range map[string]map[string]string{
		`"booking_calendar"`: {"booking_calendar": "USR-ABC"},
		`"time_zone"`:        {"time_zone": "EST"},
		`"guest"`:            {"guest": "x"},
	} {
		_, err := getPrompt(t, c, "book_meeting", want)
		require.Error(t, err, args)
		assert.Contains(t, err.Error(), "Invalid argument "+args)
	}
}

func TestDailyAgendaPrompt(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	ref := mcp.PromptReference{Type: "ref/prompt", Name: "daily_agenda"}
	users := complete(t, c, ref, "user_id", "Priya").Completion.Values
	require.Len(t, users, 1)
	priya := users[0]

	// Priya works in Asia/Kolkata (UTC+05:30). Find a local day with a
	// meeting that starts on the previous or next UTC date.
	var owned struct {
		Items []map[string]any `json:"items"`
	}
	testenv.Structured(t, testenv.Call(t, ctx, c, "list_bookings", map[string]any{"owner": priya, "max_results": 1000, "time_zone": "Asia/Kolkata"}), &owned)
	var day string
	for _, it := range owned.Items {
		local, utc := it["starting_time_local"].(string), it["starting_time"].(string)
		if local[:10] != utc[:10] {
			day = local[:10]
			break
		}
	}
	require.NotEmpty(t, day, "the seed has a booking whose local and UTC dates differ")
	var want []map[string]any
	for _, it := range owned.Items {
		if strings.HasPrefix(it["starting_time_local"].(string), day) {
			want = append(want, it)
		}
	}
	env.Fake.ResetRequests()

	text, err := getPrompt(t, c, "daily_agenda", map[string]string{"user_id": priya, "date": day})
	require.NoError(t, err)
	d, _ := time.Parse(time.DateOnly, day)
	assert.Contains(t, text, "Agenda of Priya Raman ("+priya+", priya.raman@example.com) for "+d.Weekday().String()+" "+day+", times in Asia/Kolkata (UTC+05:30)")
	lines := 0
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "- ") {
			lines++
		}
	}
	assert.Equal(t, len(want), lines, "one line per booking of that local day:\n%s", text)
	for _, it := range want {
		assert.Contains(t, text, "- "+it["starting_time_local"].(string)[11:16]+"–")
		assert.Contains(t, text, it["id"].(string))
	}
	assert.Contains(t, text, "Summarise this day for me in Asia/Kolkata")

	reqs := env.Fake.Requests()
	require.GreaterOrEqual(t, len(reqs), 2)
	assert.Equal(t, "/users/"+priya, reqs[0].Path)
	assert.Equal(t, "/bookings", reqs[1].Path)
	prev := d.AddDate(0, 0, -2).Format(time.DateOnly) // local midnight is the previous UTC day, minus a day of margin
	next := d.AddDate(0, 0, 1).Format(time.DateOnly)
	assert.Equal(t, url.Values{"owner": {priya}, "limit": {"100"}, "starting_time.gt": {prev}, "starting_time.lt": {next}}, reqs[1].Query)
	for _, r := range reqs {
		assert.Equal(t, fakeoncehub.TestKey, r.APIKey)
	}

	// Default date: today in the zone (Kiritimati is already on Tuesday).
	text, err = getPrompt(t, c, "daily_agenda", map[string]string{"user_id": priya, "time_zone": "Pacific/Kiritimati"})
	require.NoError(t, err)
	assert.Contains(t, text, "for Tuesday 2026-11-24, times in Pacific/Kiritimati (UTC+14:00)")
	text, err = getPrompt(t, c, "daily_agenda", map[string]string{"user_id": priya})
	require.NoError(t, err)
	assert.Contains(t, text, "for Monday 2026-11-23, times in Asia/Kolkata")
}

func TestDailyAgendaPromptErrors(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	for arg, args := range map[string]map[string]string{
		`"user_id": is required`:           {},
		`"user_id": "CTC-ABC" is not the`:  {"user_id": "CTC-ABC"},
		`"date": "tomorrow" is not a date`: {"user_id": "USR-ABC", "date": "tomorrow"},
		`"time_zone"`:                      {"user_id": "USR-ABC", "time_zone": "Nowhere/Land"},
	} {
		_, err := getPrompt(t, c, "daily_agenda", args)
		require.Error(t, err, arg)
		assert.Contains(t, err.Error(), "Invalid argument "+arg)
	}
	assert.Empty(t, env.Fake.Requests())

	_, err := getPrompt(t, c, "daily_agenda", map[string]string{"user_id": "USR-DOESNOTEXIST"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "OnceHub error 404")
}

func TestRescheduleBookingPrompt(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	all := testenv.Items(t, testenv.Call(t, ctx, c, "list_bookings", map[string]any{"max_results": 1000}))
	pick := func(match func(map[string]any) bool) map[string]any {
		for _, it := range all {
			if match(it) {
				return it
			}
		}
		t.Fatal("no such booking in the seed")
		return nil
	}
	calendar := pick(func(b map[string]any) bool { return b["status"] == "scheduled" && b["booking_calendar"] != nil })
	classic := pick(func(b map[string]any) bool { return b["status"] == "scheduled" && b["booking_calendar"] == nil })
	canceled := pick(func(b map[string]any) bool { return b["status"] == "canceled" })
	env.Fake.ResetRequests()

	id := calendar["id"].(string)
	text, err := getPrompt(t, c, "reschedule_booking", map[string]string{"booking_id": id, "reason": "Host is ill", "preferred_time": "Thursday morning"})
	require.NoError(t, err)
	zone := calendar["time_zone"].(string)
	assert.Contains(t, text, "Help me reschedule booking "+id)
	assert.Contains(t, text, calendar["guest_name"].(string))
	assert.Contains(t, text, "at "+calendar["starting_time_local"].(string)+" ("+zone+"; "+calendar["starting_time"].(string)+" UTC)")
	assert.Contains(t, text, "Reason: Host is ill")
	assert.Contains(t, text, "Preferred new time: Thursday morning")
	assert.Contains(t, text, "request_booking_reschedule")
	assert.Contains(t, text, "find_available_slots for "+calendar["booking_calendar"].(string))
	assert.Contains(t, text, "only after that succeeds, cancel_booking "+id)
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/bookings/"+id, req.Path)

	text, err = getPrompt(t, c, "reschedule_booking", map[string]string{"booking_id": classic["id"].(string)})
	require.NoError(t, err)
	assert.Contains(t, text, "only (a) is possible")
	assert.NotContains(t, text, "get_time_slots")

	text, err = getPrompt(t, c, "reschedule_booking", map[string]string{"booking_id": canceled["id"].(string)})
	require.NoError(t, err)
	assert.Contains(t, text, "A canceled booking cannot be rescheduled")
	assert.NotContains(t, text, "request_booking_reschedule")

	env.Fake.ResetRequests()
	_, err = getPrompt(t, c, "reschedule_booking", map[string]string{"booking_id": "CTC-1"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `Invalid argument "booking_id"`)
	assert.Empty(t, env.Fake.Requests())
	_, err = getPrompt(t, c, "reschedule_booking", map[string]string{"booking_id": "BKNG-DOESNOTEXIST"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "No such booking: 'BKNG-DOESNOTEXIST'")
}

func TestCompletePromptArguments(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ref := func(name string) mcp.PromptReference { return mcp.PromptReference{Type: "ref/prompt", Name: name} }

	zones := complete(t, c, ref("book_meeting"), "time_zone", "kol").Completion
	assert.Equal(t, []string{"Asia/Kolkata"}, zones.Values)
	zones = complete(t, c, ref("daily_agenda"), "time_zone", "europe/").Completion
	assert.Contains(t, zones.Values, "Europe/Berlin")
	assert.Equal(t, len(zones.Values), zones.Total)
	for _, z := range complete(t, c, ref("daily_agenda"), "time_zone", "").Completion.Values {
		_, err := time.LoadLocation(z)
		assert.NoError(t, err, "every suggested zone loads: %s", z)
	}
	assert.Empty(t, env.Fake.Requests())

	ids := complete(t, c, ref("reschedule_booking"), "booking_id", "bkng-").Completion
	assert.Len(t, ids.Values, 100)
	assert.Equal(t, "/bookings", env.Fake.Requests()[0].Path)

	cals := complete(t, c, ref("book_meeting"), "booking_calendar", "").Completion.Values
	require.Len(t, cals, 5, "every seeded booking calendar")
	for _, id := range cals {
		assert.Regexp(t, `^BKC-`, id)
	}
	assert.Len(t, complete(t, c, ref("book_meeting"), "booking_calendar", "sales").Completion.Values, 1, "completes by name")
	assert.Empty(t, complete(t, c, ref("book_meeting"), "guest_name", "a").Completion.Values)
	assert.Empty(t, complete(t, c, ref("no_such_prompt"), "x", "").Completion.Values)
}

// In Santiago the clocks jump from 00:00 to 01:00 on 5 September 2027: the
// agenda of that day is of that day (from 01:00, UTC-03:00), not of the day
// before from 23:00.
func TestDailyAgendaPromptOnADayWithoutMidnight(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	users := complete(t, c, mcp.PromptReference{Type: "ref/prompt", Name: "daily_agenda"}, "user_id", "Priya").Completion.Values
	require.Len(t, users, 1)
	text, err := getPrompt(t, c, "daily_agenda", map[string]string{"user_id": users[0], "date": "2027-09-05", "time_zone": "America/Santiago"})
	require.NoError(t, err)
	assert.Contains(t, text, "for Sunday 2027-09-05, times in America/Santiago (UTC-03:00)")
}
