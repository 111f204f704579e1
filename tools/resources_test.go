package tools_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

func readResource(t *testing.T, c *client.Client, uri string) (string, error) {
	t.Helper()
	req := mcp.ReadResourceRequest{}
	req.Params.URI = uri
	res, err := c.ReadResource(testenv.KeyCtx(), req)
	if err != nil {
		return "", err
	}
	require.Len(t, res.Contents, 1)
	tc, ok := res.Contents[0].(mcp.TextResourceContents)
	require.True(t, ok, "text contents: %T", res.Contents[0])
	assert.Equal(t, uri, tc.URI)
	assert.Equal(t, "application/json", tc.MIMEType)
	return tc.Text, nil
}

func complete(t *testing.T, c *client.Client, ref any, arg, value string) *mcp.CompleteResult {
	t.Helper()
	req := mcp.CompleteRequest{}
	req.Params.Ref = ref
	req.Params.Argument = mcp.CompleteArgument{Name: arg, Value: value}
	res, err := c.Complete(testenv.KeyCtx(), req)
	require.NoError(t, err)
	return res
}

func TestResourcesAndTemplatesAreListed(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	res, err := c.ListResources(context.Background(), mcp.ListResourcesRequest{})
	require.NoError(t, err)
	uris := map[string]mcp.Resource{}
	for _, r := range res.Resources {
		uris[r.URI] = r
	}
	for _, u := range []string{"oncehub://users", "oncehub://event-types", "oncehub://booking-pages", "oncehub://booking-calendars", "oncehub://teams"} {
		require.Contains(t, uris, u)
		assert.Equal(t, "application/json", uris[u].MIMEType)
		assert.NotEmpty(t, uris[u].Description)
	}
	assert.NotContains(t, uris, "oncehub://bookings", "bookings are too many to attach at once")

	tres, err := c.ListResourceTemplates(context.Background(), mcp.ListResourceTemplatesRequest{})
	require.NoError(t, err)
	var templates []string
	for _, tp := range tres.ResourceTemplates {
		templates = append(templates, tp.URITemplate.Raw())
		assert.Contains(t, tp.Description, "-…)")
	}
	assert.ElementsMatch(t, []string{"oncehub://bookings/{id}", "oncehub://users/{id}", "oncehub://event-types/{id}",
		"oncehub://booking-pages/{id}", "oncehub://booking-calendars/{id}", "oncehub://teams/{id}"}, templates)
	assert.Empty(t, env.Fake.Requests(), "listing resources sends nothing upstream")
}

func TestResourcesFollowTheToolsetFilter(t *testing.T) {
	t.Parallel()

	env := testenv.New(t, func(s testenv.Setup) { s.Config.Toolsets = []string{"bookings"} })
	c := env.InProcess(t)
	res, err := c.ListResources(context.Background(), mcp.ListResourcesRequest{})
	require.NoError(t, err)
	assert.Empty(t, res.Resources)
	tres, err := c.ListResourceTemplates(context.Background(), mcp.ListResourceTemplatesRequest{})
	require.NoError(t, err)
	require.Len(t, tres.ResourceTemplates, 1)
	assert.Equal(t, "oncehub://bookings/{id}", tres.ResourceTemplates[0].URITemplate.Raw())
	_, err = readResource(t, c, "oncehub://users")
	require.Error(t, err, "a resource of a switched-off toolset cannot be read")
	assert.Empty(t, env.Fake.Requests())
}

func TestReadBookingResource(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	id := testenv.Items(t, testenv.Call(t, testenv.KeyCtx(), c, "list_bookings", map[string]any{"limit": 1}))[0]["id"].(string)
	env.Fake.ResetRequests()

	text, err := readResource(t, c, "oncehub://bookings/"+id)
	require.NoError(t, err)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(text), &got))
	assert.Equal(t, id, got["id"])
	assert.Contains(t, got, "form_submission", "a resource is the whole object")
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/bookings/"+id, req.Path)
	assert.Empty(t, req.Query)
}

// notFound asserts a resources/read error is MCP's "resource not found":
// -32002 up to protocol 2025-11-25, InvalidParams from 2026-07-28 on.
func notFound(t *testing.T, err error, version, msg string) {
	t.Helper()
	if version == testenv.Protocol2025 {
		assert.ErrorIs(t, err, mcp.ErrResourceNotFound, msg)
	} else {
		assert.ErrorIs(t, err, mcp.ErrInvalidParams, msg)
	}
	assert.NotContains(t, err.Error(), "internal error", msg)
}

func TestReadResourceErrors(t *testing.T) {
	t.Parallel()

	for _, version := range []string{testenv.ProtocolLatest, testenv.Protocol2025} {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			testReadResourceErrors(t, version)
		})
	}
}

func testReadResourceErrors(t *testing.T, version string) {
	env := testenv.New(t)
	c := env.InProcess(t, client.WithProtocolVersion(version))
	for uri, want := range map[string]string{
		"oncehub://bookings/USR-ABC":     `expected one starting with BKNG-`,
		"oncehub://bookings/BKNG-A%2Fx":  `not a OnceHub ID`,
		"oncehub://users/BKNG-ABCDEFGHI": `expected one starting with USR-`,
	} {
		_, err := readResource(t, c, uri)
		require.Error(t, err, uri)
		notFound(t, err, version, uri)
		assert.Contains(t, err.Error(), want, uri)
		assert.Contains(t, err.Error(), "Nothing was sent to OnceHub", uri)
	}
	assert.Empty(t, env.Fake.Requests(), "bad IDs never reach OnceHub")

	_, err := readResource(t, c, "oncehub://bookings/BKNG-DOESNOTEXIST")
	require.Error(t, err)
	notFound(t, err, version, "a missing booking")
	assert.Contains(t, err.Error(), "OnceHub error 404")
	assert.Contains(t, err.Error(), "No such booking: 'BKNG-DOESNOTEXIST'")
	assert.NotContains(t, err.Error(), fakeoncehub.TestKey)

	// Without a key (HTTP callers who sent none) nothing is sent either.
	env.Fake.ResetRequests()
	req := mcp.ReadResourceRequest{}
	req.Params.URI = "oncehub://bookings/BKNG-ABC"
	_, err = c.ReadResource(context.Background(), req)
	require.Error(t, err)
	assert.Empty(t, env.Fake.Requests())
}

