package oncehub

import "context"

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

// BookingPagesService handles the classic product's booking pages (/booking-pages).
type BookingPagesService service

// BookingPageListOptions narrows GET /booking-pages.
type BookingPageListOptions struct {
	ListOptions
	MasterPage string `url:"master_page,omitempty"` // MP-…
	EventType  string `url:"event_type,omitempty"`  // ET-…
	User       string `url:"user,omitempty"`        // USR-…
}

// Validate checks the options without sending anything.
func (o BookingPageListOptions) Validate() error {
	if err := o.ListOptions.Validate(); err != nil {
		return err
	}
	if err := checkOptionalID("master_page", PrefixMasterPage, o.MasterPage); err != nil {
		return err
	}
	if err := checkOptionalID("event_type", PrefixEventType, o.EventType); err != nil {
		return err
	}
	return checkOptionalID("user", PrefixUser, o.User)
}

func bookingPageID(b BookingPage) string { return b.ID }

// List returns one page of booking pages.
func (s *BookingPagesService) List(ctx context.Context, opts *BookingPageListOptions) ([]BookingPage, *Response, error) {
	o := orZero(opts)
	if err := o.Validate(); err != nil {
		return nil, nil, err
	}
	return s.list(ctx, o)
}

func (s *BookingPagesService) list(ctx context.Context, o BookingPageListOptions) ([]BookingPage, *Response, error) {
	return list(ctx, s.client, "/booking-pages", o, o.ListOptions, bookingPageID)
}

// ListAll walks the booking pages matching opts (see Pager).
func (s *BookingPagesService) ListAll(ctx context.Context, opts *BookingPageListOptions) *Pager[BookingPage] {
	o := orZero(opts)
	return newPager(ctx, o.Validate(), o.ListOptions, func(ctx context.Context, page ListOptions) ([]BookingPage, *Response, error) {
		o.ListOptions = page
		return s.list(ctx, o)
	}, bookingPageID)
}

// Get fetches one booking page.
func (s *BookingPagesService) Get(ctx context.Context, id string) (BookingPage, *Response, error) {
	return get[BookingPage](ctx, s.client, "/booking-pages/{id}", PrefixBookingPage, id)
}
