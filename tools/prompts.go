package tools

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/oncehub-mcp/oncehub-mcp/internal/clip"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// Prompts are guided workflows a person picks in their host's UI. They name
// the tools to call, in order, with the person's time zone; daily_agenda and
// reschedule_booking fetch what they need first, with the request's key.

// prompt is one MCP prompt plus what decides whether it is offered.
type prompt struct {
	def      mcp.Prompt
	toolsets []Toolset // offered only when these toolsets are
	write    bool      // leads to changes: not offered in read-only mode
	// complete maps an argument to the values it completes from.
	complete map[string]func(ctx context.Context, value string) *mcp.Completion
	handler  server.PromptHandlerFunc
}

// promptSet is every prompt, and completes their arguments.
type promptSet struct {
	d       Deps
	cat     *catalog
	prompts []prompt
}

func newPromptSet(d Deps, cat *catalog) *promptSet {
	ps := &promptSet{d: d, cat: cat}
	ids := func(path string) func(context.Context, string) *mcp.Completion {
		return func(ctx context.Context, v string) *mcp.Completion {
			c, ok := cat.byPath(path)
			if !ok { // a path newCatalog does not serve
				return &mcp.Completion{Values: []string{}}
			}
			return cat.completeID(ctx, c, v)
		}
	}
	zones := func(_ context.Context, v string) *mcp.Completion { return completeZone(v) }
	ps.prompts = []prompt{
		{
			def: mcp.NewPrompt("book_meeting",
				mcp.WithPromptTitle("Schedule a meeting"),
				mcp.WithPromptDescription("Book a meeting on a booking calendar: find free slots, confirm one with the person, book it, share the confirmation."),
				mcp.WithArgument("booking_calendar", mcp.ArgumentDescription("Booking calendar ID (BKC-…); omit to choose one.")),
				mcp.WithArgument("guest_name", mcp.ArgumentDescription("Who the meeting is with.")),
				mcp.WithArgument("guest_email", mcp.ArgumentDescription("Their email.")),
				mcp.WithArgument("time_zone", mcp.ArgumentDescription("Their IANA time zone, e.g. Europe/Berlin.")),
				mcp.WithArgument("preferred_time", mcp.ArgumentDescription("When they would like to meet, e.g. next Tuesday afternoon.")),
			),
			toolsets: []Toolset{toolsetCalendars}, write: true,
			complete: map[string]func(context.Context, string) *mcp.Completion{"booking_calendar": ids("booking-calendars"), "time_zone": zones},
			handler:  ps.scheduleMeeting,
		},
		{
			def: mcp.NewPrompt("daily_agenda",
				mcp.WithPromptTitle("Daily agenda"),
				mcp.WithPromptDescription("A user's bookings for one day, in their time zone, to summarise."),
				mcp.WithArgument("user_id", mcp.RequiredArgument(), mcp.ArgumentDescription("User ID (USR-…).")),
				mcp.WithArgument("date", mcp.ArgumentDescription("YYYY-MM-DD in the user's zone (default today).")),
				mcp.WithArgument("time_zone", mcp.ArgumentDescription("IANA zone (default the user's).")),
			),
			toolsets: []Toolset{toolsetBookings, toolsetUsers},
			complete: map[string]func(context.Context, string) *mcp.Completion{"user_id": ids("users"), "time_zone": zones},
			handler:  ps.dailyAgenda,
		},
		{
			def: mcp.NewPrompt("reschedule_booking",
				mcp.WithPromptTitle("Reschedule a booking"),
				mcp.WithPromptDescription("Move a booking: ask the guest to pick a new time, or book a new slot and cancel the old one."),
				mcp.WithArgument("booking_id", mcp.RequiredArgument(), mcp.ArgumentDescription("Booking ID (BKNG-…).")),
				mcp.WithArgument("reason", mcp.ArgumentDescription("Why it moves (shown to the guest).")),
				mcp.WithArgument("preferred_time", mcp.ArgumentDescription("The new time wanted, if known.")),
			),
			toolsets: []Toolset{toolsetBookings}, write: true,
			complete: map[string]func(context.Context, string) *mcp.Completion{"booking_id": ids("bookings")},
			handler:  ps.rescheduleBooking,
		},
	}
	return ps
}

// allowedBy reports whether f lets p through: read-only hides prompts that lead
// to changes, and every toolset p needs must be on. Tool names do not apply.
func (p prompt) allowedBy(f Filter) bool {
	if p.write && f.ReadOnly {
		return false
	}
	return len(f.Toolsets) == 0 || !slices.ContainsFunc(p.toolsets, func(ts Toolset) bool { return !slices.Contains(f.Toolsets, ts.Name) })
}

