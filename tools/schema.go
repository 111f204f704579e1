package tools

import (
	"encoding/json"

	"github.com/mark3labs/mcp-go/mcp"
)

// compactSchemas shrinks a tool's schemas without changing what they accept,
// because every byte of tools/list is read by the model on every turn:
//   - input: no boolean "additionalProperties" (false: bind already names
//     unknown arguments; true is the default), and ["null", T] types become T
//     (null is accepted anyway);
//   - output: top-level property names and types only, no descriptions and
//     no "required" (the tool's description says what each item holds).
//     Only list tools declare properties (the paging contract: has_more,
//     next_cursor, items); other tools declare {"type": "object"} and their
//     descriptions name the fields.
func compactSchemas(def *mcp.Tool) {
	if in := compactJSON(def.RawInputSchema, compactInput); in != nil {
		def.RawInputSchema = in
	}
	if def.OutputSchema.Type != "" {
		raw, err := json.Marshal(def.OutputSchema)
		if err == nil {
			if out := compactJSON(raw, compactOutput); out != nil {
				def.OutputSchema = mcp.ToolOutputSchema{}
				def.RawOutputSchema = out
			}
		}
	}
}

func compactJSON(raw json.RawMessage, fn func(map[string]any)) json.RawMessage {
	if raw == nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	walkSchema(m, fn)
	out, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	return out
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
		delete(s, "additionalProperties") // false: bind names unknown arguments; true: the default
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

func compactOutput(s map[string]any) {
	delete(s, "description")
	delete(s, "additionalProperties")
	if p, ok := s["properties"].(map[string]any); ok && len(p) == 0 {
		delete(s, "properties")
	}
	delete(s, "required") // results are ours; the schema says what fields mean, not which are set
	// Nested objects keep only their type.
	if props, ok := s["properties"].(map[string]any); ok {
		for _, p := range props {
			if ps, ok := p.(map[string]any); ok {
				flattenNested(ps)
			}
		}
	}
}

// flattenNested reduces a property's schema to its type: nested objects and
// array items are described in the tool's description, and null is dropped
// from ["null", T] (our results never send null where a list is promised).
func flattenNested(s map[string]any) {
	for k := range s {
		if k != "type" {
			delete(s, k)
		}
	}
	if types, ok := s["type"].([]any); ok && len(types) == 2 && types[0] == "null" {
		s["type"] = types[1]
	}
}
