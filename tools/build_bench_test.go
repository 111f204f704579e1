package tools

import (
	"encoding/json"
	"reflect"
	"testing"

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