// register adds the prompts the operator's filter allows.
func (ps *promptSet) register(s *server.MCPServer, f Filter) {
	for _, p := range ps.prompts {
		if p.allowedBy(f) {
			s.AddPrompt(p.def, checkPromptArgs(p.def, p.handler))
		}
	}
}

// requestFilter is a server.PromptFilterFunc applying the request's narrowing
// filter (WithRequestFilter) to prompts/list and prompts/get.
func (ps *promptSet) requestFilter(ctx context.Context, defs []mcp.Prompt) []mcp.Prompt {
	f, ok := requestFilter(ctx)
	if !ok {
		return defs
	}
	out := defs[:0:0]
	for _, d := range defs {
		if i := slices.IndexFunc(ps.prompts, func(p prompt) bool { return p.def.Name == d.Name }); i >= 0 && ps.prompts[i].allowedBy(f) {
			out = append(out, d)
		}
	}
	return out
}

// CompletePromptArgument implements server.PromptCompletionProvider.
func (ps *promptSet) CompletePromptArgument(ctx context.Context, name string, arg mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	for _, p := range ps.prompts {
		if p.def.Name == name {
			if complete, ok := p.complete[arg.Name]; ok {
				return complete(ctx, arg.Value), nil
			}
		}
	}
	return &mcp.Completion{Values: []string{}}, nil
}

// checkPromptArgs rejects unknown and missing required arguments before h runs.
func checkPromptArgs(def mcp.Prompt, h server.PromptHandlerFunc) server.PromptHandlerFunc {
	return func(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		for name := range req.Params.Arguments {
			if !slices.ContainsFunc(def.Arguments, func(a mcp.PromptArgument) bool { return a.Name == name }) {
				return nil, resourceError(argErrorf(name, "is not an argument of this prompt"))
			}
		}
		for _, a := range def.Arguments {
			if a.Required && strings.TrimSpace(req.Params.Arguments[a.Name]) == "" {
				return nil, resourceError(argErrorf(a.Name, "is required"))
			}
		}
		return h(ctx, req)
	}
}

func userMessage(description, text string) *mcp.GetPromptResult {
	return mcp.NewGetPromptResult(description, []mcp.PromptMessage{mcp.NewPromptMessage(mcp.RoleUser, mcp.NewTextContent(text))})
}

func (ps *promptSet) scheduleMeeting(_ context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
	a := req.Params.Arguments
	cal, zone := strings.TrimSpace(a["booking_calendar"]), strings.TrimSpace(a["time_zone"])
	if cal != "" {
		if err := checkIDArg("booking_calendar", oncehub.PrefixBookingCalendar, cal); err != nil {
			return nil, resourceError(err)
		}
	}
	if _, err := loadZone("time_zone", zone); err != nil {
		return nil, resourceError(err)
	}
	var b strings.Builder
	b.WriteString("Help me book a meeting")
	if g := person(a["guest_name"], a["guest_email"]); g != "" {
		fmt.Fprintf(&b, " with %s", g)
	}
	if cal != "" {
		fmt.Fprintf(&b, " on booking calendar %s", cal)
	}
	if pt := strings.TrimSpace(a["preferred_time"]); pt != "" {
		fmt.Fprintf(&b, ", preferably %s", pt)
	}
	b.WriteString(".\n")
	zoneRef := "the guest's time zone (ask me if you do not know it; use an IANA name)"
	if zone != "" {
		zoneRef = zone
	}
	fmt.Fprintf(&b, "1. Call get_current_time with time_zone=%s, so that dates like 'tomorrow' are right.\n", orDefault(zone, "<the guest's zone>"))
	if cal == "" {
		b.WriteString("2. Call list_booking_calendars (name finds one by name) and ask me which calendar to use. Then call find_available_slots for it")
	} else {
		fmt.Fprintf(&b, "2. Call find_available_slots for %s", cal)
	}
	fmt.Fprintf(&b, " over the preferred period, with time_zone=%s (weekdays and time_of_day narrow it).\n", orDefault(zone, "<the guest's zone>"))
	fmt.Fprintf(&b, "3. Offer me 3–5 slots with weekday, date and time in %s. Wait for me to choose: never book a time I have not confirmed.\n", zoneRef)
	b.WriteString("4. Book it with schedule_meeting: start_time exactly as find_available_slots returned it, guest_time_zone, the guest's name and email (ask if missing), and a location that slot offers.\n")
	b.WriteString("5. Share the confirmation: booking ID (BKNG-…), the time in the guest's zone and in UTC, and the location or join link.")
	return userMessage("Book a meeting", b.String()), nil
}

