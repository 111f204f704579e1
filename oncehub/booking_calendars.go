package oncehub

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"
)

// MaxSlotWindow is the longest window GET /booking-calendars/{id}/time-slots accepts.
const MaxSlotWindow = 30 * 24 * time.Hour

// DefaultSlotWindow is the window OnceHub uses when no end_time is given.
const DefaultSlotWindow = 7 * 24 * time.Hour

// Location types of time slots and scheduled meetings.
const (
	LocationVirtual       = "virtual"        // dynamic video link; value is the provider
	LocationVirtualStatic = "virtual_static" // static video link; no value
	LocationPhysical      = "physical"       // in person; value (scheduling) or id (slots) is an ADD- address ID
	LocationGuestPhone    = "guest_phone"    // phone call; value is an E.164 number
)

// LocationTypes lists every meeting location type.
var LocationTypes = []string{LocationVirtual, LocationVirtualStatic, LocationPhysical, LocationGuestPhone}

// VideoProviders lists the values a virtual location may take.
var VideoProviders = []string{"google_meet", "microsoft_teams", "gotomeeting", "webex", "zoom"}

// BookingCalendar is a Booking Calendars product calendar (GET /booking-calendars/{id}).
type BookingCalendar struct {
	Object          string  `json:"object,omitempty"`
	ID              string  `json:"id"`
	Host            string  `json:"host,omitempty"` // USR-… or TM-…
	Name            string  `json:"name,omitempty"`
	Subject         string  `json:"subject,omitempty"`
	URL             string  `json:"url,omitempty"`
	Published       bool    `json:"published"`
	DurationMinutes float64 `json:"duration_minutes,omitempty"`
	Deleted         bool    `json:"deleted,omitempty"`
	Extra           Extra   `json:"-"`
}

// UnmarshalJSON keeps unknown fields in Extra.
func (b *BookingCalendar) UnmarshalJSON(data []byte) error {
	type plain BookingCalendar
	return decodeObject(data, (*plain)(b), &b.Extra)
}

// MarshalJSON writes known and unknown fields.
func (b BookingCalendar) MarshalJSON() ([]byte, error) {
	type plain BookingCalendar
	return encodeObject(plain(b), b.Extra)
}

// BookingCalendarFilter narrows GET /booking-calendars.
type BookingCalendarFilter struct {
	ListParams
	Host string // USR-… or TM-…
}

// Validate checks the filter without sending anything.
func (f BookingCalendarFilter) Validate() error {
	if err := f.ListParams.Validate(); err != nil {
		return err
	}
	return checkOptionalID("host", PrefixUser+"|"+PrefixTeam, f.Host)
}

// ListBookingCalendars returns one page of booking calendars.
func (c *Client) ListBookingCalendars(ctx context.Context, f BookingCalendarFilter) (Page[BookingCalendar], error) {
	if err := f.Validate(); err != nil {
		return Page[BookingCalendar]{}, err
	}
	q := url.Values{}
	setIf(q, "host", f.Host)
	return list(ctx, c, "/booking-calendars", "/booking-calendars", q, f.ListParams, func(b BookingCalendar) string { return b.ID })
}

// GetBookingCalendar fetches one booking calendar.
func (c *Client) GetBookingCalendar(ctx context.Context, id string) (BookingCalendar, error) {
	return get[BookingCalendar](ctx, c, "/booking-calendars", "booking_calendar_id", PrefixBookingCalendar, id, nil)
}

// TimeSlot is a bookable start time and the locations the guest may choose.
type TimeSlot struct {
	StartTime time.Time      `json:"start_time"`
	Locations []SlotLocation `json:"locations"`
}

// SlotLocation is a location a time slot offers. Value is the video provider
// (virtual) or a phone number (guest_phone); ID is the address (physical).
type SlotLocation struct {
	Type  string `json:"type"`
	Value string `json:"value,omitempty"`
	ID    string `json:"id,omitempty"`
}

