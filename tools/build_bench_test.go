package tools

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// BenchmarkAllTools measures building every tool, which a server pays once
// at start: from the generated schemas (schemas_gen.go), and, as go generate
// and a tool it has not seen yet do, by reflecting their types.
func BenchmarkAllTools(b *testing.B) {
	b.Run("generated", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			All(Deps{})
		}
	})
	all := All(Deps{})
	b.Run("reflected", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			outputSchemas.Clear() // as in a new process
			inputSchemas.Clear()
			for _, t := range all {
				if _, err := t.reflectSchemas(); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
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
