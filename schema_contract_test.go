package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	validator "github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

// The tool contract (issue #11), checked through real clients: every input
// and output schema in tools/list is strict JSON Schema 2020-12; the schema
// refuses bad arguments, naming them, before anything reaches OnceHub; and
// every tool's structuredContent is what its outputSchema says.

// contractClient is one real MCP client connected to the server.
type contractClient struct {
	name string
	// tools is tools/list as the client received it: name → the tool as JSON.
	tools func(t *testing.T) map[string]map[string]any
	call  func(t *testing.T, tool string, args map[string]any) callResult
}

type callResult struct {
	isError    bool
	text       string
	structured any
}

func mcpGoClient(ctx context.Context, name string, c *client.Client) contractClient {
	return contractClient{
		name: name,
		tools: func(t *testing.T) map[string]map[string]any {
			res, err := c.ListTools(ctx, mcp.ListToolsRequest{})
			require.NoError(t, err)
			out := map[string]map[string]any{}
			for _, tl := range res.Tools {
				out[tl.Name] = asMap(t, tl)
			}
			return out
		},
		call: func(t *testing.T, tool string, args map[string]any) callResult {
			res := testenv.Call(t, ctx, c, tool, args)
			return callResult{isError: res.IsError, text: testenv.Text(res), structured: res.StructuredContent}
		},
	}
}

func goSDKClient(name string, s *sdk.ClientSession) contractClient {
	return contractClient{
		name: name,
		tools: func(t *testing.T) map[string]map[string]any {
			res, err := s.ListTools(context.Background(), nil)
			require.NoError(t, err)
			out := map[string]map[string]any{}
			for _, tl := range res.Tools {
				out[tl.Name] = asMap(t, tl)
			}
			return out
		},
		call: func(t *testing.T, tool string, args map[string]any) callResult {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			res, err := s.CallTool(ctx, &sdk.CallToolParams{Name: tool, Arguments: args})
			require.NoError(t, err, "tools/call %s", tool)
			var text strings.Builder
			for _, c := range res.Content {
				if tc, ok := c.(*sdk.TextContent); ok {
					text.WriteString(tc.Text)
				}
			}
			return callResult{isError: res.IsError, text: text.String(), structured: res.StructuredContent}
		},
	}
}

func asMap(t *testing.T, v any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(raw, &m))
	return m
}

// clients connects the four kinds of client the contract is checked with:
// mcp-go in-process, mcp-go over stdio (the built binary), mcp-go over
// streamable HTTP, and the official go-sdk client over HTTP.
func clients(t *testing.T, env *testenv.Env) []contractClient {
	t.Helper()
	url := env.HTTPServer(t)
	session := goSDKSession(t, url)
	return []contractClient{
		mcpGoClient(testenv.KeyCtx(), "mcp-go in-process", env.InProcess(t)),
		mcpGoClient(context.Background(), "mcp-go stdio", env.Stdio(t, []string{"ONCEHUB_API_KEY=" + fakeoncehub.TestKey})),
		mcpGoClient(context.Background(), "mcp-go http", env.HTTP(t, url, map[string]string{"API-Key": fakeoncehub.TestKey})),
		goSDKClient("go-sdk http", session),
	}
}

// --- tools/list is strict JSON Schema 2020-12 ---

// keywords are the JSON Schema 2020-12 keywords a tool schema may use.
var keywords = map[string]bool{
	"$schema": true, "$id": true, "$ref": true, "$defs": true, "$comment": true,
	"type": true, "enum": true, "const": true, "format": true, "pattern": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true, "multipleOf": true,
	"minLength": true, "maxLength": true, "minItems": true, "maxItems": true, "uniqueItems": true,
	"minProperties": true, "maxProperties": true, "properties": true, "additionalProperties": true,
	"propertyNames": true, "required": true, "items": true, "anyOf": true, "oneOf": true, "allOf": true, "not": true,
	"title": true, "description": true, "default": true, "examples": true,
}

