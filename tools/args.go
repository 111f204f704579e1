package tools

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/mark3labs/mcp-go/mcp"
	validator "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/oncehub-mcp/oncehub-mcp/internal/clip"
)

// Binding a call's arguments: the tool's own input schema (the one tools/list
// publishes) validates them with santhosh-tekuri/jsonschema, the validator
// mcp-go links for server.WithInputSchemaValidation; its findings become the
// server's usual messages (argument named, allowed values listed, "Nothing
// was sent to OnceHub"). Only then are they decoded into the argument
// struct, whose validate method checks what a schema cannot say (a time
// zone that must load, date order, a window's length).
//
// Not server.WithInputSchemaValidation itself: its message is fixed
// ("input schema validation failed: /limit: …"), it runs before tool
// middleware (a refused call would be invisible to metrics and logs), and it
// compiles schemas without asserting formats (email, date, date-time).

// checker validates code-only rules after the schema did its part.
type checker interface{ validate() error }

// argSchema is one tool's input schema: as published, compiled for
// validation on first use, and as a Go value (typed) for the messages that
// explain a refusal, also built on first use.
type argSchema struct {
	tool     string
	raw      json.RawMessage
	typed    func() *jsonschema.Schema
	tree     any // raw, decoded: keywords looked up by JSON pointer
	compiled func() (*validator.Schema, error)
}

// newArgSchema is tool's input schema raw; typed returns the same schema as
// a Go value (nil if it cannot be built: messages then name less).
func newArgSchema(tool string, raw json.RawMessage, typed func() *jsonschema.Schema) *argSchema {
	a := &argSchema{tool: tool, raw: raw, typed: sync.OnceValue(typed)}
	a.compiled = sync.OnceValues(func() (*validator.Schema, error) {
		doc, err := validator.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		a.tree = doc
		c := validator.NewCompiler()
		c.AssertFormat()
		url := "mem:///tools/" + tool + ".json"
		if err := c.AddResource(url, doc); err != nil {
			return nil, err
		}
		return c.Compile(url)
	})
	return a
}

// bind checks a call's arguments against the tool's schema, decodes them
// into A and runs A's own checks. Every error is an *argError.
func bind[A any](req mcp.CallToolRequest, s *argSchema) (A, error) {
	var args A
	raw := req.Params.Arguments
	if raw == nil {
		raw = map[string]any{}
	}
	data, err := json.Marshal(raw)
	if err != nil {
		return args, &argError{msg: "could not be read: " + err.Error()}
	}
	sch, err := s.compiled()
	if err != nil {
		return args, fmt.Errorf("the input schema of %s does not compile: %w", s.tool, err)
	}
	v, err := validator.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return args, &argError{msg: "are not valid JSON: " + err.Error()}
	}
	if err := sch.Validate(v); err != nil {
		var verr *validator.ValidationError
		if errors.As(err, &verr) {
			return args, s.explain(verr)
		}
		return args, &argError{msg: err.Error()}
	}
	if err := json.Unmarshal(data, &args); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return args, argErrorf(te.Field[strings.LastIndex(te.Field, ".")+1:], "must be %s, got a JSON %s", describeType(te.Type), te.Value)
		}
		return args, &argError{msg: err.Error()}
	}
	if c, ok := any(&args).(checker); ok {
		if err := c.validate(); err != nil {
			return args, err
		}
	}
	return args, nil
}

// maxReported caps the problems one message lists.
const maxReported = 5

// explain turns a validation failure into an *argError naming each argument
// at fault (up to maxReported), unknown arguments first.
func (s *argSchema) explain(verr *validator.ValidationError) error {
	var errs []*argError
	s.collect(verr, &errs)
	if len(errs) == 0 {
		return &argError{msg: verr.Error()}
	}
	// Unknown arguments first, then wrong values, then missing ones: a
	// value given wrongly is what the caller most needs to see.
	rank := func(e *argError) int {
		switch {
		case strings.Contains(e.msg, "is not an argument"):
			return 0
		case e.msg == "is required" || strings.HasPrefix(e.msg, "is required unless"):
			return 2
		}
		return 1
	}
	slices.SortStableFunc(errs, func(a, b *argError) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), strings.Compare(a.arg, b.arg))
	})
	errs = slices.CompactFunc(errs, func(a, b *argError) bool { return a.arg == b.arg && a.msg == b.msg })
	first := errs[0]
	if len(errs) > maxReported {
		errs = errs[:maxReported]
	}
	first.more = errs[1:]
	return first
}

