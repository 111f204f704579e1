package oncehub

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Booking statuses.
const (
	BookingRequested   = "requested"
	BookingScheduled   = "scheduled"
	BookingRescheduled = "rescheduled"
	BookingCompleted   = "completed"
	BookingCanceled    = "canceled"
	BookingNoShow      = "no_show"
)

// BookingStatuses lists every booking status OnceHub uses.
var BookingStatuses = []string{BookingRequested, BookingScheduled, BookingRescheduled, BookingCompleted, BookingCanceled, BookingNoShow}

// BookingExpandable lists the booking fields `expand` accepts.
var BookingExpandable = []string{"booking_page", "master_page", "event_type", "owner", "contact", "conversation"}

// Booking is a scheduled meeting (GET /bookings/{id}). Fields OnceHub adds
// later are kept in Extra.
type Booking struct {
	Object                      string                       `json:"object,omitempty"`
	ID                          string                       `json:"id"`
	TrackingID                  string                       `json:"tracking_id,omitempty"`
	Subject                     string                       `json:"subject,omitempty"`
	Status                      string                       `json:"status,omitempty"`
	InTrash                     bool                         `json:"in_trash,omitempty"`
	CreationTime                *time.Time                   `json:"creation_time,omitempty"`
	StartingTime                *time.Time                   `json:"starting_time,omitempty"`
	CustomerTimezone            string                       `json:"customer_timezone,omitempty"`
	LastUpdatedTime             *time.Time                   `json:"last_updated_time,omitempty"`
	DurationMinutes             int                          `json:"duration_minutes,omitempty"`
	VirtualConferencing         *VirtualConferencing         `json:"virtual_conferencing,omitempty"`
	LocationDescription         string                       `json:"location_description,omitempty"`
	RescheduledBookingID        string                       `json:"rescheduled_booking_id,omitempty"`
	CancelRescheduleURL         string                       `json:"cancel_reschedule_url,omitempty"`
	CancelRescheduleInformation *CancelRescheduleInformation `json:"cancel_reschedule_information,omitempty"`
	Attendees                   []string                     `json:"attendees,omitempty"`
	FormSubmission              *FormSubmission              `json:"form_submission,omitempty"`
	BookingPage                 Ref[BookingPage]             `json:"booking_page,omitzero"`
	MasterPage                  Ref[MasterPage]              `json:"master_page,omitzero"`
	EventType                   Ref[EventType]               `json:"event_type,omitzero"`
	Owner                       Ref[User]                    `json:"owner,omitzero"`
	Contact                     Ref[Contact]                 `json:"contact,omitzero"`
	Conversation                Ref[Object]                  `json:"conversation,omitzero"`
	BookingCalendar             string                       `json:"booking_calendar,omitempty"`
	ICSURL                      string                       `json:"ics_url,omitempty"`
	CancelURL                   string                       `json:"cancel_url,omitempty"`
	RescheduleURL               string                       `json:"reschedule_url,omitempty"`
	Deleted                     bool                         `json:"deleted,omitempty"`

	Extra Extra `json:"-"`
}

// VirtualConferencing holds the join link of an online meeting.
type VirtualConferencing struct {
	JoinURL string `json:"join_url,omitempty"`
}

// CancelRescheduleInformation says why and by whom a booking was canceled or rescheduled.
type CancelRescheduleInformation struct {
	Reason     string `json:"reason,omitempty"`
	ActionedBy string `json:"actioned_by,omitempty"`
	UserID     string `json:"user_id,omitempty"`
}

// FormSubmission is what the guest entered in the booking form.
type FormSubmission struct {
	Name        string   `json:"name,omitempty"`
	Email       string   `json:"email,omitempty"`
	Phone       string   `json:"phone,omitempty"`
	MobilePhone string   `json:"mobile_phone,omitempty"`
	Note        string   `json:"note,omitempty"`
	Company     string   `json:"company,omitempty"`
	Guests      []string `json:"guests,omitempty"`
	Extra       Extra    `json:"-"`
}

// UnmarshalJSON keeps unknown fields in Extra.
func (b *Booking) UnmarshalJSON(data []byte) error {
	type plain Booking
	return decodeObject(data, (*plain)(b), &b.Extra)
}

// MarshalJSON writes known and unknown fields.
func (b Booking) MarshalJSON() ([]byte, error) {
	type plain Booking
	return encodeObject(plain(b), b.Extra)
}

// UnmarshalJSON keeps unknown fields (custom_fields and the like) in Extra.
func (f *FormSubmission) UnmarshalJSON(data []byte) error {
	type plain FormSubmission
	return decodeObject(data, (*plain)(f), &f.Extra)
}

// MarshalJSON writes known and unknown fields.
func (f FormSubmission) MarshalJSON() ([]byte, error) {
	type plain FormSubmission
	return encodeObject(plain(f), f.Extra)
}

// BookingFilter narrows GET /bookings. Empty fields are not sent.
type BookingFilter struct {
	ListParams
	Status          string
	Owner           string // USR-…
	Contact         string // CTC-…
	BookingCalendar string // BKC-… (Booking Calendars product)
	Host            string // USR-… (Booking Calendars product)
	BookingPage     string // BP-… (Booking Pages product)
	MasterPage      string // MP-… (Booking Pages product)
	EventType       string // ET-… (Booking Pages product)
	CreationTime    DateRange
	StartingTime    DateRange
	LastUpdatedTime DateRange
	Expand          []string // fields of each booking to expand (see BookingExpandable)
}

