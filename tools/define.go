package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// effect says what a tool changes; it decides the four annotations.
type effect int

const (
	// read changes nothing: readOnly, not destructive, idempotent.
	read effect = iota
	// create adds something new; repeating it adds another.
	create
	// update changes something in place; repeating it changes nothing more.
	update
	// destroy removes or irreversibly changes something.
	destroy
	// destroyIdempotent removes something; repeating it changes nothing more.
	destroyIdempotent
)

// spec is the static description of a tool. Tools have no title: the
// snake_case name reads well in a host's UI, models never see titles, and
// 40 of them would add about 1.2 KB to every tools/list.
type spec struct {
	name    string
	toolset Toolset
	effect  effect
	desc    string
	// args names the tool argument that carries an OnceHub parameter, where
	// the default (see argNames.arg) does not: {"location.value": "video_provider"}.
	args map[string]string
}

// define builds a read-only tool from its spec, its argument type A (the
// input schema) and its result type R (the output schema). run returns the
// result or an error; errors become isError results (see errorResult).
func define[A, R any](s spec, run func(ctx context.Context, args A) (R, error)) Tool {
	if s.effect != read {
		panic("define is for read-only tools; use defineWrite or defineDestructive for " + s.name)
	}
	return build[A, R](s, nil, func(ctx context.Context, args A) (R, *oncehub.Response, error) {
		out, err := run(ctx, args)
		return out, nil, err
	})
}

// defineWrite builds a tool that changes something but destroys nothing
// (create, update). run returns the result and OnceHub's *Response for the
// change, whose Request-Id the result carries as request_id.
func defineWrite[A, R any](s spec, run func(ctx context.Context, args A) (R, *oncehub.Response, error)) Tool {
	if s.effect != create && s.effect != update {
		panic("defineWrite is for tools that create or update: " + s.name)
	}
	return build[A, R](s, nil, run)
}

// defineDestructive is defineWrite for tools whose effect is destroy or
// destroyIdempotent (including updates that overwrite: they can remove what
// is there): before run, describe says in one line what is about to happen
// (which object, who, when, in the guest's time zone, who is emailed) and
// the user is asked to confirm it (see Deps.confirm). Nothing is sent when
// they do not. describe may instead return a *done: the call needs no
// change (already canceled, already deleted), and that is its result.
func defineDestructive[A, R any](d Deps, s spec, describe func(ctx context.Context, args A) (string, error), run func(ctx context.Context, args A) (R, *oncehub.Response, error)) Tool {
	if s.effect != destroy && s.effect != destroyIdempotent {
		panic("defineDestructive used for a tool that is not destructive: " + s.name)
	}
	return build[A, R](s, func(ctx context.Context, args A) error {
		return d.confirm(ctx, s.name, func() (string, error) { return describe(ctx, args) })
	}, run)
}

func build[A, R any](s spec, confirm func(ctx context.Context, args A) error, run func(ctx context.Context, args A) (R, *oncehub.Response, error)) Tool {
	readOnly, destructive, idempotent := annotationsFor(s.effect)
	openWorld := true
	write := s.effect != read
	argType, resultType := reflect.TypeFor[A](), reflect.TypeFor[R]()
	reflected := func() (toolSchemas, error) { return reflectSchemas(s, argType, resultType, write) }
	schemas, ok := generatedSchemas[s.name]
	if !ok { // a tool go generate has not seen yet
		var err error
		if schemas, err = reflected(); err != nil {
			panic(err)
		}
	}
	// The input schema as a Go value, and the argument names built from it,
	// serve only to explain a refusal: built then.
	typed := func() *jsonschema.Schema {
		in, err := inputSchemaFor(argType)
		if err != nil {
			return nil // cannot happen once reflectSchemas succeeded (TestGeneratedSchemas)
		}
		return in
	}
	schema := newArgSchema(s.name, json.RawMessage(schemas.in), typed)
	names := sync.OnceValue(func() argNames { return newArgNames(s, propertyNames(schema.typed())) })
	// Every field is set here, the four annotations explicitly.
	def := mcp.Tool{
		Name:           s.name,
		Description:    s.desc,
		RawInputSchema: schema.raw,
		Annotations: mcp.ToolAnnotation{
			ReadOnlyHint:    &readOnly,
			DestructiveHint: &destructive,
			IdempotentHint:  &idempotent,
			OpenWorldHint:   &openWorld,
		},
	}
	if schemas.out != "" {
		def.RawOutputSchema = json.RawMessage(schemas.out)
	}
	return Tool{
		Toolset:        s.toolset,
		Def:            def,
		reflectSchemas: reflected,
		Handler: func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			args, err := bind[A](req, schema)
			if err != nil {
				return errorResult(names().name(err), write), nil
			}
			ctx = withProgress(ctx, req)
			if confirm != nil {
				if err := confirm(withCall(ctx, req), args); err != nil {
					if d, ok := errors.AsType[*done](err); ok {
						return structured(d.result, ""), nil
					}
					return confirmResult(names().name(err)), nil
				}
			}
			out, resp, err := run(ctx, args)
			if err != nil {
				return errorResult(names().name(err), write), nil
			}
			return structured(out, requestID(resp)), nil
		},
	}
}

