package tools

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every tool that changes something says how to check whether a call cut
// off by shutdown took effect; a read says it may simply be repeated.
func TestStoppedMessageForEveryTool(t *testing.T) {
	t.Parallel()

	all := All(Deps{})
	for _, tool := range all {
		params, _ := json.Marshal(map[string]any{"name": tool.Def.Name, "arguments": map[string]any{"booking_id": "BKNG-1"}})
		msg := StoppedMessage(all, params)
		if *tool.Def.Annotations.ReadOnlyHint {
			assert.Contains(t, msg, "It changes nothing", tool.Def.Name)
			continue
		}
		assert.Contains(t, checkAfterStop, tool.Def.Name, "say how to check %s after a shutdown", tool.Def.Name)
		assert.Contains(t, msg, "may or may not have been made", tool.Def.Name)
		assert.Contains(t, msg, checkAfterStop[tool.Def.Name], tool.Def.Name)
		assert.Contains(t, msg, `booking_id "BKNG-1"`, tool.Def.Name)
	}
	for name := range checkAfterStop {
		found := false
		for _, tool := range all {
			found = found || tool.Def.Name == name
		}
		assert.True(t, found, "%s is not a tool", name)
	}
	assert.Empty(t, StoppedMessage(all, json.RawMessage(`{"name":"no_such_tool"}`)))
}
