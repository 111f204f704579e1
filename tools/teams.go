package tools

import (
	"context"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listTeamsArgs struct {
	pageArgs
	User UserID `json:"user,omitempty" jsonschema:"the teams of this user"`
}

type teamIDArgs struct {
	TeamID TeamID `json:"team_id"`
}

func teamTools(d Deps) []Tool {
	return []Tool{
		define(spec{
			name: "list_teams", toolset: toolsetUsers, effect: read,
			desc: "Teams: id and name. Filter by user to see one person's teams; a team's members: list_users with team.",
		}, func(ctx context.Context, a listTeamsArgs) (listResult[oncehub.Team], error) {
			opts := &oncehub.TeamListOptions{ListOptions: a.pageArgs.options(), User: string(a.User)}
			return listPage(ctx, a.pageArgs, d.Client.Teams, opts, nil, identity[oncehub.Team])
		}),
		define(spec{
			name: "get_team", toolset: toolsetUsers, effect: read,
			desc: "One team: its name. Its members: list_users with team.",
		}, func(ctx context.Context, a teamIDArgs) (oncehub.Team, error) {
			t, _, err := d.Client.Teams.Get(ctx, string(a.TeamID))
			return t, err
		}),
	}
}
