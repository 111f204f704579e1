package tools

import (
	"context"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listTeamsArgs struct {
	pageArgs
	User string `json:"user,omitempty" jsonschema:"USR-…"`
}

func (a *listTeamsArgs) validate() error {
	if err := a.pageArgs.validate(); err != nil {
		return err
	}
	return oncehub.TeamFilter{User: a.User}.Validate()
}

type teamIDArgs struct {
	TeamID string `json:"team_id" jsonschema:"TM-…"`
}

func (a *teamIDArgs) validate() error {
	return oncehub.CheckID("team_id", oncehub.PrefixTeam, a.TeamID)
}

func teamTools(d Deps) []Tool {
	return []Tool{
		define[listTeamsArgs, listOutput](spec{
			name: "list_teams", title: "List teams", toolset: "users", effect: read,
			desc: "List the account's teams: id (TM-…) and name. Filter by user to see one person's teams. " +
				"Use the IDs in create_user/update_user teams. Returns has_more and next_cursor.",
		}, func(ctx context.Context, a listTeamsArgs) (any, error) {
			fetch := func(ctx context.Context, p oncehub.ListParams) (oncehub.Page[oncehub.Team], error) {
				return d.Client.ListTeams(ctx, oncehub.TeamFilter{ListParams: p, User: a.User})
			}
			return listPage(ctx, a.pageArgs, fetch, identity[oncehub.Team])
		}),
		define[teamIDArgs, objectOutput](spec{
			name: "get_team", title: "Get a team", toolset: "users", effect: read,
			desc: "Get one team by ID (TM-…): its name. Use list_users and each user's teams to see who is in it.",
		}, func(ctx context.Context, a teamIDArgs) (any, error) {
			return d.Client.GetTeam(ctx, a.TeamID)
		}),
	}
}
