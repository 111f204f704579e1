package tools

import (
	"context"
	_ "embed" // the slot picker's HTML
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// The slot picker is an MCP App (the io.modelcontextprotocol/ui extension,
// stable spec 2026-01-26): hosts that can show one render the result of
// find_available_slots as buttons grouped by local day, and the person books
// the time they click. The view books through the host with a plain
// tools/call of schedule_meeting, so the server validates it like any other
// call: there is one booking path, and the view is never trusted.
//
// Only clients that declare the extension (with our MIME type) see the
// wiring: _meta.ui on find_available_slots in tools/list and the ui://
// resource in resources/list. Every other client sees the tools, resources
// and results it always saw. ServerOptions.NoUI (--no-ui) turns it all off.

const (
	// UIExtension is the MCP Apps extension's identifier.
	UIExtension = "io.modelcontextprotocol/ui"
	// UIMIMEType is the MIME type of an MCP App's HTML.
	UIMIMEType = "text/html;profile=mcp-app"
	// SlotPickerURI is the slot picker's resource.
	SlotPickerURI = "ui://oncehub/slot-picker.html"

	slotPickerTool  = "find_available_slots" // the tool whose results it shows
	slotBookingTool = "schedule_meeting"     // the tool it books with
)

// slotPickerHTML is the view: one self-contained document (inline CSS and
// JavaScript, no network), embedded so the binary needs no files.
//
//go:embed ui/slot-picker.html
var slotPickerHTML string

// bookingOn is the attribute the view reads to offer booking; the server
// turns it off when schedule_meeting is not available to the caller.
const bookingOn = `data-booking="on"`

// uiMeta is the resource's _meta.ui: the view loads nothing from anywhere
// (no csp domains: the host's most restrictive policy applies) and asks for
// the host's border around it.
func uiMeta() map[string]any {
	return map[string]any{"ui": map[string]any{"prefersBorder": true}}
}

// slotPicker wires the view into a server.
type slotPicker struct {
	bookable Tool // schedule_meeting, when the operator exposes it
	canBook  bool
}

// newSlotPicker returns the picker for the selected tools, or nil when the
// operator turned the UI off or does not expose find_available_slots.
func newSlotPicker(selected []Tool, off bool) *slotPicker {
	if off || !slices.ContainsFunc(selected, func(t Tool) bool { return t.Def.Name == slotPickerTool }) {
		return nil
	}
	p := &slotPicker{}
	if i := slices.IndexFunc(selected, func(t Tool) bool { return t.Def.Name == slotBookingTool }); i >= 0 {
		p.bookable, p.canBook = selected[i], true
	}
	return p
}

// options are the server options the picker needs: the extension declared
// in the server's capabilities, and the tools/list decoration.
func (p *slotPicker) options() []server.ServerOption {
	if p == nil {
		return nil
	}
	return []server.ServerOption{
		// Hooks for register's resources/list filter (options given later
		// may replace them; register adds to whichever are in effect).
		server.WithHooks(&server.Hooks{}),
		server.WithExtensions(map[string]any{UIExtension: map[string]any{}}),
		server.WithToolFilter(p.decorateTools),
	}
}

// register adds the ui:// resource and hides it from resources/list for
// clients without the extension.
func (p *slotPicker) register(s *server.MCPServer) {
	if p == nil {
		return
	}
	s.AddResource(mcp.Resource{
		URI:         SlotPickerURI,
		Name:        "slot-picker",
		Title:       "OnceHub slot picker",
		Description: "Interactive view of find_available_slots: free times grouped by day in the person's time zone; clicking one books it with schedule_meeting.",
		MIMEType:    UIMIMEType,
		Meta:        &mcp.Meta{AdditionalFields: uiMeta()},
	}, p.read)
	if h := s.GetHooks(); h != nil {
		h.AddAfterListResources(func(ctx context.Context, _ any, _ *mcp.ListResourcesRequest, res *mcp.ListResourcesResult) {
			if res != nil && !ClientSupportsUI(ctx) {
				res.Resources = slices.DeleteFunc(slices.Clone(res.Resources), func(r mcp.Resource) bool { return strings.HasPrefix(r.URI, "ui://") })
			}
		})
	}
}

// read serves the view. Booking is offered only when the caller may call
// schedule_meeting (the operator exposes it and the request's narrowing
// filter allows it); the server checks every call anyway.
func (p *slotPicker) read(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
	html := slotPickerHTML
	if !p.canBookFor(ctx) {
		html = strings.Replace(html, bookingOn, `data-booking="off"`, 1)
	}
	return []mcp.ResourceContents{mcp.TextResourceContents{URI: SlotPickerURI, MIMEType: UIMIMEType, Text: html, Meta: uiMeta()}}, nil
}

func (p *slotPicker) canBookFor(ctx context.Context) bool {
	if !p.canBook {
		return false
	}
	f, narrowed := requestFilter(ctx)
	return !narrowed || f.Allows(p.bookable)
}

// decorateTools is a tool filter: for clients with the extension, it links
// find_available_slots to the view (_meta.ui.resourceUri). Others get the
// definitions untouched.
func (p *slotPicker) decorateTools(ctx context.Context, defs []mcp.Tool) []mcp.Tool {
	i := slices.IndexFunc(defs, func(d mcp.Tool) bool { return d.Name == slotPickerTool })
	if i < 0 || !ClientSupportsUI(ctx) {
		return defs
	}
	out := slices.Clone(defs)
	fields := map[string]any{}
	if m := out[i].Meta; m != nil {
		maps.Copy(fields, m.AdditionalFields)
	}
	fields["ui"] = map[string]any{"resourceUri": SlotPickerURI}
	out[i].Meta = &mcp.Meta{AdditionalFields: fields}
	return out
}

// ClientSupportsUI reports whether the client behind ctx declared the MCP
// Apps extension with the HTML profile. Protocol 2026-07-28 and later
// declare capabilities on each request; earlier clients once, in initialize,
// on the session. (Stateless HTTP keeps no session, so a pre-2026-07-28
// client over HTTP is never seen as supporting it.)
func ClientSupportsUI(ctx context.Context) bool {
	caps := clientDeclared(ctx).caps
	if caps == nil {
		return false
	}
	raw, ok := caps.Extensions[UIExtension]
	if !ok {
		return false
	}
	// Settings decoded from JSON are maps and slices of any; an in-process
	// client may hand over its own Go types, so read them through JSON.
	var ext struct {
		MIMETypes []string `json:"mimeTypes"`
	}
	data, err := json.Marshal(raw)
	if err != nil || json.Unmarshal(data, &ext) != nil {
		return false
	}
	return slices.Contains(ext.MIMETypes, UIMIMEType)
}
