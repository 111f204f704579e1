package tools

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listBookingsArgs struct {
	pageArgs
	detailArg
	Status          string   `json:"status,omitempty" jsonschema:"requested, scheduled, rescheduled, completed, canceled or no_show."`
	Owner           string   `json:"owner,omitempty"`
	Contact         string   `json:"contact,omitempty"`
	BookingCalendar string   `json:"booking_calendar,omitempty"`
	Host            string   `json:"host,omitempty"`
	BookingPage     string   `json:"booking_page,omitempty"`
	MasterPage      string   `json:"master_page,omitempty"`
	EventType       string   `json:"event_type,omitempty"`
	StartingAfter   string   `json:"starting_time_after,omitempty"`
	StartingBefore  string   `json:"starting_time_before,omitempty"`
	CreatedAfter    string   `json:"creation_time_after,omitempty"`
	CreatedBefore   string   `json:"creation_time_before,omitempty"`
	UpdatedAfter    string   `json:"last_updated_time_after,omitempty"`
	UpdatedBefore   string   `json:"last_updated_time_before,omitempty"`
	Expand          []string `json:"expand,omitempty" jsonschema:"owner, contact, booking_page, master_page, event_type, conversation"`
	TimeZone        string   `json:"time_zone,omitempty" jsonschema:"default: the guest's"`
}

func (a listBookingsArgs) options() *oncehub.BookingListOptions {
	return &oncehub.BookingListOptions{
		ListOptions: a.pageArgs.options(), Status: a.Status, Owner: a.Owner, Contact: a.Contact,
		BookingCalendar: a.BookingCalendar, Host: a.Host, BookingPage: a.BookingPage,
		MasterPage: a.MasterPage, EventType: a.EventType,
		StartingTime:    oncehub.DateRange{After: a.StartingAfter, Before: a.StartingBefore},
		CreationTime:    oncehub.DateRange{After: a.CreatedAfter, Before: a.CreatedBefore},
		LastUpdatedTime: oncehub.DateRange{After: a.UpdatedAfter, Before: a.UpdatedBefore},
		Expand:          a.expandForNames(a.Expand, "owner"),
	}
}

func (a *listBookingsArgs) validate() error {
	if err := a.pageArgs.validate(); err != nil {
		return err
	}
	if err := a.detailArg.validate(); err != nil {
		return err
	}
	_, err := loadZone("time_zone", a.TimeZone)
	return err
}

type bookingIDArgs struct {
	BookingID string   `json:"booking_id"`
	Expand    []string `json:"expand,omitempty" jsonschema:"owner, contact, booking_page, master_page, event_type, conversation"`
}

// bookingView is the compact form of a booking.
type bookingView struct {
	ID                string `json:"id"`
	Status            string `json:"status"`
	Subject           string `json:"subject,omitempty"`
	StartingTime      string `json:"starting_time,omitempty"`
	StartingTimeLocal string `json:"starting_time_local,omitempty"`
	TimeZone          string `json:"time_zone,omitempty"`
	DurationMinutes   int    `json:"duration_minutes,omitempty"`
	GuestName         string `json:"guest_name,omitempty"`
	GuestEmail        string `json:"guest_email,omitempty"`
	Owner             string `json:"owner,omitempty"`
	OwnerName         string `json:"owner_name,omitempty"`
	Contact           string `json:"contact,omitempty"`
	BookingCalendar   string `json:"booking_calendar,omitempty"`
	Location          string `json:"location,omitempty"`
	JoinURL           string `json:"join_url,omitempty"`
	InTrash           bool   `json:"in_trash,omitempty"`
}

