package tools

import (
	"encoding/json"
	"sort"
)

// ToolSize is what one tool's definition costs in tools/list.
type ToolSize struct {
	Name   string
	Bytes  int // JSON bytes of the definition (name, description, schemas, annotations)
	Tokens int // estimated: Bytes/4
}

// DefinitionSizes is what tools/list costs a model's context window.
type DefinitionSizes struct {
	Tools         int
	Bytes         int
	Tokens        int        // estimated: Bytes/4
	TokensPerTool float64    // the goal is at most 150
	PerTool       []ToolSize // largest first
}

// MeasureDefinitions measures the tools' definitions as tools/list sends them.
// Tokens are estimated as bytes/4, a fair average for English and JSON.
func MeasureDefinitions(ts []Tool) DefinitionSizes {
	out := DefinitionSizes{Tools: len(ts)}
	for _, t := range ts {
		data, err := json.Marshal(t.Def)
		if err != nil {
			continue // cannot happen for definitions built by define
		}
		out.Bytes += len(data)
		out.PerTool = append(out.PerTool, ToolSize{Name: t.Def.Name, Bytes: len(data), Tokens: len(data) / 4})
	}
	out.Tokens = out.Bytes / 4
	if len(ts) > 0 {
		out.TokensPerTool = float64(out.Bytes) / 4 / float64(len(ts))
	}
	sort.SliceStable(out.PerTool, func(i, j int) bool { return out.PerTool[i].Bytes > out.PerTool[j].Bytes })
	return out
}

// Snapshot is t's definition as a snapshot file holds it: indented JSON of
// what tools/list sends, so that a change to what a model sees shows up in
// review (tools/testdata/tools/<name>.json; go generate ./... writes them).
func Snapshot(t Tool) ([]byte, error) {
	data, err := json.MarshalIndent(t.Def, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}
