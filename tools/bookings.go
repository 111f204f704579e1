package tools

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listBookingsArgs struct {
	pageArgs
	detailArg
	Status          BookingStatus     `json:"status,omitempty"`
	Owner           UserID            `json:"owner,omitempty" jsonschema:"the host's user ID (get_me for \"my\")"`
	Contact         ContactID         `json:"contact,omitempty" jsonschema:"the guest's contact ID"`
	BookingCalendar BookingCalendarID `json:"booking_calendar,omitempty" jsonschema:"booked on this calendar"`
	Host            UserID            `json:"host,omitempty" jsonschema:"a calendar host's user ID (booking calendars)"`
	BookingPage     BookingPageID     `json:"booking_page,omitempty" jsonschema:"booked on this page (classic)"`
	MasterPage      MasterPageID      `json:"master_page,omitempty" jsonschema:"booked through this master page (classic)"`
	EventType       EventTypeID       `json:"event_type,omitempty" jsonschema:"of this event type (classic)"`
	StartingAfter   When              `json:"starting_time_after,omitempty" jsonschema:"starts at or after"`
	StartingBefore  When              `json:"starting_time_before,omitempty" jsonschema:"starts before"`
	CreatedAfter    When              `json:"creation_time_after,omitempty" jsonschema:"booked at or after"`
	CreatedBefore   When              `json:"creation_time_before,omitempty" jsonschema:"booked before"`
	UpdatedAfter    When              `json:"last_updated_time_after,omitempty" jsonschema:"changed at or after"`
	UpdatedBefore   When              `json:"last_updated_time_before,omitempty" jsonschema:"changed before"`
	Expand          []BookingExpand   `json:"expand,omitempty" jsonschema:"IDs to replace by objects (detail=full)"`
	TimeZone        TimeZone          `json:"time_zone,omitempty" jsonschema:"starting_time_local in this zone (default: the guest's); times without offset read in it (default UTC)"`

	loc                        *time.Location
	starting, created, updated timeRange
}

func (a *listBookingsArgs) validate() error {
	var err error
	if a.loc, err = loadZone("time_zone", string(a.TimeZone)); err != nil {
		return err
	}
	if a.starting, err = newTimeRange("starting_time", a.StartingAfter, a.StartingBefore, a.loc); err != nil {
		return err
	}
	if a.created, err = newTimeRange("creation_time", a.CreatedAfter, a.CreatedBefore, a.loc); err != nil {
		return err
	}
	a.updated, err = newTimeRange("last_updated_time", a.UpdatedAfter, a.UpdatedBefore, a.loc)
	return err
}

func (a listBookingsArgs) options() *oncehub.BookingListOptions {
	return &oncehub.BookingListOptions{
		ListOptions: a.pageArgs.options(), Status: string(a.Status), Owner: string(a.Owner), Contact: string(a.Contact),
		BookingCalendar: string(a.BookingCalendar), Host: string(a.Host), BookingPage: string(a.BookingPage),
		MasterPage: string(a.MasterPage), EventType: string(a.EventType),
		StartingTime: a.starting.dates(), CreationTime: a.created.dates(), LastUpdatedTime: a.updated.dates(),
		Expand: a.expandForNames(ids(a.Expand), "owner"), // owner_name, in the same request
	}
}

// keep trims what OnceHub's whole-day filters let through.
func (a listBookingsArgs) keep() func(oncehub.Booking) bool {
	if a.starting.isZero() && a.created.isZero() && a.updated.isZero() {
		return nil
	}
	return func(b oncehub.Booking) bool {
		return a.starting.contains(b.StartingTime) && a.created.contains(b.CreationTime) && a.updated.contains(b.LastUpdatedTime)
	}
}

