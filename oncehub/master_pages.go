package oncehub

import "context"

// MasterPage is a classic-product page that routes guests to booking pages.
type MasterPage struct {
	Object  string `json:"object,omitempty"`
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Label   string `json:"label,omitempty"`
	URL     string `json:"url,omitempty"`
	Active  bool   `json:"active"`
	Deleted bool   `json:"deleted,omitempty"`
	Extra   Extra  `json:"-"`
}

// UnmarshalJSON keeps unknown fields in Extra.
func (m *MasterPage) UnmarshalJSON(data []byte) error {
	type plain MasterPage
	return decodeObject(data, (*plain)(m), &m.Extra)
}

// MarshalJSON writes known and unknown fields.
func (m MasterPage) MarshalJSON() ([]byte, error) {
	type plain MasterPage
	return encodeObject(plain(m), m.Extra)
}

// MasterPagesService handles the classic product's master pages (/master-pages).
type MasterPagesService service

func masterPageID(x MasterPage) string { return x.ID }

// List returns one page of the classic product's master pages.
func (s *MasterPagesService) List(ctx context.Context, opts *ListOptions) ([]MasterPage, *Response, error) {
	o := orZero(opts)
	if err := o.Validate(); err != nil {
		return nil, nil, err
	}
	return list(ctx, s.client, "/master-pages", o, o, masterPageID)
}

// ListAll walks every one of the the classic product's master pages (see Pager).
func (s *MasterPagesService) ListAll(ctx context.Context, opts *ListOptions) *Pager[MasterPage] {
	o := orZero(opts)
	return newPager(ctx, o.Validate(), o, func(ctx context.Context, page ListOptions) ([]MasterPage, *Response, error) {
		return list(ctx, s.client, "/master-pages", page, page, masterPageID)
	}, masterPageID)
}

// Get fetches one of the the classic product's master pages.
func (s *MasterPagesService) Get(ctx context.Context, id string) (MasterPage, *Response, error) {
	return get[MasterPage](ctx, s.client, "/master-pages/{id}", PrefixMasterPage, id)
}

// CreateOneTimeLink creates a one-time link to a master page (the request
// has no body). Unused links are deleted after 90 days. Never retried once sent.
func (s *MasterPagesService) CreateOneTimeLink(ctx context.Context, id string) (OneTimeLink, *Response, error) {
	if err := checkID("id", PrefixMasterPage, id); err != nil {
		return OneTimeLink{}, nil, err
	}
	var out OneTimeLink
	resp, err := s.client.do(ctx, request{method: "POST", route: "/master-pages/{id}/one-time-links", id: id}, &out)
	return out, resp, err
}
