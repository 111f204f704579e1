package oncehub

import (
	"context"
	"net/url"
)

// BookingPage is a classic-product booking page.
type BookingPage struct {
	Object   string `json:"object,omitempty"`
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Label    string `json:"label,omitempty"`
	URL      string `json:"url,omitempty"`
	Active   bool   `json:"active"`
	Timezone string `json:"timezone,omitempty"`
	Deleted  bool   `json:"deleted,omitempty"`
	Extra    Extra  `json:"-"`
}

// UnmarshalJSON keeps unknown fields in Extra.
func (b *BookingPage) UnmarshalJSON(data []byte) error {
	type plain BookingPage
	return decodeObject(data, (*plain)(b), &b.Extra)
}

// MarshalJSON writes known and unknown fields.
func (b BookingPage) MarshalJSON() ([]byte, error) {
	type plain BookingPage
	return encodeObject(plain(b), b.Extra)
}

// BookingPageFilter narrows GET /booking-pages.
type BookingPageFilter struct {
	ListParams
	MasterPage string // MP-…
	EventType  string // ET-…
	User       string // USR-…
}

// Validate checks the filter without sending anything.
func (f BookingPageFilter) Validate() error {
	if err := f.ListParams.Validate(); err != nil {
		return err
	}
	if err := checkOptionalID("master_page", PrefixMasterPage, f.MasterPage); err != nil {
		return err
	}
	if err := checkOptionalID("event_type", PrefixEventType, f.EventType); err != nil {
		return err
	}
	return checkOptionalID("user", PrefixUser, f.User)
}

// ListBookingPages returns one page of booking pages.
func (c *Client) ListBookingPages(ctx context.Context, f BookingPageFilter) (Page[BookingPage], error) {
	if err := f.Validate(); err != nil {
		return Page[BookingPage]{}, err
	}
	q := url.Values{}
	setIf(q, "master_page", f.MasterPage)
	setIf(q, "event_type", f.EventType)
	setIf(q, "user", f.User)
	return list(ctx, c, "/booking-pages", "/booking-pages", q, f.ListParams, func(b BookingPage) string { return b.ID })
}

// GetBookingPage fetches one booking page.
func (c *Client) GetBookingPage(ctx context.Context, id string) (BookingPage, error) {
	return get[BookingPage](ctx, c, "/booking-pages", "booking_page_id", PrefixBookingPage, id, nil)
}
