package oncehub

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMasterPagesList(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/master-pages", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testQuery(t, r, url.Values{"limit": {"100"}})
		reply(w, 200, `{"object":"list","has_more":false,"data":[{"object":"master_page","id":"MP-1","name":"Team","label":"team","url":"https://go.oncehub.com/team","active":false}]}`)
	})
	got, resp, err := c.MasterPages.List(ctx, &ListOptions{Limit: 100})
	require.NoError(t, err)
	testResponse(t, resp, 200)
	require.Len(t, got, 1)
	assert.Equal(t, "Team", got[0].Name)
	assert.False(t, got[0].Active)
}

func TestMasterPagesGet(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/master-pages/MP-1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		reply(w, 200, `{"object":"master_page","id":"MP-1","name":"Team","active":true}`)
	})
	m, resp, err := c.MasterPages.Get(ctx, "MP-1")
	require.NoError(t, err)
	testResponse(t, resp, 200)
	assert.Equal(t, "Team", m.Name)
	assert.True(t, m.Active)
}

func TestMasterPagesCreateOneTimeLink(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/master-pages/MP-1/one-time-links", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "POST")
		testBody(t, r, "") // the operation has no body
		reply(w, 201, `{"id":"OTL-2","url":"https://go.oncehub.com/team?otl=2"}`)
	})
	l, resp, err := c.MasterPages.CreateOneTimeLink(ctx, "MP-1")
	require.NoError(t, err)
	testResponse(t, resp, 201)
	assert.Equal(t, "OTL-2", l.ID)
	assert.Equal(t, "https://go.oncehub.com/team?otl=2", l.URL)
}
