package tools

import (
	"context"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listEventTypesArgs struct {
	pageArgs
}

type eventTypeIDArgs struct {
	EventTypeID string `json:"event_type_id"`
}

func eventTypeTools(d Deps) []Tool {
	return []Tool{
		define[listEventTypesArgs](spec{
			name: "list_event_types", toolset: toolsetBookingPages, effect: read,
			desc: "Classic event types (meeting types): id, name, description; IDs filter list_bookings and list_booking_pages.",
		}, func(ctx context.Context, a listEventTypesArgs) (any, error) {
			opts := a.pageArgs.options()
			return listPage(ctx, a.pageArgs, d.Client.EventTypes, &opts, identity[oncehub.EventType])
		}),
		define[eventTypeIDArgs](spec{
			name: "get_event_type", toolset: toolsetBookingPages, effect: read,
			desc: "One classic event type: name and description.",
		}, func(ctx context.Context, a eventTypeIDArgs) (any, error) {
			e, _, err := d.Client.EventTypes.Get(ctx, a.EventTypeID)
			return e, err
		}),
	}
}
