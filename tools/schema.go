package tools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// Schemas. A tool's input schema is its argument struct, reflected by
// google/jsonschema-go (jsonschema.ForType) with every argument type of
// argtypes.go standing for its own schema; then:
//
//   - a field's tags `default:"…"`, `minItems:"n"` and `unique:"true"` add
//     those keywords to its schema;
//   - an argument struct with rules joining its fields (one of two required,
//     two that exclude each other) states them (argRules);
//   - nothing accepts null (an absent optional argument is left out), every
//     object is closed (additionalProperties: false), and no schema is a bare
//     true or false except additionalProperties: false.
//
// The same schema validates every call (args.go). An output schema is the
// result type, reflected the same way (outputSchemaFor).
//
// Reflecting and encoding the schemas of 41 tools took about 20 ms of every
// start (BenchmarkAllTools, 2 CPUs), more than the whole start of a bare
// mcp-go server. So go generate writes them, as tools/list sends them, into
// schemas_gen.go, and a server starts from those; TestGeneratedSchemas fails
// when the file and the types disagree. A tool the file does not know yet
// (just added) is reflected at start, so it works before go generate runs.

// argRules is implemented by argument structs with rules across fields. The
// rules are schemas added to the struct's schema (see oneOf, exclusive).
type argRules interface{ rules() []*jsonschema.Schema }

// anyOfRequired is a rule: at least one of the fields is given.
func anyOfRequired(fields ...string) *jsonschema.Schema {
	s := &jsonschema.Schema{}
	for _, f := range fields {
		s.AnyOf = append(s.AnyOf, &jsonschema.Schema{Required: []string{f}})
	}
	return s
}

// exactlyOne is a rule: exactly one of the fields is given.
func exactlyOne(fields ...string) *jsonschema.Schema {
	s := &jsonschema.Schema{}
	for _, f := range fields {
		s.OneOf = append(s.OneOf, &jsonschema.Schema{Required: []string{f}})
	}
	return s
}

// exclusive is a rule: the fields are not all given together.
func exclusive(fields ...string) *jsonschema.Schema {
	return &jsonschema.Schema{Not: &jsonschema.Schema{Required: fields}}
}

// argTypeSchemas is argTypes as jsonschema.ForOptions.TypeSchemas.
var argTypeSchemas = func() map[reflect.Type]*jsonschema.Schema {
	m := make(map[reflect.Type]*jsonschema.Schema, len(argTypes))
	for t, a := range argTypes {
		m[t] = a.schema
	}
	return m
}()

// inputSchemas keeps each argument type's schema: several tools share one
// (a user ID, a booking ID), and the schema depends on the type alone.
// Schemas kept here are never changed.
var inputSchemas sync.Map // reflect.Type → *jsonschema.Schema

// inputSchemaFor builds the input schema of argument type t.
func inputSchemaFor(t reflect.Type) (*jsonschema.Schema, error) {
	if v, ok := inputSchemas.Load(t); ok {
		return v.(*jsonschema.Schema), nil
	}
	types := usedTypes(t, argTypeSchemas)
	// Nested argument structs (not embedded) with defaults or rules get
	// their own schema first, so that ForType uses it wherever they occur.
	var nested func(t reflect.Type, top bool) error
	seen := map[reflect.Type]bool{}
	nested = func(t reflect.Type, top bool) error {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] || types[t] != nil {
			return nil
		}
		seen[t] = true
		for _, f := range reflect.VisibleFields(t) {
			if f.Anonymous {
				continue // its fields are visible fields of t
			}
			if err := nested(f.Type, false); err != nil {
				return err
			}
		}
		if top || !decorated(t) {
			return nil
		}
		s, err := jsonschema.ForType(t, &jsonschema.ForOptions{TypeSchemas: types})
		if err != nil {
			return err
		}
		decorate(t, s)
		types[t] = s
		return nil
	}
	if err := nested(t, true); err != nil {
		return nil, err
	}
	s, err := jsonschema.ForType(t, &jsonschema.ForOptions{TypeSchemas: types})
	if err != nil {
		return nil, err
	}
	decorate(t, s)
	walk(s, func(s *jsonschema.Schema) {
		// No null: an optional argument is left out, not sent as null.
		if len(s.Types) == 2 && s.Types[0] == "null" {
			s.Type, s.Types = s.Types[1], nil
		}
	})
	s.PropertyOrder = requiredFirst(s)
	inputSchemas.Store(t, s)
	return s, nil
}

