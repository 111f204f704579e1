package oncehub_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// seededBooking is a booking as the fake OnceHub sends it (1.1 kB, with
// fields the client does not model).
func seededBooking(b *testing.B) []byte {
	fake := fakeoncehub.New(fakeoncehub.Options{})
	get := func(path string) []byte {
		req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/v2"+path, nil)
		req.Header.Set("API-Key", fakeoncehub.TestKey)
		w := httptest.NewRecorder()
		fake.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", path, w.Code)
		}
		return w.Body.Bytes()
	}
	var list struct {
		Data []struct{ ID string } `json:"data"`
	}
	if err := json.Unmarshal(get("/bookings?limit=1"), &list); err != nil {
		b.Fatal(err)
	}
	return get("/bookings/" + list.Data[0].ID)
}

// BenchmarkBookingDecode is what the client does with a GET /bookings/{id}
// body. Run: go test -bench Booking -run '^$' ./oncehub/
func BenchmarkBookingDecode(b *testing.B) {
	data := seededBooking(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var bk oncehub.Booking
		if err := json.Unmarshal(data, &bk); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBookingEncode is what get_booking does with the decoded booking:
// known fields plus the ones the client does not model.
func BenchmarkBookingEncode(b *testing.B) {
	var bk oncehub.Booking
	if err := json.Unmarshal(seededBooking(b), &bk); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(bk); err != nil {
			b.Fatal(err)
		}
	}
}
