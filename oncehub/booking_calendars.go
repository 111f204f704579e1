package oncehub

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/internal/clip"
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
func LocationTypes() []string {
	return []string{LocationVirtual, LocationVirtualStatic, LocationPhysical, LocationGuestPhone}
}

// VideoProviders lists the values a virtual location may take.
func VideoProviders() []string {
	return []string{"google_meet", "microsoft_teams", "webex", "gotomeeting", "zoom"}
}

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

// BookingCalendarsService handles booking calendars (/booking-calendars):
// the Booking Calendars product's scheduling.
type BookingCalendarsService service

// BookingCalendarListOptions narrows GET /booking-calendars.
type BookingCalendarListOptions struct {
	ListOptions
	Host string `url:"host,omitempty"` // USR-… or TM-…
}

// Validate checks the options without sending anything.
func (o BookingCalendarListOptions) Validate() error {
	if err := o.ListOptions.Validate(); err != nil {
		return err
	}
	return checkOptionalID("host", PrefixUser+"|"+PrefixTeam, o.Host)
}

func bookingCalendarID(b BookingCalendar) string { return b.ID }

// List returns one page of booking calendars.
func (s *BookingCalendarsService) List(ctx context.Context, opts *BookingCalendarListOptions) ([]BookingCalendar, *Response, error) {
	o := orZero(opts)
	if err := o.Validate(); err != nil {
		return nil, nil, err
	}
	return s.list(ctx, o)
}

func (s *BookingCalendarsService) list(ctx context.Context, o BookingCalendarListOptions) ([]BookingCalendar, *Response, error) {
	return list(ctx, s.client, "/booking-calendars", o, o.ListOptions, bookingCalendarID)
}

// ListAll walks the booking calendars matching opts (see Pager).
func (s *BookingCalendarsService) ListAll(ctx context.Context, opts *BookingCalendarListOptions) *Pager[BookingCalendar] {
	o := orZero(opts)
	return newPager(ctx, o.Validate(), o.ListOptions, func(ctx context.Context, page ListOptions) ([]BookingCalendar, *Response, error) {
		o.ListOptions = page
		return s.list(ctx, o)
	}, bookingCalendarID)
}

