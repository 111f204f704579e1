package transport

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
)

// Fuzz targets for what clients send in headers: session IDs
// (Mcp-Session-Id) and stream event IDs (Last-Event-ID). Run one with
// `go test -run '^$' -fuzz '^FuzzSessionID$' ./transport`; scripts/fuzz.sh
// runs them all briefly.

// FuzzSessionID: no string a client makes up verifies, a signed ID verifies
// to what was signed, and changing any byte of one makes it fail.
func FuzzSessionID(f *testing.F) {
	s, err := newSessions(SessionOptions{Key: bytes.Repeat([]byte("k"), 32)}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		f.Fatal(err)
	}
	signed := s.sign(sessionClaims{ID: "abc", Protocol: "2025-11-25", Caller: "f", Issued: 1,
		Caps: mcp.ClientCapabilities{Elicitation: &mcp.ElicitationCapability{}}})
	for _, seed := range []string{"", "s1.", "s1..", "s1.e30.", "s1.e30.AAAA", "x" + signed, signed, signed + "=", strings.Repeat("s1.", 100)} {
		f.Add(seed, "2025-11-25", 0)
	}
	f.Fuzz(func(t *testing.T, token, protocol string, flip int) {
		if c, ok := s.verify(token); ok && token != signed {
			t.Fatalf("made-up session ID %q verified as %+v", token, c)
		}
		claims := sessionClaims{ID: "id-" + protocol, Protocol: protocol, Caller: token, Issued: time.Now().UnixMilli()}
		minted := s.sign(claims)
		got, ok := s.verify(minted)
		if !ok {
			t.Fatalf("a signed session ID does not verify: %q", minted)
		}
		// (JSON replaces invalid UTF-8, so only valid text round-trips.)
		if utf8.ValidString(token) && utf8.ValidString(protocol) && (got.ID != claims.ID || got.Caller != claims.Caller || got.Protocol != claims.Protocol) {
			t.Fatalf("signed %+v, verified %+v", claims, got)
		}
		i := (flip%len(minted) + len(minted)) % len(minted)
		altered := []byte(minted)
		altered[i] ^= 1
		if c, ok := s.verify(string(altered)); ok {
			// Base64 ignores nothing here (raw URL encoding, no padding), but
			// the last character of a signature may carry unused bits.
			if i != len(minted)-1 {
				t.Fatalf("altered byte %d of a session ID and it still verified as %+v", i, c)
			}
		}
	})
}

// FuzzParseEventID: Last-Event-ID is "request:n" with a short plain request
// name and a positive n; anything else is refused, never half-read.
func FuzzParseEventID(f *testing.F) {
	for _, seed := range []string{"abc:1", "req-1_x:42", ":1", "abc:", "abc:0", "abc:-1", "a:b:1", "é:1", strings.Repeat("a", 65) + ":1", "abc:9223372036854775808"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		req, n, ok := parseEventID(id)
		if !ok {
			return
		}
		if n < 1 || req == "" || len(req) > 64 || strings.ContainsAny(req, ":/ \n") {
			t.Fatalf("%q read as request %q, event %d", id, req, n)
		}
		if !strings.HasPrefix(id, req+":") {
			t.Fatalf("%q read as request %q", id, req)
		}
	})
}