// usedTypes is the part of known that t refers to: jsonschema.ForType
// copies its TypeSchemas at every call, so a small map costs less.
func usedTypes(t reflect.Type, known map[reflect.Type]*jsonschema.Schema) map[reflect.Type]*jsonschema.Schema {
	out := map[reflect.Type]*jsonschema.Schema{}
	seen := map[reflect.Type]bool{}
	var visit func(t reflect.Type)
	visit = func(t reflect.Type) {
		if seen[t] {
			return
		}
		seen[t] = true
		if s, ok := known[t]; ok {
			out[t] = s
			return
		}
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			visit(t.Elem())
		case reflect.Struct:
			for i := 0; i < t.NumField(); i++ {
				visit(t.Field(i).Type)
			}
		}
	}
	visit(t)
	return out
}

// decorated reports a struct whose schema decorate changes: rules, or tags.
func decorated(t reflect.Type) bool {
	if _, ok := reflect.New(t).Elem().Interface().(argRules); ok {
		return true
	}
	for _, f := range reflect.VisibleFields(t) {
		for _, tag := range []string{"default", "minItems", "unique"} {
			if _, ok := f.Tag.Lookup(tag); ok {
				return true
			}
		}
	}
	return false
}

// decorate adds to struct t's schema s its fields' defaults and its rules
// (and those of the structs it embeds).
func decorate(t reflect.Type, s *jsonschema.Schema) {
	for _, f := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		p := s.Properties[name]
		if p == nil {
			continue
		}
		if def, ok := f.Tag.Lookup("default"); ok {
			p.Default = json.RawMessage(def)
		}
		if n, err := strconv.Atoi(f.Tag.Get("minItems")); err == nil {
			p.MinItems = jsonschema.Ptr(n)
		}
		if f.Tag.Get("unique") == "true" {
			p.UniqueItems = true
		}
	}
	// Rules of an embedded struct are promoted with its rules method; two
	// embedded structs with rules would hide each other's.
	_, has := reflect.New(t).Elem().Interface().(argRules)
	for _, f := range reflect.VisibleFields(t) {
		if _, ok := reflect.New(f.Type).Elem().Interface().(argRules); ok && f.Anonymous && !has {
			panic(fmt.Sprintf("%s embeds two structs with rules: give it a rules method returning both", t))
		}
	}
	addRules(s, reflect.New(t).Elem().Interface())
}

func addRules(s *jsonschema.Schema, v any) {
	r, ok := v.(argRules)
	if !ok {
		return
	}
	for _, rule := range r.rules() {
		switch {
		case rule.AnyOf != nil && s.AnyOf == nil && len(s.AllOf) == 0:
			s.AnyOf = rule.AnyOf
		case rule.OneOf != nil && s.OneOf == nil && len(s.AllOf) == 0:
			s.OneOf = rule.OneOf
		case rule.Not != nil && s.Not == nil && len(s.AllOf) == 0:
			s.Not = rule.Not
		default:
			// A second rule of a kind: every rule goes in allOf.
			for _, moved := range []*jsonschema.Schema{{AnyOf: s.AnyOf}, {OneOf: s.OneOf}, {Not: s.Not}} {
				if moved.AnyOf != nil || moved.OneOf != nil || moved.Not != nil {
					s.AllOf = append(s.AllOf, moved)
				}
			}
			s.AnyOf, s.OneOf, s.Not = nil, nil, nil
			s.AllOf = append(s.AllOf, rule)
		}
	}
}

