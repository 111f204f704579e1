package tools_test

import (
	"context"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

func TestInitializeAdvertisesInstructionsPromptsResourcesCompletionsLogging(t *testing.T) {
	env := testenv.New(t)
	for _, version := range []string{testenv.ProtocolLatest, testenv.Protocol2025} {
		t.Run(version, func(t *testing.T) {
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
	in := tools.Instructions
	for _, want := range []string{
		"get_time_slots", "wait for them to choose", "schedule_meeting", "share the booking ID",
		"you do not know today's date", "get_current_time", // static instructions: no date in them
		"IANA", "UTC dates (YYYY-MM-DD)",
		"BKNG-", "BKC-", "BP-", "MP-", "ET-", "USR-", "TM-", "CTC-", "WHK-",
		"has_more", "next_cursor", "stopped_early",
		// Conventions the tool definitions leave to the instructions (see
		// tools/common.go pageArgs and docs/COMPACT.md).
		"limit is the page size", "max_results", "before=prev_cursor", "detail=full",
		"E.164", "x_id", "{id, deleted: true}", "already_deleted", "confirm",
	} {
		assert.Contains(t, in, want)
	}
	assert.Less(t, len(in), 2000, "instructions stay concise (about 500 tokens at most)")
}
