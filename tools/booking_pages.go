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

func (a listBookingPagesArgs) filter(p oncehub.ListParams) oncehub.BookingPageFilter {
	return oncehub.BookingPageFilter{ListParams: p, MasterPage: a.MasterPage, EventType: a.EventType, User: a.User}
}

func (a *listBookingPagesArgs) validate() error {
	if err := a.pageArgs.validate(); err != nil {
		return err
	}
	return a.filter(oncehub.ListParams{}).Validate()
}

type bookingPageIDArgs struct {
	BookingPageID string `json:"booking_page_id"`
}

func (a *bookingPageIDArgs) validate() error {
	return oncehub.CheckID("booking_page_id", oncehub.PrefixBookingPage, a.BookingPageID)
}

func bookingPageTools(d Deps) []Tool {
	return []Tool{
		define[listBookingPagesArgs](spec{
			name: "list_booking_pages", toolset: "booking_pages", effect: read,
			desc: "Classic booking pages: id, name, label, url, active, timezone. For the current product use list_booking_calendars.",
		}, func(ctx context.Context, a listBookingPagesArgs) (any, error) {
			return listPage(ctx, a.pageArgs, func(ctx context.Context, p oncehub.ListParams) (oncehub.Page[oncehub.BookingPage], error) {
				return d.Client.ListBookingPages(ctx, a.filter(p))
			}, identity[oncehub.BookingPage])
		}),
		define[bookingPageIDArgs](spec{
			name: "get_booking_page", toolset: "booking_pages", effect: read,
			desc: "One classic booking page: name, label, url, active, timezone.",
		}, func(ctx context.Context, a bookingPageIDArgs) (any, error) {
			return d.Client.GetBookingPage(ctx, a.BookingPageID)
		}),
	}
}
