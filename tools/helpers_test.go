package tools_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

// onlyRequest asserts exactly one upstream request was made and returns it.
func onlyRequest(t *testing.T, env *testenv.Env) fakeoncehub.Request {
	t.Helper()
	reqs := env.Fake.Requests()
	require.Len(t, reqs, 1, "upstream requests: %+v", reqs)
	assert.Equal(t, fakeoncehub.TestKey, reqs[0].APIKey)
	return reqs[0]
}

// requestIDOf is the Request-Id the fake answered the one request with
// method (since the last reset) with: what a write's result gives as request_id.
func requestIDOf(t *testing.T, env *testenv.Env, method string) string {
	t.Helper()
	var ids []string
	for _, r := range env.Fake.Requests() {
		if r.Method == method {
			ids = append(ids, r.RequestID)
		}
	}
	require.Len(t, ids, 1, "%s requests", method)
	return ids[0]
}

func toolError(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	require.True(t, res.IsError, "expected a tool error, got %s", testenv.Text(res))
	return testenv.Text(res)
}

// assertAnnotations checks a tool's four annotations as tools/list shows them.
func assertAnnotations(t *testing.T, c *client.Client, want map[string][3]bool) {
	t.Helper()
	res, err := c.ListTools(context.Background(), mcp.ListToolsRequest{})
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, tl := range res.Tools {
		w, ok := want[tl.Name]
		if !ok {
			continue
		}
		seen[tl.Name] = true
		a := tl.Annotations
		require.NotNil(t, a.ReadOnlyHint, tl.Name)
		require.NotNil(t, a.DestructiveHint, tl.Name)
		require.NotNil(t, a.IdempotentHint, tl.Name)
		require.NotNil(t, a.OpenWorldHint, tl.Name)
		assert.Equal(t, w, [3]bool{*a.ReadOnlyHint, *a.DestructiveHint, *a.IdempotentHint}, "%s: readOnly, destructive, idempotent", tl.Name)
		assert.True(t, *a.OpenWorldHint, tl.Name)
		assert.Equal(t, "object", tl.OutputSchema.Type, "%s has an output schema", tl.Name)
	}
	for name := range want {
		assert.True(t, seen[name], "%s is listed", name)
	}
}

// bodyOf decodes a recorded request body.
func bodyOf(t *testing.T, r fakeoncehub.Request) string {
	t.Helper()
	require.True(t, json.Valid(r.Body), "request body is JSON: %q", r.Body)
	return string(r.Body)
}

// badInput is a call that must be refused before anything is sent upstream.
type badInput struct {
	tool string
	args map[string]any
	want string // part of the error text
}

// assertRejected makes each call and asserts a tool error containing want
// that says nothing was sent, and that no request reached the fake.
func assertRejected(t *testing.T, env *testenv.Env, c *client.Client, cases []badInput) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.tool+" "+mustJSON(t, tc.args), func(t *testing.T) {
			msg := toolError(t, testenv.Call(t, testenv.KeyCtx(), c, tc.tool, tc.args))
			assert.Contains(t, msg, tc.want)
			assert.Contains(t, msg, "Nothing was sent to OnceHub")
		})
	}
	assert.Empty(t, env.Fake.Requests(), "bad input must not reach OnceHub")
}

// withArg returns a copy of args with k set to v, or removed when v is nil.
func withArg(args map[string]any, k string, v any) map[string]any {
	m := make(map[string]any, len(args)+1)
	for kk, vv := range args {
		m[kk] = vv
	}
	if v == nil {
		delete(m, k)
	} else {
		m[k] = v
	}
	return m
}
