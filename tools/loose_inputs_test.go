package tools_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// OnceHub answering a write with success but no object (body null or
// empty) is an error, never {"id": ""}: the write may have been made, and
// the message says to check before retrying. Nothing is sent twice.
func TestNullOrEmptySuccessBodyOfAWriteIsAnError(t *testing.T) {
	t.Parallel()

	for _, tc := range []struct {
		tool, method, path string
		status             int
		args               map[string]any
	}{
		{"create_contact", "POST", "/contacts", http.StatusCreated,
			map[string]any{"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"}},
		{"create_webhook", "POST", "/webhooks", http.StatusOK,
			map[string]any{"name": "Null hook", "url": "https://hooks.example.com/x", "events": []any{"booking.scheduled"}}},
	} {
		for _, body := range []string{"null", ""} {
			t.Run(tc.tool+"/"+body, func(t *testing.T) {
				t.Parallel()

				env := testenv.New(t)
				c := env.InProcess(t)
				env.Fake.InjectFaults(fakeoncehub.SuccessBody(tc.status, body).On(tc.method, tc.path))
				msg := toolError(t, testenv.Call(t, testenv.KeyCtx(), c, tc.tool, tc.args))
				assert.Contains(t, msg, "without the expected object")
				assert.Contains(t, msg, "the change may have been made: check the current state")
				assert.Contains(t, msg, onlyRequest(t, env).RequestID, "OnceHub's Request-Id, for support")
				assert.NotContains(t, msg, `"id":""`)
			})
		}
	}
}

// A key with a character that is not visible ASCII (a tab inside, a
// non-ASCII byte) is refused with a clear error, over stdio's environment,
// in-process and over HTTP headers, and nothing reaches OnceHub.
func TestMalformedKeysAreRefusedLocally(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	for _, key := range []string{"test-key\t0123456789", "test-key-0123456789\xff", "test key 0123456789", "tést-key-0123456789"} {
		msg := toolError(t, testenv.Call(t, oncehub.WithAPIKey(context.Background(), key), c, "test_api_key", nil))
		assert.Contains(t, msg, "not visible ASCII")
		assert.Contains(t, msg, "Nothing was sent to OnceHub")
		assert.NotContains(t, msg, "0123456789")
	}
	h := env.HTTP(t, env.HTTPServer(t), map[string]string{"API-Key": "test-key\t0123456789"})
	msg := toolError(t, testenv.Call(t, context.Background(), h, "list_users", map[string]any{}))
	assert.Contains(t, msg, "not visible ASCII")
	s := env.Stdio(t, []string{"ONCEHUB_API_KEY=test-key\x7f0123456789"})
	msg = toolError(t, testenv.Call(t, context.Background(), s, "get_me", nil))
	assert.Contains(t, msg, "not visible ASCII")
	require.Empty(t, env.Fake.Requests(), "nothing was sent")
}