func (s *argSchema) collect(e *validator.ValidationError, out *[]*argError) {
	at := s.locate(e.InstanceLocation)
	switch k := e.ErrorKind.(type) {
	case *kind.AnyOf, *kind.OneOf:
		if ae := s.either(e, at); ae != nil {
			*out = append(*out, ae)
			return
		}
		if k, ok := k.(*kind.OneOf); ok && len(k.Subschemas) > 1 {
			*out = append(*out, &argError{arg: at.path, msg: "matches more than one allowed form"})
			return
		}
	case *kind.PropertyNames:
		// santhosh-tekuri/jsonschema v6.0.3 reports a propertyNames failure
		// with an instance location whose array it goes on reusing: the
		// object's place is read from the schema location instead.
		*out = append(*out, s.leaf(e, s.locateKeyword(e.SchemaURL))...)
		return
	case *kind.Not:
		if names := requiredIn(s.keyword(e)); len(names) > 1 {
			*out = append(*out, &argError{arg: at.join(names[len(names)-1]),
				msg: "cannot be combined with " + strings.Join(names[:len(names)-1], " or ")})
			return
		}
	}
	if len(e.Causes) == 0 {
		*out = append(*out, s.leaf(e, at)...)
		return
	}
	for _, c := range e.Causes {
		s.collect(c, out)
	}
}

// either explains an anyOf or oneOf rule of required fields: give one of
// them (or, for oneOf, only one).
func (s *argSchema) either(e *validator.ValidationError, at location) *argError {
	branches, _ := s.keyword(e).([]any)
	var names []string
	for _, b := range branches {
		req := requiredIn(b)
		if len(req) != 1 {
			return nil
		}
		names = append(names, req[0])
	}
	if len(names) < 2 {
		return nil
	}
	if k, ok := e.ErrorKind.(*kind.OneOf); ok && len(k.Subschemas) > 1 {
		return &argError{arg: at.join(names[k.Subschemas[1]]), msg: "cannot be combined with " + names[k.Subschemas[0]] + ": give only one of " + orList(names)}
	}
	return &argError{arg: at.join(names[0]), msg: "is required unless " + orList(names[1:]) + " is given: give one of " + orList(names)}
}

func (s *argSchema) leaf(e *validator.ValidationError, at location) []*argError {
	one := func(msg string) []*argError { return []*argError{{arg: at.path, msg: msg}} }
	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		var out []*argError
		for _, m := range k.Missing {
			out = append(out, &argError{arg: at.join(m), msg: "is required"})
		}
		return out
	case *kind.AdditionalProperties:
		valid := strings.Join(propertyNames(at.schema), ", ")
		var out []*argError
		for _, p := range k.Properties {
			msg := "is not an argument of this tool; valid arguments: " + valid
			if at.path != "" {
				msg = "is not a field here; valid fields: " + valid
			}
			if p == "" {
				out = append(out, &argError{arg: cmp.Or(at.path, "arguments"), msg: "include one with an empty name; remove it"})
				continue
			}
			out = append(out, &argError{arg: at.join(p), msg: msg})
		}
		return out
	case *kind.Type:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = jsonTypeWords(w)
		}
		msg := fmt.Sprintf("must be %s, got a JSON %s", strings.Join(want, " or "), k.Got)
		if k.Got == "null" {
			msg = fmt.Sprintf("must be %s; to leave it out, omit it rather than sending null", strings.Join(want, " or "))
		}
		if at.path == "" {
			return []*argError{{msg: "must be a JSON object of named arguments"}}
		}
		return one(msg)
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprint(w)
		}
		return one(fmt.Sprintf("%s is not one of the allowed values; use one of %s", shown(k.Got), strings.Join(want, ", ")))
	case *kind.Const:
		return one(fmt.Sprintf("must be %s", shown(k.Want)))
	case *kind.Minimum, *kind.Maximum, *kind.ExclusiveMinimum, *kind.ExclusiveMaximum:
		return one(rangeMessage(at.schema, e.ErrorKind))
	case *kind.Pattern:
		if k.Got == "" {
			return one("must not be empty")
		}
		if want, ok := wantByPattern[k.Want]; ok {
			return one(fmt.Sprintf("%q is not %s", clip.Value(k.Got), want))
		}
		return one(fmt.Sprintf("%q does not have the expected form (pattern %s)", clip.Value(k.Got), k.Want))
	case *kind.Format:
		got, _ := k.Got.(string)
		if want, ok := wantByFormat[k.Want]; ok && (at.schema == nil || at.schema.Pattern == "" || wantByPattern[at.schema.Pattern] == want) {
			return one(fmt.Sprintf("%q is not %s", clip.Value(got), want))
		}
		return one(fmt.Sprintf("%q is not a valid %s", clip.Value(got), k.Want))
	case *kind.MinLength:
		if k.Want <= 1 {
			return one("must not be empty")
		}
		return one(fmt.Sprintf("is too short: at least %d characters", k.Want))
	case *kind.MaxLength:
		return one(fmt.Sprintf("is too long: %d characters, at most %d", k.Got, k.Want))
	case *kind.MinItems:
		return one(fmt.Sprintf("needs at least %d item(s)", k.Want))
	case *kind.MaxItems:
		return one(fmt.Sprintf("has %d items, at most %d", k.Got, k.Want))
	case *kind.MaxProperties:
		return one(fmt.Sprintf("has %d fields, at most %d", k.Got, k.Want))
	case *kind.UniqueItems:
		return one(fmt.Sprintf("lists the same value twice (items %d and %d); give each once", k.Duplicates[0], k.Duplicates[1]))
	case *kind.MinProperties:
		return one("gives nothing to change: add at least one field to change")
	case *kind.PropertyNames:
		switch k.Property {
		case "":
			return one("has a field with an empty name; use each question's mapped field name")
		case "name", "email", "phone":
			return []*argError{{arg: at.join(k.Property), msg: "use the " + k.Property + " argument instead of a custom field"}}
		}
		return []*argError{{arg: at.join(k.Property), msg: fmt.Sprintf("is too long a field name (at most %d characters)", maxNameLen)}}
	case *kind.FalseSchema:
		return one("is not allowed here")
	}
	return one(e.ErrorKind.LocalizedString(english))
}

