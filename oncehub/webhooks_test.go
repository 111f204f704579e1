package oncehub

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const webhookJSON = `{"object":"webhook","id":"WHK-1","api_version":"v2","name":"CRM","url":"https://crm.example.com/hook",
	"events":["booking.scheduled","booking.canceled"],"creation_time":"2026-11-01T00:00:00Z","secret":"whsec_1"}`

func TestWebhooksList(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/webhooks", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testQuery(t, r, nil)
		reply(w, 200, `{"object":"list","has_more":false,"data":[`+webhookJSON+`]}`)
	})
	got, resp, err := c.Webhooks.List(ctx, nil)
	require.NoError(t, err)
	testResponse(t, resp, 200)
	require.Len(t, got, 1)
	assert.Equal(t, []string{"booking.scheduled", "booking.canceled"}, got[0].Events)
}

func TestWebhooksGet(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/webhooks/WHK-1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		reply(w, 200, `{"id":"WHK-1","object":"webhook","deleted":true}`)
	})
	w, resp, err := c.Webhooks.Get(ctx, "WHK-1")
	require.NoError(t, err)
	testResponse(t, resp, 200)
	assert.True(t, w.Deleted, "a deleted subscription comes back redacted")
}

func TestWebhooksCreate(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/webhooks", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "POST")
		testBody(t, r, `{"name":"CRM","url":"https://crm.example.com/hook","events":["booking.scheduled","booking.canceled"]}`)
		reply(w, 201, webhookJSON)
	})
	w, resp, err := c.Webhooks.Create(ctx, &CreateWebhookRequest{Name: "CRM", URL: "https://crm.example.com/hook", Events: []string{"booking.scheduled", "booking.canceled"}})
	require.NoError(t, err)
	testResponse(t, resp, 201)
	assert.Equal(t, "WHK-1", w.ID)
	assert.Equal(t, "whsec_1", w.Secret)
}

func TestCreateWebhookRequestRefusedInOnceHubTerms(t *testing.T) {
	t.Parallel()

	good := CreateWebhookRequest{Name: "n", URL: "https://x.example/h", Events: []string{"booking.scheduled"}}
	for _, tc := range []struct {
		req   CreateWebhookRequest
		param string
	}{
		{CreateWebhookRequest{URL: good.URL, Events: good.Events}, "name"},
		{CreateWebhookRequest{Name: "n", Events: good.Events}, "url"},
		{CreateWebhookRequest{Name: "n", URL: "http://x.example/h", Events: good.Events}, "url"},
		{CreateWebhookRequest{Name: "n", URL: "https://user:pw@x.example/h", Events: good.Events}, "url"},
		{CreateWebhookRequest{Name: "n", URL: good.URL}, "events"},
		{CreateWebhookRequest{Name: "n", URL: good.URL, Events: []string{"booking.exploded"}}, "events"},
		{CreateWebhookRequest{Name: "n", URL: good.URL, Events: []string{"booking.scheduled", "booking.scheduled"}}, "events"},
	} {
		assertParamError(t, tc.req.Validate(), tc.param)
	}
	assert.NoError(t, good.Validate())
}

func TestWebhooksDelete(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/webhooks/WHK-1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "DELETE")
		testBody(t, r, "")
		reply(w, 200, `{"id":"WHK-1","object":"webhook","deleted":true}`)
	})
	d, resp, err := c.Webhooks.Delete(ctx, "WHK-1")
	require.NoError(t, err)
	testResponse(t, resp, 200)
	assert.Equal(t, DeletedObject{ID: "WHK-1", Object: "webhook", Deleted: true}, d)
}

func TestWebhookEventsIsACopy(t *testing.T) {
	t.Parallel()

	WebhookEvents()[0] = "changed"
	assert.Equal(t, "booking.scheduled", WebhookEvents()[0], "callers cannot change the package's list")
}
