package tools

import (
	"context"
	"encoding/json"

	"github.com/mark3labs/mcp-go/mcp"
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
	toolset string
	effect  effect
	desc    string
}

// define builds a Tool from its spec and its argument type A (input schema).
// run returns the structured result, a JSON object, or an error; errors become
// isError results (see errorResult).
func define[A any](s spec, run func(ctx context.Context, args A) (any, error)) Tool {
	return build[A](s, nil, run)
}

// defineDestructive is define for tools whose effect is destroy or
// destroyIdempotent: before run, describe says in one line what is about to
// happen (which object, who, when, in the guest's time zone) and the user is
// asked to confirm it (see Deps.confirm). Nothing is sent when they do not.
func defineDestructive[A any](d Deps, s spec, describe func(ctx context.Context, args A) (string, error), run func(ctx context.Context, args A) (any, error)) Tool {
	if s.effect != destroy && s.effect != destroyIdempotent {
		panic("defineDestructive used for a tool that is not destructive: " + s.name)
	}
	return build[A](s, func(ctx context.Context, args A) error {
		return d.confirm(ctx, s.name, func() (string, error) { return describe(ctx, args) })
	}, run)
}

func build[A any](s spec, confirm func(ctx context.Context, args A) error, run func(ctx context.Context, args A) (any, error)) Tool {
	readOnly, destructive, idempotent := annotationsFor(s.effect)
	openWorld := true
	// A literal rather than mcp.NewTool and its options: NewTool allocates an
	// empty properties map and default hints that every tool here replaces,
	// paid 40 times at start-up.
	def := mcp.Tool{
		Name:        s.name,
		Description: s.desc,
		Annotations: mcp.ToolAnnotation{
			ReadOnlyHint:    &readOnly,
			DestructiveHint: &destructive,
			IdempotentHint:  &idempotent,
			OpenWorldHint:   &openWorld,
		},
	}
	withSchemas[A](s.name)(&def)
	write := s.effect != read
	return Tool{
		Toolset: s.toolset,
		Def:     def,
		Handler: func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			args, err := bind[A](req)
			if err != nil {
				return errorResult(err, write), nil
			}
			ctx = withProgress(ctx, req)
			if confirm != nil {
				if err := confirm(withCall(ctx, req), args); err != nil {
					return confirmResult(err), nil
				}
			}
			out, err := run(ctx, args)
			if err != nil {
				return errorResult(err, write), nil
			}
			return structured(out), nil
		},
	}
}

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

// structured returns v as structuredContent plus a compact JSON text copy
// (hosts that ignore structuredContent show the text to the model).
func structured(v any) *mcp.CallToolResult {
	text, err := json.Marshal(v)
	if err != nil {
		return errorResult(err, false)
	}
	// The encoded bytes serve as structuredContent too: encoding the value a
	// second time would cost as much again.
	return mcp.NewToolResultStructured(json.RawMessage(text), string(text))
}
