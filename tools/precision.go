package tools

import (
	"encoding/json"
	"slices"
)

// ArgumentStats is how precisely a tool's input schema states its
// arguments (docs/BENCHMARKS.md, TestEveryArgumentIsConstrainedAndDescribed).
type ArgumentStats struct {
	Tool      string
	Arguments int // every argument, the fields of nested objects and list items included
	// Constrained arguments say what values they take with a keyword (enum,
	// const, format, pattern, a range, a length, closed fields; a boolean by
	// its type). Every argument is constrained: free text has a length.
	Constrained   int
	Unconstrained []string
	// NeedDescription counts arguments whose name does not say everything
	// (see selfExplanatory); Described, those of them with a description.
	NeedDescription int
	Described       int
	Undescribed     []string
}

// SchemaStats measures t's input schema.
func SchemaStats(t Tool) ArgumentStats {
	st := ArgumentStats{Tool: t.Def.Name}
	var root map[string]any
	if json.Unmarshal(t.Def.RawInputSchema, &root) != nil {
		return st
	}
	var visit func(path, name string, s map[string]any)
	visit = func(path, name string, s map[string]any) {
		st.Arguments++
		if constrained(s) {
			st.Constrained++
		} else {
			st.Unconstrained = append(st.Unconstrained, path)
		}
		if !selfExplanatory(name) {
			st.NeedDescription++
			if d, _ := s["description"].(string); d != "" {
				st.Described++
			} else {
				st.Undescribed = append(st.Undescribed, path)
			}
		}
		fields(s, path, visit)
		if items, ok := s["items"].(map[string]any); ok {
			fields(items, path+"[]", visit)
		}
	}
	fields(root, "", visit)
	slices.Sort(st.Unconstrained)
	slices.Sort(st.Undescribed)
	return st
}

// fields visits the properties of object schema s, in name order.
func fields(s map[string]any, path string, visit func(path, name string, s map[string]any)) {
	props, _ := s["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		p, _ := props[n].(map[string]any)
		full := n
		if path != "" {
			full = path + "." + n
		}
		visit(full, n, p)
	}
}

// constrained reports a schema that limits its values beyond a bare type.
func constrained(s map[string]any) bool {
	for _, k := range []string{"enum", "const", "format", "pattern", "minimum", "maximum", "exclusiveMinimum",
		"exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "propertyNames"} {
		if _, ok := s[k]; ok {
			return true
		}
	}
	if s["type"] == "boolean" {
		return true
	}
	if ap, ok := s["additionalProperties"].(bool); ok && !ap {
		return true
	}
	if items, ok := s["items"].(map[string]any); ok {
		return constrained(items)
	}
	return false
}
