package main_test

import (
	"context"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/readback"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

// textCalls are a list, a slot search and a single object, as a model reads
// them. The search has a fixed window: the built binary runs on the real
// clock, the fake on testenv.Now.
func textCalls(calendar string) []struct {
	tool  string
	args  map[string]any
	shape readback.Shape
} {
	return []struct {
		tool  string
		args  map[string]any
		shape readback.Shape
	}{
		{"list_bookings", map[string]any{"max_results": 120, "time_zone": "Europe/Paris"}, readback.Table},
		{"find_available_slots", map[string]any{"booking_calendar_id": calendar, "start": "2027-01-04", "end": "2027-01-22", "time_zone": "America/Chicago"}, readback.Slots},
		{"get_booking_calendar", map[string]any{"booking_calendar_id": calendar}, readback.JSON},
	}
}

// TestTextReadsBackOverStdioAndTheOfficialSDK: the text the built binary
// sends over stdio (mcp-go's client), and the text the official go-sdk
// client receives over streamable HTTP, say what their structuredContent says.
func TestTextReadsBackOverStdioAndTheOfficialSDK(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	ctx := testenv.KeyCtx()
	stdio := env.Stdio(t, []string{"ONCEHUB_API_KEY=" + fakeoncehub.TestKey})
	cals := testenv.Items(t, testenv.Call(t, ctx, stdio, "list_booking_calendars", map[string]any{"limit": 1}))
	calendar := cals[0]["id"].(string)

	t.Run("stdio", func(t *testing.T) {
		t.Parallel()

		for _, c := range textCalls(calendar) {
			res := testenv.Call(t, ctx, stdio, c.tool, c.args)
			require.False(t, res.IsError, testenv.Text(res))
			assert.Equal(t, c.shape, readback.Check(t, testenv.Text(res), res.StructuredContent), c.tool)
		}
	})

	t.Run("go-sdk over HTTP", func(t *testing.T) {
		t.Parallel()

		session := goSDKSession(t, env.HTTPServer(t))
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, c := range textCalls(calendar) {
			res, err := session.CallTool(cctx, &sdk.CallToolParams{Name: c.tool, Arguments: c.args})
			require.NoError(t, err)
			var text []string
			for _, ct := range res.Content {
				if tc, ok := ct.(*sdk.TextContent); ok {
					text = append(text, tc.Text)
				}
			}
			require.False(t, res.IsError, strings.Join(text, ""))
			require.Len(t, text, 1, "one text content")
			assert.Equal(t, c.shape, readback.Check(t, text[0], res.StructuredContent), c.tool)
		}
	})
}
