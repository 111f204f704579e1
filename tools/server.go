package tools

import (
	"github.com/mark3labs/mcp-go/server"
)

// ServerOptions configures the MCP server.
type ServerOptions struct {
	Version string
	Filter  Filter // what the operator exposes
	// Extra server options (hooks, middleware) from the caller.
	Extra []server.ServerOption
}

// Instructions is sent to clients in the initialize result.
const Instructions = `OnceHub scheduling tools (API v2).
Workflow: find free times with get_time_slots → confirm the time with the person → book with schedule_meeting → share the booking details. Use list_bookings/get_booking to find existing meetings; cancel_booking and request_booking_reschedule change them.
Time: OnceHub stores UTC. Tools return UTC times plus local times when a time zone is known; pass time_zone (IANA, e.g. Europe/London) to read times in the person's zone. Never guess the current date: call get_current_time.
IDs: BKNG- booking, BKC- booking calendar, BP- booking page, MP- master page, ET- event type, USR- user, TM- team, CTC- contact, WHK- webhook.
Lists return has_more and next_cursor: a list is complete only when has_more is false.`

// NewServer builds the MCP server with the tools the operator's filter allows.
// It returns the server and the registered tools.
func NewServer(d Deps, o ServerOptions) (*server.MCPServer, []Tool, error) {
	all := All(d)
	if err := o.Filter.Validate(all); err != nil {
		return nil, nil, err
	}
	selected := Select(all, o.Filter)
	instructions := Instructions
	if d.Demo {
		instructions = "DEMO SANDBOX: these tools talk to a built-in fake OnceHub with sample data, not a real account.\n" + instructions
	}
	opts := []server.ServerOption{
		server.WithToolCapabilities(false),
		server.WithElicitation(),
		server.WithInstructions(instructions),
		server.WithRecovery(),
		server.WithToolFilter(RequestToolFilter(selected)),
	}
	opts = append(opts, o.Extra...)
	s := server.NewMCPServer("oncehub-mcp", o.Version, opts...)
	for _, t := range selected {
		s.AddTool(t.Def, t.Handler)
	}
	return s, selected, nil
}
