package contract_test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/contract"
	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
)

func validator(t *testing.T) *contract.Validator {
	_, file, _, _ := runtime.Caller(0)
	path := contract.SpecPath(filepath.Join(filepath.Dir(file), "..", ".."))
	if path == "" {
		t.Skipf("OnceHub's OpenAPI file not found: set %s or keep ../shared/oncehub/openapi.yaml beside the repository", contract.EnvVar)
	}
	v, err := contract.Load(path)
	require.NoError(t, err)
	return v
}

// serve sends one request through the validator around a handler that answers
// with status and body, and returns the violations reported.
func serve(t *testing.T, v *contract.Validator, method, target, key string, status int, body string) []string {
	var got []string
	h := v.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Request-Id", "req_1")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}), func(msg string) { got = append(got, msg) })
	req := httptest.NewRequest(method, target, nil)
	if key != "" {
		req.Header.Set("API-Key", key)
	}
	h.ServeHTTP(httptest.NewRecorder(), req)
	return got
}

func TestValidatorAcceptsConformingTraffic(t *testing.T) {
	t.Parallel()

	v := validator(t)
	assert.Empty(t, serve(t, v, "GET", "/v2/test", "k", 200, `{"message":"The API key is valid for account: a@b.c"}`))
	assert.Empty(t, serve(t, v, "GET", "/v2/bookings?limit=5&status=scheduled", "k", 200, `{"object":"list","data":[],"has_more":false}`))
	assert.Empty(t, serve(t, v, "GET", "/v2/bookings/BKNG-1", "k", 404, `{"type":"invalid_request_error","message":"No such booking: 'BKNG-1'","param":"id"}`))
}

func TestValidatorReportsViolations(t *testing.T) {
	t.Parallel()

	v := validator(t)
	cases := map[string]struct {
		method, target, key string
		status              int
		body, want          string
	}{
		"response shape":      {"GET", "/v2/bookings", "k", 200, `{"object":"list","data":[],"has_more":"no"}`, "response 200"},
		"undocumented status": {"GET", "/v2/bookings/BKNG-1", "k", 409, `{"type":"invalid_request_error","message":"x"}`, "response 409"},
		"query out of range":  {"GET", "/v2/bookings?limit=500", "k", 200, `{"object":"list","data":[],"has_more":false}`, "request GET"},
		"date format":         {"GET", "/v2/bookings?starting_time.gt=2026-11-23T10:00:00Z", "k", 200, `{"object":"list","data":[],"has_more":false}`, "request GET"},
		"unknown operation":   {"GET", "/v2/calendars", "k", 200, `{}`, "not an operation"},
		"missing key":         {"GET", "/v2/test", "", 200, `{"message":"ok"}`, "no API-Key"},
		"error body":          {"GET", "/v2/test", "k", 401, `<html>nope</html>`, "response 401"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			got := serve(t, v, tc.method, tc.target, tc.key, tc.status, tc.body)
			require.Len(t, got, 1)
			assert.Contains(t, got[0], tc.want)
		})
	}
}

func TestFakeFaultsAreMarkedWithTheSkipHeader(t *testing.T) {
	t.Parallel()

	assert.Equal(t, contract.SkipHeader, fakeoncehub.FaultHeader, "the fake marks injected faults with the header the checker skips")
}

func TestValidatorSkipsMarkedFaults(t *testing.T) {
	t.Parallel()

	v := validator(t)
	var got []string
	h := v.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set(contract.SkipHeader, "1")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html>bad gateway</html>"))
	}), func(msg string) { got = append(got, msg) })
	req := httptest.NewRequest("GET", "/v2/bookings", nil)
	req.Header.Set("API-Key", "k")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusBadGateway, rec.Code, "the response passes through unchanged")
	assert.Equal(t, "<html>bad gateway</html>", rec.Body.String())
	assert.Empty(t, got)
}
