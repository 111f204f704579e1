package tools

import (
	"github.com/mark3labs/mcp-go/server"
)

// ServerOptions configures the MCP server.
type ServerOptions struct {
	Version string
	Filter  Filter // what the operator exposes
	// NoUI turns off the slot picker (MCP Apps, tools/slot_picker.go).
	NoUI bool
	// Extra server options (hooks, middleware) from the caller.
	Extra []server.ServerOption
}

// Instructions is sent to clients in the initialize result. It is static:
// it cannot hold today's date, so it sends the model to get_current_time.
const Instructions = `OnceHub scheduling tools (API v2).
Booking: 1) find free times with find_available_slots rather than get_time_slots (any window in one call; dates, weekdays and hours in the person's zone; end=P6W: six weeks); 2) offer a few in the person's time zone and wait for them to choose; 3) book with schedule_meeting; 4) share the booking ID, time (their zone and UTC) and join link. Never book, cancel or reschedule without the person's confirmation.
Existing meetings: list_bookings, get_booking, cancel_booking, request_booking_reschedule.
Dates: you do not know today's date or time. Call get_current_time (time_zone = the person's zone) before turning "today" or "next week" into dates.
Time zones: OnceHub stores UTC; times in results are UTC unless named *_local, and date filters (*_after, *_before) take UTC dates (YYYY-MM-DD). Zone arguments take IANA names (Europe/London), not EST or offsets; phones are E.164 (+14155550123); speak to people in their own zone and say which.
IDs: BKNG- booking, BKC- booking calendar, BP- booking page, MP- master page, ET- event type, USR- user, TM- team, CTC- contact, WHK- webhook, SMS- SMS notification. An argument named x_id, or a filter named x (owner, host and user are users), takes an ID of x. Find IDs with list_ tools; never invent them. Deleted objects come back from get_ tools as {id, deleted: true}; deleting one already gone succeeds with already_deleted.
Lists: limit is the page size (1-100, default 10); max_results collects up to that many across pages (max 1000); continue with after=next_cursor (before=prev_cursor goes back). Complete only when has_more is false. stopped_early: an error cut paging short; the items are real. detail=full returns whole objects.
Text: lists are CSV ("all items:" = values all rows share; paging last); slots a line per day "date weekday offset: times" (start_time = dateTHH:MM:00offset); *_local times are in time_zone.
Cancel, reschedule, reassign and delete tools may ask the user to confirm first.`

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
	cat := newCatalog(d)
	prompts := newPromptSet(d, cat)
	opts := []server.ServerOption{
		server.WithToolCapabilities(false),
		server.WithElicitation(),
		server.WithInstructions(instructions),
		server.WithRecovery(),
		server.WithToolFilter(RequestToolFilter(selected)),
		// Prompts, resources and completions (tools/prompts.go, tools/resources.go).
		server.WithPromptCapabilities(false),
		server.WithResourceCapabilities(false, false),
		server.WithCompletions(),
		server.WithPromptCompletionProvider(prompts),
		server.WithResourceCompletionProvider(cat),
		server.WithPromptFilter(prompts.requestFilter),
		server.WithResourceHandlerMiddleware(cat.requestNarrowing),
		server.WithResourceRecovery(),
		server.WithLogging(),
	}
	picker := newSlotPicker(selected, o.NoUI)
	opts = append(opts, picker.options()...)
	opts = append(opts, o.Extra...)
	s := server.NewMCPServer("oncehub-mcp", o.Version, opts...)
	for _, t := range selected {
		s.AddTool(t.Def, t.Handler)
	}
	cat.register(s, o.Filter)
	prompts.register(s, o.Filter)
	picker.register(s)
	return s, selected, nil
}
