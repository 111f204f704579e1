package tools_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

func TestWebhookToolAnnotations(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	assertAnnotations(t, env.InProcess(t), map[string][3]bool{
		"list_webhooks":  {true, false, true},
		"get_webhook":    {true, false, true},
		"create_webhook": {false, false, false},
		"delete_webhook": {false, true, true},
	})
}

func TestListAndGetWebhooksNeverShowTheSecret(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()

	res := testenv.Call(t, ctx, c, "list_webhooks", map[string]any{"limit": 2})
	out := testenv.Object(t, res)
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/webhooks", req.Path)
	assert.Equal(t, url.Values{"limit": {"2"}}, req.Query)

	items := testenv.Items(t, res)
	require.Len(t, items, 2)
	assert.Equal(t, true, out["has_more"], "the fake seeds 3 webhooks")
	assert.Equal(t, "Data warehouse", items[0]["name"], "newest first")
	for _, it := range items {
		assert.Regexp(t, `^WHK-`, it["id"])
		assert.Regexp(t, `^https://`, it["url"])
		assert.NotEmpty(t, it["events"])
		assert.NotContains(t, it, "secret")
	}
	assert.NotContains(t, testenv.Text(res), "whsec_", "the text copy has no secret either")

	id := items[1]["id"].(string)
	env.Fake.ResetRequests()
	gres := testenv.Call(t, ctx, c, "get_webhook", map[string]any{"webhook_id": id})
	got := testenv.Object(t, gres)
	assert.Equal(t, id, got["id"])
	assert.Equal(t, items[1]["name"], got["name"])
	assert.Equal(t, "v2", got["api_version"])
	assert.NotContains(t, got, "secret")
	assert.NotContains(t, testenv.Text(gres), "whsec_")
	req = onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/webhooks/"+id, req.Path)
	assert.Empty(t, req.Query)

	nf := testenv.Call(t, ctx, c, "get_webhook", map[string]any{"webhook_id": "WHK-NOTFOUND"})
	require.True(t, nf.IsError)
	assert.Contains(t, testenv.Text(nf), "OnceHub error 404")
	assert.Contains(t, testenv.Text(nf), "No such webhook: 'WHK-NOTFOUND'")
}

func TestCreateWebhookReturnsSecretOnceAndRejectsDuplicateName(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()

	res := testenv.Call(t, ctx, c, "create_webhook", map[string]any{
		"name": "New Bookings", "url": "https://hooks.example.com/new", "events": []any{"booking.scheduled", "booking.rescheduled"},
	})
	got := testenv.Object(t, res)
	req := onlyRequest(t, env)
	assert.Equal(t, "POST", req.Method)
	assert.Equal(t, "/webhooks", req.Path)
	assert.Empty(t, req.Query)
	assert.JSONEq(t, `{"name":"New Bookings","url":"https://hooks.example.com/new","events":["booking.scheduled","booking.rescheduled"]}`, bodyOf(t, req))

	id := got["id"].(string)
	assert.Regexp(t, `^WHK-`, id)
	assert.Equal(t, "New Bookings", got["name"])
	assert.Equal(t, []any{"booking.scheduled", "booking.rescheduled"}, got["events"])
	assert.Regexp(t, `^[0-9a-f]{32}$`, got["secret"])
	assert.Contains(t, got["note"], "shown only now")
	assert.Contains(t, got["note"], "Oncehub-Signature")

	// Later reads do not show it again.
	again := testenv.Call(t, ctx, c, "get_webhook", map[string]any{"webhook_id": id})
	assert.NotContains(t, testenv.Object(t, again), "secret")
	assert.NotContains(t, testenv.Text(again), got["secret"].(string))
	listed := testenv.Call(t, ctx, c, "list_webhooks", nil)
	assert.Equal(t, id, testenv.Items(t, listed)[0]["id"], "the new webhook is first")
	assert.NotContains(t, testenv.Text(listed), got["secret"].(string))

	dup := testenv.Call(t, ctx, c, "create_webhook", map[string]any{
		"name": "New Bookings", "url": "https://other.example.com/x", "events": []any{"booking.canceled"},
	})
	require.True(t, dup.IsError)
	msg := testenv.Text(dup)
	assert.Contains(t, msg, "OnceHub error 409 (invalid_request_error): A webhook subscription with this name already exists: 'New Bookings'")
	assert.Contains(t, msg, "[param: name]")
	assert.Contains(t, msg, "duplicate name")
}

func TestCreateWebhookWithWrongKeyIs401(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	res := testenv.Call(t, oncehub.WithAPIKey(context.Background(), "not-a-real-key"), c, "create_webhook", map[string]any{
		"name": "x", "url": "https://hooks.example.com/x", "events": []any{"booking.completed"},
	})
	require.True(t, res.IsError)
	msg := testenv.Text(res)
	assert.Contains(t, msg, "OnceHub error 401")
	assert.Contains(t, msg, "APIs & Webhooks")
	assert.NotContains(t, msg, "not-a-real-key", "the key never appears in output")
	reqs := env.Fake.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "not-a-real-key", reqs[0].APIKey)
}

