// Package tools defines the MCP tools of oncehub-mcp: one file per OnceHub
// resource, and this file, the one place where they are registered and filtered.
package tools

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// Tool is one MCP tool: its definition plus its handler, and the toolset it
// belongs to.
type Tool struct {
	Toolset Toolset
	Def     mcp.Tool
	Handler server.ToolHandlerFunc

	// reflectSchemas builds the tool's schemas from its argument and result
	// types, as go generate does for schemas_gen.go (see schema.go).
	reflectSchemas func() (toolSchemas, error)
}

// ReadOnly reports the tool's readOnlyHint. A tool without it counts as a write.
func (t Tool) ReadOnly() bool {
	h := t.Def.Annotations.ReadOnlyHint
	return h != nil && *h
}

// Destructive reports the tool's destructiveHint; absent means destructive
// (the MCP default), except for read-only tools.
func (t Tool) Destructive() bool {
	if t.ReadOnly() {
		return false
	}
	h := t.Def.Annotations.DestructiveHint
	return h == nil || *h
}

// Toolset is a group of tools an operator can switch on or off (by Name).
// The toolsets are the values below: a tool names one of them, so a
// misspelt toolset does not compile.
type Toolset struct {
	Name        string
	Description string
}

var (
	toolsetAccount       = Toolset{"account", "API key check and the current time"}
	toolsetBookings      = Toolset{"bookings", "find, inspect, cancel, reschedule, reassign bookings"}
	toolsetCalendars     = Toolset{"calendars", "booking calendars: availability, scheduling, one-time links"}
	toolsetBookingPages  = Toolset{"booking_pages", "classic product: booking pages, master pages, event types"}
	toolsetUsers         = Toolset{"users", "users, their scheduling availability, and teams"}
	toolsetContacts      = Toolset{"contacts", "contacts (people who book)"}
	toolsetWebhooks      = Toolset{"webhooks", "webhook subscriptions"}
	toolsetNotifications = Toolset{"notifications", "SMS notifications sent by OnceHub"}
)

// Toolsets returns every toolset, in the order the README shows them.
func Toolsets() []Toolset {
	return []Toolset{toolsetAccount, toolsetBookings, toolsetCalendars, toolsetBookingPages,
		toolsetUsers, toolsetContacts, toolsetWebhooks, toolsetNotifications}
}

// Deps is what tool handlers need.
type Deps struct {
	Client *oncehub.Client
	// Now returns the current time; time.Now when nil (tests fix it).
	Now func() time.Time
	// Demo is true when the upstream is the built-in demo sandbox.
	Demo bool
	// RequireConfirmation refuses destructive calls from clients that cannot
	// ask the user to confirm them (no elicitation support).
	RequireConfirmation bool
	// ConfirmTimeout bounds the wait for the user's answer to a question asked
	// on the session (protocol 2025-11-25 and older); DefaultConfirmTimeout
	// when zero. Without an answer in time, nothing is run.
	ConfirmTimeout time.Duration

	owners *ownerCache // who each API key belongs to (All makes it)
}

func (d Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// All returns every tool. This is the one place tools are registered.
func All(d Deps) []Tool {
	if d.owners == nil {
		d.owners = newOwnerCache()
	}
	return slices.Concat(
		accountTools(d),
		currentTimeTools(d),
		bookingTools(d),
		calendarTools(d),
		availabilityTools(d),
		bookingPageTools(d),
		eventTypeTools(d),
		masterPageTools(d),
		userTools(d),
		teamTools(d),
		contactTools(d),
		webhookTools(d),
		notificationTools(d),
	)
}

// Filter selects tools. The zero value selects everything.
type Filter struct {
	ReadOnly bool     // only read-only tools
	Toolsets []string // only these toolsets (empty: all)
	Names    []string // only these tools (empty: all)
}

func (f Filter) isZero() bool { return !f.ReadOnly && len(f.Toolsets) == 0 && len(f.Names) == 0 }

// Allows reports whether the filter lets t through.
func (f Filter) Allows(t Tool) bool {
	if f.ReadOnly && !t.ReadOnly() {
		return false
	}
	if len(f.Toolsets) > 0 && !slices.Contains(f.Toolsets, t.Toolset.Name) {
		return false
	}
	if len(f.Names) > 0 && !slices.Contains(f.Names, t.Def.Name) {
		return false
	}
	return true
}

// Validate checks that every toolset and tool name exists.
func (f Filter) Validate(all []Tool) error {
	known := Toolsets()
	for _, ts := range f.Toolsets {
		if !slices.ContainsFunc(known, func(t Toolset) bool { return t.Name == ts }) {
			names := make([]string, len(known))
			for i, t := range known {
				names[i] = t.Name
			}
			return fmt.Errorf("unknown toolset %q; known toolsets: %s", ts, strings.Join(names, ", "))
		}
	}
	for _, n := range f.Names {
		if !slices.ContainsFunc(all, func(t Tool) bool { return t.Def.Name == n }) {
			return fmt.Errorf("unknown tool %q", n)
		}
	}
	return nil
}

// Select returns the tools the filter allows, in registration order.
func Select(all []Tool, f Filter) []Tool {
	if f.isZero() {
		return all // the usual case: no copy of 40 large structs
	}
	out := make([]Tool, 0, len(all))
	for _, t := range all {
		if f.Allows(t) {
			out = append(out, t)
		}
	}
	return out
}

type requestFilterKey struct{}

// WithRequestFilter narrows, for one request, what the operator allowed (HTTP
// headers such as X-MCP-Readonly). It can only narrow: it is applied on top of
// the tools the server registered.
func WithRequestFilter(ctx context.Context, f Filter) context.Context {
	return context.WithValue(ctx, requestFilterKey{}, f)
}

func requestFilter(ctx context.Context) (Filter, bool) {
	f, ok := ctx.Value(requestFilterKey{}).(Filter)
	return f, ok
}

// RequestToolFilter is a server.ToolFilterFunc applying the request's narrowing filter.
func RequestToolFilter(all []Tool) server.ToolFilterFunc {
	byName := make(map[string]*Tool, len(all)) // pointers: a Tool is large, and this is built at every start
	for i := range all {
		byName[all[i].Def.Name] = &all[i]
	}
	return func(ctx context.Context, defs []mcp.Tool) []mcp.Tool {
		f, ok := requestFilter(ctx)
		if !ok {
			return defs
		}
		out := defs[:0:0]
		for _, d := range defs {
			if t, known := byName[d.Name]; known && f.Allows(*t) {
				out = append(out, d)
			}
		}
		return out
	}
}