// strictSchema reports what makes s (at path) not strict: a boolean schema
// (additionalProperties: false aside), an unknown keyword, an empty enum, a
// required property that is not declared, a default the schema refuses.
func strictSchema(s any, path string) []string {
	obj, ok := s.(map[string]any)
	if !ok {
		return []string{fmt.Sprintf("%s: %s is not a schema object (no boolean schemas)", path, mustJSON(s))}
	}
	var problems []string
	for k := range obj {
		if !keywords[k] {
			problems = append(problems, fmt.Sprintf("%s: unknown keyword %q", path, k))
		}
	}
	if e, ok := obj["enum"]; ok {
		if list, _ := e.([]any); len(list) == 0 {
			problems = append(problems, path+": empty enum")
		}
	}
	props, _ := obj["properties"].(map[string]any)
	if req, ok := obj["required"].([]any); ok {
		for _, r := range req {
			if _, declared := props[r.(string)]; !declared && obj["properties"] != nil {
				problems = append(problems, fmt.Sprintf("%s: required %q is not a property", path, r))
			}
		}
	}
	for name, p := range props {
		problems = append(problems, strictSchema(p, path+".properties."+name)...)
	}
	for _, k := range []string{"items", "not", "propertyNames"} {
		if sub, ok := obj[k]; ok {
			problems = append(problems, strictSchema(sub, path+"."+k)...)
		}
	}
	if ap, ok := obj["additionalProperties"]; ok {
		if b, isBool := ap.(bool); !isBool || b {
			problems = append(problems, strictSchema(ap, path+".additionalProperties")...)
		}
	}
	for _, k := range []string{"anyOf", "oneOf", "allOf"} {
		if list, ok := obj[k].([]any); ok {
			if len(list) == 0 {
				problems = append(problems, path+"."+k+": empty")
			}
			for i, sub := range list {
				problems = append(problems, strictSchema(sub, fmt.Sprintf("%s.%s[%d]", path, k, i))...)
			}
		}
	}
	return problems
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// compile compiles a schema (decoded JSON) against the 2020-12 meta-schema,
// asserting formats as the server does.
func compile(t *testing.T, name string, s any) *validator.Schema {
	t.Helper()
	raw, err := json.Marshal(s)
	require.NoError(t, err)
	doc, err := validator.UnmarshalJSON(bytes.NewReader(raw))
	require.NoError(t, err)
	c := validator.NewCompiler()
	c.DefaultDraft(validator.Draft2020)
	c.AssertFormat()
	url := "mem:///" + name + ".json"
	require.NoError(t, c.AddResource(url, doc))
	sch, err := c.Compile(url) // validates the schema against the meta-schema
	require.NoError(t, err, "%s is valid JSON Schema 2020-12", name)
	return sch
}

func TestToolsListIsStrictJSONSchema(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	for _, c := range clients(t, env) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()

			list := c.tools(t)
			require.Len(t, list, len(env.App.Tools))
			for name, tl := range list {
				in, out := tl["inputSchema"], tl["outputSchema"]
				assert.Empty(t, strictSchema(in, name+".inputSchema"))
				compile(t, name+"-in", in)
				inObj := in.(map[string]any)
				assert.Equal(t, false, inObj["additionalProperties"], "%s: unknown arguments are refused, and the schema says so", name)
				require.NotNil(t, out, "%s has an output schema", name)
				assert.Empty(t, strictSchema(out, name+".outputSchema"))
				compile(t, name+"-out", out)
				props, _ := out.(map[string]any)["properties"].(map[string]any)
				assert.NotEmpty(t, props, "%s: the output schema says what comes back, not just {\"type\":\"object\"}", name)
				// Every default is a value the schema accepts.
				walkProps(inObj, func(path string, p map[string]any) {
					if def, ok := p["default"]; ok {
						assert.NoError(t, compile(t, name+path, p).Validate(def), "%s%s: default %v", name, path, def)
					}
				})
			}
		})
	}
}

func walkProps(s map[string]any, fn func(path string, p map[string]any)) {
	var walk func(path string, s map[string]any)
	walk = func(path string, s map[string]any) {
		props, _ := s["properties"].(map[string]any)
		for name, p := range props {
			pm, _ := p.(map[string]any)
			fn(path+"."+name, pm)
			walk(path+"."+name, pm)
			if items, ok := pm["items"].(map[string]any); ok {
				walk(path+"."+name+"[]", items)
			}
		}
	}
	walk("", s)
}