// Validate checks the filter without sending anything.
func (f BookingFilter) Validate() error {
	if err := f.ListParams.Validate(); err != nil {
		return err
	}
	if f.Status != "" && !slices.Contains(BookingStatuses, f.Status) {
		return &ArgError{Arg: "status", Msg: fmt.Sprintf("%q is not a booking status; use one of %s", clip(f.Status), strings.Join(BookingStatuses, ", "))}
	}
	for _, c := range []struct{ arg, prefix, id string }{
		{"owner", PrefixUser, f.Owner}, {"contact", PrefixContact, f.Contact},
		{"booking_calendar", PrefixBookingCalendar, f.BookingCalendar}, {"host", PrefixUser, f.Host},
		{"booking_page", PrefixBookingPage, f.BookingPage}, {"master_page", PrefixMasterPage, f.MasterPage},
		{"event_type", PrefixEventType, f.EventType},
	} {
		if err := checkOptionalID(c.arg, c.prefix, c.id); err != nil {
			return err
		}
	}
	for _, r := range []struct {
		field string
		r     DateRange
	}{{"creation_time", f.CreationTime}, {"starting_time", f.StartingTime}, {"last_updated_time", f.LastUpdatedTime}} {
		if err := r.r.validate(r.field); err != nil {
			return err
		}
	}
	return checkExpand(f.Expand, BookingExpandable)
}

func (f BookingFilter) query() url.Values {
	q := url.Values{}
	setIf(q, "status", f.Status)
	setIf(q, "owner", f.Owner)
	setIf(q, "contact", f.Contact)
	setIf(q, "booking_calendar", f.BookingCalendar)
	setIf(q, "host", f.Host)
	setIf(q, "booking_page", f.BookingPage)
	setIf(q, "master_page", f.MasterPage)
	setIf(q, "event_type", f.EventType)
	f.CreationTime.apply(q, "creation_time")
	f.StartingTime.apply(q, "starting_time")
	f.LastUpdatedTime.apply(q, "last_updated_time")
	setListExpand(q, f.Expand)
	return q
}

// ListBookings returns one page of bookings, newest first.
func (c *Client) ListBookings(ctx context.Context, f BookingFilter) (Page[Booking], error) {
	if err := f.Validate(); err != nil {
		return Page[Booking]{}, err
	}
	return list(ctx, c, "/bookings", "/bookings", f.query(), f.ListParams, func(b Booking) string { return b.ID })
}

// GetBooking fetches one booking. expand names fields to expand (BookingExpandable).
func (c *Client) GetBooking(ctx context.Context, id string, expand ...string) (Booking, error) {
	path, err := idPath("/bookings", "booking_id", PrefixBooking, id)
	if err != nil {
		return Booking{}, err
	}
	if err := checkExpand(expand, BookingExpandable); err != nil {
		return Booking{}, err
	}
	var q url.Values
	if len(expand) > 0 {
		q = url.Values{"expand": {strings.Join(expand, ",")}}
	}
	var b Booking
	_, err = c.do(ctx, request{method: "GET", path: path, route: "/bookings/{id}", query: q}, &b)
	return b, err
}

// CancelParams is the body of POST /bookings/{id}/cancel.
type CancelParams struct {
	Reason string `json:"cancellation_reason,omitempty"`
	// SendEmail: nil leaves OnceHub's default (send the cancellation email).
	SendEmail *bool `json:"send_cancellation_email,omitempty"`
}

// CancelBooking cancels a booking. Never retried once sent.
func (c *Client) CancelBooking(ctx context.Context, id string, p CancelParams) (Booking, error) {
	return c.bookingAction(ctx, id, "cancel", p)
}

// RequestRescheduleParams is the body of POST /bookings/{id}/request-reschedule.
type RequestRescheduleParams struct {
	Reason string `json:"reschedule_reason,omitempty"`
}

// RequestReschedule cancels a booking and asks the guest to pick a new time.
func (c *Client) RequestReschedule(ctx context.Context, id string, p RequestRescheduleParams) (Booking, error) {
	return c.bookingAction(ctx, id, "request-reschedule", p)
}

// ReassignParams is the body of POST /bookings/{id}/reassign.
type ReassignParams struct {
	NewHost  string            `json:"new_host"`
	Location *ReassignLocation `json:"location,omitempty"`
}

// ReassignLocation switches the reassigned meeting to a video provider.
type ReassignLocation struct {
	Type  string `json:"type"`  // "virtual"
	Value string `json:"value"` // provider, e.g. "zoom"
}

// ReassignBooking moves a booking to another host.
func (c *Client) ReassignBooking(ctx context.Context, id string, p ReassignParams) (Booking, error) {
	if err := CheckID("new_host", PrefixUser, p.NewHost); err != nil {
		return Booking{}, err
	}
	return c.bookingAction(ctx, id, "reassign", p)
}

// MarkNoShow records that the guest did not attend.
func (c *Client) MarkNoShow(ctx context.Context, id string) (Booking, error) {
	return c.bookingAction(ctx, id, "no-show", nil)
}

func (c *Client) bookingAction(ctx context.Context, id, action string, body any) (Booking, error) {
	path, err := idPath("/bookings", "booking_id", PrefixBooking, id, action)
	if err != nil {
		return Booking{}, err
	}
	var b Booking
	_, err = c.do(ctx, request{method: "POST", path: path, route: "/bookings/{id}/" + action, body: body}, &b)
	return b, err
}

func checkExpand(fields, allowed []string) error {
	for _, f := range fields {
		if !slices.Contains(allowed, f) {
			return &ArgError{Arg: "expand", Msg: fmt.Sprintf("%q cannot be expanded; use any of %s", clip(f), strings.Join(allowed, ", "))}
		}
	}
	return nil
}
