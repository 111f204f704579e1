package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listCalendarsArgs struct {
	pageArgs
	Host HostID `json:"host,omitempty" jsonschema:"hosted by this user or team"`
	Name Search `json:"name,omitempty" jsonschema:"part of the name or subject, any case (matched here, over all calendars)"`
}

func (listCalendarsArgs) rules() []*jsonschema.Schema {
	return append(pageArgs{}.rules(), exclusive("name", "before"))
}

func (a listCalendarsArgs) options() *oncehub.BookingCalendarListOptions {
	return &oncehub.BookingCalendarListOptions{ListOptions: a.pageArgs.options(), Host: string(a.Host)}
}

type calendarIDArgs struct {
	BookingCalendarID BookingCalendarID `json:"booking_calendar_id"`
}

// contains reports whether any of texts contains the search, ignoring case.
func contains(search Search, texts ...string) bool {
	q := strings.ToLower(strings.TrimSpace(string(search)))
	for _, t := range texts {
		if strings.Contains(strings.ToLower(t), q) {
			return true
		}
	}
	return false
}

type timeSlotsArgs struct {
	BookingCalendarID BookingCalendarID `json:"booking_calendar_id"`
	StartTime         When              `json:"start_time,omitempty" jsonschema:"default now; a date is its start, a time without offset is read, in time_zone"`
	EndTime           When              `json:"end_time,omitempty" jsonschema:"a date (inclusive) or a date-time; at most 30 days after the start; default start + 7 days"`
	TimeZone          TimeZone          `json:"time_zone,omitempty" jsonschema:"for start_time_local and times without offset; default UTC"`

	loc        *time.Location
	start, end time.Time
}

func (a *timeSlotsArgs) validate() (err error) {
	if a.loc, err = loadZone("time_zone", string(a.TimeZone)); err != nil {
		return err
	}
	if a.start, _, err = parseWhen("start_time", string(a.StartTime), a.loc); err != nil {
		return err
	}
	var date bool
	if a.end, date, err = parseWhen("end_time", string(a.EndTime), a.loc); err != nil {
		return err
	}
	if date { // a date ends with its last instant, as find_available_slots's end
		a.end = addDate(a.end, a.loc, 0, 1)
	}
	return nil
}

type slotLocationView struct {
	Type  string `json:"type"`
	Value string `json:"value,omitempty"`
}

type slotView struct {
	StartTime      string             `json:"start_time"`
	StartTimeLocal string             `json:"start_time_local,omitempty"`
	Locations      []slotLocationView `json:"locations"`
}

type timeSlotsOutput struct {
	BookingCalendarID string     `json:"booking_calendar_id"`
	WindowStart       string     `json:"window_start"`
	WindowEnd         string     `json:"window_end"`
	TimeZone          string     `json:"time_zone,omitempty"`
	Slots             []slotView `json:"slots"`
	Count             int        `json:"count"`
	Note              string     `json:"note,omitempty"`
}

func viewSlot(s oncehub.TimeSlot, loc *time.Location) slotView {
	v := slotView{StartTime: utc(&s.StartTime), StartTimeLocal: localTime(&s.StartTime, loc, ""), Locations: []slotLocationView{}}
	for _, l := range s.Locations {
		lv := slotLocationView{Type: l.Type}
		switch l.Type {
		case oncehub.LocationVirtual:
			lv.Value = l.Value
		case oncehub.LocationPhysical:
			lv.Value = l.ID // scheduling takes the address ID as the value
		}
		v.Locations = append(v.Locations, lv)
	}
	return v
}

type locationArg struct {
	Type  LocationType  `json:"type"`
	Value LocationValue `json:"value,omitempty" jsonschema:"as the slot gives it: virtual: the provider; physical: the ADD- ID; guest_phone: an E.164 number (default: phone); virtual_static: none"`
}

type scheduleArgs struct {
	BookingCalendarID BookingCalendarID `json:"booking_calendar_id"`
	StartTime         DateTime          `json:"start_time" jsonschema:"a slot's start_time, exactly as returned"`
	GuestTimeZone     TimeZone          `json:"guest_time_zone" jsonschema:"the guest's IANA zone, e.g. Europe/Berlin"`
	Name              FullName          `json:"name" jsonschema:"the guest's full name"`
	Email             Email             `json:"email" jsonschema:"the guest's email"`
	Phone             Phone             `json:"phone,omitempty"`
	CustomFields      FormFields        `json:"custom_fields,omitempty"`
	Location          *locationArg      `json:"location,omitempty" jsonschema:"one of the slot's locations; default virtual"`

	start time.Time
}

func (a *scheduleArgs) validate() (err error) {
	a.start, _, err = parseWhen("start_time", string(a.StartTime), nil)
	return err
}