// --- the schema refuses bad arguments ---

// badCase is one call that the tool's schema must refuse, naming arg.
type badCase struct {
	args map[string]any
	arg  string // the message names it: `Invalid argument "<arg>…`
	why  string
}

// badCases derives, from a tool's input schema, calls that break one rule
// each: a wrong type, a value outside the enum, pattern, format, range or
// length, an unknown field, and a missing required argument.
func badCases(schema map[string]any) []badCase {
	var out []badCase
	props, _ := schema["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	out = append(out, badCase{map[string]any{"no_such_argument": 1}, "no_such_argument", "unknown argument"})
	if req, _ := schema["required"].([]any); len(req) > 0 {
		out = append(out, badCase{map[string]any{}, req[0].(string), "missing required"})
	}
	for _, n := range names {
		p, _ := props[n].(map[string]any)
		for _, v := range badValues(p) {
			out = append(out, badCase{map[string]any{n: v.value}, n, v.why})
		}
	}
	return out
}

type badValue struct {
	value any
	why   string
}

func badValues(p map[string]any) []badValue {
	var out []badValue
	types := map[string]bool{}
	switch t := p["type"].(type) {
	case string:
		types[t] = true
	case []any:
		for _, x := range t {
			types[x.(string)] = true
		}
	}
	if types["integer"] {
		types["number"] = true
	}
	switch {
	case !types["number"]:
		out = append(out, badValue{12345, "a number where it is not one"})
	case !types["string"]:
		out = append(out, badValue{"x", "a string where it is not one"})
	}
	if !types["null"] {
		out = append(out, badValue{nil, "null"})
	}
	if _, ok := p["enum"]; ok {
		out = append(out, badValue{"not-an-allowed-value", "outside the enum"})
	}
	if c, ok := p["const"]; ok {
		if b, isBool := c.(bool); isBool {
			out = append(out, badValue{!b, "not the const"})
		}
	}
	if _, ok := p["pattern"]; ok {
		out = append(out, badValue{"!!", "not the pattern"})
	}
	if f, ok := p["format"]; ok && p["pattern"] == nil {
		out = append(out, badValue{"not a " + f.(string), "not the format"})
	}
	if m, ok := p["minimum"].(float64); ok {
		out = append(out, badValue{int(m) - 1, "below the minimum"})
	}
	if m, ok := p["maximum"].(float64); ok {
		out = append(out, badValue{int(m) + 1, "above the maximum"})
	}
	if m, ok := p["maxLength"].(float64); ok && types["string"] {
		out = append(out, badValue{strings.Repeat("x", int(m)+1), "too long"})
	}
	if m, ok := p["minLength"].(float64); ok && m > 0 && types["string"] {
		out = append(out, badValue{"", "empty"})
	}
	if types["object"] && p["additionalProperties"] == false {
		out = append(out, badValue{map[string]any{"no_such_field": 1}, "an unknown field"})
	}
	if items, ok := p["items"].(map[string]any); ok {
		for _, v := range badValues(items) {
			if v.value != nil {
				out = append(out, badValue{[]any{v.value}, "an item " + v.why})
			}
		}
	}
	return out
}

func TestEveryToolRefusesBadArgumentsFromItsSchema(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	// Checked once every subtest has finished.
	t.Cleanup(func() { assert.Empty(t, env.Fake.Requests(), "no refused call reached OnceHub") })
	for _, c := range clients(t, env) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()

			list := c.tools(t)
			names := slices.Sorted(func(yield func(string) bool) {
				for n := range list {
					if !yield(n) {
						return
					}
				}
			})
			refused := 0
			for _, name := range names {
				schema := list[name]["inputSchema"].(map[string]any)
				cases := badCases(schema)
				require.NotEmpty(t, cases, name)
				for _, bc := range cases {
					res := c.call(t, name, bc.args)
					refused++
					if !assert.True(t, res.isError, "%s %s (%s): accepted", name, mustJSON(bc.args), bc.why) {
						continue
					}
					assert.Contains(t, res.text, `Invalid argument "`+bc.arg, "%s %s (%s)", name, mustJSON(bc.args), bc.why)
					assert.Contains(t, res.text, "Nothing was sent to OnceHub", "%s %s", name, bc.why)
				}
			}
			t.Logf("%d refused calls", refused)
		})
	}
}

