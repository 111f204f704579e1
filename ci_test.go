package main_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

// Every fuzz target is run by scripts/fuzz.sh, which CI runs: a target that
// is not listed there would never run.
func TestEveryFuzzTargetRunsInCI(t *testing.T) {
	t.Parallel()

	root := testenv.RepoRoot()
	script := readRepoFile(t, "scripts/fuzz.sh")
	fuzzFunc := regexp.MustCompile(`(?m)^func (Fuzz\w+)\(`)
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		for _, m := range fuzzFunc.FindAllStringSubmatch(string(src), -1) {
			n++
			assert.Regexp(t, `(?m)^\./`+regexp.QuoteMeta(filepath.ToSlash(rel))+`:`+m[1]+`$`, script,
				"%s (%s) is not listed in scripts/fuzz.sh", m[1], rel)
		}
		return nil
	})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, n, 15)
}