func TestDeleteWebhook(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	id := testenv.Items(t, testenv.Call(t, ctx, c, "list_webhooks", nil))[0]["id"].(string)
	u := answering(accept)
	cc, cctx := connect(t, env, "in-process", testenv.ProtocolLatest, u)
	env.Fake.ResetRequests()

	got := testenv.Object(t, testenv.Call(t, cctx, cc, "delete_webhook", map[string]any{"webhook_id": id}))
	assert.Equal(t, map[string]any{"id": id, "deleted": true, "request_id": requestIDOf(t, env, "DELETE")}, got)
	require.Len(t, u.questions(), 1)
	assert.Contains(t, u.questions()[0], id, "the summary names the webhook")
	reqs := env.Fake.Requests()
	require.GreaterOrEqual(t, len(reqs), 2, "a GET for the confirmation summary, then the DELETE")
	assert.Equal(t, "GET", reqs[0].Method)
	assert.Equal(t, "/webhooks/"+id, reqs[0].Path)
	last := reqs[len(reqs)-1]
	assert.Equal(t, "DELETE", last.Method)
	assert.Equal(t, "/webhooks/"+id, last.Path)
	assert.Empty(t, last.Query)
	assert.Empty(t, last.Body)
	assert.Equal(t, fakeoncehub.TestKey, last.APIKey)

	left := testenv.Items(t, testenv.Call(t, ctx, c, "list_webhooks", nil))
	assert.Len(t, left, 2)
	for _, it := range left {
		assert.NotEqual(t, id, it["id"])
	}
	assert.Equal(t, map[string]any{"id": id, "deleted": true},
		testenv.Object(t, testenv.Call(t, ctx, c, "get_webhook", map[string]any{"webhook_id": id})))
	env.Fake.ResetRequests()
	again := testenv.Object(t, testenv.Call(t, cctx, cc, "delete_webhook", map[string]any{"webhook_id": id}))
	assert.Equal(t, map[string]any{"id": id, "deleted": true, "already_deleted": true}, again, "already gone: nothing to ask, nothing sent")
	assert.Equal(t, []string{"GET /webhooks/" + id}, methods(env))

	env.Fake.ResetRequests()
	nf := testenv.Call(t, cctx, cc, "delete_webhook", map[string]any{"webhook_id": "WHK-NOTFOUND"})
	require.True(t, nf.IsError)
	assert.Contains(t, testenv.Text(nf), "No such webhook: 'WHK-NOTFOUND'")
	require.Len(t, env.Fake.Requests(), 1, "no DELETE after the summary lookup failed")
}

func TestWebhookToolsRejectBadInputWithoutCallingUpstream(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ok := map[string]any{"name": "n", "url": "https://hooks.example.com/x", "events": []any{"booking.scheduled"}}
	good := func(k string, v any) map[string]any { return withArg(ok, k, v) }
	assertRejected(t, env, c, []badInput{
		{"list_webhooks", map[string]any{"limit": 0.5}, `"limit"`},
		{"list_webhooks", map[string]any{"after": "WHK-A", "before": "WHK-B"}, `"before": cannot be combined with after`},
		{"list_webhooks", map[string]any{"detail": "full"}, `"detail": is not an argument of this tool`},
		{"get_webhook", map[string]any{}, `"webhook_id": is required`},
		{"get_webhook", map[string]any{"webhook_id": "CTC-ABC"}, `(WHK- then letters and digits`},
		{"get_webhook", map[string]any{"webhook_id": "WHK-../x"}, `then letters and digits`},
		{"create_webhook", good("name", nil), `"name": is required`},
		{"create_webhook", good("name", "   "), `"name": is required`},
		{"create_webhook", good("url", nil), `"url": is required`},
		{"create_webhook", good("url", "http://hooks.example.com/x"), `"url": "http://hooks.example.com/x" is not an https:// URL`},
		{"create_webhook", good("url", "hooks.example.com/x"), `"url"`},
		{"create_webhook", good("url", "https://user:pw@hooks.example.com/x"), `"url"`},
		{"create_webhook", good("events", nil), `"events": is required`},
		{"create_webhook", good("events", []any{}), `"events": needs at least 1 item(s)`},
		{"create_webhook", good("events", []any{"booking.created"}), `"events[0]": "booking.created" is not one of the allowed values; use one of booking.scheduled`},
		{"create_webhook", good("events", []any{"booking.canceled", "booking.canceled"}), `"events": lists the same value twice (items 0 and 1)`},
		{"create_webhook", good("events", "booking.scheduled"), `"events": must be a list, got a JSON string`},
		{"create_webhook", good("secret", "s"), `"secret": is not an argument of this tool`},
		{"delete_webhook", map[string]any{}, `"webhook_id": is required`},
		{"delete_webhook", map[string]any{"webhook_id": "BKNG-ABC"}, `(WHK- then letters and digits`},
	})
}
