package tools_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

var update = flag.Bool("update", false, "rewrite the tool schema snapshots in testdata/tools")

// TestToolSnapshots keeps each tool's definition (name, title, description,
// schemas, annotations) in testdata/tools/<name>.json, so that any change to
// what a model sees shows up in review. Run `go test ./tools -run
// TestToolSnapshots -update` to accept a change.
func TestToolSnapshots(t *testing.T) {
	dir := filepath.Join("testdata", "tools")
	all := tools.All(tools.Deps{})
	want := map[string]bool{}
	for _, tl := range all {
		name := tl.Def.Name + ".json"
		want[name] = true
		got, err := json.MarshalIndent(tl.Def, "", "  ")
		require.NoError(t, err)
		got = append(got, '\n')
		path := filepath.Join(dir, name)
		if *update {
			require.NoError(t, os.MkdirAll(dir, 0o755))
			require.NoError(t, os.WriteFile(path, got, 0o644))
			continue
		}
		saved, err := os.ReadFile(path)
		if !assert.NoError(t, err, "no snapshot for %s: run go test ./tools -run TestToolSnapshots -update", tl.Def.Name) {
			continue
		}
		assert.Equal(t, string(saved), string(got), "%s changed: review, then run go test ./tools -run TestToolSnapshots -update", tl.Def.Name)
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var stale []string
	for _, e := range entries {
		if !want[e.Name()] {
			stale = append(stale, e.Name())
		}
	}
	sort.Strings(stale)
	if *update {
		for _, s := range stale {
			require.NoError(t, os.Remove(filepath.Join(dir, s)))
		}
		return
	}
	assert.Empty(t, stale, "snapshots of tools that no longer exist: run with -update")
}
