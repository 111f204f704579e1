package tools

import (
	"context"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listMasterPagesArgs struct {
	pageArgs
}

type masterPageIDArgs struct {
	MasterPageID string `json:"master_page_id"`
}

func (a *masterPageIDArgs) validate() error {
	return oncehub.CheckID("master_page_id", oncehub.PrefixMasterPage, a.MasterPageID)
}

func masterPageTools(d Deps) []Tool {
	return []Tool{
		define[listMasterPagesArgs](spec{
			name: "list_master_pages", toolset: "booking_pages", effect: read,
			desc: "Classic master pages (booking pages behind one link): id, name, label, url, active.",
		}, func(ctx context.Context, a listMasterPagesArgs) (any, error) {
			return listPage(ctx, a.pageArgs, d.Client.ListMasterPages, identity[oncehub.MasterPage])
		}),
		define[masterPageIDArgs](spec{
			name: "get_master_page", toolset: "booking_pages", effect: read,
			desc: "One classic master page: name, label, url, active.",
		}, func(ctx context.Context, a masterPageIDArgs) (any, error) {
			return d.Client.GetMasterPage(ctx, a.MasterPageID)
		}),
		define[masterPageIDArgs](spec{
			name: "create_master_page_link", toolset: "booking_pages", effect: create,
			desc: "Single-use link to a classic master page for a guest to book through. Unused links expire after 90 days.",
		}, func(ctx context.Context, a masterPageIDArgs) (any, error) {
			l, err := d.Client.CreateMasterPageLink(ctx, a.MasterPageID)
			if err != nil {
				return nil, err
			}
			return linkOutput{ID: l.ID, URL: l.URL, CreationTime: l.CreationTime}, nil
		}),
	}
}
