package oncehub

import "context"

// EventType is a classic-product meeting type.
type EventType struct {
	Object      string `json:"object,omitempty"`
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Deleted     bool   `json:"deleted,omitempty"`
	Extra       Extra  `json:"-"`
}

// UnmarshalJSON keeps unknown fields in Extra.
func (e *EventType) UnmarshalJSON(data []byte) error {
	type plain EventType
	return decodeObject(data, (*plain)(e), &e.Extra)
}

// MarshalJSON writes known and unknown fields.
func (e EventType) MarshalJSON() ([]byte, error) {
	type plain EventType
	return encodeObject(plain(e), e.Extra)
}

// ListEventTypes returns one page of event types.
func (c *Client) ListEventTypes(ctx context.Context, p ListParams) (Page[EventType], error) {
	return list(ctx, c, "/event-types", "/event-types", nil, p, func(e EventType) string { return e.ID })
}

// GetEventType fetches one event type.
func (c *Client) GetEventType(ctx context.Context, id string) (EventType, error) {
	return get[EventType](ctx, c, "/event-types", "event_type_id", PrefixEventType, id, nil)
}