func TestReadUserResources(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)

	text, err := readResource(t, c, "oncehub://users")
	require.NoError(t, err)
	var list struct {
		Count   int              `json:"count"`
		HasMore bool             `json:"has_more"`
		Items   []map[string]any `json:"items"`
	}
	require.NoError(t, json.Unmarshal([]byte(text), &list))
	require.Len(t, list.Items, 6, "every seeded user")
	assert.Equal(t, 6, list.Count)
	assert.False(t, list.HasMore)
	req := onlyRequest(t, env)
	assert.Equal(t, "/users", req.Path)
	assert.Equal(t, "100", req.Query.Get("limit"))

	id := list.Items[1]["id"].(string)
	env.Fake.ResetRequests()
	text, err = readResource(t, c, "oncehub://users/"+id)
	require.NoError(t, err)
	var user map[string]any
	require.NoError(t, json.Unmarshal([]byte(text), &user))
	assert.Equal(t, list.Items[1], user)
	req = onlyRequest(t, env)
	assert.Equal(t, "/users/"+id, req.Path)
}

func TestReadEventTypeResources(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	text, err := readResource(t, c, "oncehub://event-types")
	require.NoError(t, err)
	var list struct {
		Items []map[string]any `json:"items"`
	}
	require.NoError(t, json.Unmarshal([]byte(text), &list))
	require.Len(t, list.Items, 4)
	id := list.Items[0]["id"].(string)
	text, err = readResource(t, c, "oncehub://event-types/"+id)
	require.NoError(t, err)
	assert.Contains(t, text, `"id":"`+id+`"`)
	assert.Equal(t, "/event-types/"+id, env.Fake.Requests()[1].Path)
}

func TestCompleteResourceIDs(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	all := testenv.Items(t, testenv.Call(t, testenv.KeyCtx(), c, "list_bookings", map[string]any{"limit": 100}))
	env.Fake.ResetRequests()
	ref := mcp.ResourceReference{Type: "ref/resource", URI: "oncehub://bookings/{id}"}

	res := complete(t, c, ref, "id", "")
	assert.Len(t, res.Completion.Values, 100, "at most 100 values")
	assert.True(t, res.Completion.HasMore, "260 bookings exist")
	req := onlyRequest(t, env)
	assert.Equal(t, "/bookings", req.Path)
	assert.Equal(t, "100", req.Query.Get("limit"))

	// By ID prefix, case-insensitive.
	id := all[7]["id"].(string)
	res = complete(t, c, ref, "id", strings.ToLower(id[:len(id)-1]))
	assert.Contains(t, res.Completion.Values, id)
	for _, v := range res.Completion.Values {
		assert.True(t, strings.HasPrefix(v, id[:len(id)-1]), v)
	}
	// By the guest's name.
	guest := all[3]["guest_name"].(string)
	res = complete(t, c, ref, "id", strings.ToUpper(guest))
	assert.Contains(t, res.Completion.Values, all[3]["id"])
	for _, v := range res.Completion.Values {
		for _, it := range all {
			if it["id"] == v {
				assert.Equal(t, guest, it["guest_name"])
			}
		}
	}
	// Nothing matches; unknown templates and arguments complete to nothing.
	assert.Empty(t, complete(t, c, ref, "id", "no such thing").Completion.Values)
	assert.Empty(t, complete(t, c, mcp.ResourceReference{Type: "ref/resource", URI: "oncehub://nothing/{id}"}, "id", "").Completion.Values)
	assert.Empty(t, complete(t, c, ref, "other", "").Completion.Values)
}

func TestCompleteUserIDsByName(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	res := complete(t, c, mcp.ResourceReference{Type: "ref/resource", URI: "oncehub://users/{id}"}, "id", "priya")
	require.Len(t, res.Completion.Values, 1)
	assert.Regexp(t, `^USR-`, res.Completion.Values[0])
	assert.Equal(t, 1, res.Completion.Total)
	assert.False(t, res.Completion.HasMore)
	text, err := readResource(t, c, "oncehub://users/"+res.Completion.Values[0])
	require.NoError(t, err)
	assert.Contains(t, text, `"first_name":"Priya"`)
}

func TestReadBookingCalendarAndTeamResources(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	for _, tc := range []struct {
		path  string
		count int
	}{{"booking-calendars", 5}, {"teams", 3}} {
		env.Fake.ResetRequests()
		text, err := readResource(t, c, "oncehub://"+tc.path)
		require.NoError(t, err)
		var list struct {
			Items []map[string]any `json:"items"`
		}
		require.NoError(t, json.Unmarshal([]byte(text), &list))
		require.Len(t, list.Items, tc.count, tc.path)
		id := list.Items[0]["id"].(string)
		text, err = readResource(t, c, "oncehub://"+tc.path+"/"+id)
		require.NoError(t, err)
		assert.Contains(t, text, `"id":"`+id+`"`)
		reqs := env.Fake.Requests()
		require.Len(t, reqs, 2)
		assert.Equal(t, "/"+tc.path, reqs[0].Path)
		assert.Equal(t, "/"+tc.path+"/"+id, reqs[1].Path)
	}
}
