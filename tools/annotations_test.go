package tools_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

// hints is what a tool says it changes: readOnly, destructive, idempotent, openWorld.
type hints struct{ readOnly, destructive, idempotent, openWorld bool }

var (
	reads      = hints{true, false, true, true}
	creates    = hints{false, false, false, true}
	updates    = hints{false, false, true, true}
	destroys   = hints{false, true, false, true}
	destroysId = hints{false, true, true, true}
)

// wantHints is every tool's expected annotations: the 38 OnceHub operations
// plus the server's own helpers.
var wantHints = map[string]hints{
	// reads: one per GET operation
	"test_api_key": reads, "list_bookings": reads, "get_booking": reads,
	"list_booking_calendars": reads, "get_booking_calendar": reads, "get_time_slots": reads,
	"list_booking_pages": reads, "get_booking_page": reads, "list_event_types": reads, "get_event_type": reads,
	"list_master_pages": reads, "get_master_page": reads, "list_sms_notifications": reads,
	"list_users": reads, "get_user": reads, "get_user_availability": reads, "list_teams": reads, "get_team": reads,
	"list_contacts": reads, "get_contact": reads, "list_webhooks": reads, "get_webhook": reads,
	// writes: one per POST/PATCH/DELETE operation
	"schedule_meeting": creates, "create_booking_calendar_link": creates, "create_master_page_link": creates,
	"cancel_booking": destroysId, "request_booking_reschedule": destroysId, "reassign_booking": destroys,
	"mark_booking_no_show": updates,
	"create_contact":       creates, "update_contact": updates, "delete_contact": destroysId,
	"create_user": creates, "update_user": updates, "delete_user": destroysId, "update_user_availability": updates,
	"create_webhook": creates, "delete_webhook": destroysId,
}

func TestEveryToolSetsAllFourAnnotationsTruthfully(t *testing.T) {
	all := tools.All(tools.Deps{})
	seen := map[string]bool{}
	for _, tl := range all {
		a := tl.Def.Annotations
		name := tl.Def.Name
		seen[name] = true
		require.NotNil(t, a.ReadOnlyHint, "%s: readOnlyHint", name)
		require.NotNil(t, a.DestructiveHint, "%s: destructiveHint", name)
		require.NotNil(t, a.IdempotentHint, "%s: idempotentHint", name)
		require.NotNil(t, a.OpenWorldHint, "%s: openWorldHint", name)
		want, ok := wantHints[name]
		if !ok {
			// Server-side helpers (no OnceHub call that changes anything) must be read-only.
			assert.True(t, *a.ReadOnlyHint, "%s is not one of the 38 operations, so it must be read-only", name)
			continue
		}
		got := hints{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint}
		assert.Equal(t, want, got, "%s annotations", name)
	}
	for name := range wantHints {
		assert.True(t, seen[name], "operation tool %s is missing", name)
	}
	assert.Len(t, wantHints, 38, "one tool per OnceHub API v2 operation")
}