func (a *scheduleArgs) request() *oncehub.ScheduleRequest {
	p := &oncehub.ScheduleRequest{StartTime: a.start, GuestTimeZone: string(a.GuestTimeZone),
		BookingForm: oncehub.BookingForm{Name: string(a.Name), Email: string(a.Email), Phone: string(a.Phone), Custom: a.CustomFields}}
	if a.Location != nil {
		l := oncehub.MeetingLocation{Type: string(a.Location.Type), Value: string(a.Location.Value)}
		if l.Type == oncehub.LocationGuestPhone && l.Value == "" {
			l.Value = string(a.Phone)
		}
		p.Location = &l
	}
	return p
}

type scheduleOutput struct {
	BookingID         string `json:"booking_id"`
	BookingCalendarID string `json:"booking_calendar_id"`
	StartTime         string `json:"start_time"`
	StartTimeLocal    string `json:"start_time_local"`
	GuestTimeZone     string `json:"guest_time_zone"`
	Next              string `json:"next"`
}

// slotTakenError is OnceHub's 400 for a start time that is not (or no longer)
// free; its message sends the agent back to find_available_slots.
type slotTakenError struct {
	calendar, start string
	api             *oncehub.APIError
}

func (e *slotTakenError) Error() string {
	return fmt.Sprintf("The time %s is not available on booking calendar %s, so nothing was booked (%v). "+
		"Call find_available_slots for %s to see the times that are free now, confirm one with the guest, then call schedule_meeting again with it.",
		e.start, e.calendar, e.api, e.calendar)
}

func isSlotTaken(err error) (*oncehub.APIError, bool) {
	e, ok := errors.AsType[*oncehub.APIError](err)
	if !ok || e.Status != 400 {
		return nil, false
	}
	msg := strings.ToLower(e.Message)
	return e, e.Param == "start_time" || (strings.Contains(msg, "start time") && strings.Contains(msg, "not available"))
}

type utmArgs struct {
	Source   Text `json:"source,omitempty"`
	Medium   Text `json:"medium,omitempty"`
	Campaign Text `json:"campaign,omitempty"`
	Term     Text `json:"term,omitempty"`
	Content  Text `json:"content,omitempty"`
}

type calendarLinkArgs struct {
	BookingCalendarID BookingCalendarID `json:"booking_calendar_id"`
	Name              FullName          `json:"name,omitempty" jsonschema:"prefill: the guest's full name"`
	Email             Email             `json:"email,omitempty" jsonschema:"prefill: the guest's email"`
	Phone             Phone             `json:"phone,omitempty"`
	CustomFields      FormFields        `json:"custom_fields,omitempty"`
	HideURLParams     bool              `json:"hide_url_params,omitempty" jsonschema:"short link without query parameters" default:"false"`
	UTM               *utmArgs          `json:"utm,omitempty" jsonschema:"UTM parameters recorded with the booking"`
}

func (a *calendarLinkArgs) request() *oncehub.OneTimeLinkRequest {
	p := &oncehub.OneTimeLinkRequest{HideURLParams: a.HideURLParams,
		BookingForm: oncehub.BookingForm{Name: string(a.Name), Email: string(a.Email), Phone: string(a.Phone), Custom: a.CustomFields}}
	if a.UTM != nil && *a.UTM != (utmArgs{}) {
		p.UTMParams = &oncehub.UTMParams{Source: string(a.UTM.Source), Medium: string(a.UTM.Medium), Campaign: string(a.UTM.Campaign),
			Term: string(a.UTM.Term), Content: string(a.UTM.Content)}
	}
	return p
}

