package tools_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

// Every tool, as listed to a client: a call without its required arguments,
// and a call with an argument it does not have, each get an error naming the
// argument, and nothing reaches OnceHub.
func TestEveryToolRejectsMissingAndUnknownArgumentsWithoutCallingUpstream(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	list, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	require.Len(t, list.Tools, len(tools.All(tools.Deps{})), "every registered tool is listed")
	// Sequential: the subtests share one fake and count its requests.
	for _, tl := range list.Tools {
		t.Run(tl.Name, func(t *testing.T) {
			var schema struct {
				Required []string `json:"required"`
			}
			raw, err := json.Marshal(tl.InputSchema)
			require.NoError(t, err)
			if tl.RawInputSchema != nil {
				raw = tl.RawInputSchema
			}
			require.NoError(t, json.Unmarshal(raw, &schema))

			if len(schema.Required) > 0 {
				res := testenv.Call(t, testenv.KeyCtx(), c, tl.Name, map[string]any{})
				require.True(t, res.IsError, "no arguments: %s", testenv.Text(res))
				assert.Contains(t, testenv.Text(res), `"`+schema.Required[0]+`"`, "names a missing required argument")
				assert.Contains(t, testenv.Text(res), "Nothing was sent to OnceHub")
			}

			res := testenv.Call(t, testenv.KeyCtx(), c, tl.Name, map[string]any{"no_such_argument": 1})
			require.True(t, res.IsError, "unknown argument: %s", testenv.Text(res))
			assert.Contains(t, testenv.Text(res), `"no_such_argument": is not an argument of this tool`)
			assert.Empty(t, env.Fake.Requests(), "nothing reaches OnceHub")
		})
	}
}