// requiredFirst orders the properties with the required ones first (a model
// reads them first), otherwise in field order.
func requiredFirst(s *jsonschema.Schema) []string {
	order := slices.Clone(s.PropertyOrder)
	slices.SortStableFunc(order, func(a, b string) int {
		ra, rb := slices.Contains(s.Required, a), slices.Contains(s.Required, b)
		switch {
		case ra && !rb:
			return -1
		case rb && !ra:
			return 1
		}
		return 0
	})
	return order
}

// walk calls fn on s and every schema below it.
func walk(s *jsonschema.Schema, fn func(*jsonschema.Schema)) {
	if s == nil {
		return
	}
	fn(s)
	for _, p := range s.Properties {
		walk(p, fn)
	}
	walk(s.Items, fn)
	walk(s.AdditionalProperties, fn)
	walk(s.PropertyNames, fn)
	walk(s.Not, fn)
	for _, l := range [][]*jsonschema.Schema{s.AnyOf, s.OneOf, s.AllOf} {
		for _, c := range l {
			walk(c, fn)
		}
	}
}

// outputTypes are result field types whose Go shape is not their JSON shape.
var outputTypes = map[reflect.Type]*jsonschema.Schema{
	reflect.TypeFor[time.Time]():       {Type: "string", Format: "date-time"},
	reflect.TypeFor[json.RawMessage](): anyJSON(),
	reflect.TypeFor[oncehub.Object]():  {Type: "object"},
}

// anyJSON is the schema of any JSON value, written out: a bare true is
// refused by some clients.
func anyJSON() *jsonschema.Schema {
	return &jsonschema.Schema{Types: []string{"null", "boolean", "number", "string", "array", "object"}}
}

// outputSchemaFor builds the output schema of result type t: its JSON shape,
// with descriptions from `jsonschema` tags. Objects stay open (OnceHub adds
// fields to its objects, which results keep); a write's result also carries
// request_id.
func outputSchemaFor(t reflect.Type, write bool) (*jsonschema.Schema, error) {
	types := maps.Clone(outputTypes)
	var visit func(t reflect.Type)
	seen := map[reflect.Type]bool{}
	visit = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if seen[t] || types[t] != nil {
			return
		}
		seen[t] = true
		if o, ok := reflect.New(t).Elem().Interface().(outputShaper); ok {
			for _, u := range o.shapeTypes() {
				visit(u)
			}
			return
		}
		if isRef(t) {
			types[t] = &jsonschema.Schema{Types: []string{"string", "object"}, Description: "an ID, or the object when expanded"}
			return
		}
		if t.Kind() == reflect.Struct {
			for _, f := range reflect.VisibleFields(t) {
				visit(f.Type)
			}
		}
	}
	visit(t)
	// Types that choose their own shape (one of two views) build it from
	// the schemas of the types they hold.
	shaped := func(t reflect.Type) error {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		o, ok := reflect.New(t).Elem().Interface().(outputShaper)
		if !ok || types[t] != nil {
			return nil
		}
		var parts []*jsonschema.Schema
		for _, u := range o.shapeTypes() {
			s, err := jsonschema.ForType(u, &jsonschema.ForOptions{TypeSchemas: types})
			if err != nil {
				return err
			}
			parts = append(parts, s)
		}
		types[t] = o.shape(parts)
		return nil
	}
	for u := range seen {
		if err := shaped(u); err != nil {
			return nil, err
		}
	}
	if err := shaped(t); err != nil {
		return nil, err
	}
	s, err := jsonschema.ForType(t, &jsonschema.ForOptions{TypeSchemas: types})
	if err != nil {
		return nil, err
	}
	walk(s, func(s *jsonschema.Schema) {
		if s.AdditionalProperties != nil && s.AdditionalProperties.Not != nil {
			s.AdditionalProperties = nil // open: OnceHub's objects gain fields
		}
		if isEmpty(s) {
			*s = *anyJSON()
		}
	})
	if s.Type != "object" {
		return nil, fmt.Errorf("result type %s is not an object", t)
	}
	if write {
		if s.Properties == nil {
			s.Properties = map[string]*jsonschema.Schema{}
		}
		s.Properties["request_id"] = &jsonschema.Schema{Type: "string", Description: "OnceHub's Request-Id for this change"}
	}
	return s, nil
}