func (ps *promptSet) dailyAgenda(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
	a := req.Params.Arguments
	userID, date, tz := strings.TrimSpace(a["user_id"]), strings.TrimSpace(a["date"]), strings.TrimSpace(a["time_zone"])
	if err := checkIDArg("user_id", oncehub.PrefixUser, userID); err != nil {
		return nil, resourceError(err)
	}
	loc, err := loadZone("time_zone", tz)
	if err != nil {
		return nil, resourceError(err)
	}
	var day time.Time
	if date != "" {
		if day, err = time.Parse(time.DateOnly, date); err != nil {
			return nil, resourceError(argErrorf("date", "%q is not a date; use YYYY-MM-DD", clip.Value(date)))
		}
	}
	user, _, err := ps.d.Client.Users.Get(ctx, userID)
	if err != nil {
		return nil, resourceError(err)
	}
	var zoneNote string
	if loc == nil {
		if loc, err = zone(user.Timezone); err != nil || user.Timezone == "" {
			loc, zoneNote = time.UTC, " (the user has no time zone in OnceHub, so UTC is used)"
		}
	}
	if date == "" {
		day = ps.d.now().In(loc)
	}
	start := dayStart(day.Year(), day.Month(), day.Day(), loc)
	end := dayStart(day.Year(), day.Month(), day.Day()+1, loc)

	// OnceHub's filters take UTC dates: ask for a day more on each side, then
	// keep the meetings that start within the local day.
	pager := ps.d.Client.Bookings.ListAll(ctx, &oncehub.BookingListOptions{Owner: userID, StartingTime: oncehub.DateRange{
		After:  start.UTC().AddDate(0, 0, -1).Format(time.DateOnly),
		Before: end.UTC().AddDate(0, 0, 1).Format(time.DateOnly),
	}})
	var all []oncehub.Booking
	var incomplete string
	for bk, err := range pager.Items(maxWalk) {
		if err != nil {
			if len(all) == 0 {
				return nil, resourceError(err)
			}
			incomplete = stoppedEarly(len(all), pager.Cursor(), err)
			break
		}
		all = append(all, bk)
	}
	if incomplete == "" && pager.HasMore() {
		incomplete = fmt.Sprintf("More than %d bookings matched; only the newest were read.", maxWalk)
	}
	var dayBookings []oncehub.Booking
	for _, bk := range all {
		if bk.StartingTime != nil && !bk.StartingTime.Before(start) && bk.StartingTime.Before(end) {
			dayBookings = append(dayBookings, bk)
		}
	}
	sort.SliceStable(dayBookings, func(i, j int) bool { return dayBookings[i].StartingTime.Before(*dayBookings[j].StartingTime) })

	name := strings.TrimSpace(user.FirstName + " " + user.LastName)
	var b strings.Builder
	fmt.Fprintf(&b, "Agenda of %s (%s, %s) for %s %s, times in %s (UTC%s)%s:\n",
		orDefault(name, user.ID), user.ID, user.Email, start.Weekday(), start.Format(time.DateOnly), loc, start.Format("-07:00"), zoneNote)
	if len(dayBookings) == 0 {
		b.WriteString("- no bookings\n")
	}
	for _, bk := range dayBookings {
		v := viewBooking(bk, loc)
		st := bk.StartingTime.In(loc)
		fmt.Fprintf(&b, "- %s–%s %s", st.Format("15:04"), st.Add(time.Duration(v.DurationMinutes)*time.Minute).Format("15:04"), orDefault(v.Subject, "(no subject)"))
		if g := person(v.GuestName, v.GuestEmail); g != "" {
			fmt.Fprintf(&b, " with %s", g)
		}
		fmt.Fprintf(&b, " · %s", v.Status)
		if v.Location != "" {
			fmt.Fprintf(&b, " · %s", v.Location)
		}
		if v.JoinURL != "" {
			fmt.Fprintf(&b, " · %s", v.JoinURL)
		}
		fmt.Fprintf(&b, " · %s\n", v.ID)
	}
	if incomplete != "" {
		fmt.Fprintf(&b, "This agenda may be incomplete: %s\n", incomplete)
	}
	fmt.Fprintf(&b, "Summarise this day for me in %s: meetings in order, back-to-back meetings and long gaps, and anything requested (awaiting approval) or canceled. Use get_booking for one meeting's details.", loc)
	return userMessage(fmt.Sprintf("Agenda of %s for %s", orDefault(name, user.ID), start.Format(time.DateOnly)), b.String()), nil
}

