package oncehub

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTestAPIKey(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/test", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testQuery(t, r, nil)
		testBody(t, r, "")
		w.Header().Set("X-RateLimit-Limit", "5")
		w.Header().Set("X-RateLimit-Remaining", "4")
		reply(w, 200, `{"message":"The API key is valid for account: admin@example.com"}`)
	})
	res, resp, err := c.TestAPIKey(ctx)
	require.NoError(t, err)
	testResponse(t, resp, 200)
	assert.Equal(t, "The API key is valid for account: admin@example.com", res.Message)
	assert.Equal(t, "admin@example.com", res.AccountEmail())
	assert.Equal(t, Rate{Limit: 5, Remaining: 4}, resp.Rate)
}

func TestAccountEmail(t *testing.T) {
	t.Parallel()

	for msg, want := range map[string]string{
		"The API key is valid for account: admin@example.com":   "admin@example.com",
		"The API key is valid for account:  ana@example.com \n": "ana@example.com",
		"The API key is valid":                                  "",
		"":                                                      "",
	} {
		assert.Equal(t, want, TestResult{Message: msg}.AccountEmail(), "%q", msg)
	}
}
