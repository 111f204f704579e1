package tools

import (
	"context"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listBookingPagesArgs struct {
	pageArgs
	MasterPage string `json:"master_page,omitempty" jsonschema:"MP-…"`
	EventType  string `json:"event_type,omitempty" jsonschema:"ET-…"`
	User       string `json:"user,omitempty" jsonschema:"USR-…"`
}

func (a listBookingPagesArgs) filter() oncehub.BookingPageFilter {
	return oncehub.BookingPageFilter{ListParams: a.params(), MasterPage: a.MasterPage, EventType: a.EventType, User: a.User}
}

func (a *listBookingPagesArgs) validate() error {
	if err := a.pageArgs.validate(); err != nil {
		return err
	}
	f := a.filter()
	f.ListParams = oncehub.ListParams{}
	return f.Validate()
}

type bookingPageIDArgs struct {
	BookingPageID string `json:"booking_page_id" jsonschema:"BP-…"`
}

func (a *bookingPageIDArgs) validate() error {
	return oncehub.CheckID("booking_page_id", oncehub.PrefixBookingPage, a.BookingPageID)
}

func bookingPageTools(d Deps) []Tool {
	return []Tool{
		define[listBookingPagesArgs, listOutput](spec{
			name: "list_booking_pages", title: "List booking pages", toolset: "booking_pages", effect: read,
			desc: "List classic-product booking pages: id (BP-…), name, label, url, active, timezone. " +
				"Filter by master_page, event_type or user. For the current product use list_booking_calendars.",
		}, func(ctx context.Context, a listBookingPagesArgs) (any, error) {
			return listPage(ctx, a.pageArgs, func(ctx context.Context, p oncehub.ListParams) (oncehub.Page[oncehub.BookingPage], error) {
				f := a.filter()
				f.ListParams = p
				return d.Client.ListBookingPages(ctx, f)
			}, identity[oncehub.BookingPage])
		}),
		define[bookingPageIDArgs, objectOutput](spec{
			name: "get_booking_page", title: "Get a booking page", toolset: "booking_pages", effect: read,
			desc: "Get one classic booking page by ID (BP-…): name, label, url, active, timezone (IANA).",
		}, func(ctx context.Context, a bookingPageIDArgs) (any, error) {
			return d.Client.GetBookingPage(ctx, a.BookingPageID)
		}),
	}
}
