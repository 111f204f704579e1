package testdeps

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func get(t *testing.T, url string, hdr map[string]string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, url, nil)
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

func TestNginxBalancesAndRoutesByHeader(t *testing.T) {
	t.Parallel()
	a, b := backendForTest(t, "A"), backendForTest(t, "B")
	lb := StartNginx(t, a, b)
	seen := map[string]bool{}
	for range 6 {
		seen[get(t, lb.URL+"/", nil)] = true
	}
	assert.Equal(t, map[string]bool{"A": true, "B": true}, seen, "round-robin reaches both backends")
	for range 3 {
		assert.Equal(t, "B", get(t, lb.URL+"/", map[string]string{"X-Test-Backend": "2"}))
		assert.Equal(t, "A", get(t, lb.URL+"/", map[string]string{"X-Test-Backend": "1"}))
	}
}

func TestRedisStarts(t *testing.T) {
	t.Parallel()
	url := Redis(t)
	assert.Contains(t, url, "redis://127.0.0.1:")
}
