package tools

import (
	"context"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listTeamsArgs struct {
	pageArgs
	User string `json:"user,omitempty"`
}

func (a *listTeamsArgs) validate() error {
	if err := a.pageArgs.validate(); err != nil {
		return err
	}
	return oncehub.TeamFilter{User: a.User}.Validate()
}

type teamIDArgs struct {
	TeamID string `json:"team_id"`
}

func (a *teamIDArgs) validate() error {
	return oncehub.CheckID("team_id", oncehub.PrefixTeam, a.TeamID)
}

func teamTools(d Deps) []Tool {
	return []Tool{
		define[listTeamsArgs](spec{
			name: "list_teams", toolset: "users", effect: read,
			desc: "Teams: id and name. Filter by user to see one person's teams.",
		}, func(ctx context.Context, a listTeamsArgs) (any, error) {
			fetch := func(ctx context.Context, p oncehub.ListParams) (oncehub.Page[oncehub.Team], error) {
				return d.Client.ListTeams(ctx, oncehub.TeamFilter{ListParams: p, User: a.User})
			}
			return listPage(ctx, a.pageArgs, fetch, identity[oncehub.Team])
		}),
		define[teamIDArgs](spec{
			name: "get_team", toolset: "users", effect: read,
			desc: "One team: its name. Members: list_users shows each user's teams.",
		}, func(ctx context.Context, a teamIDArgs) (any, error) {
			return d.Client.GetTeam(ctx, a.TeamID)
		}),
	}
}
