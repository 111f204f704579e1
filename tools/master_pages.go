package tools

import (
	"context"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listMasterPagesArgs struct {
	pageArgs
}

type masterPageIDArgs struct {
	MasterPageID string `json:"master_page_id" jsonschema:"MP-…"`
}

func (a *masterPageIDArgs) validate() error {
	return oncehub.CheckID("master_page_id", oncehub.PrefixMasterPage, a.MasterPageID)
}

func masterPageTools(d Deps) []Tool {
	return []Tool{
		define[listMasterPagesArgs, listOutput](spec{
			name: "list_master_pages", title: "List master pages", toolset: "booking_pages", effect: read,
			desc: "List classic-product master pages, which group booking pages behind one link: id (MP-…), name, label, url, active.",
		}, func(ctx context.Context, a listMasterPagesArgs) (any, error) {
			return listPage(ctx, a.pageArgs, d.Client.ListMasterPages, identity[oncehub.MasterPage])
		}),
		define[masterPageIDArgs, objectOutput](spec{
			name: "get_master_page", title: "Get a master page", toolset: "booking_pages", effect: read,
			desc: "Get one classic master page by ID (MP-…): name, label, url, active.",
		}, func(ctx context.Context, a masterPageIDArgs) (any, error) {
			return d.Client.GetMasterPage(ctx, a.MasterPageID)
		}),
		define[masterPageIDArgs, linkOutput](spec{
			name: "create_master_page_link", title: "Create a one-time master page link", toolset: "booking_pages", effect: create,
			desc: "Create a single-use link to a classic master page (MP-…) for a guest to book through. Returns url to share; unused links expire after 90 days.",
		}, func(ctx context.Context, a masterPageIDArgs) (any, error) {
			l, err := d.Client.CreateMasterPageLink(ctx, a.MasterPageID)
			if err != nil {
				return nil, err
			}
			return linkOutput{ID: l.ID, URL: l.URL, CreationTime: l.CreationTime}, nil
		}),
	}
}
