package oncehub

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every request carries the key in API-Key, JSON Accept, and a User-Agent
// naming this program and its version.
func TestRequestHeaders(t *testing.T) {
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"message":"The API key is valid for account: a@example.com"}`))
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL + "/v2", Version: "1.2.3"})
	require.NoError(t, err)
	_, err = c.TestAPIKey(WithAPIKey(t.Context(), "k-headers"))
	require.NoError(t, err)
	assert.Equal(t, "k-headers", got.Get("API-Key"))
	assert.Equal(t, "oncehub-mcp/1.2.3", got.Get("User-Agent"))
	assert.Equal(t, "application/json", got.Get("Accept"))
	assert.Empty(t, got.Get("Authorization"), "OnceHub takes the key in API-Key only")
}

// A key that cannot be sent as a header fails before anything leaves, and
// neither the error nor the attempt reported for logs and metrics quotes it.
func TestUnsendableKeyIsNeverQuoted(t *testing.T) {
	up := newUpstream(t, func(n int, w http.ResponseWriter, r *http.Request) { okJSON(w) })
	var errs []string
	c := newTestClient(t, up.URL, func(cfg *Config) {
		cfg.Observer = func(a Attempt) {
			if a.Err != nil {
				errs = append(errs, a.Err.Error())
			}
		}
	})
	const secret = "sk-live-secret\x7fvalue"
	_, err := c.TestAPIKey(WithAPIKey(t.Context(), secret))
	require.Error(t, err)
	assert.False(t, MaybeSent(err), "%v", err)
	assert.NotContains(t, err.Error(), "sk-live-secret")
	require.NotEmpty(t, errs)
	for _, e := range errs {
		assert.NotContains(t, e, "sk-live-secret")
	}
	assert.Zero(t, up.count())
}
