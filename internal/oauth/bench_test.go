package oauth_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
)

// What oauth mode adds to each MCP request: opening and checking the access
// token (Authorize), the revocation lookup in the in-memory store, and
// opening it again for the key (HTTPContext).
func BenchmarkAccessTokenCheck(b *testing.B) {
	s := newServer(b)
	_, tok := connect(b, s)
	r := httptest.NewRequest(http.MethodPost, s.URL+"/mcp", nil)
	r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	srv := s.env.App.OAuth
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if !srv.Authorize(r) {
			b.Fatal("refused")
		}
		if key, ok := srv.APIKey(r); !ok || key != fakeoncehub.TestKey {
			b.Fatal("no key")
		}
	}
}
