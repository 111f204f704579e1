package tools

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/jsonschema-go/jsonschema"
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

		idNames := newArgNames(spec{name: "get_booking"}, propertyNames(idSchema.typed()))
		if a, err := bind[bookingIDArgs](req, idSchema); err != nil {
			checkRefusal(idNames, err)
		} else if err := oncehub.CheckID(oncehub.PrefixBooking, string(a.BookingID)); err != nil {
			checkRefusal(idNames, err)
		} else if id := string(a.BookingID); url.PathEscape(id) != id || !strings.HasPrefix(id, "BKNG-") {
			t.Fatalf("accepted unsafe booking_id %q", id)
		}

		listNames := newArgNames(spec{name: "list_bookings"}, propertyNames(listSchema.typed()))
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
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	return newArgSchema(name, raw, func() *jsonschema.Schema { return in })
}

// FuzzParseWhen: the one date and time grammar (dates, date-times with and
// without offset, and for an end a length such as P6W) never panics, refuses
// by naming the argument, and what it accepts is a time in the years it
// allows, a date's start in the tool's zone, or a length in months and days.
// Run: go test -run '^$' -fuzz '^FuzzParseWhen$' ./tools
func FuzzParseWhen(f *testing.F) {
	for _, s := range []string{
		"2026-11-23", "2026-02-30", "2026-11-23T10:00:00Z", "2026-11-23T10:00+05:30", "2026-11-23T10:00:00.123456789-08:00",
		"2026-11-23T10:00", "2026-11-23T10:00:00", "2026-03-29T02:30", "1969-12-31", "2100-01-01", "9999-12-31T23:59:59Z",
		"P6W", "P1M2W3D", "P", "P0D", "p6w", "P999M", "P1000D", "tomorrow", "", " 2026-11-23", "2026-11-23 10:00",
	} {
		f.Add(s, uint8(0))
	}
	zones := []string{"UTC", "Asia/Kolkata", "America/New_York", "Europe/Berlin", "Pacific/Kiritimati", "Australia/Lord_Howe"}
	f.Fuzz(func(t *testing.T, v string, zone uint8) {
		loc, err := time.LoadLocation(zones[int(zone)%len(zones)])
		if err != nil {
			t.Skip(err)
		}
		b, err := parseBound("end", v, loc)
		if err != nil {
			ae, ok := errors.AsType[*argError](err)
			if !ok || ae.arg != "end" || ae.msg == "" {
				t.Fatalf("refusal of %q does not name the argument: %v", v, err)
			}
			if utf8.ValidString(v) && !utf8.ValidString(ae.Error()) {
				t.Fatalf("message is not valid UTF-8: %q", ae.Error())
			}
			return
		}
		if b.months != 0 || b.days != 0 {
			if !strings.HasPrefix(v, "P") || b.months < 0 || b.months > 999 || b.days < 0 || b.days > 999*7+999 {
				t.Fatalf("%q read as a length of %d months, %d days", v, b.months, b.days)
			}
			return
		}
		if v == "" {
			if !b.t.IsZero() {
				t.Fatalf("empty read as %s", b.t)
			}
			return
		}
		if y := b.t.Year(); y < minYear || y > maxYear {
			t.Fatalf("%q read as year %d", v, y)
		}
		if b.date {
			want, err := time.ParseInLocation(time.DateOnly, v, loc)
			if err != nil || !b.t.Equal(want) {
				t.Fatalf("date %q read as %s", v, b.t)
			}
			return
		}
		// (time.Parse takes a one-digit hour; the schema's pattern, checked
		// before, does not.)
		if len(v) <= len("2006-01-02T") || v[10] != 'T' {
			t.Fatalf("%q read as the date-time %s", v, b.t)
		}
	})
}
