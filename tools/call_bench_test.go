package tools_test

import (
	"testing"

	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

// BenchmarkGetBookingCall measures one tools/call of get_booking through the
// in-process MCP client against the loopback fake: our whole per-call path
// (argument binding, client, decoding, rendering) plus the fake's answer.
// Run: ONCEHUB_OPENAPI=off go test -bench Call -run '^$' -benchmem ./tools/
func BenchmarkGetBookingCall(b *testing.B) {
	env := testenv.New(b)
	c := env.InProcess(b)
	ctx := testenv.KeyCtx()
	id := testenv.Items(b, testenv.Call(b, ctx, c, "list_bookings", map[string]any{"limit": 1}))[0]["id"]
	args := map[string]any{"booking_id": id}
	b.ResetTimer()
	for b.Loop() {
		if res := testenv.Call(b, ctx, c, "get_booking", args); res.IsError {
			b.Fatal(testenv.Text(res))
		}
		env.Fake.ResetRequests()
	}
}

// BenchmarkListBookingsCall is the same for a 100-item page in compact form.
func BenchmarkListBookingsCall(b *testing.B) {
	env := testenv.New(b)
	c := env.InProcess(b)
	ctx := testenv.KeyCtx()
	args := map[string]any{"limit": 100}
	for b.Loop() {
		if res := testenv.Call(b, ctx, c, "list_bookings", args); res.IsError {
			b.Fatal(testenv.Text(res))
		}
		env.Fake.ResetRequests()
	}
}
