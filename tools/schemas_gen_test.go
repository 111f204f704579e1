package tools

import (
	"context"
	"os"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/testdeps"
)

// TestGeneratedSchemas: every tool's schemas in schemas_gen.go, which a
// server publishes and validates with, are the ones its types give now. A
// tool missing from the file (just added) is written into it outside CI, as
// a missing snapshot is; a schema that changed fails until go generate ./...
// rewrites the file.
func TestGeneratedSchemas(t *testing.T) {
	t.Parallel()

	all := All(Deps{})
	var missing []string
	for _, tl := range All(Deps{Demo: true, RequireConfirmation: true}) {
		want, err := tl.reflectSchemas()
		require.NoError(t, err, tl.Def.Name)
		got, ok := generatedSchemas[tl.Def.Name]
		if !ok {
			missing = append(missing, tl.Def.Name)
			continue
		}
		assert.JSONEq(t, want.in, got.in, "%s: the input schema changed: run go generate ./...", tl.Def.Name)
		if want.out == "" {
			assert.Empty(t, got.out, "%s: no output schema now: run go generate ./...", tl.Def.Name)
		} else {
			assert.JSONEq(t, want.out, got.out, "%s: the output schema changed: run go generate ./...", tl.Def.Name)
		}
		// What tools/list sends is the generated schema, byte for byte.
		assert.Equal(t, got.in, string(tl.Def.RawInputSchema), tl.Def.Name)
		assert.Equal(t, got.out, string(tl.Def.RawOutputSchema), tl.Def.Name)
	}
	for name := range generatedSchemas {
		assert.True(t, hasTool(all, name), "schemas_gen.go has %s, which is not a tool: run go generate ./...", name)
	}

	src, err := GeneratedSchemasFile(all)
	require.NoError(t, err)
	saved, err := os.ReadFile("schemas_gen.go")
	require.NoError(t, err)
	if len(missing) > 0 && !testdeps.InCI() && !t.Failed() {
		require.NoError(t, os.WriteFile("schemas_gen.go", src, 0o644))
		t.Logf("wrote the schemas of the new tools %v into schemas_gen.go: review and commit it", missing)
		return
	}
	assert.Empty(t, missing, "tools without generated schemas: run go generate ./...")
	// The file as a whole (order, formatting); a long diff says no more.
	assert.True(t, string(src) == string(saved), "schemas_gen.go is out of date: run go generate ./...")
}

func hasTool(all []Tool, name string) bool {
	for _, t := range all {
		if t.Def.Name == name {
			return true
		}
	}
	return false
}

// A tool schemas_gen.go does not know yet (just added, go generate not run)
// is built from its types at start: it publishes, and validates with, the
// schemas go generate would write for it.
func TestAToolGoGenerateHasNotSeenIsReflected(t *testing.T) {
	t.Parallel()

	const name = "tool_not_generated_yet"
	require.NotContains(t, generatedSchemas, name)
	tl := define(spec{name: name, toolset: toolsetUsers, effect: read, desc: "test"},
		func(context.Context, userIDArgs) (deletedOutput, error) { return deletedOutput{}, nil })
	want, err := tl.reflectSchemas()
	require.NoError(t, err)
	require.NotEmpty(t, want.in)
	assert.JSONEq(t, want.in, string(tl.Def.RawInputSchema))
	assert.JSONEq(t, want.out, string(tl.Def.RawOutputSchema))

	res, err := tl.Handler(context.Background(), mcp.CallToolRequest{Params: mcp.CallToolParams{
		Name: name, Arguments: map[string]any{"user_id": "not an ID"}}})
	require.NoError(t, err)
	require.True(t, res.IsError, "the reflected schema validates the call")
	assert.Contains(t, res.Content[0].(mcp.TextContent).Text, "user_id")
}
