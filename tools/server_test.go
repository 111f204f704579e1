package tools_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

func TestInitializeAdvertisesInstructionsPromptsResourcesCompletionsLogging(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	for _, version := range []string{testenv.ProtocolLatest, testenv.Protocol2025} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()

			c, err := client.NewInProcessClientWithOptions(env.App.MCP, client.WithProtocolVersion(version))
			require.NoError(t, err)
			req := mcp.InitializeRequest{}
			req.Params.ClientInfo = mcp.Implementation{Name: "init-test", Version: "1"}
			res, err := c.Initialize(context.Background(), req)
			require.NoError(t, err)
			assert.Equal(t, tools.Instructions, res.Instructions)
			caps := res.Capabilities
			assert.NotNil(t, caps.Tools)
			assert.NotNil(t, caps.Prompts)
			assert.NotNil(t, caps.Resources)
			assert.NotNil(t, caps.Completions)
			assert.NotNil(t, caps.Logging)
		})
	}
}

func TestInstructionsCoverWorkflowTimeAndIDs(t *testing.T) {
	t.Parallel()

	in := tools.Instructions
	for _, want := range []string{
		`"my ..."`, "get_me first", // who the person is
		"find_available_slots", "start=next_start and end=window_end", "wait for their choice", "schedule_meeting", "share the booking ID",
		"You do not know today's date", "get_current_time", // static instructions: no date in them
		"YYYY-MM-DD", "ISO 8601", "without an offset it is read in the tool's time_zone", "IANA", "E.164", "Monday...Sunday", "HH:MM",
		"BKNG-", "BKC-", "BP-", "MP-", "ET-", "USR-", "TM-", "CTC-", "WHK-",
		"count is this result only", "total", "has_more", "next_cursor", "stopped_early", "max_results", "detail=full", "confirm",
	} {
		assert.Contains(t, in, want)
	}
	// One path: nothing points to get_time_slots (find_available_slots does
	// what it does, for any window).
	assert.NotContains(t, in, "get_time_slots")
}

// Some hosts cut instructions at 2,048 characters: in every mode they stay
// under 1,900, and the demo note is the only difference.
func TestInstructionsFitEveryHost(t *testing.T) {
	t.Parallel()

	for _, demo := range []bool{false, true} {
		env := testenv.New(t, func(s testenv.Setup) { s.Config.Demo = demo })
		res := testenv.Initialize(t, env.InProcess(t))
		assert.LessOrEqual(t, len(res.Instructions), tools.MaxInstructions, "demo %v", demo)
		assert.Equal(t, demo, strings.HasPrefix(res.Instructions, tools.DemoNote))
		assert.True(t, strings.HasSuffix(res.Instructions, tools.Instructions))
	}
}

// The server advertises only its own capabilities: elicitation is the
// client's, and a server listing it is wrong (some clients refuse it).
func TestServerDoesNotAdvertiseElicitation(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	for _, version := range []string{testenv.ProtocolLatest, testenv.Protocol2025} {
		c, err := client.NewInProcessClientWithOptions(env.App.MCP, client.WithProtocolVersion(version))
		require.NoError(t, err)
		res, err := c.Initialize(context.Background(), mcp.InitializeRequest{})
		require.NoError(t, err)
		raw, err := json.Marshal(res.Capabilities)
		require.NoError(t, err)
		var caps map[string]any
		require.NoError(t, json.Unmarshal(raw, &caps))
		for name := range caps {
			assert.Contains(t, []string{"tools", "prompts", "resources", "completions", "logging", "extensions", "experimental"}, name, "%s: a server capability", version)
		}
		assert.NotContains(t, caps, "elicitation", version)
	}
}
