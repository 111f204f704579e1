package tools_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/testdeps"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

// TestToolSnapshots keeps each tool's definition (name, description,
// schemas, annotations) in testdata/tools/<name>.json, so that any change to
// what a model sees shows up in review. A new tool's snapshot is written
// when it is missing (outside CI; in CI a missing one fails). A changed
// definition fails until `go generate ./...` rewrites the snapshots.
func TestToolSnapshots(t *testing.T) {
	t.Parallel()

	dir := filepath.Join("testdata", "tools")
	want := map[string]bool{}
	for _, tl := range tools.All(tools.Deps{}) {
		name := tl.Def.Name + ".json"
		want[name] = true
		got, err := tools.Snapshot(tl)
		require.NoError(t, err)
		path := filepath.Join(dir, name)
		saved, err := os.ReadFile(path)
		if os.IsNotExist(err) && !testdeps.InCI() {
			require.NoError(t, os.MkdirAll(dir, 0o755))
			require.NoError(t, os.WriteFile(path, got, 0o644))
			t.Logf("wrote the snapshot of the new tool %s: review and commit %s", tl.Def.Name, path)
			continue
		}
		if !assert.NoError(t, err, "no snapshot for %s: run go generate ./... and commit it", tl.Def.Name) {
			continue
		}
		assert.Equal(t, string(saved), string(got), "%s changed: review, then run go generate ./...", tl.Def.Name)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var stale []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".json") && !want[e.Name()] {
			stale = append(stale, e.Name())
		}
	}
	sort.Strings(stale)
	assert.Empty(t, stale, "snapshots of tools that no longer exist: run go generate ./...")
}
