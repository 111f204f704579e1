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

// EventTypesService handles the classic product's event types (/event-types).
type EventTypesService service

func eventTypeID(x EventType) string { return x.ID }

// List returns one page of the classic product's event types.
func (s *EventTypesService) List(ctx context.Context, opts *ListOptions) ([]EventType, *Response, error) {
	o := orZero(opts)
	if err := o.Validate(); err != nil {
		return nil, nil, err
	}
	return list(ctx, s.client, "/event-types", o, o, eventTypeID)
}

// ListAll walks every one of the the classic product's event types (see Pager).
func (s *EventTypesService) ListAll(ctx context.Context, opts *ListOptions) *Pager[EventType] {
	o := orZero(opts)
	return newPager(ctx, o.Validate(), o, func(ctx context.Context, page ListOptions) ([]EventType, *Response, error) {
		return list(ctx, s.client, "/event-types", page, page, eventTypeID)
	}, eventTypeID)
}

// Get fetches one of the the classic product's event types.
func (s *EventTypesService) Get(ctx context.Context, id string) (EventType, *Response, error) {
	return get[EventType](ctx, s.client, "/event-types/{id}", PrefixEventType, id)
}