var english = message.NewPrinter(language.English)

// location is where in the arguments a problem is: its path as the tool's
// argument (weekly[0].day) and its schema.
type location struct {
	path   string
	schema *jsonschema.Schema
}

// join is the path of field name below l.
func (l location) join(name string) string {
	if l.path == "" {
		return name
	}
	return l.path + "." + name
}

// locate walks the schema along an instance location.
func (s *argSchema) locate(loc []string) location {
	l := location{schema: s.typed()}
	for _, seg := range loc {
		sch := l.schema
		switch {
		case sch != nil && sch.Items != nil:
			l.path += "[" + seg + "]"
			l.schema = sch.Items
		default:
			l.path = l.join(seg)
			switch {
			case sch == nil:
			case sch.Properties[seg] != nil:
				l.schema = sch.Properties[seg]
			default:
				l.schema = sch.AdditionalProperties
			}
		}
	}
	return l
}

// locateKeyword is the location of the object a keyword of schemaURL
// applies to (…#/properties/custom_fields/propertyNames: custom_fields).
func (s *argSchema) locateKeyword(schemaURL string) location {
	_, ptr, _ := strings.Cut(schemaURL, "#")
	toks := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	var loc []string
	for i := 0; i+1 < len(toks); i++ {
		switch toks[i] {
		case "properties":
			loc = append(loc, toks[i+1])
			i++
		case "items":
			loc = append(loc, "*")
		}
	}
	return s.locate(loc)
}

// keyword is the value of the keyword that failed (e.g. the oneOf list of
// …#/properties/x).
func (s *argSchema) keyword(e *validator.ValidationError) any {
	_, ptr, ok := strings.Cut(e.SchemaURL, "#")
	if !ok {
		return nil
	}
	kw := e.ErrorKind.KeywordPath()
	if _, ok := e.ErrorKind.(*kind.Not); ok && len(kw) == 0 {
		kw = []string{"not"} // reported at the schema holding it
	}
	v := s.tree
	for _, tok := range append(strings.Split(strings.TrimPrefix(ptr, "/"), "/"), kw...) {
		if tok == "" {
			continue
		}
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch node := v.(type) {
		case map[string]any:
			v = node[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(node) {
				return nil
			}
			v = node[i]
		default:
			return nil
		}
	}
	return v
}

// requiredIn is the "required" list of a schema (decoded JSON).
func requiredIn(v any) []string {
	m, _ := v.(map[string]any)
	list, _ := m["required"].([]any)
	out := make([]string, 0, len(list))
	for _, r := range list {
		if s, ok := r.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// propertyNames lists an object schema's properties in their order.
func propertyNames(s *jsonschema.Schema) []string {
	if s == nil {
		return nil
	}
	names := slices.Clone(s.PropertyOrder)
	for n := range s.Properties {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

func rangeMessage(s *jsonschema.Schema, k validator.ErrorKind) string {
	var got *big.Rat
	switch k := k.(type) {
	case *kind.Minimum:
		got = k.Got
	case *kind.Maximum:
		got = k.Got
	case *kind.ExclusiveMinimum:
		got = k.Got
	case *kind.ExclusiveMaximum:
		got = k.Got
	}
	g := got.RatString()
	switch {
	case s != nil && s.Minimum != nil && s.Maximum != nil:
		return fmt.Sprintf("must be between %g and %g, got %s", *s.Minimum, *s.Maximum, g)
	case s != nil && s.Minimum != nil:
		return fmt.Sprintf("must be at least %g, got %s", *s.Minimum, g)
	case s != nil && s.Maximum != nil:
		return fmt.Sprintf("must be at most %g, got %s", *s.Maximum, g)
	}
	return k.LocalizedString(english)
}

func jsonTypeWords(t string) string {
	switch t {
	case "string":
		return "a string"
	case "integer":
		return "a whole number"
	case "number":
		return "a number"
	case "boolean":
		return "true or false"
	case "array":
		return "a list"
	case "object":
		return "an object"
	}
	return t
}

// shown renders a JSON value for a message (long strings clipped).
func shown(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(clip.Value(s))
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return clip.Value(string(b))
}

// orList is "a", "a or b", "a, b or c".
func orList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

func describeType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.Slice:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}
