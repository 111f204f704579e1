package oauth

import (
	"encoding/json"
	"net"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/oncehub-mcp/oncehub-mcp/internal/secret"
)

// Fuzz targets for what clients and other servers send the authorization
// server: sealed values (client IDs, codes, tokens), client metadata (by
// registration or as a Client ID Metadata Document) and client ID URLs.
// Run one with `go test -run '^$' -fuzz '^FuzzSealedValue$' ./internal/oauth`;
// scripts/fuzz.sh runs them all briefly.

// FuzzSealedValue: nothing a client makes up opens; a sealed value opens as
// its own kind only, to what was sealed; one changed character and it does
// not open.
func FuzzSealedValue(f *testing.F) {
	s, err := newSealer(secret.Random())
	if err != nil {
		f.Fatal(err)
	}
	type claims struct {
		Sub string `json:"sub"`
	}
	seed, err := s.seal(kindAccess, claims{Sub: "x"})
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range []string{"", ".", "....", "e30.e30.e30.e30.e30", seed[:len(seed)/2], seed + ".", strings.Repeat("A", maxSealedLen+1)} {
		f.Add(v, "subject", 0)
	}
	f.Fuzz(func(t *testing.T, value, sub string, flip int) {
		for _, k := range kinds {
			var c claims
			if s.open(k, value, &c) == nil {
				t.Fatalf("made-up value %q opened as %s: %+v", value, k, c)
			}
		}
		sealed, err := s.seal(kindCode, claims{Sub: sub})
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range kinds {
			var c claims
			err := s.open(k, sealed, &c)
			if k != kindCode {
				if err == nil {
					t.Fatalf("a %s opened as %s", kindCode, k)
				}
				continue
			}
			if err != nil {
				t.Fatalf("a sealed %s does not open: %v", k, err)
			}
			if utf8.ValidString(sub) && c.Sub != sub {
				t.Fatalf("sealed %q, opened %q", sub, c.Sub)
			}
		}
		i := (flip%len(sealed) + len(sealed)) % len(sealed)
		altered := []byte(sealed)
		altered[i] ^= 0x20
		var c claims
		if string(altered) != sealed && s.open(kindCode, string(altered), &c) == nil && i != len(sealed)-1 {
			// (The last character of a base64 part may carry unused bits.)
			t.Fatalf("changed character %d and it still opened: %+v", i, c)
		}
	})
}

// FuzzClientMetadata: whatever JSON a client registers or serves as its
// metadata document, what is accepted has only redirect URIs that may
// receive a code, a plain https client_uri or none, and (for a document)
// no client secret.
func FuzzClientMetadata(f *testing.F) {
	const id = "https://client.example/oauth/client.json"
	for _, body := range []string{
		`{"client_id":"` + id + `","client_name":"Editor","redirect_uris":["http://127.0.0.1:33418/callback"]}`,
		`{"client_id":"` + id + `","redirect_uris":["cursor://anysphere.cursor-mcp/oauth/callback"],"token_endpoint_auth_method":"none"}`,
		`{"client_id":"` + id + `","redirect_uris":["https://app.example/cb"],"token_endpoint_auth_method":"client_secret_basic"}`,
		`{"redirect_uris":["javascript:alert(1)"]}`, `{"redirect_uris":["http://evil.example/cb"]}`, `{"redirect_uris":["https://a.example/cb#frag"]}`,
		`{"redirect_uris":[" https://a.example/cb"]}`, `{"redirect_uris":["HTTP://localhost/cb"],"client_uri":"javascript:x"}`,
		`{"redirect_uris":[]}`, `{"redirect_uris":"https://a.example/cb"}`, `[]`, `null`, `{"grant_types":["implicit"],"redirect_uris":["https://a.example/cb"]}`,
	} {
		f.Add([]byte(body), true)
		f.Add([]byte(body), false)
	}
	f.Fuzz(func(t *testing.T, body []byte, document bool) {
		var names []string
		var uris []string
		var clientURI, method string
		if document {
			c, err := parseDocument(id, body)
			if err != nil {
				return
			}
			names, uris, clientURI, method = []string{c.name}, c.redirectURIs, c.uri, string(c.authMethod)
			if method != "none" {
				t.Fatalf("a metadata document was given auth method %q", method)
			}
		} else {
			var m clientMetadata
			if json.Unmarshal(body, &m) != nil || m.check(false) != nil {
				return
			}
			names, uris, clientURI, method = []string{m.ClientName}, m.RedirectURIs, m.ClientURI, m.TokenEndpointAuthMethod
		}
		if len(uris) == 0 || len(uris) > maxRedirectURIs {
			t.Fatalf("accepted %d redirect URIs", len(uris))
		}
		for _, raw := range uris {
			u, err := url.Parse(raw)
			if err != nil || u.Fragment != "" || strings.Contains(raw, "#") || raw != strings.TrimSpace(raw) {
				t.Fatalf("accepted redirect URI %q", raw)
			}
			switch strings.ToLower(u.Scheme) {
			case "", "javascript", "data", "file", "vbscript":
				t.Fatalf("accepted redirect URI %q", raw)
			case "http":
				if h := u.Hostname(); h != "localhost" && !strings.EqualFold(h, "localhost") && (net.ParseIP(h) == nil || !net.ParseIP(h).IsLoopback()) {
					t.Fatalf("accepted plain http redirect URI %q off loopback", raw)
				}
			}
		}
		if clientURI != "" && !strings.HasPrefix(clientURI, "https://") {
			t.Fatalf("kept client_uri %q", clientURI)
		}
		for _, n := range names {
			if utf8.RuneCountInString(n) > maxClientNameLen+1 {
				t.Fatalf("kept a client name of %d characters", utf8.RuneCountInString(n))
			}
		}
		switch method {
		case "none", "client_secret_basic", "client_secret_post":
		default:
			t.Fatalf("accepted auth method %q", method)
		}
	})
}

// FuzzDocumentURL: a client ID that is a URL is fetched only when it is
// https, has a host and a path, and no fragment, credentials or dot segments.
func FuzzDocumentURL(f *testing.F) {
	reg := &clientRegistry{}
	for _, id := range []string{
		"https://client.example/oauth/client.json", "https://client.example/", "https://client.example", "http://client.example/c.json",
		"https://u:p@client.example/c.json", "https://client.example/a/../c.json", "https://client.example/c.json#x", "https:///c.json", "%",
	} {
		f.Add(id)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if reg.checkDocumentURL(id) != nil {
			return
		}
		u, err := url.Parse(id)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.Path == "" || u.Path == "/" || u.Fragment != "" || u.User != nil {
			t.Fatalf("accepted client ID URL %q", id)
		}
		for _, seg := range strings.Split(u.Path, "/") {
			if seg == "." || seg == ".." {
				t.Fatalf("accepted client ID URL %q with a dot segment", id)
			}
		}
	})
}