// Issue #16's loose inputs, refused locally: huge free text, long emails,
// explicit zero counts, a start in year 9999.
func TestLooseInputsAreRefusedLocally(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	big := strings.Repeat("x", 900<<10)
	longEmail := strings.Repeat("a", 10<<10) + "@example.com"
	cal, contact := "BKC-ABC123", "CTC-ABC123"
	slot := map[string]any{"booking_calendar_id": cal, "start_time": "2030-01-07T09:00:00Z", "guest_time_zone": "Europe/London", "name": "A B", "email": "a@example.com"}
	for _, tc := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"create_contact", map[string]any{"first_name": big, "last_name": "B", "email": "a@example.com"}, `"first_name": is too long: 921600 characters, at most 100`},
		{"update_contact", map[string]any{"contact_id": contact, "city": big}, `"city": is too long`},
		{"update_contact", map[string]any{"contact_id": contact, "company_size": big}, `"company_size": is too long`},
		{"update_contact", map[string]any{"contact_id": contact, "salutation": big}, `"salutation": is too long`},
		{"cancel_booking", map[string]any{"booking_id": "BKNG-ABC", "reason": big}, `"reason": is too long`},
		{"create_webhook", map[string]any{"name": big, "url": "https://hooks.example.com/x", "events": []any{"booking.scheduled"}}, `"name": is too long`},
		{"create_contact", map[string]any{"first_name": "A", "last_name": "B", "email": longEmail}, `Invalid argument "email"`},
		{"schedule_meeting", withArg(slot, "email", longEmail), `Invalid argument "email"`},
		{"create_user", map[string]any{"email": strings.Repeat("a", 60) + "@" + strings.Repeat(strings.Repeat("b", 47)+".", 4) + "com", "first_name": "A", "last_name": "B"},
			`Invalid argument "email"`}, // the email format refuses it before its length does
		{"list_bookings", map[string]any{"limit": 0}, `"limit": must be between 1 and 100, got 0`},
		{"list_bookings", map[string]any{"max_results": 0}, `"max_results": must be between 1 and 1000, got 0`},
		{"find_available_slots", map[string]any{"booking_calendar_id": cal, "max_slots": 0}, `"max_slots": must be between 1 and 500, got 0`},
		{"find_available_slots", map[string]any{"booking_calendar_id": cal, "start": "9999-12-25"}, `"start": "9999-12-25" is not a date`},
		{"get_time_slots", map[string]any{"booking_calendar_id": cal, "start_time": "9999-12-25T00:00:00Z"}, `"start_time": "9999-12-25T00:00:00Z" is not a date`},
		{"schedule_meeting", withArg(slot, "start_time", "9999-12-25T10:00:00Z"), `"start_time": "9999-12-25T10:00:00Z" is outside the years 1970-2099`},
		{"update_user_availability", map[string]any{"user_id": "USR-A", "overrides": []any{map[string]any{"date": "9999-12-25", "working_hours": []any{}}}}, `"overrides[0].date": "9999-12-25" is outside the years 1970-2099`},
	} {
		res := testenv.Call(t, testenv.KeyCtx(), c, tc.tool, tc.args)
		require.True(t, res.IsError, tc.want)
		assert.Contains(t, testenv.Text(res), tc.want)
		assert.Contains(t, testenv.Text(res), "Nothing was sent to OnceHub")
		assert.Less(t, len(testenv.Text(res)), 2000, "the message does not echo the huge value")
	}
	assert.Empty(t, env.Fake.Requests())
}

func withArg(args map[string]any, k string, v any) map[string]any {
	m := make(map[string]any, len(args)+1)
	for kk, vv := range args {
		m[kk] = vv
	}
	m[k] = v
	return m
}

// --- structuredContent is what outputSchema says ---

