package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

func TestREADMEIsUpToDate(t *testing.T) {
	t.Parallel()

	path := filepath.Join("..", "..", "README.md")
	doc, err := os.ReadFile(path)
	require.NoError(t, err)
	updated, err := Update(doc)
	require.NoError(t, err)
	if string(updated) != string(doc) {
		t.Fatalf("README.md is out of date with the code: run %s and commit the result", Command)
	}
}

func TestUpdateIsDeterministicAndIdempotent(t *testing.T) {
	t.Parallel()

	doc := []byte("intro\n<!-- BEGIN GENERATED: tools (do not edit; run go generate ./...) -->\nstale\n<!-- END GENERATED: tools -->\nmiddle\n" +
		"<!-- BEGIN GENERATED: config (do not edit; run go generate ./...) -->\n<!-- END GENERATED: config -->\nend\n")
	once, err := Update(doc)
	require.NoError(t, err)
	twice, err := Update(once)
	require.NoError(t, err)
	assert.Equal(t, string(once), string(twice))
	for i := 0; i < 5; i++ {
		again, err := Update(doc)
		require.NoError(t, err)
		assert.Equal(t, string(once), string(again))
	}
	assert.NotContains(t, string(once), "stale")
	assert.True(t, strings.HasPrefix(string(once), "intro\n"))
	assert.True(t, strings.HasSuffix(string(once), "end\n"))
	assert.Contains(t, string(once), "| `test_api_key` |")
	assert.Contains(t, string(once), "| `ONCEHUB_API_KEY` |")
}

func TestUpdateNamesAMissingMarker(t *testing.T) {
	t.Parallel()

	_, err := Update([]byte("no markers here"))
	assert.ErrorContains(t, err, "BEGIN GENERATED")
}

func TestToolsTable(t *testing.T) {
	t.Parallel()

	tool := func(name, set string, opts ...mcp.ToolOption) tools.Tool {
		return tools.Tool{Toolset: tools.Toolset{Name: set}, Def: mcp.NewTool(name, opts...)}
	}
	all := []tools.Tool{
		tool("zeta_read", "a", mcp.WithDescription("Reads zeta. More text."), mcp.WithReadOnlyHintAnnotation(true)),
		tool("alpha_delete", "a", mcp.WithDescription("Deletes | things."), mcp.WithReadOnlyHintAnnotation(false),
			mcp.WithDestructiveHintAnnotation(true), mcp.WithIdempotentHintAnnotation(true)),
		tool("make_thing", "b", mcp.WithDescription("Makes a thing"), mcp.WithReadOnlyHintAnnotation(false),
			mcp.WithDestructiveHintAnnotation(false), mcp.WithIdempotentHintAnnotation(false)),
		tool("stray", "undeclared", mcp.WithReadOnlyHintAnnotation(true)),
	}
	got := ToolsTable(all, []tools.Toolset{{Name: "a", Description: "set a"}, {Name: "b"}, {Name: "empty"}})
	assert.Contains(t, got, "4 tools (2 read-only) in 3 toolsets.")
	assert.Contains(t, got, "| `alpha_delete` | Deletes \\| things. | **destructive**, *idempotent* |\n| `zeta_read` | Reads zeta. | read |")
	assert.Contains(t, got, "| `make_thing` | Makes a thing | write |")
	assert.Contains(t, got, "#### `empty`\n\nNo tools yet.")
	assert.Less(t, strings.Index(got, "#### `b`"), strings.Index(got, "#### `undeclared`"), "undeclared toolsets come last")
}

func TestConfigTable(t *testing.T) {
	t.Parallel()

	type cfg struct {
		A string `envconfig:"X_A" default:"1" desc:"the a (flag --aa)"`
		B bool   `envconfig:"X_B" desc:"the b"`
		C int    // not configurable
	}
	got := ConfigTable(reflect.TypeOf(cfg{}))
	assert.Equal(t, "| Variable | Flag | Default | Description |\n|---|---|---|---|\n"+
		"| `X_A` | `--aa` | `1` | the a |\n| `X_B` |  |  | the b |\n", got)
}

func TestWriteSnapshotsWritesEveryToolAndRemovesStaleOnes(t *testing.T) {
	t.Parallel()

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "gone_tool.json"), []byte("{}\n"), 0o644))
	require.ErrorContains(t, WriteSnapshots(dir, true), "out of date", "check mode reports without writing")
	require.NoError(t, WriteSnapshots(dir, false))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	all := tools.All(tools.Deps{})
	assert.Len(t, entries, len(all))
	for _, tl := range all {
		got, err := os.ReadFile(filepath.Join(dir, tl.Def.Name+".json"))
		require.NoError(t, err)
		want, err := tools.Snapshot(tl)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got))
	}
	require.NoError(t, WriteSnapshots(dir, true), "up to date now")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "gone_tool.json"), []byte("{}\n"), 0o644))
	require.ErrorContains(t, WriteSnapshots(dir, true), "no longer exists")
}

// docs/BENCHMARKS.md's schema section follows the code.
func TestBenchmarksSchemaSectionIsUpToDate(t *testing.T) {
	t.Parallel()

	path := filepath.Join("..", "..", "docs", "BENCHMARKS.md")
	doc, err := os.ReadFile(path)
	require.NoError(t, err)
	updated, err := replaceSection(doc, "schemas", SchemaSection(tools.All(tools.Deps{})))
	require.NoError(t, err)
	if string(updated) != string(doc) {
		t.Fatalf("docs/BENCHMARKS.md's schema section is out of date: run %s and commit the result", Command)
	}
}
