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
// It stays under MaxInstructions in every mode (some hosts cut at 2,048).
const Instructions = `OnceHub scheduling tools (API v2).
Start: for "my ..." (my meetings, my hours) call get_me first: its user_id is the owner or user_id, its timezone the person's zone. You do not know today's date: call get_current_time (default: the owner's zone) before turning "today" or "next week" into dates.
Booking: 1) find_available_slots: any window, weekdays, time_of_day, in time_zone; to continue, start=next_start and end=window_end; 2) offer a few times in the person's zone and wait for their choice; 3) schedule_meeting with the slot's start_time; 4) share the booking ID, time and join link.
Existing meetings: list_bookings (owner, starting_time_after/_before, status), get_booking, cancel_booking, request_booking_reschedule, reassign_booking.
Dates and times: YYYY-MM-DD (the day's start) or ISO 8601 date-time; without an offset it is read in the tool's time_zone. *_after includes, *_before excludes. Zones are IANA names (Europe/London), phones E.164, weekdays Monday...Sunday, times of day 24-hour HH:MM.
IDs: BKNG- booking, BKC- booking calendar, BP- booking page, MP- master page, ET- event type, USR- user, TM- team, CTC- contact, WHK- webhook. Find them with list_ tools (by name: list_booking_calendars, list_event_types, list_users); never invent them.
Lists: count is this result only; total appears when it is the whole list. While has_more, continue with after=next_cursor; max_results collects pages; stopped_early: an error cut paging short. detail=full gives whole objects.
Text: lists are CSV ("all items:" = values all rows share; paging last); slots a line per day "date weekday offset: times" (start_time = dateTHH:MM:00offset); *_local times are in time_zone.
Never book, cancel or change a meeting without the person's say-so; destructive tools (cancel, delete, overwrites) ask them to confirm.`

// DemoNote starts the instructions in demo mode.
const DemoNote = "DEMO SANDBOX: a built-in fake OnceHub with sample data, not a real account.\n"

// MaxInstructions is the longest the instructions may be, demo note included.
const MaxInstructions = 1900

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
		instructions = DemoNote + instructions
	}
	cat := newCatalog(d)
	prompts := newPromptSet(d, cat)
	opts := []server.ServerOption{
		server.WithHooks(&server.Hooks{}), // the resources' lookup hook is added to whichever hooks are in effect
		server.WithToolCapabilities(false),
		// No server.WithElicitation: elicitation is a client capability;
		// it only added "elicitation" to our own capabilities. Asking
		// (tools/confirm.go) depends on the client's, not on it.
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
