package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type noArgs struct{}

type testKeyOutput struct {
	Valid   bool   `json:"valid"`
	Account string `json:"account,omitempty"` // the account's email
	Message string `json:"message"`
	Demo    bool   `json:"demo,omitempty"` // the demo sandbox: no real OnceHub account is used
}

// meOutput is who the API key belongs to.
type meOutput struct {
	UserID   string   `json:"user_id"`
	Name     string   `json:"name"`
	Email    string   `json:"email"`
	TimeZone string   `json:"timezone,omitempty"`
	Role     string   `json:"role,omitempty"`
	Status   string   `json:"status,omitempty"`
	Teams    []string `json:"teams,omitempty"`
}

func accountTools(d Deps) []Tool {
	return []Tool{
		define[noArgs](spec{
			name: "test_api_key", toolset: toolsetAccount, effect: read,
			desc: "Check the configured API key and return the account's email. Use it when tools fail with authentication errors.",
		}, func(ctx context.Context, _ noArgs) (any, error) {
			res, _, err := d.Client.TestAPIKey(ctx)
			if err != nil {
				return nil, err
			}
			out := testKeyOutput{Valid: true, Account: res.AccountEmail(), Message: res.Message, Demo: d.Demo}
			if d.Demo {
				out.Message += " (demo sandbox: no real OnceHub account is used)"
			}
			return out, nil
		}),
		define[noArgs](spec{
			name: "get_me", toolset: toolsetAccount, effect: read,
			desc: "Who the API key belongs to: user_id, name, email, timezone and role of the account's user. Call it first " +
				"when the person says \"my\" (my meetings, my hours): use user_id as owner or user_id, and timezone for times.",
		}, func(ctx context.Context, _ noArgs) (any, error) {
			res, _, err := d.Client.TestAPIKey(ctx)
			if err != nil {
				return nil, err
			}
			email := res.AccountEmail()
			if email == "" {
				return nil, fmt.Errorf("OnceHub did not say which account the API key belongs to (it answered %q); use list_users to find the person", res.Message)
			}
			users, _, err := d.Client.Users.List(ctx, &oncehub.UserListOptions{Email: email})
			if err != nil {
				return nil, err
			}
			for _, u := range users {
				if strings.EqualFold(u.Email, email) {
					return meOutput{UserID: u.ID, Name: strings.TrimSpace(u.FirstName + " " + u.LastName), Email: u.Email,
						TimeZone: u.Timezone, Role: u.RoleName, Status: u.Status, Teams: u.Teams}, nil
				}
			}
			return nil, fmt.Errorf("the API key belongs to the OnceHub account %s, but no user of the account has that email, "+
				"so there is no user ID to act as; ask the person who they are in OnceHub, then find them with list_users", email)
		}),
	}
}
