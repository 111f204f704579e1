package tools

import (
	"context"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listMasterPagesArgs struct {
	pageArgs
}

type masterPageIDArgs struct {
	MasterPageID MasterPageID `json:"master_page_id"`
}

func masterPageTools(d Deps) []Tool {
	return []Tool{
		define(spec{
			name: "list_master_pages", toolset: toolsetBookingPages, effect: read,
			desc: "Classic master pages (booking pages behind one link): id, name, label, url, active.",
		}, func(ctx context.Context, a listMasterPagesArgs) (listResult[oncehub.MasterPage], error) {
			opts := a.pageArgs.options()
			return listPage(ctx, a.pageArgs, d.Client.MasterPages, &opts, nil, identity[oncehub.MasterPage])
		}),
		define(spec{
			name: "get_master_page", toolset: toolsetBookingPages, effect: read,
			desc: "One classic master page: name, label, url, active.",
		}, func(ctx context.Context, a masterPageIDArgs) (oncehub.MasterPage, error) {
			m, _, err := d.Client.MasterPages.Get(ctx, string(a.MasterPageID))
			return m, err
		}),
		defineWrite(spec{
			name: "create_master_page_link", toolset: toolsetBookingPages, effect: create,
			desc: "Single-use link to a classic master page for a guest to book through. Unused links expire after 90 days.",
		}, func(ctx context.Context, a masterPageIDArgs) (linkOutput, *oncehub.Response, error) {
			l, resp, err := d.Client.MasterPages.CreateOneTimeLink(ctx, string(a.MasterPageID))
			if err != nil {
				return linkOutput{}, resp, err
			}
			return linkOutput{ID: l.ID, URL: l.URL, CreationTime: l.CreationTime}, resp, nil
		}),
	}
}