type bookingIDArgs struct {
	BookingID BookingID       `json:"booking_id"`
	Expand    []BookingExpand `json:"expand,omitempty" jsonschema:"replace these IDs by the objects"`
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
		define(spec{
			name: "list_bookings", toolset: toolsetBookings, effect: read,
			desc: "Bookings, newest first: id, status, subject, starting_time, starting_time_local (time_zone or the guest's), " +
				"duration_minutes, guest, owner, location. For someone's meetings on a day, filter by owner and starting_time_after/_before.",
		}, func(ctx context.Context, a listBookingsArgs) (detailList[bookingView, oncehub.Booking], error) {
			return listDetail(ctx, a.pageArgs, a.detailArg, d.Client.Bookings, a.options(), a.keep(), func(b oncehub.Booking) bookingView { return viewBooking(b, a.loc) })
		}),
		define(spec{
			name: "get_booking", toolset: toolsetBookings, effect: read,
			desc: "Every detail of one booking: status, times, customer_timezone, form answers, location, join and " +
				"cancel/reschedule links, owner, contact.",
		}, func(ctx context.Context, a bookingIDArgs) (oncehub.Booking, error) {
			expand := make([]string, len(a.Expand))
			for i, e := range a.Expand {
				expand[i] = string(e)
			}
			b, _, err := d.Client.Bookings.Get(ctx, string(a.BookingID), &oncehub.BookingGetOptions{Expand: expand})
			return b, err
		}),
		defineDestructive(d, spec{
			name: "cancel_booking", toolset: toolsetBookings, effect: destroyIdempotent,
			desc: "Cancel an upcoming meeting; the guest is emailed unless send_cancellation_email is false. Cannot be undone; to " +
				"offer a new time, use request_booking_reschedule instead.",
		}, func(ctx context.Context, a cancelBookingArgs) (string, error) {
			emailed := a.SendEmail == nil || *a.SendEmail
			return d.describeBookingChange(ctx, "Cancel", a.BookingID, "", func(guest string) string {
				if !emailed {
					return "No cancellation email is sent."
				}
				return guest + " is emailed the cancellation."
			})
		}, func(ctx context.Context, a cancelBookingArgs) (bookingChange, *oncehub.Response, error) {
			b, resp, err := d.Client.Bookings.Cancel(ctx, string(a.BookingID), &oncehub.CancelRequest{Reason: string(a.Reason), SendEmail: a.SendEmail})
			if isConflict(err) {
				if done, ok := d.alreadyCanceled(ctx, a.BookingID); ok {
					return done, resp, nil
				}
			}
			return bookingWriteResult(b, resp, a.BookingID, err)
		}),
		defineDestructive(d, spec{
			name: "request_booking_reschedule", toolset: toolsetBookings, effect: destroyIdempotent,
			desc: "Cancel a meeting and email the guest a link to pick a new time; the new booking appears when they do.",
		}, func(ctx context.Context, a rescheduleArgs) (string, error) {
			return d.describeBookingChange(ctx, "Cancel and ask the guest to reschedule", a.BookingID, "", func(guest string) string {
				return guest + " is emailed a link to pick a new time."
			})
		}, func(ctx context.Context, a rescheduleArgs) (bookingChange, *oncehub.Response, error) {
			b, resp, err := d.Client.Bookings.RequestReschedule(ctx, string(a.BookingID), &oncehub.RescheduleRequest{Reason: string(a.Reason)})
			return bookingWriteResult(b, resp, a.BookingID, err)
		}),
		defineDestructive(d, spec{
			name: "reassign_booking", toolset: toolsetBookings, effect: destroy,
			args: map[string]string{"location.value": "video_provider", "location.type": "video_provider"},
			desc: "Move an upcoming meeting to another active host; the old calendar event is deleted and everyone is notified.",
		}, func(ctx context.Context, a reassignArgs) (string, error) {
			host, _, err := d.Client.Users.Get(ctx, string(a.NewHost))
			if err != nil {
				return "", checkedArg("new_host", err)
			}
			to := " to " + userSummary(host)
			if a.VideoProvider != "" {
				to += " on " + string(a.VideoProvider)
			}
			return d.describeBookingChange(ctx, "Reassign", a.BookingID, to, func(guest string) string {
				return guest + " and both hosts are notified."
			})
		}, func(ctx context.Context, a reassignArgs) (bookingChange, *oncehub.Response, error) {
			b, resp, err := d.Client.Bookings.Reassign(ctx, string(a.BookingID), a.request())
			return bookingWriteResult(b, resp, a.BookingID, err)
		}),
		defineWrite(spec{
			name: "mark_booking_no_show", toolset: toolsetBookings, effect: update,
			desc: "Record that the guest missed a meeting that has already started (status no_show).",
		}, func(ctx context.Context, a bookingActionArgs) (bookingChange, *oncehub.Response, error) {
			b, resp, err := d.Client.Bookings.MarkNoShow(ctx, string(a.BookingID))
			return bookingWriteResult(b, resp, a.BookingID, err)
		}),
	}
}

// bookingActionArgs is the argument of tools that act on one booking.
type bookingActionArgs struct {
	BookingID BookingID `json:"booking_id"`
}

type cancelBookingArgs struct {
	bookingActionArgs
	Reason    Reason `json:"reason,omitempty"`
	SendEmail *bool  `json:"send_cancellation_email,omitempty" jsonschema:"email the guest" default:"true"`
}

type rescheduleArgs struct {
	bookingActionArgs
	Reason Reason `json:"reason,omitempty"`
}

type reassignArgs struct {
	bookingActionArgs
	NewHost       UserID        `json:"new_host" jsonschema:"the new host's user ID"`
	VideoProvider VideoProvider `json:"video_provider,omitempty" jsonschema:"switch the meeting to this provider; omit to keep the location"`
}

