package transport

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOriginPolicy(t *testing.T) {
	t.Parallel()

	p := newOriginPolicy([]string{"https://App.Example.com/", " "})
	cases := []struct {
		origin, host string
		ok           bool
	}{
		{"", "mcp.example.org", true}, // not a browser
		{"https://app.example.com", "mcp.example.org", true},
		{"http://app.example.com", "mcp.example.org", false}, // scheme matters
		{"https://mcp.example.org", "mcp.example.org", true}, // same host
		{"https://mcp.example.org:8443", "mcp.example.org", false},
		{"http://localhost:5173", "mcp.example.org", true},
		{"http://127.0.0.1", "mcp.example.org", true},
		{"http://[::1]:3000", "mcp.example.org", true},
		{"https://evil.example", "mcp.example.org", false},
		{"null", "mcp.example.org", false},
		{"file://", "mcp.example.org", false},
	}
	for _, c := range cases {
		r := httptest.NewRequest("POST", "http://"+c.host+"/mcp", nil)
		assert.Equal(t, c.ok, p.allows(c.origin, r), "origin %q host %q", c.origin, c.host)
	}
	assert.True(t, newOriginPolicy([]string{"*"}).allows("https://evil.example", httptest.NewRequest("POST", "/mcp", nil)))
}