// apiTime formats t as OnceHub's full-form UTC ISO 8601 (2024-11-29T09:30:00.000Z).
func apiTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// CheckSlotWindow checks a time-slot window as OnceHub will: end after start
// and at most MaxSlotWindow long. A zero time is OnceHub's default and is not
// checked (the caller knows the clock; this package does not).
func CheckSlotWindow(start, end time.Time) error {
	if start.IsZero() || end.IsZero() {
		return nil
	}
	if !end.After(start) {
		return &ArgError{Arg: "end_time", Msg: fmt.Sprintf("%s is not after start_time (%s)", apiTime(end), apiTime(start))}
	}
	if end.Sub(start) > MaxSlotWindow {
		return &ArgError{Arg: "end_time", Msg: fmt.Sprintf("the window %s → %s is longer than 30 days; split it into windows of at most 30 days", apiTime(start), apiTime(end))}
	}
	return nil
}

// GetTimeSlots returns the free start times of a booking calendar within
// [start, end). A zero start means OnceHub's current time; a zero end means one
// week after start. Times are sent in UTC; the window may be at most 30 days
// and OnceHub refuses a start in the past.
func (c *Client) GetTimeSlots(ctx context.Context, calendarID string, start, end time.Time) ([]TimeSlot, error) {
	path, err := idPath("/booking-calendars", "booking_calendar_id", PrefixBookingCalendar, calendarID, "time-slots")
	if err != nil {
		return nil, err
	}
	if err := CheckSlotWindow(start, end); err != nil {
		return nil, err
	}
	q := url.Values{}
	if !start.IsZero() {
		q.Set("start_time", apiTime(start))
	}
	if !end.IsZero() {
		q.Set("end_time", apiTime(end))
	}
	var slots []TimeSlot
	_, err = c.do(ctx, request{method: "GET", path: path, route: "/booking-calendars/{id}/time-slots", query: q}, &slots)
	if err != nil {
		return nil, err
	}
	if slots == nil {
		slots = []TimeSlot{}
	}
	return slots, nil
}

// BookingForm is what the guest would enter in the booking form: name and
// email (required when scheduling), phone, and custom fields keyed by the
// question's mapped field name (a string, or a []string for multi-select
// picklists; OnceHub drops picklist values it does not know).
type BookingForm struct {
	Name   string
	Email  string
	Phone  string
	Custom map[string]any
}

// MarshalJSON writes the form as one flat object, as OnceHub expects.
func (f BookingForm) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(f.Custom)+3)
	for k, v := range f.Custom {
		m[k] = v
	}
	if f.Name != "" {
		m["name"] = f.Name
	}
	if f.Email != "" {
		m["email"] = f.Email
	}
	if f.Phone != "" {
		m["phone"] = f.Phone
	}
	return json.Marshal(m)
}

// IsZero reports an empty form (for omitzero).
func (f BookingForm) IsZero() bool {
	return f.Name == "" && f.Email == "" && f.Phone == "" && len(f.Custom) == 0
}

var reservedFormFields = []string{"name", "email", "phone"}

// validate checks the form's fields; required says whether name and email must be set.
func (f BookingForm) validate(required bool) error {
	if required && strings.TrimSpace(f.Name) == "" {
		return &ArgError{Arg: "name", Msg: "is required: the guest's full name"}
	}
	if required && f.Email == "" {
		return &ArgError{Arg: "email", Msg: "is required: the guest's email address"}
	}
	if f.Email != "" {
		if err := CheckEmail("email", f.Email); err != nil {
			return err
		}
	}
	if f.Phone != "" {
		if err := CheckPhone("phone", f.Phone); err != nil {
			return err
		}
	}
	keys := make([]string, 0, len(f.Custom))
	for k := range f.Custom {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		arg := "custom_fields." + k
		if strings.TrimSpace(k) == "" {
			return &ArgError{Arg: "custom_fields", Msg: "has an empty field name; use each question's mapped field name"}
		}
		if slices.Contains(reservedFormFields, k) {
			return &ArgError{Arg: arg, Msg: fmt.Sprintf("use the %s argument instead of a custom field", k)}
		}
		switch v := f.Custom[k].(type) {
		case string:
		case []string:
		case []any:
			for _, e := range v {
				if _, ok := e.(string); !ok {
					return &ArgError{Arg: arg, Msg: "must be a string, or a list of strings for a multi-select picklist"}
				}
			}
		default:
			return &ArgError{Arg: arg, Msg: "must be a string, or a list of strings for a multi-select picklist"}
		}
	}
	return nil
}

