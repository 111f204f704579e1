package oncehub

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTeamsList(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/teams", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testQuery(t, r, url.Values{"user": {"USR-1"}})
		reply(w, 200, `{"object":"list","has_more":false,"data":[{"object":"team","id":"TM-1","name":"Sales"}]}`)
	})
	got, resp, err := c.Teams.List(ctx, &TeamListOptions{User: "USR-1"})
	require.NoError(t, err)
	testResponse(t, resp, 200)
	require.Len(t, got, 1)
	assert.Equal(t, "Sales", got[0].Name)

	_, _, err = c.Teams.List(ctx, &TeamListOptions{User: "TM-1"})
	assertParamError(t, err, "user")
}

func TestTeamsGet(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/teams/TM-1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		reply(w, 200, `{"object":"team","id":"TM-1","name":"Sales","color":"blue"}`)
	})
	tm, resp, err := c.Teams.Get(ctx, "TM-1")
	require.NoError(t, err)
	testResponse(t, resp, 200)
	assert.Equal(t, "Sales", tm.Name)
	out, err := json.Marshal(tm)
	require.NoError(t, err)
	assert.JSONEq(t, `{"object":"team","id":"TM-1","name":"Sales","color":"blue"}`, string(out), "unknown fields are kept")
}
