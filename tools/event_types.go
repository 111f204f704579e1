package tools

import (
	"context"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listEventTypesArgs struct {
	pageArgs
	Name Search `json:"name,omitempty" jsonschema:"part of the name, any case (matched here, over all event types)"`
}

func (listEventTypesArgs) rules() []*jsonschema.Schema {
	return append(pageArgs{}.rules(), exclusive("name", "before"))
}

type eventTypeIDArgs struct {
	EventTypeID EventTypeID `json:"event_type_id"`
}

func eventTypeTools(d Deps) []Tool {
	return []Tool{
		define(spec{
			name: "list_event_types", toolset: toolsetBookingPages, effect: read,
			desc: "Classic event types (meeting types): id, name, description; find one by name. IDs filter list_bookings and " +
				"list_booking_pages.",
		}, func(ctx context.Context, a listEventTypesArgs) (listResult[oncehub.EventType], error) {
			opts := a.pageArgs.options()
			if a.Name != "" {
				return listMatching(ctx, a.pageArgs, d.Client.EventTypes, &opts,
					func(e oncehub.EventType) bool { return contains(a.Name, e.Name) },
					func(e oncehub.EventType) string { return e.ID }, identity[oncehub.EventType])
			}
			return listPage(ctx, a.pageArgs, d.Client.EventTypes, &opts, nil, identity[oncehub.EventType])
		}),
		define(spec{
			name: "get_event_type", toolset: toolsetBookingPages, effect: read,
			desc: "One classic event type: name and description.",
		}, func(ctx context.Context, a eventTypeIDArgs) (oncehub.EventType, error) {
			e, _, err := d.Client.EventTypes.Get(ctx, string(a.EventTypeID))
			return e, err
		}),
	}
}
