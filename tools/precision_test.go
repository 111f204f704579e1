package tools_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

// Every argument states its values with a schema keyword, and every one
// whose name does not say everything has a description: a new argument
// gets a type from tools/argtypes.go (or one added there) and, when its name
// is not enough, a jsonschema tag.
func TestEveryArgumentIsConstrainedAndDescribed(t *testing.T) {
	t.Parallel()

	for _, tl := range tools.All(tools.Deps{}) {
		st := tools.SchemaStats(tl)
		assert.Empty(t, st.Unconstrained, "%s: arguments without a constraining keyword", tl.Def.Name)
		assert.Empty(t, st.Undescribed, "%s: arguments that need a description", tl.Def.Name)
		assert.Equal(t, st.Arguments, st.Constrained, tl.Def.Name)
	}
}