func (a reassignArgs) request() *oncehub.ReassignRequest {
	r := &oncehub.ReassignRequest{NewHost: string(a.NewHost)}
	if a.VideoProvider != "" {
		r.Location = &oncehub.ReassignLocation{Type: oncehub.LocationVirtual, Value: string(a.VideoProvider)}
	}
	return r
}

// bookingChange is the result of a tool that changes a booking.
type bookingChange struct {
	bookingView
	AlreadyCanceled bool `json:"already_canceled,omitempty" jsonschema:"it was canceled before this call; nothing changed"`
}

// bookingWriteResult renders the booking a write returned; when OnceHub's
// answer was lost, the error says to look at the booking before retrying.
func bookingWriteResult(b oncehub.Booking, resp *oncehub.Response, id BookingID, err error) (bookingChange, *oncehub.Response, error) {
	if err != nil {
		return bookingChange{}, resp, checkStateWith(err, fmt.Sprintf("get_booking (booking_id %q)", id))
	}
	return bookingChange{bookingView: viewBooking(b, nil)}, resp, nil
}

// alreadyCanceled is the result for a booking that was canceled before the
// call: cancelling it again changes nothing.
func (d Deps) alreadyCanceled(ctx context.Context, id BookingID) (bookingChange, bool) {
	b, _, err := d.Client.Bookings.Get(ctx, string(id), nil)
	if err != nil || b.Status != oncehub.BookingCanceled {
		return bookingChange{}, false
	}
	return bookingChange{bookingView: viewBooking(b, nil), AlreadyCanceled: true}, true
}

// describeBookingChange is the confirmation summary of action on booking id:
// which booking, its subject, guest, host and start (in the guest's zone and
// UTC), extra (e.g. the new host), and who is told (emailed, given the
// guest's name and address). A canceled booking is not asked about: it is
// already canceled (a *done result) or cannot be changed.
func (d Deps) describeBookingChange(ctx context.Context, action string, id BookingID, extra string, told func(guest string) string) (string, error) {
	b, _, err := d.Client.Bookings.Get(ctx, string(id), &oncehub.BookingGetOptions{Expand: []string{"owner"}})
	if err != nil {
		return "", err
	}
	if b.Status == oncehub.BookingCanceled {
		if action == "Cancel" {
			return "", &done{result: bookingChange{bookingView: viewBooking(b, nil), AlreadyCanceled: true}}
		}
		return "", fmt.Errorf("booking %s is already canceled, so it cannot be changed; nothing was sent to OnceHub. To meet again, find a time with find_available_slots and book it with schedule_meeting", b.ID)
	}
	var s strings.Builder
	fmt.Fprintf(&s, "%s booking %s", action, b.ID)
	if b.Subject != "" {
		fmt.Fprintf(&s, " %q", b.Subject)
	}
	guest := "The guest"
	if f := b.FormSubmission; f != nil && (f.Name != "" || f.Email != "") {
		guest = strings.TrimSpace(f.Name)
		if f.Email != "" {
			guest = strings.TrimSpace(guest + " <" + f.Email + ">")
		}
		s.WriteString(" with " + guest)
	}
	if b.StartingTime != nil {
		t := *b.StartingTime
		if loc, err := zone(b.CustomerTimezone); err == nil && b.CustomerTimezone != "" {
			fmt.Fprintf(&s, " on %s (%s; %s)", t.In(loc).Format("Mon 2 Jan 2006 15:04"), b.CustomerTimezone, t.UTC().Format("2006-01-02 15:04 UTC"))
		} else {
			fmt.Fprintf(&s, " on %s", t.UTC().Format("Mon 2 Jan 2006 15:04 UTC"))
		}
	}
	if u := b.Owner.Object; u != nil {
		fmt.Fprintf(&s, ", hosted by %s", strings.TrimSpace(u.FirstName+" "+u.LastName))
	}
	if b.Status != "" && b.Status != oncehub.BookingScheduled {
		fmt.Fprintf(&s, ", status %s", b.Status)
	}
	s.WriteString(extra)
	s.WriteString(". " + told(guest))
	return s.String(), nil
}

// checkedArg names arg in an error about an object the call refers to (for
// example a new host that does not exist).
func checkedArg(arg string, err error) error {
	if oncehub.IsNotFound(err) {
		return argErrorf(arg, "no such object in this OnceHub account; find one with a list_ tool")
	}
	return err
}

// isConflict reports OnceHub's 409.
func isConflict(err error) bool {
	e, ok := errors.AsType[*oncehub.APIError](err)
	return ok && e.Status == 409
}