func viewBooking(b oncehub.Booking, loc *time.Location) bookingView {
	v := bookingView{
		ID: b.ID, Status: b.Status, Subject: b.Subject,
		StartingTime: utc(b.StartingTime), DurationMinutes: b.DurationMinutes,
		Owner: b.Owner.ID, Contact: b.Contact.ID, BookingCalendar: b.BookingCalendar,
		Location: b.LocationDescription, InTrash: b.InTrash,
	}
	v.TimeZone = b.CustomerTimezone
	if loc != nil {
		v.TimeZone = loc.String()
	}
	v.StartingTimeLocal = localTime(b.StartingTime, loc, b.CustomerTimezone)
	if b.Owner.Object != nil {
		v.OwnerName = b.Owner.Object.Name()
	}
	if b.FormSubmission != nil {
		v.GuestName, v.GuestEmail = b.FormSubmission.Name, b.FormSubmission.Email
	}
	if b.VirtualConferencing != nil {
		v.JoinURL = b.VirtualConferencing.JoinURL
	}
	return v
}

func bookingTools(d Deps) []Tool {
	return []Tool{
		define[listBookingsArgs](spec{
			name: "list_bookings", toolset: toolsetBookings, effect: read,
			desc: "Bookings, newest first: id, status, subject, starting_time, starting_time_local (time_zone or the guest's), " +
				"duration_minutes, guest, owner, location.",
		}, func(ctx context.Context, a listBookingsArgs) (any, error) {
			loc, _ := loadZone("time_zone", a.TimeZone)
			return listDetail(ctx, a.pageArgs, a.detailArg, d.Client.Bookings, a.options(), func(b oncehub.Booking) bookingView { return viewBooking(b, loc) })
		}),
		define[bookingIDArgs](spec{
			name: "get_booking", toolset: toolsetBookings, effect: read,
			desc: "Every detail of one booking: status, times, customer_timezone, form answers, location, join and " +
				"cancel/reschedule links, owner, contact.",
		}, func(ctx context.Context, a bookingIDArgs) (any, error) {
			b, _, err := d.Client.Bookings.Get(ctx, a.BookingID, &oncehub.BookingGetOptions{Expand: a.Expand})
			return b, err
		}),
		defineDestructive[cancelBookingArgs](d, spec{
			name: "cancel_booking", toolset: toolsetBookings, effect: destroyIdempotent,
			desc: "Cancel an upcoming meeting; the guest is emailed unless send_cancellation_email is false. Cannot be undone; to " +
				"offer a new time, use request_booking_reschedule instead.",
		}, describeBooking[cancelBookingArgs](d, "Cancel"), func(ctx context.Context, a cancelBookingArgs) (any, *oncehub.Response, error) {
			b, resp, err := d.Client.Bookings.Cancel(ctx, a.BookingID, &oncehub.CancelRequest{Reason: a.Reason, SendEmail: a.SendEmail})
			return bookingWriteResult(b, resp, a.BookingID, err)
		}),
		defineDestructive[rescheduleArgs](d, spec{
			name: "request_booking_reschedule", toolset: toolsetBookings, effect: destroyIdempotent,
			desc: "Cancel a meeting and email the guest a link to pick a new time; the new booking appears when they do.",
		}, describeBooking[rescheduleArgs](d, "Cancel and ask the guest to reschedule"), func(ctx context.Context, a rescheduleArgs) (any, *oncehub.Response, error) {
			b, resp, err := d.Client.Bookings.RequestReschedule(ctx, a.BookingID, &oncehub.RescheduleRequest{Reason: a.Reason})
			return bookingWriteResult(b, resp, a.BookingID, err)
		}),
		defineDestructive[reassignArgs](d, spec{
			name: "reassign_booking", toolset: toolsetBookings, effect: destroy,
			args: map[string]string{"location.value": "video_provider", "location.type": "video_provider"},
			desc: "Move an upcoming meeting to another active host; the old calendar event is deleted and everyone is notified.",
		}, func(ctx context.Context, a reassignArgs) (string, error) {
			return d.bookingSummary(ctx, "Reassign", a.BookingID, " to host "+a.NewHost)
		}, func(ctx context.Context, a reassignArgs) (any, *oncehub.Response, error) {
			b, resp, err := d.Client.Bookings.Reassign(ctx, a.BookingID, a.request())
			return bookingWriteResult(b, resp, a.BookingID, err)
		}),
		defineWrite[bookingActionArgs](spec{
			name: "mark_booking_no_show", toolset: toolsetBookings, effect: update,
			desc: "Record that the guest missed a meeting that has already started (status no_show).",
		}, func(ctx context.Context, a bookingActionArgs) (any, *oncehub.Response, error) {
			b, resp, err := d.Client.Bookings.MarkNoShow(ctx, a.BookingID)
			return bookingWriteResult(b, resp, a.BookingID, err)
		}),
	}
}