// done is returned by a destructive tool's describe when the call needs no
// change (a booking already canceled): result is the tool's answer, given
// without asking the user.
type done struct{ result any }

func (d *done) Error() string { return "nothing to do" }

func annotationsFor(e effect) (readOnly, destructive, idempotent bool) {
	switch e {
	case read:
		return true, false, true
	case create:
		return false, false, false
	case update:
		return false, false, true
	case destroy:
		return false, true, false
	default: // destroyIdempotent
		return false, true, true
	}
}

// requestID is resp's Request-Id ("" without a response).
func requestID(resp *oncehub.Response) string {
	if resp == nil {
		return ""
	}
	return resp.RequestID
}

// structured returns v as structuredContent plus its text for the model
// (render.go: tables for lists, days for slots, compact JSON else). A
// write's result ends with OnceHub's request_id, which support asks for.
func structured(v any, requestID string) *mcp.CallToolResult {
	text, err := json.Marshal(v)
	if err != nil {
		return errorResult(err, false)
	}
	if requestID != "" && len(text) >= 2 && text[0] == '{' {
		id, _ := json.Marshal(requestID)
		sep := ","
		if string(text) == "{}" {
			sep = ""
		}
		text = fmt.Appendf(text[:len(text)-1:len(text)-1], `%s"request_id":%s}`, sep, id)
	}
	// The encoded bytes serve as structuredContent too: encoding the value a
	// second time would cost as much again. The text a model reads is
	// rendered from them (render.go).
	return mcp.NewToolResultStructured(json.RawMessage(text), renderText(v, text))
}

// argNames names the tool argument that carries each OnceHub parameter, so
// that a *oncehub.ParamError reads in the tool's terms.
type argNames struct {
	id    string            // the argument holding the path's "id": the tool's only *_id argument
	extra map[string]string // spec.args
}

func newArgNames(s spec, args []string) argNames {
	n := argNames{extra: s.args}
	if a, ok := s.args["id"]; ok {
		n.id = a
		return n
	}
	for _, name := range args {
		if strings.HasSuffix(name, "_id") {
			if n.id != "" {
				panic(fmt.Sprintf("%s has two *_id arguments (%s, %s): say which is OnceHub's id in spec.args", s.name, n.id, name))
			}
			n.id = name
		}
	}
	return n
}

// arg is the tool argument for OnceHub parameter param: spec.args first;
// "id" is the tool's *_id argument; <field>.gt and <field>.lt are
// <field>_after and <field>_before; a booking form's name, email and phone
// are arguments of their own and its other fields are custom_fields;
// utm_params are utm; anything else has OnceHub's name.
func (n argNames) arg(param string) string {
	if a, ok := n.extra[param]; ok {
		return a
	}
	switch {
	case param == "id" && n.id != "":
		return n.id
	case strings.HasSuffix(param, ".gt"):
		return strings.TrimSuffix(param, ".gt") + "_after"
	case strings.HasSuffix(param, ".lt"):
		return strings.TrimSuffix(param, ".lt") + "_before"
	case param == "booking_form":
		return "custom_fields"
	case strings.HasPrefix(param, "booking_form."):
		switch field := strings.TrimPrefix(param, "booking_form."); field {
		case "name", "email", "phone":
			return field
		default:
			return "custom_fields." + field
		}
	case strings.HasPrefix(param, "utm_params."):
		return "utm." + strings.TrimPrefix(param, "utm_params.")
	case param == "terms_of_sevice": // sic: OnceHub's spelling
		return "terms_of_service"
	}
	return param
}

// name turns a *oncehub.ParamError in err into the *argError naming the
// tool's argument; other errors are returned as they are.
func (n argNames) name(err error) error {
	if pe, ok := errors.AsType[*oncehub.ParamError](err); ok {
		return &argError{arg: n.arg(pe.Param), msg: pe.Message}
	}
	return err
}
