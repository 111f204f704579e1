package tools

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// FuzzBindArgs feeds arbitrary JSON arguments to the binding of a list tool
// and of an ID tool, then to the client's checks of what they would send: it
// must never panic, every refusal must name an argument, and whatever is
// accepted must be safe to send.
// Run: go test -run '^$' -fuzz '^FuzzBindArgs$' ./tools
func FuzzBindArgs(f *testing.F) {
	for _, s := range []string{
		`{}`, `null`, `[]`, `"x"`,
		`{"booking_id":"BKNG-ABC123","expand":["owner"]}`,
		`{"booking_id":"../users"}`, `{"booking_id":42}`, `{"booking_id":"BKNG-1?x=y"}`,
		`{"limit":5,"status":"scheduled","starting_time_after":"2026-11-23","starting_time_before":"2026-12-31"}`,
		`{"limit":0.5}`, `{"limit":1e400}`, `{"after":"BKNG-A","before":"BKNG-B"}`, `{"max_results":5000}`,
		`{"time_zone":"Mars/Olympus"}`, `{"time_zone":"Local"}`, `{"expand":"owner"}`, `{"stauts":"x"}`,
		`{"detail":"full","owner":"USR-1","creation_time_after":"2026-02-30"}`,
	} {
		f.Add([]byte(s))
	}
	idSchema, listSchema := testSchema[bookingIDArgs](f, "get_booking"), testSchema[listBookingsArgs](f, "list_bookings")
	f.Fuzz(func(t *testing.T, raw []byte) {
		var args any
		if json.Unmarshal(raw, &args) != nil {
			return
		}
		req := mcp.CallToolRequest{}
		req.Params.Arguments = args

		checkRefusal := func(names argNames, err error) {
			ae, ok := errors.AsType[*argError](names.name(err))
			if !ok {
				t.Fatalf("refusal is not an argument error: %T %v", err, err)
			}
			if (ae.arg == "" && !strings.Contains(ae.msg, "JSON object")) || ae.msg == "" {
				t.Fatalf("refusal names no argument: %+v", ae)
			}
			if utf8.Valid(raw) && !utf8.ValidString(ae.Error()) {
				t.Fatalf("message is not valid UTF-8: %q", ae.Error())
			}
		}

		idNames := newArgNames(spec{name: "get_booking"}, propertyNames(idSchema.schema))
		if a, err := bind[bookingIDArgs](req, idSchema); err != nil {
			checkRefusal(idNames, err)
		} else if err := oncehub.CheckID(oncehub.PrefixBooking, string(a.BookingID)); err != nil {
			checkRefusal(idNames, err)
		} else if id := string(a.BookingID); url.PathEscape(id) != id || !strings.HasPrefix(id, "BKNG-") {
			t.Fatalf("accepted unsafe booking_id %q", id)
		}

		listNames := newArgNames(spec{name: "list_bookings"}, propertyNames(listSchema.schema))
		if a, err := bind[listBookingsArgs](req, listSchema); err != nil {
			checkRefusal(listNames, err)
		} else if err := a.options().Validate(); err != nil {
			// What bind lets through, the client either sends or refuses
			// before sending anything, naming the argument.
			checkRefusal(listNames, err)
		} else if a.Limit < 0 || a.Limit > oncehub.MaxPageSize || a.MaxResults < 0 || a.MaxResults > maxWalk {
			t.Fatalf("accepted out-of-range paging %+v", a.pageArgs)
		}
	})
}

// testSchema is the input schema tool name would have with arguments A.
func testSchema[A any](t testing.TB, name string) *argSchema {
	t.Helper()
	in, err := inputSchemaFor(reflect.TypeFor[A]())
	if err != nil {
		t.Fatal(err)
	}
	s, err := newArgSchema(name, in)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
