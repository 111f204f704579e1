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

// ListMasterPages returns one page of master pages.
func (c *Client) ListMasterPages(ctx context.Context, p ListParams) (Page[MasterPage], error) {
	return list(ctx, c, "/master-pages", "/master-pages", nil, p, func(m MasterPage) string { return m.ID })
}

// GetMasterPage fetches one master page.
func (c *Client) GetMasterPage(ctx context.Context, id string) (MasterPage, error) {
	return get[MasterPage](ctx, c, "/master-pages", "master_page_id", PrefixMasterPage, id, nil)
}