func calendarTools(d Deps) []Tool {
	return []Tool{
		define(spec{
			name: "list_booking_calendars", toolset: toolsetCalendars, effect: read,
			desc: "Booking calendars: id, name, subject, host (USR-/TM-), url, published, duration_minutes. Only published ones " +
				"take bookings. Find one by name.",
		}, func(ctx context.Context, a listCalendarsArgs) (listResult[oncehub.BookingCalendar], error) {
			if a.Name != "" {
				return listMatching(ctx, a.pageArgs, d.Client.BookingCalendars, a.options(),
					func(c oncehub.BookingCalendar) bool { return contains(a.Name, c.Name, c.Subject) },
					func(c oncehub.BookingCalendar) string { return c.ID }, identity[oncehub.BookingCalendar])
			}
			return listPage(ctx, a.pageArgs, d.Client.BookingCalendars, a.options(), nil, identity[oncehub.BookingCalendar])
		}),
		define(spec{
			name: "get_booking_calendar", toolset: toolsetCalendars, effect: read,
			desc: "One booking calendar: name, subject, host, url, published, duration_minutes.",
		}, func(ctx context.Context, a calendarIDArgs) (oncehub.BookingCalendar, error) {
			c, _, err := d.Client.BookingCalendars.Get(ctx, string(a.BookingCalendarID))
			return c, err
		}),
		define(spec{
			name: "get_time_slots", toolset: toolsetCalendars, effect: read,
			desc: "Free start times of a booking calendar within 30 days (default: next 7), with their locations; " +
				"start_time_local if time_zone is given. For any window, weekdays or hours use find_available_slots.",
		}, func(ctx context.Context, a timeSlotsArgs) (timeSlotsOutput, error) {
			return getTimeSlots(ctx, d, a)
		}),
		defineWrite(spec{
			name: "schedule_meeting", toolset: toolsetCalendars, effect: create,
			desc: "Book a slot from find_available_slots for a guest (a real booking: confirm the time with them first). After an " +
				"unclear failure, check list_bookings before retrying.",
		}, func(ctx context.Context, a scheduleArgs) (scheduleOutput, *oncehub.Response, error) {
			p := a.request()
			if now := d.now(); !p.StartTime.After(now) {
				return scheduleOutput{}, nil, argErrorf("start_time", "%s is not in the future (now is %s); call find_available_slots for current free times",
					utc(&p.StartTime), now.UTC().Format(time.RFC3339))
			}
			res, resp, err := d.Client.BookingCalendars.Schedule(ctx, string(a.BookingCalendarID), p)
			if err != nil {
				if api, ok := isSlotTaken(err); ok {
					return scheduleOutput{}, resp, &slotTakenError{calendar: string(a.BookingCalendarID), start: utc(&p.StartTime), api: api}
				}
				return scheduleOutput{}, resp, err
			}
			guest, _ := zone(p.GuestTimeZone)
			return scheduleOutput{
				BookingID: res.ID, BookingCalendarID: string(a.BookingCalendarID),
				StartTime: utc(&p.StartTime), StartTimeLocal: localTime(&p.StartTime, guest, ""), GuestTimeZone: p.GuestTimeZone,
				Next: "Booked. Use get_booking with booking_id for the join, cancel and reschedule links.",
			}, resp, nil
		}),
		defineWrite(spec{
			name: "create_booking_calendar_link", toolset: toolsetCalendars, effect: create,
			desc: "Single-use link to a published booking calendar where a guest picks a time; name, email, phone and " +
				"custom_fields prefill the form. Unused links expire after 90 days.",
		}, func(ctx context.Context, a calendarLinkArgs) (linkOutput, *oncehub.Response, error) {
			l, resp, err := d.Client.BookingCalendars.CreateOneTimeLink(ctx, string(a.BookingCalendarID), a.request())
			if err != nil {
				return linkOutput{}, resp, err
			}
			return linkOutput{ID: l.ID, URL: l.URL, CreationTime: l.CreationTime}, resp, nil
		}),
	}
}

func getTimeSlots(ctx context.Context, d Deps, a timeSlotsArgs) (timeSlotsOutput, error) {
	start, end, loc := a.start, a.end, a.loc
	now := d.now().UTC()
	var note string
	if !start.IsZero() && start.Before(now) {
		note = fmt.Sprintf("start_time %s is in the past, so the search starts now (%s).", utc(&start), now.Format(time.RFC3339))
		start = time.Time{} // OnceHub's default: its current time
	}
	from := start
	if from.IsZero() {
		from = now
	}
	// A window from now is checked here (the client cannot know the time);
	// a given start and end, by the client.
	if !end.IsZero() && start.IsZero() {
		if !end.After(from) {
			return timeSlotsOutput{}, argErrorf("end_time", "%s is not after the window start %s; choose a window in the future", utc(&end), utc(&from))
		}
		if end.Sub(from) > oncehub.MaxSlotWindow {
			return timeSlotsOutput{}, argErrorf("end_time", "%s is more than 30 days after the window start %s; use find_available_slots for a longer window", utc(&end), utc(&from))
		}
	}
	to := end
	if to.IsZero() {
		to = from.Add(oncehub.DefaultSlotWindow)
	}
	slots, _, err := d.Client.BookingCalendars.ListTimeSlots(ctx, string(a.BookingCalendarID), &oncehub.TimeSlotOptions{StartTime: start, EndTime: end})
	if err != nil {
		return timeSlotsOutput{}, err
	}
	out := timeSlotsOutput{BookingCalendarID: string(a.BookingCalendarID), WindowStart: utc(&from), WindowEnd: utc(&to),
		Slots: make([]slotView, len(slots)), Count: len(slots), Note: note}
	if loc != nil {
		out.TimeZone = loc.String()
	}
	for i, s := range slots {
		out.Slots[i] = viewSlot(s, loc)
	}
	if len(slots) == 0 {
		out.Note = strings.TrimSpace(out.Note + " No free slots in this window; try a later window, or find_available_slots for a longer one.")
	}
	return out, nil
}
