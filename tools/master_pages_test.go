package tools_test

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

func TestListAndGetMasterPages(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()

	res := testenv.Object(t, testenv.Call(t, ctx, c, "list_master_pages", map[string]any{"limit": 1}))
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/master-pages", req.Path)
	assert.Equal(t, url.Values{"limit": {"1"}}, req.Query)
	items := res["items"].([]any)
	require.Len(t, items, 1)
	assert.Equal(t, true, res["has_more"])
	mp := items[0].(map[string]any)
	assert.Equal(t, map[string]any{"object": "master_page", "id": mp["id"], "name": "Sales team", "label": "sales-team",
		"url": "https://go.oncehub.com/sales-team", "active": true}, mp)

	env.Fake.ResetRequests()
	got := testenv.Object(t, testenv.Call(t, ctx, c, "get_master_page", map[string]any{"master_page_id": mp["id"]}))
	assert.Equal(t, mp, got)
	req = onlyRequest(t, env)
	assert.Equal(t, "/master-pages/"+mp["id"].(string), req.Path)

	miss := testenv.Call(t, ctx, c, "get_master_page", map[string]any{"master_page_id": "MP-DOESNOTEXIST"})
	require.True(t, miss.IsError)
	assert.Contains(t, testenv.Text(miss), "OnceHub error 404 (invalid_request_error): No such master page: 'MP-DOESNOTEXIST' [param: id]")
}

func TestCreateMasterPageLink(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	mp := testenv.Items(t, testenv.Call(t, ctx, c, "list_master_pages", nil))[1]
	env.Fake.ResetRequests()

	out := testenv.Object(t, testenv.Call(t, ctx, c, "create_master_page_link", map[string]any{"master_page_id": mp["id"]}))
	req := onlyRequest(t, env)
	assert.Equal(t, "POST", req.Method)
	assert.Equal(t, "/master-pages/"+mp["id"].(string)+"/one-time-links", req.Path)
	assert.Empty(t, req.Query)
	assert.Empty(t, req.Body, "the operation has no request body")
	assert.Regexp(t, `^[A-Z0-9]{8}$`, out["id"])
	assert.Equal(t, "https://go.oncehub.com/."+out["id"].(string), out["url"])
	assert.Equal(t, "2026-11-23T10:00:00Z", out["creation_time"])

	env.Fake.ResetRequests()
	res := testenv.Call(t, ctx, c, "create_master_page_link", map[string]any{"master_page_id": "MP-DOESNOTEXIST"})
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "OnceHub error 404 (invalid_request_error): No such master page: 'MP-DOESNOTEXIST'")
	assert.Len(t, env.Fake.Requests(), 1, "a write is not retried")
}

func TestMasterPageToolsRejectBadInputWithoutCallingUpstream(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	assertRejected(t, env, c, []badInput{
		{"list_master_pages", map[string]any{"limit": -3}, `"limit": must be between 1 and 100`},
		{"list_master_pages", map[string]any{"limit": "10"}, `"limit": must be a whole number`},
		{"list_master_pages", map[string]any{"before": "MP-A", "after": "MP-B"}, `"before": cannot be combined with after`},
		{"get_master_page", map[string]any{}, `"master_page_id": is required`},
		{"get_master_page", map[string]any{"master_page_id": "ET-ABC"}, `(MP- then letters and digits`},
		{"create_master_page_link", map[string]any{}, `"master_page_id": is required`},
		{"create_master_page_link", map[string]any{"master_page_id": "BP-ABC"}, `(MP- then letters and digits`},
		{"create_master_page_link", map[string]any{"master_page_id": "MP-A#frag"}, `then letters and digits`},
		{"create_master_page_link", map[string]any{"master_page_id": "MP-A", "email": "x@example.org"}, `"email": is not an argument of this tool`},
	})
}
