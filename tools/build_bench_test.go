package tools

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// BenchmarkAllTools measures building every tool (input schemas, output
// schemas, definitions), which a server pays once at start.
func BenchmarkAllTools(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		outputSchemas.Clear() // as in a new process
		inputSchemas.Clear()
		All(Deps{})
	}
}

func BenchmarkSchemaParts(b *testing.B) {
	b.Run("input/list_bookings", func(b *testing.B) {
		for b.Loop() {
			_, _ = inputSchemaFor(reflect.TypeFor[listBookingsArgs]())
		}
	})
	b.Run("output/list_bookings", func(b *testing.B) {
		for b.Loop() {
			_, _ = outputSchemaFor(reflect.TypeFor[detailList[bookingView, oncehub.Booking]](), false)
		}
	})
	s, _ := outputSchemaFor(reflect.TypeFor[detailList[bookingView, oncehub.Booking]](), false)
	b.Run("marshal/list_bookings output", func(b *testing.B) {
		for b.Loop() {
			_, _ = json.Marshal(s)
		}
	})
}

// The fast encoder writes what the library's does (up to key order).
func TestEncodeSchemaMatchesTheLibrary(t *testing.T) {
	types := []reflect.Type{reflect.TypeFor[listBookingsArgs](), reflect.TypeFor[updateAvailabilityArgs](), reflect.TypeFor[scheduleArgs](),
		reflect.TypeFor[createContactArgs](), reflect.TypeFor[updateContactArgs](), reflect.TypeFor[availabilityArgs](), reflect.TypeFor[noArgs]()}
	for _, ty := range types {
		s, err := inputSchemaFor(ty)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, ty.String(), s)
	}
	for _, ty := range []reflect.Type{reflect.TypeFor[detailList[bookingView, oncehub.Booking]](), reflect.TypeFor[oncehub.Contact](),
		reflect.TypeFor[scheduleView](), reflect.TypeFor[availabilityOutput]()} {
		s, err := outputSchemaFor(ty, true)
		if err != nil {
			t.Fatal(err)
		}
		sameJSON(t, ty.String(), s)
	}
}

func sameJSON(t *testing.T, name string, s *jsonschema.Schema) {
	t.Helper()
	ours, err := encodeSchema(s)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if json.Unmarshal(ours, &a) != nil || json.Unmarshal(theirs, &b) != nil || !reflect.DeepEqual(a, b) {
		t.Errorf("%s:\nours   %s\ntheirs %s", name, ours, theirs)
	}
}
