package tools

import (
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// The write-specific texts: no write tool is exercised here through MCP (the
// fault tests cover reads), so the message rules are checked directly.
func TestErrorMessagesForWrites(t *testing.T) {
	t.Parallel()

	cases := []struct {
		err       error
		write     bool
		want, not string
	}{
		{&oncehub.APIError{Status: 503, Type: "api_error", RequestID: "req_9"}, true,
			"OnceHub is having trouble (Request-Id req_9)", ""},
		{&oncehub.APIError{Status: 504, RequestID: "req_9"}, true, "The change may have been made anyway", ""},
		{&oncehub.APIError{Status: 504, RequestID: "req_9"}, false, "OnceHub is having trouble", "may have been made"},
		{&oncehub.APIError{Status: 429, RetryAfter: 2500 * time.Millisecond}, true, "retry in 3 s", "may have been made"},
		{&oncehub.TransportError{Op: "POST /bookings/{id}/cancel", Sent: true, Err: syscall.ECONNRESET}, true,
			"The request may have reached OnceHub, so the change may have been made", ""},
		{&oncehub.TransportError{Op: "POST /bookings/{id}/cancel", Sent: false, Err: fmt.Errorf("dial: %w", syscall.ECONNREFUSED)}, true,
			"Could not get an answer from OnceHub", "may have"},
		{&oncehub.TransportError{Op: "GET /bookings", Err: &oncehub.RateWaitError{Wait: 1200 * time.Millisecond}}, false,
			"OnceHub's rate limit (5 requests per second per account) is taken up by this account's other calls; retry in 2 s. Nothing was sent", ""},
		{&oncehub.APIError{Status: 402, Type: "invalid_request_error"}, true, "assign a seat to the user", ""},
		{&oncehub.APIError{Status: 422}, true, "the booking calendar is not published", ""},
		{&oncehub.APIError{Status: 403, Type: "authentication_error"}, false, "Enterprise plan", ""},
	}
	for _, tc := range cases {
		msg := errorMessage(tc.err, tc.write)
		assert.Contains(t, msg, tc.want, "%v", tc.err)
		if tc.not != "" {
			assert.NotContains(t, msg, tc.not, "%v", tc.err)
		}
	}
}
