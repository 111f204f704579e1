package tools

import (
	"context"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listEventTypesArgs struct {
	pageArgs
}

type eventTypeIDArgs struct {
	EventTypeID string `json:"event_type_id" jsonschema:"ET-…"`
}

func (a *eventTypeIDArgs) validate() error {
	return oncehub.CheckID("event_type_id", oncehub.PrefixEventType, a.EventTypeID)
}

func eventTypeTools(d Deps) []Tool {
	return []Tool{
		define[listEventTypesArgs, listOutput](spec{
			name: "list_event_types", title: "List event types", toolset: "booking_pages", effect: read,
			desc: "List classic-product event types (meeting types): id (ET-…), name, description. " +
				"Use an ID as the event_type filter of list_booking_pages or list_bookings.",
		}, func(ctx context.Context, a listEventTypesArgs) (any, error) {
			return listPage(ctx, a.pageArgs, d.Client.ListEventTypes, identity[oncehub.EventType])
		}),
		define[eventTypeIDArgs, objectOutput](spec{
			name: "get_event_type", title: "Get an event type", toolset: "booking_pages", effect: read,
			desc: "Get one classic event type by ID (ET-…): name and description.",
		}, func(ctx context.Context, a eventTypeIDArgs) (any, error) {
			return d.Client.GetEventType(ctx, a.EventTypeID)
		}),
	}
}