// Get fetches one booking calendar.
func (s *BookingCalendarsService) Get(ctx context.Context, id string) (BookingCalendar, *Response, error) {
	return get[BookingCalendar](ctx, s.client, "/booking-calendars/{id}", PrefixBookingCalendar, id)
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

// apiTimeLayout is OnceHub's full-form ISO 8601 (2024-11-29T09:30:00.000Z
// for UTC).
const apiTimeLayout = "2006-01-02T15:04:05.000Z07:00"

// apiTime formats t as OnceHub's full-form UTC ISO 8601 (2024-11-29T09:30:00.000Z).
func apiTime(t time.Time) string { return t.UTC().Format(apiTimeLayout) }

// TimeSlotOptions bound GET /booking-calendars/{id}/time-slots to the window
// [StartTime, EndTime): at most MaxSlotWindow long, not starting in the past.
// A zero StartTime is OnceHub's current time; a zero EndTime is
// DefaultSlotWindow after the start. Times are sent in UTC.
type TimeSlotOptions struct {
	StartTime time.Time `url:"start_time,omitempty" layout:"2006-01-02T15:04:05.000Z07:00"`
	EndTime   time.Time `url:"end_time,omitempty" layout:"2006-01-02T15:04:05.000Z07:00"`
}

// Validate checks the window as OnceHub will: the end after the start and at
// most MaxSlotWindow later. A zero time is OnceHub's default and is not
// checked (the caller knows the clock; this package does not).
func (o TimeSlotOptions) Validate() error {
	start, end := o.StartTime, o.EndTime
	if start.IsZero() || end.IsZero() {
		return nil
	}
	if !end.After(start) {
		return paramErr("end_time", "%s is not after start_time (%s)", apiTime(end), apiTime(start))
	}
	if end.Sub(start) > MaxSlotWindow {
		return paramErr("end_time", "the window %s → %s is longer than 30 days; split it into windows of at most 30 days", apiTime(start), apiTime(end))
	}
	return nil
}

// ListTimeSlots returns the free start times of a booking calendar within
// the window opts gives (nil: OnceHub's default, the next 7 days).
func (s *BookingCalendarsService) ListTimeSlots(ctx context.Context, id string, opts *TimeSlotOptions) ([]TimeSlot, *Response, error) {
	o := orZero(opts)
	if err := checkID("id", PrefixBookingCalendar, id); err != nil {
		return nil, nil, err
	}
	if err := o.Validate(); err != nil {
		return nil, nil, err
	}
	o.StartTime, o.EndTime = o.StartTime.UTC(), o.EndTime.UTC()
	var slots []TimeSlot
	resp, err := s.client.do(ctx, request{method: "GET", route: "/booking-calendars/{id}/time-slots", id: id, opts: o}, &slots)
	if err != nil {
		return nil, resp, err
	}
	if slots == nil {
		slots = []TimeSlot{}
	}
	return slots, resp, nil
}

// BookingForm is what the guest would enter in the booking form: name and
// email (required when scheduling), phone, and custom fields keyed by the
// question's mapped field name (a string, or a []string for multi-select
// picklists; OnceHub drops picklist values it does not know). Custom must not
// repeat name, email or phone.
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

// validate checks the form's fields; required says whether name and email must be set.
func (f BookingForm) validate(required bool) error {
	if required && strings.TrimSpace(f.Name) == "" {
		return paramErr("booking_form.name", "is required: the guest's full name")
	}
	if required && f.Email == "" {
		return paramErr("booking_form.email", "is required: the guest's email address")
	}
	if f.Email != "" {
		if err := checkEmail("booking_form.email", f.Email); err != nil {
			return err
		}
	}
	if f.Phone != "" {
		if err := checkPhone("booking_form.phone", f.Phone); err != nil {
			return err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(f.Custom)) {
		param := "booking_form." + k
		switch k {
		case "":
			return paramErr("booking_form", "has a custom field with an empty name; use each question's mapped field name")
		case "name", "email", "phone":
			return paramErr(param, "is a standard field of the form, not a custom field")
		}
		if !isFormValue(f.Custom[k]) {
			return paramErr(param, "must be a string, or a list of strings for a multi-select picklist")
		}
	}
	return nil
}

// isFormValue reports a string or a list of strings.
func isFormValue(v any) bool {
	switch v := v.(type) {
	case string, []string:
		return true
	case []any:
		for _, e := range v {
			if _, ok := e.(string); !ok {
				return false
			}
		}
		return true
	}
	return false
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

// validate checks the type and value combination the spec allows.
func (l MeetingLocation) validate() error {
	switch l.Type {
	case LocationVirtual:
		if !slices.Contains(VideoProviders(), l.Value) {
			return paramErr("location.value", "%q is not a video provider; for type virtual use one of %s", clip.Value(l.Value), strings.Join(VideoProviders(), ", "))
		}
	case LocationPhysical:
		if !isID(l.Value) || !strings.HasPrefix(l.Value, PrefixAddress+"-") {
			return paramErr("location.value", "%q is not an address ID; for type physical use the slot location's ADD-… value", clip.Value(l.Value))
		}
	case LocationVirtualStatic:
		if l.Value != "" {
			return paramErr("location.value", "must be empty for type virtual_static")
		}
	case LocationGuestPhone:
		if l.Value == "" {
			return paramErr("location.value", "is required for type guest_phone: the guest's phone in E.164, e.g. +12025550195")
		}
		return checkPhone("location.value", l.Value)
	default:
		return paramErr("location.type", "%q is not a location type; use one of %s", clip.Value(l.Type), strings.Join(LocationTypes(), ", "))
	}
	return nil
}

// ScheduleRequest is the body of POST /booking-calendars/{id}/schedule.
type ScheduleRequest struct {
	StartTime     time.Time // a time slot's StartTime (see ListTimeSlots)
	GuestTimeZone string    // IANA zone
	BookingForm   BookingForm
	Location      *MeetingLocation // nil: OnceHub picks a virtual location
}

// Validate checks the body without sending anything (except that the start
// is in the future, which needs the caller's clock).
func (r ScheduleRequest) Validate() error {
	if r.StartTime.IsZero() {
		return paramErr("start_time", "is required: a time slot's start_time")
	}
	if r.GuestTimeZone == "" {
		return paramErr("guest_time_zone", "is required: the guest's IANA time zone, e.g. Europe/London")
	}
	if err := checkTimeZone("guest_time_zone", r.GuestTimeZone); err != nil {
		return err
	}
	if err := r.BookingForm.validate(true); err != nil {
		return err
	}
	if r.Location != nil {
		return r.Location.validate()
	}
	return nil
}

// MarshalJSON writes the body in the spec's shape.
func (r ScheduleRequest) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		StartTime     string           `json:"start_time"`
		GuestTimeZone string           `json:"guest_time_zone"`
		BookingForm   BookingForm      `json:"booking_form"`
		Location      *MeetingLocation `json:"location,omitempty"`
	}{apiTime(r.StartTime), r.GuestTimeZone, r.BookingForm, r.Location})
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

// Schedule books a time slot of a booking calendar. It is never retried once
// the request may have reached OnceHub (a retry could book twice).
func (s *BookingCalendarsService) Schedule(ctx context.Context, id string, body *ScheduleRequest) (ScheduledBooking, *Response, error) {
	b := orZero(body)
	if err := checkID("id", PrefixBookingCalendar, id); err != nil {
		return ScheduledBooking{}, nil, err
	}
	if err := b.Validate(); err != nil {
		return ScheduledBooking{}, nil, err
	}
	var out ScheduledBooking
	resp, err := s.client.do(ctx, request{method: "POST", route: "/booking-calendars/{id}/schedule", id: id, body: b}, &out)
	return out, resp, err
}

// UTMParams are the five standard UTM parameters recorded with a booking.
type UTMParams struct {
	Source   string `json:"source,omitempty"`
	Medium   string `json:"medium,omitempty"`
	Campaign string `json:"campaign,omitempty"`
	Term     string `json:"term,omitempty"`
	Content  string `json:"content,omitempty"`
}

// OneTimeLinkRequest is the body of POST /booking-calendars/{id}/one-time-links.
type OneTimeLinkRequest struct {
	// HideURLParams asks for a short link with no visible query parameters.
	HideURLParams bool        `json:"hide_url_params,omitempty"`
	BookingForm   BookingForm `json:"booking_form,omitzero"` // prefilled answers
	UTMParams     *UTMParams  `json:"utm_params,omitempty"`
}

// Validate checks the prefilled form without sending anything.
func (r OneTimeLinkRequest) Validate() error { return r.BookingForm.validate(false) }

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

// CreateOneTimeLink creates a one-time link to a (published) booking
// calendar; body may be nil. Never retried once sent.
func (s *BookingCalendarsService) CreateOneTimeLink(ctx context.Context, id string, body *OneTimeLinkRequest) (OneTimeLink, *Response, error) {
	b := orZero(body)
	if err := checkID("id", PrefixBookingCalendar, id); err != nil {
		return OneTimeLink{}, nil, err
	}
	if err := b.Validate(); err != nil {
		return OneTimeLink{}, nil, err
	}
	var out OneTimeLink
	resp, err := s.client.do(ctx, request{method: "POST", route: "/booking-calendars/{id}/one-time-links", id: id, body: b}, &out)
	return out, resp, err
}