// bookingActionArgs is the argument of tools that act on one booking.
type bookingActionArgs struct {
	BookingID string `json:"booking_id"`
}

func (a bookingActionArgs) bookingID() string { return a.BookingID }

type cancelBookingArgs struct {
	bookingActionArgs
	Reason    string `json:"reason,omitempty" jsonschema:"shown to the guest"`
	SendEmail *bool  `json:"send_cancellation_email,omitempty" jsonschema:"default true"`
}

type rescheduleArgs struct {
	bookingActionArgs
	Reason string `json:"reason,omitempty" jsonschema:"shown to the guest"`
}

type reassignArgs struct {
	bookingActionArgs
	NewHost       string `json:"new_host"`
	VideoProvider string `json:"video_provider,omitempty" jsonschema:"google_meet, microsoft_teams, webex, gotomeeting or zoom; omit to keep the location"`
}

func (a reassignArgs) request() *oncehub.ReassignRequest {
	r := &oncehub.ReassignRequest{NewHost: a.NewHost}
	if a.VideoProvider != "" {
		r.Location = &oncehub.ReassignLocation{Type: oncehub.LocationVirtual, Value: a.VideoProvider}
	}
	return r
}

// validate checks the request before the user is asked to confirm it.
func (a *reassignArgs) validate() error { return a.request().Validate() }

// bookingWriteResult renders the booking a write returned; when OnceHub's
// answer was lost, the error says to look at the booking before retrying.
func bookingWriteResult(b oncehub.Booking, resp *oncehub.Response, id string, err error) (any, *oncehub.Response, error) {
	if err != nil {
		return nil, resp, checkStateWith(err, fmt.Sprintf("get_booking (booking_id %q)", id))
	}
	return viewBooking(b, nil), resp, nil
}

// describeBooking returns the confirmation summary of a booking action.
func describeBooking[A interface{ bookingID() string }](d Deps, action string) func(context.Context, A) (string, error) {
	return func(ctx context.Context, a A) (string, error) {
		return d.bookingSummary(ctx, action, a.bookingID(), "")
	}
}

// bookingSummary is the one-line confirmation summary of action on booking id:
// which booking, subject, guest, and start in the guest's zone and UTC.
func (d Deps) bookingSummary(ctx context.Context, action, id, extra string) (string, error) {
	b, _, err := d.Client.Bookings.Get(ctx, id, nil)
	if err != nil {
		return "", err
	}
	var s strings.Builder
	fmt.Fprintf(&s, "%s booking %s", action, b.ID)
	if b.Subject != "" {
		fmt.Fprintf(&s, " %q", b.Subject)
	}
	if f := b.FormSubmission; f != nil && (f.Name != "" || f.Email != "") {
		s.WriteString(" with " + strings.TrimSpace(f.Name))
		if f.Email != "" {
			fmt.Fprintf(&s, " <%s>", f.Email)
		}
	}
	if b.StartingTime != nil {
		t := *b.StartingTime
		if loc, err := zone(b.CustomerTimezone); err == nil && b.CustomerTimezone != "" {
			fmt.Fprintf(&s, " on %s (%s; %s)", t.In(loc).Format("Mon 2 Jan 2006 15:04"), b.CustomerTimezone, t.UTC().Format("2006-01-02 15:04 UTC"))
		} else {
			fmt.Fprintf(&s, " on %s", t.UTC().Format("Mon 2 Jan 2006 15:04 UTC"))
		}
	}
	if b.Status != "" && b.Status != oncehub.BookingScheduled {
		fmt.Fprintf(&s, ", status %s", b.Status)
	}
	s.WriteString(extra)
	return s.String() + ".", nil
}
