package fakeoncehub

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFakeWebhookCreateValidates(t *testing.T) {
	t.Parallel()

	s := newTestFake(t)
	cases := []struct{ body, msg, param string }{
		{`{"url":"https://x.example/h","events":["booking.scheduled"]}`, "name is required", "name"},
		{`{"name":"n","events":["booking.scheduled"]}`, "url is required", "url"},
		{`{"name":"n","url":"http://x.example/h","events":["booking.scheduled"]}`, "Invalid URL: 'http://x.example/h'. Webhook URLs must use https.", "url"},
		{`{"name":"n","url":"https://x.example/h"}`, "events is required", "events"},
		{`{"name":"n","url":"https://x.example/h","events":["booking.created"]}`, "Invalid event: 'booking.created'", "events"},
		{`{"name":"n","url":"https://x.example/h","events":["booking.scheduled"],"secret":"mine"}`, "Unsupported fields", "secret"},
	}
	for _, tc := range cases {
		status, body := do(t, s, "POST", "/webhooks", tc.body)
		wantError(t, status, body, 400, tc.msg, tc.param)
	}
	status, w := do(t, s, "POST", "/webhooks", `{"name":"n","url":"https://x.example/h","events":["booking.scheduled"]}`)
	require.Equal(t, 200, status, "the spec documents 200 for a created webhook")
	for _, k := range []string{"object", "id", "api_version", "name", "url", "events", "creation_time", "secret"} {
		assert.Contains(t, w, k)
	}
	status, body := do(t, s, "POST", "/webhooks", `{"name":"n","url":"https://y.example/h","events":["booking.canceled"]}`)
	wantError(t, status, body, 409, "A webhook subscription with this name already exists: 'n'", "name")

	status, body = do(t, s, "GET", "/webhooks/WHK-NOTFOUND", "")
	wantError(t, status, body, 404, "No such webhook: 'WHK-NOTFOUND'", "id")
	status, body = do(t, s, "DELETE", "/webhooks/WHK-NOTFOUND", "")
	wantError(t, status, body, 404, "No such webhook: 'WHK-NOTFOUND'", "id")
}
