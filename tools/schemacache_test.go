package tools

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSchemaCacheIsUpToDate(t *testing.T) {
	want, err := ReflectedSchemas()
	require.NoError(t, err)
	if string(want) != string(schemaCacheJSON) {
		t.Fatal("tools/schema_cache.json differs from the tools' argument types: run go generate ./... and commit the result")
	}
}

// A tool built from the cache is exactly the tool reflection builds.
func TestCachedToolsEqualReflectedTools(t *testing.T) {
	cached := All(Deps{})
	reflectOnly.Store(true)
	reflected := All(Deps{})
	reflectOnly.Store(false)
	require.Len(t, cached, len(reflected))
	for i := range cached {
		a, err := json.Marshal(cached[i].Def)
		require.NoError(t, err)
		b, err := json.Marshal(reflected[i].Def)
		require.NoError(t, err)
		assert.JSONEq(t, string(b), string(a), cached[i].Def.Name)
	}
}

func BenchmarkAllTools(b *testing.B) {
	for _, mode := range []struct {
		name    string
		reflect bool
	}{{"cached", false}, {"reflected", true}} {
		b.Run(mode.name, func(b *testing.B) {
			reflectOnly.Store(mode.reflect)
			defer reflectOnly.Store(false)
			for i := 0; i < b.N; i++ {
				All(Deps{})
			}
		})
	}
}

// Every tool's input schema comes from the cache: none falls back to reflection
// because the cache's line layout was not recognised, and the line scan reads
// the same schemas as a JSON decoder would.
func TestSchemaCacheHasEveryTool(t *testing.T) {
	cache := parseSchemaCache(schemaCacheJSON)
	var decoded map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(schemaCacheJSON, &decoded))
	all := All(Deps{})
	assert.Len(t, cache, len(all))
	for _, tool := range all {
		in, ok := cache[tool.Def.Name]
		if assert.True(t, ok, tool.Def.Name) {
			assert.True(t, json.Valid(in), tool.Def.Name)
			var want bytes.Buffer
			require.NoError(t, json.Compact(&want, decoded[tool.Def.Name]))
			assert.Equal(t, want.String(), string(in), tool.Def.Name)
		}
	}
}
