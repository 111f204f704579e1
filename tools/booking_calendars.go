package tools

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/internal/clip"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listCalendarsArgs struct {
	pageArgs
	Host string `json:"host,omitempty" jsonschema:"USR-… or TM-…"`
}

func (a listCalendarsArgs) options() *oncehub.BookingCalendarListOptions {
	return &oncehub.BookingCalendarListOptions{ListOptions: a.pageArgs.options(), Host: a.Host}
}

type calendarIDArgs struct {
	BookingCalendarID string `json:"booking_calendar_id"`
}

// parseTime parses an RFC 3339 time argument (offset required); zero when empty.
func parseTime(arg, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, argErrorf(arg, "%q is not an RFC 3339 time with offset; use e.g. 2026-12-01T09:00:00+05:30 or 2026-12-01T03:30:00Z", clip.Value(v))
	}
	return t, nil
}

type timeSlotsArgs struct {
	BookingCalendarID string `json:"booking_calendar_id"`
	StartTime         string `json:"start_time,omitempty" jsonschema:"ISO 8601; default now"`
	EndTime           string `json:"end_time,omitempty" jsonschema:"ISO 8601; default start + 7 days"`
	TimeZone          string `json:"time_zone,omitempty"`
}

func (a *timeSlotsArgs) times() (start, end time.Time, err error) {
	if start, err = parseTime("start_time", a.StartTime); err != nil {
		return
	}
	end, err = parseTime("end_time", a.EndTime)
	return
}

func (a *timeSlotsArgs) validate() error {
	if _, _, err := a.times(); err != nil {
		return err
	}
	_, err := loadZone("time_zone", a.TimeZone)
	return err
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
	Type  string `json:"type"`
	Value string `json:"value,omitempty" jsonschema:"guest_phone: the guest's number (default: phone)."`
}

type formArgs struct {
	Name         string         `json:"name"`
	Email        string         `json:"email"`
	Phone        string         `json:"phone,omitempty"`
	CustomFields map[string]any `json:"custom_fields,omitempty" jsonschema:"By mapped field name: string, or strings for multi-select."`
}

func (f formArgs) form() oncehub.BookingForm {
	return oncehub.BookingForm{Name: f.Name, Email: f.Email, Phone: f.Phone, Custom: f.CustomFields}
}

// checkCustomFields refuses custom fields that repeat an argument of their
// own (name, email, phone) or have no name.
func checkCustomFields(fields map[string]any) error {
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		switch k {
		case "":
			return argErrorf("custom_fields", "has an empty field name; use each question's mapped field name")
		case "name", "email", "phone":
			return argErrorf("custom_fields."+k, "use the %s argument instead of a custom field", k)
		}
	}
	return nil
}

type scheduleArgs struct {
	BookingCalendarID string `json:"booking_calendar_id"`
	StartTime         string `json:"start_time" jsonschema:"A slot's start_time."`
	GuestTimeZone     string `json:"guest_time_zone"`
	formArgs
	Location *locationArg `json:"location,omitempty" jsonschema:"One of the slot's locations; default virtual."`
}

func (a *scheduleArgs) request() (*oncehub.ScheduleRequest, error) {
	start, err := parseTime("start_time", a.StartTime)
	if err != nil {
		return nil, err
	}
	p := &oncehub.ScheduleRequest{StartTime: start, GuestTimeZone: a.GuestTimeZone, BookingForm: a.form()}
	if a.Location != nil {
		l := oncehub.MeetingLocation{Type: a.Location.Type, Value: a.Location.Value}
		if l.Type == oncehub.LocationGuestPhone && l.Value == "" {
			l.Value = a.Phone
		}
		p.Location = &l
	}
	return p, nil
}

