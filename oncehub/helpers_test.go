package oncehub

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// setup returns a client of a test server and the mux that serves its API
// (paths without the /v2 prefix), as go-github's tests do: each test
// registers the handlers it expects, and any other request fails the test.
func setup(t *testing.T) (*Client, *http.ServeMux, context.Context) {
	t.Helper()
	mux := http.NewServeMux()
	root := http.NewServeMux()
	root.Handle("/v2/", http.StripPrefix("/v2", mux))
	root.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the API: %s %s", r.Method, r.URL)
		http.NotFound(w, r)
	})
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	return newTestClient(t, srv.URL), mux, keyCtx()
}

// refuseAll makes any request a test failure: for calls that must be
// refused before anything is sent.
func refuseAll(t *testing.T, mux *http.ServeMux) {
	t.Helper()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("nothing should have been sent, got %s %s", r.Method, r.URL)
	})
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	assert.Equal(t, want, r.Method)
}

// testQuery checks the request's query is exactly want.
func testQuery(t *testing.T, r *http.Request, want url.Values) {
	t.Helper()
	if want == nil {
		want = url.Values{}
	}
	assert.Equal(t, want, r.URL.Query())
}

// testBody checks the request's JSON body; want "" means no body at all.
func testBody(t *testing.T, r *http.Request, want string) {
	t.Helper()
	got, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	if want == "" {
		assert.Empty(t, got)
		assert.Empty(t, r.Header.Get("Content-Type"))
		return
	}
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.JSONEq(t, want, string(got))
}

// reply answers with a JSON body and Request-Id req_1.
func reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", "req_1")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// testResponse checks what every successful call returns besides the body.
func testResponse(t *testing.T, resp *Response, status int) {
	t.Helper()
	require.NotNil(t, resp)
	assert.Equal(t, status, resp.StatusCode)
	assert.Equal(t, "req_1", resp.RequestID)
}

// asJSON is v's JSON, for comparing decoded objects with what was sent.
func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func ptr[T any](v T) *T { return &v }

// testClient is a client (see newTestClient) of a server answering every
// request with h.
func testClient(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return newTestClient(t, srv.URL)
}

// assertParamError checks err is a *ParamError naming param.
func assertParamError(t *testing.T, err error, param string) {
	t.Helper()
	pe, ok := errors.AsType[*ParamError](err)
	if assert.True(t, ok, "want a ParamError for %s, got %T %v", param, err, err) {
		assert.Equal(t, param, pe.Param, "%v", err)
	}
}

func asAPIError(err error) (*APIError, bool) { return errors.AsType[*APIError](err) }
