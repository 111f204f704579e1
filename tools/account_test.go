package tools_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

func TestGetMeAnswersWhoTheKeyBelongsTo(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	var owner map[string]any
	for _, u := range env.Fake.Users(fakeoncehub.TestKey) {
		if u["email"] == fakeoncehub.TestAccount {
			owner = u
		}
	}
	require.NotNil(t, owner, "the fake's account owner")

	out := testenv.Object(t, testenv.Call(t, testenv.KeyCtx(), c, "get_me", nil))
	assert.Equal(t, map[string]any{
		"user_id": owner["id"], "name": owner["first_name"].(string) + " " + owner["last_name"].(string),
		"email": fakeoncehub.TestAccount, "timezone": owner["timezone"], "role": "Account Owner", "status": "active",
		"teams": owner["teams"],
	}, out)

	reqs := env.Fake.Requests()
	require.Len(t, reqs, 2, "the key's account, then that user")
	assert.Equal(t, "GET /test", reqs[0].Method+" "+reqs[0].Path)
	assert.Equal(t, "GET /users", reqs[1].Method+" "+reqs[1].Path)
	assert.Equal(t, fakeoncehub.TestAccount, reqs[1].Query.Get("email"), "filtered by the account's email")

	res := testenv.Call(t, testenv.KeyCtx(), c, "get_me", map[string]any{"user_id": "USR-1"})
	assert.Contains(t, toolError(t, res), `"user_id": is not an argument of this tool`)
}

// A key whose account email is no user's: the tool says so instead of
// guessing.
func TestGetMeWhenNoUserHasTheAccountsEmail(t *testing.T) {
	t.Parallel()

	fake := fakeoncehub.New(fakeoncehub.Options{Now: func() time.Time { return testenv.Now }})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/test") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"message":"The API key is valid for account: billing@example.org"}`))
			return
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(up.Close)
	a, err := app.Build(app.Config{APIURL: up.URL + "/v2", Timeout: 10 * time.Second}, app.Options{Version: "test", Deps: tools.Deps{}})
	require.NoError(t, err)
	c, err := client.NewInProcessClient(a.MCP)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	testenv.Initialize(t, c)

	msg := toolError(t, testenv.Call(t, testenv.KeyCtx(), c, "get_me", nil))
	assert.Contains(t, msg, "billing@example.org")
	assert.Contains(t, msg, "no user of the account has that email")
	assert.Contains(t, msg, "list_users")
	reqs := fake.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "billing@example.org", reqs[0].Query.Get("email"))
}
