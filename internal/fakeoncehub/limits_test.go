package fakeoncehub

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// get sends GET /v2/test with key and returns the answer's status and
// headers (its body read and closed).
func get(t *testing.T, url, key string) (int, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url+"/v2/test", nil)
	require.NoError(t, err)
	req.Header.Set("API-Key", key)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode, resp.Header
}

// The per-IP budget counts every request from one address, whatever the
// key, valid or not, and frees a turn when a request leaves the window.
func TestFakeEnforcesThePerIPBudget(t *testing.T) {
	t.Parallel()

	fake := New(Options{})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	fake.EnforceIPLimit(&IPLimit{Limit: 5, Window: 300 * time.Millisecond})
	for i := range 5 {
		key := TestKey
		if i%2 == 1 {
			key = "bogus-" + strconv.Itoa(i)
		}
		status, _ := get(t, srv.URL, key)
		assert.NotEqual(t, http.StatusTooManyRequests, status, "request %d", i)
	}
	status, header := get(t, srv.URL, TestKey)
	assert.Equal(t, http.StatusTooManyRequests, status)
	assert.Equal(t, "1", header.Get("Retry-After"))
	assert.Equal(t, int64(1), fake.IPLimited())
	assert.Zero(t, fake.RateLimited())
	time.Sleep(350 * time.Millisecond)
	status, _ = get(t, srv.URL, TestKey)
	assert.Equal(t, http.StatusOK, status, "the window moved on")
}

// Requests keeps the newest RecordLimit requests; RequestCount counts all.
func TestFakeRecordIsBounded(t *testing.T) {
	t.Parallel()

	fake := New(Options{RecordLimit: 3})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	for range 10 {
		get(t, srv.URL, TestKey)
	}
	reqs := fake.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, "req_000010", reqs[2].RequestID)
	assert.Equal(t, int64(10), fake.RequestCount())

	off := New(Options{RecordLimit: -1})
	srv2 := httptest.NewServer(off)
	defer srv2.Close()
	get(t, srv2.URL, TestKey)
	assert.Empty(t, off.Requests())
	assert.Equal(t, int64(1), off.RequestCount())
}
