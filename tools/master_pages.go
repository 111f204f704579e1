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

func masterPageTools(d Deps) []Tool {
	return []Tool{
		define[listMasterPagesArgs](spec{
			name: "list_master_pages", toolset: toolsetBookingPages, effect: read,
			desc: "Classic master pages (booking pages behind one link): id, name, label, url, active.",
		}, func(ctx context.Context, a listMasterPagesArgs) (any, error) {
			opts := a.pageArgs.options()
			return listPage(ctx, a.pageArgs, d.Client.MasterPages, &opts, identity[oncehub.MasterPage])
		}),
		define[masterPageIDArgs](spec{
			name: "get_master_page", toolset: toolsetBookingPages, effect: read,
			desc: "One classic master page: name, label, url, active.",
		}, func(ctx context.Context, a masterPageIDArgs) (any, error) {
			m, _, err := d.Client.MasterPages.Get(ctx, a.MasterPageID)
			return m, err
		}),
		defineWrite[masterPageIDArgs](spec{
			name: "create_master_page_link", toolset: toolsetBookingPages, effect: create,
			desc: "Single-use link to a classic master page for a guest to book through. Unused links expire after 90 days.",
		}, func(ctx context.Context, a masterPageIDArgs) (any, *oncehub.Response, error) {
			l, resp, err := d.Client.MasterPages.CreateOneTimeLink(ctx, a.MasterPageID)
			if err != nil {
				return nil, resp, err
			}
			return linkOutput{ID: l.ID, URL: l.URL, CreationTime: l.CreationTime}, resp, nil
		}),
	}
}
