package tools

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
)

// validator is implemented by argument structs that check themselves after binding.
type validator interface{ validate() error }

// bind decodes a call's arguments into A: unknown arguments, wrong types and
// missing required arguments (fields whose json tag has no omitempty) are
// *argError naming the argument; then A.validate runs if A has one.
func bind[A any](req mcp.CallToolRequest) (A, error) {
	var args A
	raw := req.GetArguments()
	if raw == nil {
		if req.Params.Arguments != nil {
			return args, &argError{arg: "arguments", msg: "must be a JSON object"}
		}
		raw = map[string]any{}
	}
	info := argInfoFor(reflect.TypeFor[A]())
	for name := range raw {
		if name == "" {
			return args, &argError{arg: "arguments", msg: "include one with an empty name; remove it"}
		}
		if !info.known[name] {
			return args, &argError{arg: name, msg: fmt.Sprintf("is not an argument of this tool; valid arguments: %s", strings.Join(info.names, ", "))}
		}
	}
	for _, name := range info.required {
		v, ok := raw[name]
		if !ok || v == nil || v == "" {
			return args, &argError{arg: name, msg: "is required"}
		}
	}
	data, err := json.Marshal(raw)
	if err != nil {
		return args, &argError{arg: "arguments", msg: "could not be read: " + err.Error()}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&args); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			field := argPath(te.Field, info)
			return args, &argError{arg: field, msg: fmt.Sprintf("must be %s, got a JSON %s", describeType(te.Type), te.Value)}
		}
		return args, &argError{arg: "arguments", msg: err.Error()}
	}
	if v, ok := any(&args).(validator); ok {
		if err := v.validate(); err != nil {
			return args, err
		}
	}
	return args, nil
}

// argPath turns encoding/json's field path ("pageArgs.limit") into the
// argument's name ("limit"): leading Go names of embedded structs are dropped.
func argPath(field string, info argInfo) string {
	parts := strings.Split(field, ".")
	for len(parts) > 1 && !info.known[parts[0]] {
		parts = parts[1:]
	}
	if parts[0] == "" {
		return "arguments"
	}
	return strings.Join(parts, ".")
}

type argInfo struct {
	known    map[string]bool
	names    []string
	required []string
}

var argInfoCache sync.Map

func argInfoFor(t reflect.Type) argInfo {
	if v, ok := argInfoCache.Load(t); ok {
		return v.(argInfo)
	}
	info := argInfo{known: map[string]bool{}}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if f.Anonymous && tag == "" {
				walk(f.Type)
				continue
			}
			if tag == "-" || !f.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if name == "" {
				name = f.Name
			}
			info.known[name] = true
			info.names = append(info.names, name)
			if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") {
				info.required = append(info.required, name)
			}
		}
	}
	if t.Kind() == reflect.Struct {
		walk(t)
	}
	sort.Strings(info.names)
	argInfoCache.Store(t, info)
	return info
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
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(describeType(t.Elem()), "a "), "an ") + "s"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}
