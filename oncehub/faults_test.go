package oncehub

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
)

// TestWriteSentAtMostOnceUnderFaults sends a cancellation (a POST) to the fake
// OnceHub while it misbehaves in every way it can: the write must reach it
// exactly once, and the caller must learn that it may have taken effect.
func TestWriteSentAtMostOnceUnderFaults(t *testing.T) {
	t.Parallel()

	faults := map[string]fakeoncehub.Fault{
		"429 with Retry-After": fakeoncehub.RateLimited("1"),
		"429 storm":            fakeoncehub.RateLimited(""),
		"503":                  fakeoncehub.ServerError(503),
		"504":                  fakeoncehub.ServerError(504),
		"HTML 502":             fakeoncehub.HTMLPage(502),
		"reset mid-body":       fakeoncehub.ResetMidBody(),
		"slow past timeout":    fakeoncehub.Slow(10 * time.Second),
		"truncated JSON":       fakeoncehub.TruncatedJSON(),
		"malformed JSON":       fakeoncehub.MalformedJSON(),
		"redirect":             fakeoncehub.RedirectTo(""),
	}
	for name, f := range faults {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			fake := fakeoncehub.New(fakeoncehub.Options{})
			srv := httptest.NewServer(fake)
			defer srv.Close()
			fake.InjectFaults(f.On("POST", "/bookings/BKNG-ABC123/cancel").Times(5))
			c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Timeout = 200 * time.Millisecond })
			ctx := WithAPIKey(t.Context(), fakeoncehub.TestKey)
			_, _, err := c.Bookings.Cancel(ctx, "BKNG-ABC123", &CancelRequest{Reason: "ill"})
			require.Error(t, err)
			assert.True(t, MaybeSent(err), "the caller is told the write may have happened: %v", err)
			reqs := fake.Requests()
			require.Len(t, reqs, 1, "the write reached OnceHub once")
			assert.Equal(t, "POST", reqs[0].Method)
			assert.JSONEq(t, `{"cancellation_reason":"ill"}`, string(reqs[0].Body))
			assert.NotContains(t, err.Error(), fakeoncehub.TestKey)
		})
	}
}
