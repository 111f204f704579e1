package tools

import (
	"context"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listBookingsArgs struct {
	pageArgs
	detailArg
	Status          string   `json:"status,omitempty" jsonschema:"requested, scheduled, rescheduled, completed, canceled or no_show."`
	Owner           string   `json:"owner,omitempty" jsonschema:"Owner's user ID (USR-…)."`
	Contact         string   `json:"contact,omitempty" jsonschema:"Contact ID (CTC-…)."`
	BookingCalendar string   `json:"booking_calendar,omitempty" jsonschema:"Booking calendar ID (BKC-…)."`
	Host            string   `json:"host,omitempty" jsonschema:"Host or co-host user ID (USR-…); booking calendars only."`
	BookingPage     string   `json:"booking_page,omitempty" jsonschema:"Booking page ID (BP-…); classic booking pages only."`
	MasterPage      string   `json:"master_page,omitempty" jsonschema:"Master page ID (MP-…); classic booking pages only."`
	EventType       string   `json:"event_type,omitempty" jsonschema:"Event type ID (ET-…); classic booking pages only."`
	StartingAfter   string   `json:"starting_time_after,omitempty" jsonschema:"Meetings starting after this UTC date (YYYY-MM-DD)."`
	StartingBefore  string   `json:"starting_time_before,omitempty" jsonschema:"Meetings starting before this UTC date (YYYY-MM-DD)."`
	CreatedAfter    string   `json:"creation_time_after,omitempty" jsonschema:"Booked after this UTC date (YYYY-MM-DD)."`
	CreatedBefore   string   `json:"creation_time_before,omitempty" jsonschema:"Booked before this UTC date (YYYY-MM-DD)."`
	UpdatedAfter    string   `json:"last_updated_time_after,omitempty" jsonschema:"Changed after this UTC date (YYYY-MM-DD)."`
	UpdatedBefore   string   `json:"last_updated_time_before,omitempty" jsonschema:"Changed before this UTC date (YYYY-MM-DD)."`
	Expand          []string `json:"expand,omitempty" jsonschema:"Replace IDs with objects: owner, contact, booking_page, master_page, event_type, conversation (slower)."`
	TimeZone        string   `json:"time_zone,omitempty" jsonschema:"IANA zone for starting_time_local (default: each guest's zone)."`
}

func (a listBookingsArgs) filter() oncehub.BookingFilter {
	return oncehub.BookingFilter{
		ListParams: a.params(), Status: a.Status, Owner: a.Owner, Contact: a.Contact,
		BookingCalendar: a.BookingCalendar, Host: a.Host, BookingPage: a.BookingPage,
		MasterPage: a.MasterPage, EventType: a.EventType,
		StartingTime:    oncehub.DateRange{After: a.StartingAfter, Before: a.StartingBefore},
		CreationTime:    oncehub.DateRange{After: a.CreatedAfter, Before: a.CreatedBefore},
		LastUpdatedTime: oncehub.DateRange{After: a.UpdatedAfter, Before: a.UpdatedBefore},
		Expand:          a.Expand,
	}
}

func (a *listBookingsArgs) validate() error {
	if err := a.pageArgs.validate(); err != nil {
		return err
	}
	if err := a.detailArg.validate(); err != nil {
		return err
	}
	if _, err := loadZone("time_zone", a.TimeZone); err != nil {
		return err
	}
	f := a.filter()
	f.ListParams = oncehub.ListParams{}
	return f.Validate()
}

type bookingIDArgs struct {
	BookingID string   `json:"booking_id" jsonschema:"Booking ID (BKNG-…)."`
	Expand    []string `json:"expand,omitempty" jsonschema:"Replace IDs with objects: owner, contact, booking_page, master_page, event_type, conversation."`
}

func (a *bookingIDArgs) validate() error {
	return oncehub.CheckID("booking_id", oncehub.PrefixBooking, a.BookingID)
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
		define[listBookingsArgs, listOutput](spec{
			name: "list_bookings", title: "List bookings", toolset: "bookings", effect: read,
			desc: "List bookings (meetings), newest first, with optional filters. Each item: id (BKNG-…), status, subject, " +
				"starting_time (UTC) and starting_time_local (in time_zone or the guest's zone), duration_minutes, guest, owner, location. " +
				"Date filters take UTC dates. Returns has_more and next_cursor; never assume the list is complete when has_more is true. " +
				"Use get_booking for one booking's full details.",
		}, func(ctx context.Context, a listBookingsArgs) (any, error) {
			loc, _ := loadZone("time_zone", a.TimeZone)
			fetch := func(ctx context.Context, p oncehub.ListParams) (oncehub.Page[oncehub.Booking], error) {
				f := a.filter()
				f.ListParams = p
				return d.Client.ListBookings(ctx, f)
			}
			if a.full() {
				return listPage(ctx, a.pageArgs, fetch, identity[oncehub.Booking])
			}
			return listPage(ctx, a.pageArgs, fetch, func(b oncehub.Booking) bookingView { return viewBooking(b, loc) })
		}),
		define[bookingIDArgs, objectOutput](spec{
			name: "get_booking", title: "Get a booking", toolset: "bookings", effect: read,
			desc: "Get every detail of one booking by ID (BKNG-…): status, times (UTC, with customer_timezone), form answers, location, " +
				"join and cancel/reschedule links, owner and contact. A deleted booking comes back as {id, deleted: true}.",
		}, func(ctx context.Context, a bookingIDArgs) (any, error) {
			return d.Client.GetBooking(ctx, a.BookingID, a.Expand...)
		}),
	}
}