// everyToolCall is one successful call of every tool (several of some),
// against the fake's sample account, reads before writes.
func everyToolCall(t *testing.T, env *testenv.Env, c contractClient) []struct {
	tool string
	args map[string]any
} {
	t.Helper()
	ctx := testenv.KeyCtx()
	cl := env.App.Client
	first := func(path string) string {
		t.Helper()
		res := c.call(t, "list_"+path, map[string]any{"limit": 5})
		require.False(t, res.isError, res.text)
		items := asMap(t, res.structured)["items"].([]any)
		require.NotEmpty(t, items, path)
		return items[0].(map[string]any)["id"].(string)
	}
	bookingIn := func(status string, upcoming bool, not ...string) string {
		t.Helper()
		for b, err := range cl.Bookings.ListAll(ctx, nil).Items(1000) {
			require.NoError(t, err)
			if b.Status == status && b.StartingTime.After(time.Now()) == upcoming && b.BookingCalendar != "" && !slices.Contains(not, b.ID) {
				return b.ID
			}
		}
		t.Fatalf("no %s booking", status)
		return ""
	}
	var sales, owner, other string
	for cal, err := range cl.BookingCalendars.ListAll(ctx, nil).Items(100) {
		require.NoError(t, err)
		if cal.Name == "Sales discovery call" {
			sales = cal.ID
		}
	}
	for _, u := range env.Fake.Users(fakeoncehub.TestKey) {
		switch {
		case u["role_name"] == "Account Owner":
			owner = u["id"].(string)
		case u["status"] == "active" && other == "":
			other = u["id"].(string)
		}
	}
	defer env.Fake.ResetRequests()
	b1 := bookingIn("scheduled", true)
	b2 := bookingIn("scheduled", true, b1)
	b3 := bookingIn("scheduled", true, b1, b2)
	past := bookingIn("completed", false)
	slots := c.call(t, "find_available_slots", map[string]any{"booking_calendar_id": sales, "end": "P14D", "max_slots": 2})
	require.False(t, slots.isError, slots.text)
	day := asMap(t, slots.structured)["days"].([]any)[0].(map[string]any)
	slot := day["slots"].([]any)[0].(map[string]any)
	webhook := first("webhooks")
	contact := first("contacts")
	team := first("teams")
	type call = struct {
		tool string
		args map[string]any
	}
	return []call{
		{"test_api_key", nil},
		{"get_me", nil},
		{"get_current_time", nil},
		{"get_current_time", map[string]any{"time_zone": "Asia/Tokyo"}},
		{"list_bookings", map[string]any{"limit": 3, "time_zone": "Europe/Berlin"}},
		{"list_bookings", map[string]any{"limit": 2, "detail": "full", "expand": []any{"owner", "contact"}}},
		{"list_bookings", map[string]any{"status": "completed", "starting_time_after": "2026-10-01", "starting_time_before": "2026-11-01T12:00", "max_results": 15}},
		{"get_booking", map[string]any{"booking_id": b1}},
		{"get_booking", map[string]any{"booking_id": b1, "expand": []any{"owner"}}},
		{"list_booking_calendars", nil},
		{"list_booking_calendars", map[string]any{"name": "sales"}},
		{"get_booking_calendar", map[string]any{"booking_calendar_id": sales}},
		{"get_time_slots", map[string]any{"booking_calendar_id": sales, "time_zone": "Asia/Kolkata"}},
		{"find_available_slots", map[string]any{"booking_calendar_id": sales, "end": "P6W", "time_zone": "Asia/Kolkata", "weekdays": []any{"Monday"}, "time_of_day": "09:00-12:00", "max_slots": 3}},
		{"list_booking_pages", nil},
		{"get_booking_page", map[string]any{"booking_page_id": first("booking_pages")}},
		{"list_event_types", nil},
		{"list_event_types", map[string]any{"name": "demo"}},
		{"get_event_type", map[string]any{"event_type_id": first("event_types")}},
		{"list_master_pages", nil},
		{"get_master_page", map[string]any{"master_page_id": first("master_pages")}},
		{"list_users", nil},
		{"list_users", map[string]any{"team": team}},
		{"get_user", map[string]any{"user_id": owner}},
		{"get_user_availability", map[string]any{"user_id": owner}},
		{"list_teams", nil},
		{"get_team", map[string]any{"team_id": team}},
		{"list_contacts", nil},
		{"list_contacts", map[string]any{"detail": "full", "limit": 2}},
		{"get_contact", map[string]any{"contact_id": contact}},
		{"list_webhooks", nil},
		{"get_webhook", map[string]any{"webhook_id": webhook}},
		{"list_sms_notifications", nil},
		{"list_sms_notifications", map[string]any{"detail": "full", "expand": []any{"recipient"}, "limit": 3}},
		// Writes.
		{"schedule_meeting", map[string]any{"booking_calendar_id": sales, "start_time": slot["start_time"], "guest_time_zone": "Asia/Kolkata",
			"name": "Asha Verma", "email": "asha.verma@example.com"}},
		{"create_booking_calendar_link", map[string]any{"booking_calendar_id": sales, "name": "Ravi Iyer", "utm": map[string]any{"source": "newsletter"}}},
		{"create_master_page_link", map[string]any{"master_page_id": first("master_pages")}},
		{"mark_booking_no_show", map[string]any{"booking_id": past}},
		{"create_user", map[string]any{"email": "new.person@example.com", "first_name": "New", "last_name": "Person"}},
		{"update_user", map[string]any{"user_id": other, "last_name": "Renamed"}},
		{"update_user_availability", map[string]any{"user_id": other, "weekly": []any{map[string]any{"day": "Thursday", "working_hours": []any{
			map[string]any{"start_time": "09:00", "end_time": "12:00"}}}}}},
		{"create_contact", map[string]any{"first_name": "Pat", "last_name": "Lee", "mobile_phone": "+14155550123"}},
		{"update_contact", map[string]any{"contact_id": contact, "company": "Initech", "custom_fields": []any{map[string]any{"name": "budget", "value": 5000}}}},
		{"create_webhook", map[string]any{"name": "Contract test", "url": "https://hooks.example.com/contract", "events": []any{"booking.scheduled", "booking.canceled"}}},
		// Destructive (the clients here cannot be asked: the host's approval applies).
		{"cancel_booking", map[string]any{"booking_id": b1, "reason": "Conflict"}},
		{"cancel_booking", map[string]any{"booking_id": b1}}, // already canceled
		{"request_booking_reschedule", map[string]any{"booking_id": b2}},
		{"reassign_booking", map[string]any{"booking_id": b3, "new_host": owner}},
		{"delete_contact", map[string]any{"contact_id": contact}},
		{"delete_contact", map[string]any{"contact_id": contact}}, // already deleted
		{"delete_webhook", map[string]any{"webhook_id": webhook}},
		{"delete_user", map[string]any{"user_id": other}},
	}
}