func (a *scheduleArgs) validate() error {
	if _, err := a.request(); err != nil {
		return err
	}
	return checkCustomFields(a.CustomFields)
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
// free; its message sends the agent back to get_time_slots.
type slotTakenError struct {
	calendar, start string
	api             *oncehub.APIError
}

func (e *slotTakenError) Error() string {
	return fmt.Sprintf("The time %s is not available on booking calendar %s, so nothing was booked (%v). "+
		"Call get_time_slots for %s to see the times that are free now, confirm one with the guest, then call schedule_meeting again with it.",
		e.start, e.calendar, e.api, e.calendar)
}

func isSlotTaken(err error) (*oncehub.APIError, bool) {
	e, ok := errors.AsType[*oncehub.APIError](err)
	if !ok || e.Status != http.StatusBadRequest {
		return nil, false
	}
	msg := strings.ToLower(e.Message)
	return e, e.Param == "start_time" || (strings.Contains(msg, "start time") && strings.Contains(msg, "not available"))
}

type utmArgs struct {
	Source   string `json:"source,omitempty"`
	Medium   string `json:"medium,omitempty"`
	Campaign string `json:"campaign,omitempty"`
	Term     string `json:"term,omitempty"`
	Content  string `json:"content,omitempty"`
}

type calendarLinkArgs struct {
	BookingCalendarID string         `json:"booking_calendar_id"`
	Name              string         `json:"name,omitempty"`
	Email             string         `json:"email,omitempty"`
	Phone             string         `json:"phone,omitempty"`
	CustomFields      map[string]any `json:"custom_fields,omitempty" jsonschema:"By mapped field name: string, or strings for multi-select."`
	HideURLParams     bool           `json:"hide_url_params,omitempty" jsonschema:"short link without query parameters"`
	UTM               *utmArgs       `json:"utm,omitempty"`
}

func (a *calendarLinkArgs) request() *oncehub.OneTimeLinkRequest {
	p := &oncehub.OneTimeLinkRequest{HideURLParams: a.HideURLParams,
		BookingForm: oncehub.BookingForm{Name: a.Name, Email: a.Email, Phone: a.Phone, Custom: a.CustomFields}}
	if a.UTM != nil && *a.UTM != (utmArgs{}) {
		p.UTMParams = &oncehub.UTMParams{Source: a.UTM.Source, Medium: a.UTM.Medium, Campaign: a.UTM.Campaign, Term: a.UTM.Term, Content: a.UTM.Content}
	}
	return p
}

func (a *calendarLinkArgs) validate() error { return checkCustomFields(a.CustomFields) }

func calendarTools(d Deps) []Tool {
	return []Tool{
		define[listCalendarsArgs](spec{
			name: "list_booking_calendars", toolset: toolsetCalendars, effect: read,
			desc: "Booking calendars: id, name, subject, host (USR-/TM-), url, published, duration_minutes. Only published ones " +
				"take bookings.",
		}, func(ctx context.Context, a listCalendarsArgs) (any, error) {
			return listPage(ctx, a.pageArgs, d.Client.BookingCalendars, a.options(), identity[oncehub.BookingCalendar])
		}),
		define[calendarIDArgs](spec{
			name: "get_booking_calendar", toolset: toolsetCalendars, effect: read,
			desc: "One booking calendar: name, subject, host, url, published, duration_minutes.",
		}, func(ctx context.Context, a calendarIDArgs) (any, error) {
			c, _, err := d.Client.BookingCalendars.Get(ctx, a.BookingCalendarID)
			return c, err
		}),
		define[timeSlotsArgs](spec{
			name: "get_time_slots", toolset: toolsetCalendars, effect: read,
			desc: "Free start times of a booking calendar within 30 days (default: next 7), with their locations; " +
				"start_time_local if time_zone is given. For any window use find_available_slots.",
		}, func(ctx context.Context, a timeSlotsArgs) (any, error) {
			return getTimeSlots(ctx, d, a)
		}),
		defineWrite[scheduleArgs](spec{
			name: "schedule_meeting", toolset: toolsetCalendars, effect: create,
			desc: "Book a slot from find_available_slots for a guest (a real booking: confirm the time with them first). After an " +
				"unclear failure, check list_bookings before retrying.",
		}, func(ctx context.Context, a scheduleArgs) (any, *oncehub.Response, error) {
			p, _ := a.request()
			if now := d.now(); !p.StartTime.After(now) {
				return nil, nil, argErrorf("start_time", "%s is not in the future (now is %s); call get_time_slots for current free times",
					utc(&p.StartTime), now.UTC().Format(time.RFC3339))
			}
			res, resp, err := d.Client.BookingCalendars.Schedule(ctx, a.BookingCalendarID, p)
			if err != nil {
				if api, ok := isSlotTaken(err); ok {
					return nil, resp, &slotTakenError{calendar: a.BookingCalendarID, start: utc(&p.StartTime), api: api}
				}
				return nil, resp, err
			}
			guest, _ := zone(p.GuestTimeZone)
			return scheduleOutput{
				BookingID: res.ID, BookingCalendarID: a.BookingCalendarID,
				StartTime: utc(&p.StartTime), StartTimeLocal: localTime(&p.StartTime, guest, ""), GuestTimeZone: p.GuestTimeZone,
				Next: "Booked. Use get_booking with booking_id for the join, cancel and reschedule links.",
			}, resp, nil
		}),
		defineWrite[calendarLinkArgs](spec{
			name: "create_booking_calendar_link", toolset: toolsetCalendars, effect: create,
			desc: "Single-use link to a published booking calendar where a guest picks a time; name, email, phone and " +
				"custom_fields prefill the form. Unused links expire after 90 days.",
		}, func(ctx context.Context, a calendarLinkArgs) (any, *oncehub.Response, error) {
			l, resp, err := d.Client.BookingCalendars.CreateOneTimeLink(ctx, a.BookingCalendarID, a.request())
			if err != nil {
				return nil, resp, err
			}
			return linkOutput{ID: l.ID, URL: l.URL, CreationTime: l.CreationTime}, resp, nil
		}),
	}
}

func getTimeSlots(ctx context.Context, d Deps, a timeSlotsArgs) (any, error) {
	start, end, _ := a.times()
	loc, _ := loadZone("time_zone", a.TimeZone)
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
			return nil, argErrorf("end_time", "%s is not after the window start %s; choose a window in the future", utc(&end), utc(&from))
		}
		if end.Sub(from) > oncehub.MaxSlotWindow {
			return nil, argErrorf("end_time", "%s is more than 30 days after the window start %s; split the search into windows of at most 30 days", utc(&end), utc(&from))
		}
	}
	to := end
	if to.IsZero() {
		to = from.Add(oncehub.DefaultSlotWindow)
	}
	slots, _, err := d.Client.BookingCalendars.ListTimeSlots(ctx, a.BookingCalendarID, &oncehub.TimeSlotOptions{StartTime: start, EndTime: end})
	if err != nil {
		return nil, err
	}
	out := timeSlotsOutput{BookingCalendarID: a.BookingCalendarID, WindowStart: utc(&from), WindowEnd: utc(&to),
		Slots: make([]slotView, len(slots)), Count: len(slots), Note: note}
	if loc != nil {
		out.TimeZone = loc.String()
	}
	for i, s := range slots {
		out.Slots[i] = viewSlot(s, loc)
	}
	if len(slots) == 0 {
		out.Note = strings.TrimSpace(out.Note + " No free slots in this window; try a later window (at most 30 days each).")
	}
	return out, nil
}
