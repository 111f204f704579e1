package tools

import (
	"context"
	"strings"
)

type noArgs struct{}

type testKeyOutput struct {
	Valid   bool   `json:"valid"`
	Account string `json:"account,omitempty"` // the account's email
	Message string `json:"message"`
	Demo    bool   `json:"demo,omitempty"` // the demo sandbox: no real OnceHub account
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
			out := testKeyOutput{Valid: true, Message: res.Message, Demo: d.Demo}
			if _, email, ok := strings.Cut(res.Message, "account: "); ok {
				out.Account = strings.TrimSpace(email)
			}
			if d.Demo {
				out.Message += " (demo sandbox: no real OnceHub account is used)"
			}
			return out, nil
		}),
	}
}