// MeetingLocation is the location chosen when scheduling; it must be one the
// time slot offered. Value: the provider (virtual), the ADD- address ID
// (physical), the guest's E.164 phone (guest_phone), empty (virtual_static,
// sent as null).
type MeetingLocation struct {
	Type  string
	Value string
}

// MarshalJSON writes {type, value}, with value null when empty.
func (l MeetingLocation) MarshalJSON() ([]byte, error) {
	var v any
	if l.Value != "" {
		v = l.Value
	}
	return json.Marshal(struct {
		Type  string `json:"type"`
		Value any    `json:"value"`
	}{l.Type, v})
}

// Validate checks the type and value combination the spec allows.
func (l MeetingLocation) Validate() error {
	switch l.Type {
	case LocationVirtual:
		if !slices.Contains(VideoProviders, l.Value) {
			return &ArgError{Arg: "location.value", Msg: fmt.Sprintf("%q is not a video provider; for type virtual use one of %s", clip(l.Value), strings.Join(VideoProviders, ", "))}
		}
	case LocationPhysical:
		if CheckID("location.value", PrefixAddress, l.Value) != nil {
			return &ArgError{Arg: "location.value", Msg: fmt.Sprintf("%q is not an address ID; for type physical use the slot location's ADD-… value", clip(l.Value))}
		}
	case LocationVirtualStatic:
		if l.Value != "" {
			return &ArgError{Arg: "location.value", Msg: "must be empty for type virtual_static"}
		}
	case LocationGuestPhone:
		if l.Value == "" {
			return &ArgError{Arg: "location.value", Msg: "is required for type guest_phone: the guest's phone in E.164, e.g. +12025550195"}
		}
		return CheckPhone("location.value", l.Value)
	default:
		return &ArgError{Arg: "location.type", Msg: fmt.Sprintf("%q is not a location type; use one of %s", clip(l.Type), strings.Join(LocationTypes, ", "))}
	}
	return nil
}

// ScheduleParams is the body of POST /booking-calendars/{id}/schedule.
type ScheduleParams struct {
	StartTime     time.Time // a slot's start_time from GetTimeSlots
	GuestTimeZone string    // IANA zone
	BookingForm   BookingForm
	Location      *MeetingLocation // nil: OnceHub picks a virtual location
}

// Validate checks the parameters without sending anything (except that the
// start is in the future, which needs the caller's clock).
func (p ScheduleParams) Validate() error {
	if p.StartTime.IsZero() {
		return &ArgError{Arg: "start_time", Msg: "is required: a slot's start_time from get_time_slots"}
	}
	if p.GuestTimeZone == "" {
		return &ArgError{Arg: "guest_time_zone", Msg: "is required: the guest's IANA time zone, e.g. Europe/London"}
	}
	if _, err := time.LoadLocation(p.GuestTimeZone); err != nil || p.GuestTimeZone == "Local" {
		return &ArgError{Arg: "guest_time_zone", Msg: fmt.Sprintf("%q is not an IANA time zone; use a name such as Europe/Berlin, America/New_York or Asia/Kolkata", clip(p.GuestTimeZone))}
	}
	if err := p.BookingForm.validate(true); err != nil {
		return err
	}
	if p.Location != nil {
		return p.Location.Validate()
	}
	return nil
}

