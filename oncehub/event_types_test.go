package oncehub

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEventTypesList(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/event-types", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testQuery(t, r, url.Values{"limit": {"3"}, "after": {"ET-0"}})
		reply(w, 200, `{"object":"list","has_more":true,"data":[{"object":"event_type","id":"ET-1","name":"Demo","description":"30 min"}]}`)
	})
	got, resp, err := c.EventTypes.List(ctx, &ListOptions{Limit: 3, After: "ET-0"})
	require.NoError(t, err)
	testResponse(t, resp, 200)
	require.Len(t, got, 1)
	assert.Equal(t, "Demo", got[0].Name)
	assert.Equal(t, "30 min", got[0].Description)
	assert.True(t, resp.HasMore)
	assert.Equal(t, "ET-1", resp.NextCursor)
	assert.Equal(t, "ET-1", resp.PrevCursor, "a page after a cursor has a previous page")
}

func TestEventTypesGet(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/event-types/ET-1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		reply(w, 200, `{"object":"event_type","id":"ET-1","name":"Demo"}`)
	})
	e, resp, err := c.EventTypes.Get(ctx, "ET-1")
	require.NoError(t, err)
	testResponse(t, resp, 200)
	assert.Equal(t, "Demo", e.Name)
}
