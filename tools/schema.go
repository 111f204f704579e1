package tools

import (
	"encoding/json"

	"github.com/mark3labs/mcp-go/mcp"
)

// compactInputSchema shrinks a tool's input schema without changing what it
// accepts, because every byte of tools/list is read by the model on every
// turn: no boolean "additionalProperties" (false: bind already names unknown
// arguments; true is the default), and ["null", T] types become T (null is
// accepted anyway).
func compactInputSchema(def *mcp.Tool) {
	var m map[string]any
	if json.Unmarshal(def.RawInputSchema, &m) != nil {
		return
	}
	walkSchema(m, compactInput)
	if out, err := json.Marshal(m); err == nil {
		def.RawInputSchema = out
	}
}

// walkSchema applies fn to s and every schema nested in properties and items.
func walkSchema(s map[string]any, fn func(map[string]any)) {
	fn(s)
	if props, ok := s["properties"].(map[string]any); ok {
		for _, p := range props {
			if ps, ok := p.(map[string]any); ok {
				walkSchema(ps, fn)
			}
		}
	}
	if items, ok := s["items"].(map[string]any); ok {
		walkSchema(items, fn)
	}
}

func compactInput(s map[string]any) {
	if _, ok := s["additionalProperties"].(bool); ok {
		delete(s, "additionalProperties")
	}
	if types, ok := s["type"].([]any); ok && len(types) == 2 {
		switch {
		case types[0] == "null":
			s["type"] = types[1]
		case types[1] == "null":
			s["type"] = types[0]
		}
	}
}
