package tools_test

import (
	"strings"
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

// verbHints is what a tool's name promises (tool names are verbs): the
// annotations every tool must declare follow from its first word, so a new
// tool needs no entry here unless it brings a new verb.
var verbHints = map[string]hints{
	"list": reads, "get": reads, "find": reads, "test": reads,
	"create": creates, "schedule": creates,
	"update": updates, "mark": updates,
	"cancel": destroysId, "delete": destroysId, "request": destroysId, // cancels the booking
	"reassign": destroys, // a second reassignment is another change
}

// overwrites are updates that replace what is there (a user's teams, their
// working hours): they can remove, so they are destructive and confirmed.
var overwrites = map[string]bool{"update_user": true, "update_user_availability": true}

func TestEveryToolSetsAllFourAnnotationsTruthfully(t *testing.T) {
	t.Parallel()

	all := tools.All(tools.Deps{})
	require.NotEmpty(t, all)
	seen := map[string]bool{}
	for _, tl := range all {
		a := tl.Def.Annotations
		name := tl.Def.Name
		assert.False(t, seen[name], "%s is registered twice", name)
		seen[name] = true
		require.NotNil(t, a.ReadOnlyHint, "%s: readOnlyHint", name)
		require.NotNil(t, a.DestructiveHint, "%s: destructiveHint", name)
		require.NotNil(t, a.IdempotentHint, "%s: idempotentHint", name)
		require.NotNil(t, a.OpenWorldHint, "%s: openWorldHint", name)
		verb, _, _ := strings.Cut(name, "_")
		want, ok := verbHints[verb]
		if overwrites[name] {
			want = destroysId
		}
		if !assert.True(t, ok, "%s: %q is not a verb this test knows; add it to verbHints with the annotations it implies", name, verb) {
			continue
		}
		got := hints{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint, *a.OpenWorldHint}
		assert.Equal(t, want, got, "%s annotations", name)
		assert.NotEmpty(t, tl.Toolset.Name, "%s has a toolset", name)
	}
}

// Every toolset the registry declares has tools, and every tool's toolset is declared.
func TestToolsetsAndToolsAgree(t *testing.T) {
	t.Parallel()

	declared := map[string]bool{}
	for _, ts := range tools.Toolsets() {
		declared[ts.Name] = true
	}
	used := map[string]bool{}
	for _, tl := range tools.All(tools.Deps{}) {
		used[tl.Toolset.Name] = true
		assert.True(t, declared[tl.Toolset.Name], "%s: toolset %q is not in Toolsets()", tl.Def.Name, tl.Toolset.Name)
	}
	for name := range declared {
		assert.True(t, used[name], "toolset %q has no tools", name)
	}
}
