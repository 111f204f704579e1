package tools

import (
	"context"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listTeamsArgs struct {
	pageArgs
	User string `json:"user,omitempty"`
}

func (a *listTeamsArgs) validate() error { return a.pageArgs.validate() }

type teamIDArgs struct {
	TeamID string `json:"team_id"`
}

func teamTools(d Deps) []Tool {
	return []Tool{
		define[listTeamsArgs](spec{
			name: "list_teams", toolset: toolsetUsers, effect: read,
			desc: "Teams: id and name. Filter by user to see one person's teams.",
		}, func(ctx context.Context, a listTeamsArgs) (any, error) {
			opts := &oncehub.TeamListOptions{ListOptions: a.pageArgs.options(), User: a.User}
			return listPage(ctx, a.pageArgs, d.Client.Teams, opts, identity[oncehub.Team])
		}),
		define[teamIDArgs](spec{
			name: "get_team", toolset: toolsetUsers, effect: read,
			desc: "One team: its name. Members: list_users shows each user's teams.",
		}, func(ctx context.Context, a teamIDArgs) (any, error) {
			t, _, err := d.Client.Teams.Get(ctx, a.TeamID)
			return t, err
		}),
	}
}
