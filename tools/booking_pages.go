package tools

import (
	"context"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listBookingPagesArgs struct {
	pageArgs
	MasterPage string `json:"master_page,omitempty"`
	EventType  string `json:"event_type,omitempty"`
	User       string `json:"user,omitempty"`
}

func (a listBookingPagesArgs) options() *oncehub.BookingPageListOptions {
	return &oncehub.BookingPageListOptions{ListOptions: a.pageArgs.options(), MasterPage: a.MasterPage, EventType: a.EventType, User: a.User}
}

type bookingPageIDArgs struct {
	BookingPageID string `json:"booking_page_id"`
}

func bookingPageTools(d Deps) []Tool {
	return []Tool{
		define[listBookingPagesArgs](spec{
			name: "list_booking_pages", toolset: toolsetBookingPages, effect: read,
			desc: "Classic booking pages: id, name, label, url, active, timezone. For the current product use list_booking_calendars.",
		}, func(ctx context.Context, a listBookingPagesArgs) (any, error) {
			return listPage(ctx, a.pageArgs, d.Client.BookingPages, a.options(), identity[oncehub.BookingPage])
		}),
		define[bookingPageIDArgs](spec{
			name: "get_booking_page", toolset: toolsetBookingPages, effect: read,
			desc: "One classic booking page: name, label, url, active, timezone.",
		}, func(ctx context.Context, a bookingPageIDArgs) (any, error) {
			b, _, err := d.Client.BookingPages.Get(ctx, a.BookingPageID)
			return b, err
		}),
	}
}