// outputSchemas keeps each result type's output schema as JSON: several
// tools return the same type (a booking change, a deleted object), and the
// schema depends on the type alone.
var outputSchemas sync.Map // outputKey → json.RawMessage

type outputKey struct {
	t     reflect.Type
	write bool
}

// outputSchemaJSON is outputSchemaFor, encoded, once per type.
func outputSchemaJSON(t reflect.Type, write bool) (json.RawMessage, error) {
	k := outputKey{t, write}
	if v, ok := outputSchemas.Load(k); ok {
		return v.(json.RawMessage), nil
	}
	s, err := outputSchemaFor(t, write)
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	outputSchemas.Store(k, json.RawMessage(raw))
	return raw, nil
}

// outputShaper is a result type whose JSON is one of several types'
// (shapeTypes), e.g. a list of compact or of whole objects.
type outputShaper interface {
	shapeTypes() []reflect.Type
	shape(parts []*jsonschema.Schema) *jsonschema.Schema
}

// isRef reports an oncehub.Ref[T]: an ID string, or the expanded object.
func isRef(t reflect.Type) bool {
	return t.PkgPath() == reflect.TypeFor[oncehub.Object]().PkgPath() && strings.HasPrefix(t.Name(), "Ref[")
}

// isEmpty reports a schema with no keyword (it would marshal as true).
func isEmpty(s *jsonschema.Schema) bool { return reflect.ValueOf(*s).IsZero() }

// toolSchemas is one tool's input schema and output schema (empty: none), as
// tools/list sends them.
type toolSchemas struct{ in, out string }

// reflectSchemas builds the schemas of tool s from its argument type a and
// its result type r (an interface: no output schema).
func reflectSchemas(s spec, a, r reflect.Type, write bool) (toolSchemas, error) {
	in, err := inputSchemaFor(a)
	if err != nil {
		return toolSchemas{}, fmt.Errorf("%s: input schema: %w", s.name, err)
	}
	raw, err := json.Marshal(in)
	if err != nil {
		return toolSchemas{}, fmt.Errorf("%s: input schema: %w", s.name, err)
	}
	newArgNames(s, propertyNames(in)) // panics on two *_id arguments, at generation
	out := toolSchemas{in: string(raw)}
	if r.Kind() != reflect.Interface {
		o, err := outputSchemaJSON(r, write)
		if err != nil {
			return toolSchemas{}, fmt.Errorf("%s: output schema: %w", s.name, err)
		}
		out.out = string(o)
	}
	return out, nil
}

// Reflected returns the tools all with their schemas built from their types
// now rather than taken from schemas_gen.go: what go generate writes every
// artifact from, so that one run brings them all up to date even while the
// file it runs with is stale.
func Reflected(all []Tool) ([]Tool, error) {
	out := make([]Tool, len(all))
	for i, t := range all {
		s, err := t.reflectSchemas()
		if err != nil {
			return nil, err
		}
		t.Def.RawInputSchema = json.RawMessage(s.in)
		t.Def.RawOutputSchema = nil
		if s.out != "" {
			t.Def.RawOutputSchema = json.RawMessage(s.out)
		}
		out[i] = t
	}
	return out, nil
}

// GeneratedSchemasFile is the Go source of schemas_gen.go for the tools all:
// each tool's schemas built from its types.
func GeneratedSchemasFile(all []Tool) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`// Code generated by go generate ./... (internal/docgen); DO NOT EDIT.

package tools

// generatedSchemas holds each tool's input and output schema as
// reflectSchemas builds them from its types (see schema.go).
var generatedSchemas = map[string]toolSchemas{
`)
	for _, t := range all {
		s, err := t.reflectSchemas()
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, "%q: {\nin: %s,\n", t.Def.Name, goString(s.in))
		if s.out != "" {
			fmt.Fprintf(&b, "out: %s,\n", goString(s.out))
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}

// goString is s as a Go string literal: raw when it can be.
func goString(s string) string {
	if strconv.CanBackquote(s) {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}
