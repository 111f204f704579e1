package tools

import (
	"context"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listBookingPagesArgs struct {
	pageArgs
	MasterPage MasterPageID `json:"master_page,omitempty" jsonschema:"pages of this master page"`
	EventType  EventTypeID  `json:"event_type,omitempty" jsonschema:"pages offering this event type"`
	User       UserID       `json:"user,omitempty" jsonschema:"pages of this user"`
}

func (a listBookingPagesArgs) options() *oncehub.BookingPageListOptions {
	return &oncehub.BookingPageListOptions{ListOptions: a.pageArgs.options(), MasterPage: string(a.MasterPage), EventType: string(a.EventType), User: string(a.User)}
}

type bookingPageIDArgs struct {
	BookingPageID BookingPageID `json:"booking_page_id"`
}

func bookingPageTools(d Deps) []Tool {
	return []Tool{
		define(spec{
			name: "list_booking_pages", toolset: toolsetBookingPages, effect: read,
			desc: "Classic booking pages: id, name, label, url, active, timezone. For the current product use list_booking_calendars.",
		}, func(ctx context.Context, a listBookingPagesArgs) (listResult[oncehub.BookingPage], error) {
			return listPage(ctx, a.pageArgs, d.Client.BookingPages, a.options(), nil, identity[oncehub.BookingPage])
		}),
		define(spec{
			name: "get_booking_page", toolset: toolsetBookingPages, effect: read,
			desc: "One classic booking page: name, label, url, active, timezone.",
		}, func(ctx context.Context, a bookingPageIDArgs) (oncehub.BookingPage, error) {
			b, _, err := d.Client.BookingPages.Get(ctx, string(a.BookingPageID))
			return b, err
		}),
	}
}