// MarshalJSON writes the body in the spec's shape.
func (p ScheduleParams) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		StartTime     string           `json:"start_time"`
		GuestTimeZone string           `json:"guest_time_zone"`
		BookingForm   BookingForm      `json:"booking_form"`
		Location      *MeetingLocation `json:"location,omitempty"`
	}{apiTime(p.StartTime), p.GuestTimeZone, p.BookingForm, p.Location})
}

// ScheduledBooking is OnceHub's answer to scheduling: the new booking's ID.
type ScheduledBooking struct {
	ID    string `json:"id"`
	Extra Extra  `json:"-"`
}

// UnmarshalJSON keeps unknown fields in Extra.
func (s *ScheduledBooking) UnmarshalJSON(data []byte) error {
	type plain ScheduledBooking
	return decodeObject(data, (*plain)(s), &s.Extra)
}

// ScheduleMeeting books a time slot of a booking calendar. It is never
// retried once the request may have reached OnceHub (a retry could book twice).
func (c *Client) ScheduleMeeting(ctx context.Context, calendarID string, p ScheduleParams) (ScheduledBooking, error) {
	path, err := idPath("/booking-calendars", "booking_calendar_id", PrefixBookingCalendar, calendarID, "schedule")
	if err != nil {
		return ScheduledBooking{}, err
	}
	if err := p.Validate(); err != nil {
		return ScheduledBooking{}, err
	}
	var out ScheduledBooking
	_, err = c.do(ctx, request{method: "POST", path: path, route: "/booking-calendars/{id}/schedule", body: p}, &out)
	return out, err
}

// UTMParams are the five standard UTM parameters recorded with a booking.
type UTMParams struct {
	Source   string `json:"source,omitempty"`
	Medium   string `json:"medium,omitempty"`
	Campaign string `json:"campaign,omitempty"`
	Term     string `json:"term,omitempty"`
	Content  string `json:"content,omitempty"`
}

// OneTimeLinkParams is the body of POST /booking-calendars/{id}/one-time-links.
type OneTimeLinkParams struct {
	// HideURLParams asks for a short link with no visible query parameters.
	HideURLParams bool        `json:"hide_url_params,omitempty"`
	BookingForm   BookingForm `json:"booking_form,omitzero"` // prefilled answers
	UTMParams     *UTMParams  `json:"utm_params,omitempty"`
}

// Validate checks the prefilled form without sending anything.
func (p OneTimeLinkParams) Validate() error { return p.BookingForm.validate(false) }

// OneTimeLink is a single-use booking link. Unused links are deleted after 90 days.
type OneTimeLink struct {
	ID           string `json:"id"`
	URL          string `json:"url"`
	CreationTime string `json:"creation_time,omitempty"`
	Extra        Extra  `json:"-"`
}

// UnmarshalJSON keeps unknown fields in Extra.
func (l *OneTimeLink) UnmarshalJSON(data []byte) error {
	type plain OneTimeLink
	return decodeObject(data, (*plain)(l), &l.Extra)
}

// MarshalJSON writes known and unknown fields.
func (l OneTimeLink) MarshalJSON() ([]byte, error) {
	type plain OneTimeLink
	return encodeObject(plain(l), l.Extra)
}

// CreateBookingCalendarLink creates a one-time link to a (published) booking
// calendar. Never retried once sent.
func (c *Client) CreateBookingCalendarLink(ctx context.Context, calendarID string, p OneTimeLinkParams) (OneTimeLink, error) {
	path, err := idPath("/booking-calendars", "booking_calendar_id", PrefixBookingCalendar, calendarID, "one-time-links")
	if err != nil {
		return OneTimeLink{}, err
	}
	if err := p.Validate(); err != nil {
		return OneTimeLink{}, err
	}
	var out OneTimeLink
	_, err = c.do(ctx, request{method: "POST", path: path, route: "/booking-calendars/{id}/one-time-links", body: p}, &out)
	return out, err
}
