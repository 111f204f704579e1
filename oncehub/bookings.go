package oncehub

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/internal/clip"
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
func BookingStatuses() []string {
	return []string{BookingRequested, BookingScheduled, BookingRescheduled, BookingCompleted, BookingCanceled, BookingNoShow}
}

// BookingExpandable lists the booking fields `expand` accepts.
func BookingExpandable() []string {
	return []string{"booking_page", "master_page", "event_type", "owner", "contact", "conversation"}
}

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

// BookingsService handles bookings (/bookings).
type BookingsService service

// BookingListOptions narrows GET /bookings. Empty fields are not sent.
type BookingListOptions struct {
	ListOptions
	Status          string     `url:"status,omitempty"`           // see BookingStatuses
	Owner           string     `url:"owner,omitempty"`            // USR-…
	Contact         string     `url:"contact,omitempty"`          // CTC-…
	BookingCalendar string     `url:"booking_calendar,omitempty"` // BKC-… (Booking Calendars product)
	Host            string     `url:"host,omitempty"`             // USR-… (Booking Calendars product)
	BookingPage     string     `url:"booking_page,omitempty"`     // BP-… (Booking Pages product)
	MasterPage      string     `url:"master_page,omitempty"`      // MP-… (Booking Pages product)
	EventType       string     `url:"event_type,omitempty"`       // ET-… (Booking Pages product)
	CreationTime    DateRange  `url:"creation_time"`
	StartingTime    DateRange  `url:"starting_time"`
	LastUpdatedTime DateRange  `url:"last_updated_time"`
	Expand          ListExpand `url:"expand"` // fields of each booking to expand (see BookingExpandable)
}

// Validate checks the options without sending anything.
func (o BookingListOptions) Validate() error {
	if err := o.ListOptions.Validate(); err != nil {
		return err
	}
	if o.Status != "" && !slices.Contains(BookingStatuses(), o.Status) {
		return paramErr("status", "%q is not a booking status; use one of %s", clip.Value(o.Status), strings.Join(BookingStatuses(), ", "))
	}
	for _, c := range []struct{ param, prefix, id string }{
		{"owner", PrefixUser, o.Owner}, {"contact", PrefixContact, o.Contact},
		{"booking_calendar", PrefixBookingCalendar, o.BookingCalendar}, {"host", PrefixUser, o.Host},
		{"booking_page", PrefixBookingPage, o.BookingPage}, {"master_page", PrefixMasterPage, o.MasterPage},
		{"event_type", PrefixEventType, o.EventType},
	} {
		if err := checkOptionalID(c.param, c.prefix, c.id); err != nil {
			return err
		}
	}
	for _, r := range []struct {
		field string
		r     DateRange
	}{{"creation_time", o.CreationTime}, {"starting_time", o.StartingTime}, {"last_updated_time", o.LastUpdatedTime}} {
		if err := r.r.validate(r.field); err != nil {
			return err
		}
	}
	return checkExpand(o.Expand, BookingExpandable())
}

func bookingID(b Booking) string { return b.ID }

// List returns one page of bookings, newest first.
func (s *BookingsService) List(ctx context.Context, opts *BookingListOptions) ([]Booking, *Response, error) {
	o := orZero(opts)
	if err := o.Validate(); err != nil {
		return nil, nil, err
	}
	return s.list(ctx, o)
}

func (s *BookingsService) list(ctx context.Context, o BookingListOptions) ([]Booking, *Response, error) {
	return list(ctx, s.client, "/bookings", o, o.ListOptions, bookingID)
}

// ListAll walks the bookings matching opts, newest first (see Pager).
func (s *BookingsService) ListAll(ctx context.Context, opts *BookingListOptions) *Pager[Booking] {
	o := orZero(opts)
	return newPager(ctx, o.Validate(), o.ListOptions, func(ctx context.Context, page ListOptions) ([]Booking, *Response, error) {
		o.ListOptions = page
		return s.list(ctx, o)
	}, bookingID)
}

// BookingGetOptions are the options of GET /bookings/{id}.
type BookingGetOptions struct {
	Expand []string `url:"expand,omitempty,comma"` // fields to expand (see BookingExpandable)
}

// Get fetches one booking.
func (s *BookingsService) Get(ctx context.Context, id string, opts *BookingGetOptions) (Booking, *Response, error) {
	o := orZero(opts)
	if err := checkID("id", PrefixBooking, id); err != nil {
		return Booking{}, nil, err
	}
	if err := checkExpand(o.Expand, BookingExpandable()); err != nil {
		return Booking{}, nil, err
	}
	var b Booking
	resp, err := s.client.do(ctx, request{method: "GET", route: "/bookings/{id}", id: id, opts: o}, &b)
	return b, resp, err
}

// CancelRequest is the body of POST /bookings/{id}/cancel.
type CancelRequest struct {
	Reason string `json:"cancellation_reason,omitempty"`
	// SendEmail: nil leaves OnceHub's default (send the cancellation email).
	SendEmail *bool `json:"send_cancellation_email,omitempty"`
}

// Cancel cancels a booking. Never retried once sent.
func (s *BookingsService) Cancel(ctx context.Context, id string, body *CancelRequest) (Booking, *Response, error) {
	return s.action(ctx, id, "cancel", orZero(body))
}

// RescheduleRequest is the body of POST /bookings/{id}/request-reschedule.
type RescheduleRequest struct {
	Reason string `json:"reschedule_reason,omitempty"`
}

// RequestReschedule cancels a booking and asks the guest to pick a new time.
func (s *BookingsService) RequestReschedule(ctx context.Context, id string, body *RescheduleRequest) (Booking, *Response, error) {
	return s.action(ctx, id, "request-reschedule", orZero(body))
}

// ReassignRequest is the body of POST /bookings/{id}/reassign.
type ReassignRequest struct {
	NewHost  string            `json:"new_host"` // USR-…
	Location *ReassignLocation `json:"location,omitempty"`
}

// ReassignLocation switches the reassigned meeting to a video provider.
type ReassignLocation struct {
	Type  string `json:"type"`  // LocationVirtual
	Value string `json:"value"` // one of VideoProviders
}

// Validate checks the body without sending anything.
func (r ReassignRequest) Validate() error {
	if err := checkID("new_host", PrefixUser, r.NewHost); err != nil {
		return err
	}
	if l := r.Location; l != nil {
		if l.Type != LocationVirtual {
			return paramErr("location.type", "%q is not possible when reassigning; use %s", clip.Value(l.Type), LocationVirtual)
		}
		if !slices.Contains(VideoProviders(), l.Value) {
			return paramErr("location.value", "%q is not a supported provider; use one of %s", clip.Value(l.Value), strings.Join(VideoProviders(), ", "))
		}
	}
	return nil
}

// Reassign moves a booking to another host.
func (s *BookingsService) Reassign(ctx context.Context, id string, body *ReassignRequest) (Booking, *Response, error) {
	b := orZero(body)
	if err := b.Validate(); err != nil {
		return Booking{}, nil, err
	}
	return s.action(ctx, id, "reassign", b)
}

// MarkNoShow records that the guest did not attend.
func (s *BookingsService) MarkNoShow(ctx context.Context, id string) (Booking, *Response, error) {
	return s.action(ctx, id, "no-show", nil)
}

func (s *BookingsService) action(ctx context.Context, id, action string, body any) (Booking, *Response, error) {
	if err := checkID("id", PrefixBooking, id); err != nil {
		return Booking{}, nil, err
	}
	var b Booking
	resp, err := s.client.do(ctx, request{method: "POST", route: "/bookings/{id}/" + action, id: id, body: body}, &b)
	return b, resp, err
}