func TestEveryToolsResultMatchesItsOutputSchema(t *testing.T) {
	t.Parallel()

	for _, kind := range []string{"mcp-go in-process", "go-sdk http"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()

			// The binary and the HTTP server run on the real clock: so does the fake.
			env := testenv.New(t, func(s testenv.Setup) {
				s.Fake.Now = time.Now
				s.Deps.Now = time.Now
			})
			var c contractClient
			for _, cl := range clients(t, env) {
				if cl.name == kind {
					c = cl
				}
			}
			list := c.tools(t)
			schemas := map[string]*validator.Schema{}
			for name, tl := range list {
				schemas[name] = compile(t, name+"-out", tl["outputSchema"])
			}
			called := map[string]bool{}
			for _, call := range everyToolCall(t, env, c) {
				res := c.call(t, call.tool, call.args)
				if !assert.False(t, res.isError, "%s %s: %s", call.tool, mustJSON(call.args), res.text) {
					continue
				}
				require.NotNil(t, res.structured, call.tool)
				// The structured content as JSON, decoded as the validator reads JSON.
				doc, err := validator.UnmarshalJSON(strings.NewReader(mustJSON(res.structured)))
				require.NoError(t, err)
				assert.NoError(t, schemas[call.tool].Validate(doc), "%s %s: structuredContent does not match outputSchema", call.tool, mustJSON(call.args))
				called[call.tool] = true
			}
			for name := range list {
				assert.True(t, called[name], "%s was not called: add it to everyToolCall", name)
			}
		})
	}
}
