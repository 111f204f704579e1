package fakeoncehub

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFakeSMSListFilters(t *testing.T) {
	t.Parallel()

	s := newTestFake(t)
	status, body := do(t, s, "GET", "/notifications/sms?creation_time.gt=2026-11-01", "")
	wantError(t, status, body, 400, "Invalid date format for 'creation_time.gt': expected a date-time (RFC 3339, e.g. 2025-11-01T00:00:00Z).", "creation_time.gt")
	status, body = do(t, s, "GET", "/notifications/sms?recipient_type=customer", "")
	wantError(t, status, body, 400, "Invalid string: customer", "recipient_type")
	status, body = do(t, s, "GET", "/notifications/sms?expand=recipient", "")
	wantError(t, status, body, 400, "Expansion path 'recipient' must start with 'data.' on list requests.", "expand")
	status, body = do(t, s, "GET", "/notifications/sms?expand=data.owner", "")
	wantError(t, status, body, 400, "This property cannot be expanded (owner).", "expand")
	status, body = do(t, s, "GET", "/notifications/sms?creation_time.gt=2026-11-23T00:00:00Z&creation_time.lt=2026-11-22T00:00:00Z", "")
	wantError(t, status, body, 400, "'creation_time.gt' must be earlier than 'creation_time.lt'.", "creation_time.gt")

	status, body = do(t, s, "GET", "/notifications/sms?recipient_type=contact&expand=data.recipient&limit=100", "")
	require.Equal(t, 200, status)
	data := body["data"].([]any)
	require.NotEmpty(t, data)
	for _, it := range data {
		m := it.(map[string]any)
		assert.Equal(t, "contact", m["recipient_type"])
		rec := m["recipient"].(map[string]any)
		assert.Equal(t, "contact", rec["object"])
		for _, k := range []string{"object", "id", "type", "status", "creation_time", "recipient", "recipient_type", "details"} {
			assert.Contains(t, m, k, "required by the spec")
		}
	}

	// A deleted contact shows up redacted when expanded.
	id := data[0].(map[string]any)["recipient"].(map[string]any)["id"].(string)
	status, _ = do(t, s, "DELETE", "/contacts/"+id, "")
	require.Equal(t, 200, status)
	_, body = do(t, s, "GET", "/notifications/sms?recipient="+id+"&expand=data.recipient", "")
	for _, it := range body["data"].([]any) {
		assert.Equal(t, map[string]any{"id": id, "object": "contact", "deleted": true}, it.(map[string]any)["recipient"])
	}
}
