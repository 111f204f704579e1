package tools

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/oncehub-mcp/oncehub-mcp/internal/clip"
)

// checkAfterStop says, for each tool that changes something, how to see
// whether a call cut off by a server shutdown took effect.
var checkAfterStop = map[string]string{
	"schedule_meeting":             "list_bookings (filter by the guest's email or the meeting's time): a booking may exist",
	"create_booking_calendar_link": "nothing: an unused one-time link does no harm, so making another is safe",
	"create_master_page_link":      "nothing: an unused one-time link does no harm, so making another is safe",
	"cancel_booking":               "get_booking (is its status canceled?)",
	"request_booking_reschedule":   "get_booking (was a reschedule requested?)",
	"reassign_booking":             "get_booking (who owns it now?)",
	"mark_booking_no_show":         "get_booking",
	"create_contact":               "list_contacts (search by email): the contact may exist",
	"update_contact":               "get_contact",
	"delete_contact":               "get_contact (deleted: true means it is gone)",
	"create_user":                  "list_users (search by email): the user may exist",
	"update_user":                  "get_user",
	"delete_user":                  "get_user (deleted: true means it is gone)",
	"update_user_availability":     "get_user_availability",
	"create_webhook":               "list_webhooks (look for its name): the subscription may exist",
	"delete_webhook":               "get_webhook (deleted: true means it is gone)",
}

// StoppedMessage words the error that answers a tools/call still running
// when the server's shutdown deadline passed (params: the call's params).
// A read changes nothing and may simply be repeated; for a write the change
// may or may not have been made, and the message says how to check.
func StoppedMessage(selected []Tool, params json.RawMessage) string {
	var p struct {
		Name      string         `json:"name"`
		Arguments map[string]any `json:"arguments"`
	}
	_ = json.Unmarshal(params, &p)
	i := slices.IndexFunc(selected, func(t Tool) bool { return t.Def.Name == p.Name })
	if i < 0 {
		return ""
	}
	def := selected[i].Def
	name := clip.String(p.Name, 64)
	if ro := def.Annotations.ReadOnlyHint; ro != nil && *ro {
		return fmt.Sprintf("The server stopped (it was shutting down) before %s finished. It changes nothing: call it again (another server may answer).", name)
	}
	how := checkAfterStop[p.Name]
	if how == "" {
		how = "a get_ or list_ tool"
	}
	if ids := idArguments(p.Arguments); ids != "" {
		how += " — for " + ids
	}
	return fmt.Sprintf("The server stopped (it was shutting down) while %s was running, before OnceHub's answer arrived: "+
		"the change may or may not have been made. Check with %s before trying again; nothing is repeated automatically.", name, how)
}

// idArguments lists the call's *_id arguments (IDs are no secret), e.g.
// `booking_id "BKNG-1"`.
func idArguments(args map[string]any) string {
	var out []string
	for k, v := range args {
		if s, ok := v.(string); ok && strings.HasSuffix(k, "_id") {
			out = append(out, fmt.Sprintf("%s %q", clip.String(k, 40), clip.String(s, 64)))
		}
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}