func (ps *promptSet) rescheduleBooking(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
	a := req.Params.Arguments
	id := strings.TrimSpace(a["booking_id"])
	if err := checkIDArg("booking_id", oncehub.PrefixBooking, id); err != nil {
		return nil, resourceError(err)
	}
	bk, _, err := ps.d.Client.Bookings.Get(ctx, id, nil)
	if err != nil {
		return nil, resourceError(err)
	}
	if bk.Deleted {
		return nil, resourceError(fmt.Errorf("booking %s was deleted", id))
	}
	v := viewBooking(bk, nil)
	zone := orDefault(v.TimeZone, "UTC")
	var b strings.Builder
	fmt.Fprintf(&b, "Help me reschedule booking %s: %q", v.ID, orDefault(v.Subject, "(no subject)"))
	if g := person(v.GuestName, v.GuestEmail); g != "" {
		fmt.Fprintf(&b, " with %s", g)
	}
	fmt.Fprintf(&b, ", status %s, at %s (%s; %s UTC), %d min", v.Status, orDefault(v.StartingTimeLocal, v.StartingTime), zone, v.StartingTime, v.DurationMinutes)
	if v.BookingCalendar != "" {
		fmt.Fprintf(&b, ", booking calendar %s", v.BookingCalendar)
	}
	b.WriteString(".\n")
	if r := strings.TrimSpace(a["reason"]); r != "" {
		fmt.Fprintf(&b, "Reason: %s\n", r)
	}
	if pt := strings.TrimSpace(a["preferred_time"]); pt != "" {
		fmt.Fprintf(&b, "Preferred new time: %s\n", pt)
	}
	switch v.Status {
	case oncehub.BookingScheduled, oncehub.BookingRescheduled, oncehub.BookingRequested:
	default:
		fmt.Fprintf(&b, "A %s booking cannot be rescheduled: tell me so, and offer to book a new meeting instead.", v.Status)
		return userMessage("Reschedule "+v.ID, b.String()), nil
	}
	b.WriteString("Ask me which way, then act; both notify the guest:\n")
	b.WriteString("(a) The guest picks the new time: request_booking_reschedule with the reason; OnceHub emails them a link.\n")
	if v.BookingCalendar != "" {
		fmt.Fprintf(&b, "(b) Pick it now: get_current_time (time_zone=%s), find_available_slots for %s around the preferred time, offer me 3–5 slots in %s and wait for my choice; "+
			"book it with schedule_meeting for the same guest (guest_time_zone=%s); only after that succeeds, cancel_booking %s with the reason.\n", zone, v.BookingCalendar, zone, zone, v.ID)
	} else {
		b.WriteString("This booking comes from a classic booking page, so only (a) is possible through these tools.\n")
	}
	fmt.Fprintf(&b, "Then confirm what changed: booking IDs and the new time in %s and UTC.", zone)
	return userMessage("Reschedule "+v.ID, b.String()), nil
}

// person is "Name <email>", or whichever of the two is known.
func person(name, email string) string {
	name, email = strings.TrimSpace(name), strings.TrimSpace(email)
	switch {
	case name != "" && email != "":
		return name + " <" + email + ">"
	case email != "":
		return email
	}
	return name
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// commonZones are the IANA zones time_zone arguments complete from.
var commonZones = []string{
	"UTC",
	"America/Anchorage", "America/Argentina/Buenos_Aires", "America/Bogota", "America/Chicago", "America/Denver",
	"America/Halifax", "America/Los_Angeles", "America/Mexico_City", "America/New_York", "America/Phoenix",
	"America/Santiago", "America/Sao_Paulo", "America/St_Johns", "America/Toronto", "America/Vancouver",
	"Africa/Cairo", "Africa/Johannesburg", "Africa/Lagos", "Africa/Nairobi", "Africa/Casablanca",
	"Asia/Bangkok", "Asia/Dhaka", "Asia/Dubai", "Asia/Hong_Kong", "Asia/Jakarta", "Asia/Jerusalem",
	"Asia/Karachi", "Asia/Kathmandu", "Asia/Kolkata", "Asia/Manila", "Asia/Riyadh", "Asia/Seoul",
	"Asia/Shanghai", "Asia/Singapore", "Asia/Taipei", "Asia/Tehran", "Asia/Tokyo",
	"Atlantic/Reykjavik", "Australia/Adelaide", "Australia/Brisbane", "Australia/Darwin", "Australia/Melbourne",
	"Australia/Perth", "Australia/Sydney",
	"Europe/Amsterdam", "Europe/Athens", "Europe/Berlin", "Europe/Brussels", "Europe/Dublin", "Europe/Helsinki",
	"Europe/Istanbul", "Europe/Lisbon", "Europe/London", "Europe/Madrid", "Europe/Moscow", "Europe/Paris",
	"Europe/Prague", "Europe/Rome", "Europe/Stockholm", "Europe/Warsaw", "Europe/Zurich",
	"Pacific/Auckland", "Pacific/Honolulu",
}

// completeZone suggests zones containing v (case-insensitive).
func completeZone(v string) *mcp.Completion {
	want := strings.ToLower(strings.TrimSpace(v))
	values := []string{}
	for _, z := range commonZones {
		if strings.Contains(strings.ToLower(z), want) {
			values = append(values, z)
		}
	}
	return &mcp.Completion{Values: values, Total: len(values)}
}
