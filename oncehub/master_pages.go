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

// ListMasterPages returns one page of master pages. (The spec types this
// operation's limit as a string; it is the same number on the wire.)
func (c *Client) ListMasterPages(ctx context.Context, p ListParams) (Page[MasterPage], error) {
	return list(ctx, c, "/master-pages", "/master-pages", nil, p, func(m MasterPage) string { return m.ID })
}

// GetMasterPage fetches one master page.
func (c *Client) GetMasterPage(ctx context.Context, id string) (MasterPage, error) {
	return get[MasterPage](ctx, c, "/master-pages", "master_page_id", PrefixMasterPage, id, nil)
}

// CreateMasterPageLink creates a one-time link to a master page (the request
// has no body). Unused links are deleted after 90 days. Never retried once sent.
func (c *Client) CreateMasterPageLink(ctx context.Context, id string) (OneTimeLink, error) {
	path, err := idPath("/master-pages", "master_page_id", PrefixMasterPage, id, "one-time-links")
	if err != nil {
		return OneTimeLink{}, err
	}
	var out OneTimeLink
	_, err = c.do(ctx, request{method: "POST", path: path, route: "/master-pages/{id}/one-time-links"}, &out)
	return out, err
}
