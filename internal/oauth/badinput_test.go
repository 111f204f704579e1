package oauth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/oauth"
)

// Every bad request below is refused, nothing is sent to OnceHub because of
// it, and no key, token or code shows in the logs or in the answer.
func TestBadInputIsRefusedAndSendsNothingUpstream(t *testing.T) {
	t.Parallel()

	s := newServer(t)
	reg := register(t, s.URL, map[string]any{"client_name": "Test client", "redirect_uris": []string{testRedirect}})
	other := register(t, s.URL, map[string]any{"client_name": "Other client", "redirect_uris": []string{testRedirect}})
	ctx := context.Background()
	var secrets []string // every key, code and token handed out, for the log check

	// code runs a good authorization and returns its flow and code; the
	// key check it makes upstream is forgotten.
	code := func(t *testing.T) (*flow, string) {
		f := newFlow(s.URL, reg.ClientID, "", testRedirect)
		c := authorize(t, s.URL, f, fakeoncehub.TestKey)
		secrets = append(secrets, c)
		return f, c
	}
	tokens := func(t *testing.T) (*flow, *oauth2.Token) {
		f, c := code(t)
		tok, err := f.exchange(ctx, c)
		require.NoError(t, err)
		secrets = append(secrets, tok.AccessToken, tok.RefreshToken)
		return f, tok
	}
	refresh := func(f *flow, rt string) (*oauth2.Token, error) {
		return f.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: rt}).Token()
	}
	// refusedAtMCP asserts that token is refused by the MCP endpoint with
	// an invalid_token challenge.
	refusedAtMCP := func(t *testing.T, token string) {
		status, challenge := mcpStatus(t, s.URL, token)
		assert.Equal(t, http.StatusUnauthorized, status)
		assert.Contains(t, challenge, `error="invalid_token"`)
		assert.Contains(t, challenge, `resource_metadata="`)
	}
	// redirectedWithError asserts that the authorization request went back
	// to the client with an OAuth error and the state, and no code.
	redirectedWithError := func(t *testing.T, f *flow, authURL, want string) {
		p := newBrowser(s.URL).open(t, authURL)
		require.NotNil(t, p.Location, "%d %s", p.Status, p.HTML)
		q := p.Location.Query()
		assert.Equal(t, want, q.Get("error"), "%s", p.Location)
		assert.Equal(t, f.state, q.Get("state"))
		assert.Empty(t, q.Get("code"))
	}
	// shownError asserts that the authorization request was refused on
	// this server (no redirect: the redirect URI or client is not trusted).
	shownError := func(t *testing.T, authURL, want string) {
		p := newBrowser(s.URL).open(t, authURL)
		assert.Nil(t, p.Location, "must not redirect to an untrusted redirect URI")
		assert.GreaterOrEqual(t, p.Status, 400)
		assert.Contains(t, p.HTML, want)
		assert.Empty(t, p.Request, "no key-entry form")
	}

	cases := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"authorize without PKCE", func(t *testing.T) {
			f := newFlow(s.URL, reg.ClientID, "", testRedirect)
			redirectedWithError(t, f, f.conf.AuthCodeURL(f.state, oauth2.SetAuthURLParam("resource", f.resource)), "invalid_request")
		}},
		{"authorize with plain PKCE", func(t *testing.T) {
			f := newFlow(s.URL, reg.ClientID, "", testRedirect)
			redirectedWithError(t, f, f.conf.AuthCodeURL(f.state, oauth2.SetAuthURLParam("code_challenge", f.verifier),
				oauth2.SetAuthURLParam("code_challenge_method", "plain")), "invalid_request")
		}},
		{"token without code_verifier", func(t *testing.T) {
			f, c := code(t)
			_, err := f.conf.Exchange(ctx, c, oauth2.SetAuthURLParam("resource", f.resource))
			assertOAuthError(t, err, "invalid_request")
		}},
		{"token with the wrong code_verifier", func(t *testing.T) {
			f, c := code(t)
			_, err := f.conf.Exchange(ctx, c, oauth2.VerifierOption(oauth2.GenerateVerifier()))
			assertOAuthError(t, err, "invalid_grant")
			_, err = f.exchange(ctx, c)
			assert.NoError(t, err, "a failed verifier does not use up the code")
		}},
		{"code used twice", func(t *testing.T) {
			f, c := code(t)
			tok, err := f.exchange(ctx, c)
			require.NoError(t, err)
			secrets = append(secrets, tok.AccessToken, tok.RefreshToken)
			_, err = f.exchange(ctx, c)
			assertOAuthError(t, err, "invalid_grant")
			refusedAtMCP(t, tok.AccessToken) // what the first use got is revoked
		}},
		{"authorize with an unregistered redirect URI", func(t *testing.T) {
			f := newFlow(s.URL, reg.ClientID, "", "https://evil.example/callback")
			shownError(t, f.authURL(), "redirect_uri")
		}},
		{"authorize with a loopback redirect on another path", func(t *testing.T) {
			f := newFlow(s.URL, reg.ClientID, "", "http://127.0.0.1:9/elsewhere")
			shownError(t, f.authURL(), "redirect_uri")
		}},
		{"token with another redirect URI", func(t *testing.T) {
			f, c := code(t)
			f.conf.RedirectURL = "http://127.0.0.1:9/elsewhere"
			_, err := f.exchange(ctx, c)
			assertOAuthError(t, err, "invalid_grant")
		}},
		{"authorize for a foreign resource", func(t *testing.T) {
			f := newFlow(s.URL, reg.ClientID, "", testRedirect)
			f.resource = "https://other.example/mcp"
			redirectedWithError(t, f, f.authURL(), "invalid_target")
		}},
		{"token for a foreign resource", func(t *testing.T) {
			f, c := code(t)
			f.resource = "https://other.example/mcp"
			_, err := f.exchange(ctx, c)
			assertOAuthError(t, err, "invalid_target")
		}},
		{"code redeemed by another client", func(t *testing.T) {
			f, c := code(t)
			f.conf.ClientID = other.ClientID
			_, err := f.exchange(ctx, c)
			assertOAuthError(t, err, "invalid_grant")
		}},
		{"expired code", func(t *testing.T) {
			f, c := code(t)
			s.clock.Advance(3 * time.Minute)
			_, err := f.exchange(ctx, c)
			assertOAuthError(t, err, "invalid_grant")
		}},
		{"expired access token", func(t *testing.T) {
			_, tok := tokens(t)
			s.clock.Advance(oauth.AccessTokenLifetime + time.Second)
			refusedAtMCP(t, tok.AccessToken)
		}},
		{"forged access token", func(t *testing.T) {
			refusedAtMCP(t, forge(t, make([]byte, 32), "oncehub-mcp+access", s.URL, fakeoncehub.TestKey))
			refusedAtMCP(t, "not-a-token")
		}},
		{"altered access token", func(t *testing.T) {
			_, tok := tokens(t)
			for _, i := range []int{10, len(tok.AccessToken) / 2, len(tok.AccessToken) - 3} {
				refusedAtMCP(t, flip(tok.AccessToken, i))
			}
		}},
		{"refresh token presented as access token", func(t *testing.T) {
			_, tok := tokens(t)
			refusedAtMCP(t, tok.RefreshToken)
		}},
		{"access token presented as refresh token", func(t *testing.T) {
			f, tok := tokens(t)
			_, err := refresh(f, tok.AccessToken)
			assertOAuthError(t, err, "invalid_grant")
		}},
		{"refresh token used twice", func(t *testing.T) {
			f, tok := tokens(t)
			fresh, err := refresh(f, tok.RefreshToken)
			require.NoError(t, err)
			secrets = append(secrets, fresh.AccessToken, fresh.RefreshToken)
			_, err = refresh(f, tok.RefreshToken)
			assertOAuthError(t, err, "invalid_grant")
			refusedAtMCP(t, fresh.AccessToken) // reuse revokes the grant
			_, err = refresh(f, fresh.RefreshToken)
			assertOAuthError(t, err, "invalid_grant")
		}},
		{"refresh by another client", func(t *testing.T) {
			f, tok := tokens(t)
			f.conf.ClientID = other.ClientID
			_, err := refresh(f, tok.RefreshToken)
			assertOAuthError(t, err, "invalid_grant")
		}},
		{"revocation by another client", func(t *testing.T) {
			_, tok := tokens(t)
			revoke(t, s.URL, other.ClientID, "", tok.RefreshToken, http.StatusUnauthorized)
		}},
		{"unknown client_id", func(t *testing.T) {
			f := newFlow(s.URL, "no-such-client", "", testRedirect)
			shownError(t, f.authURL(), "unknown client_id")
		}},
		{"form posted without the page's cookie", func(t *testing.T) {
			f := newFlow(s.URL, reg.ClientID, "", testRedirect)
			p := newBrowser(s.URL).open(t, f.authURL())
			back := newBrowser(s.URL).submit(t, p, fakeoncehub.TestKey, "connect")
			assert.Equal(t, http.StatusForbidden, back.Status)
			assert.Nil(t, back.Location)
		}},
		{"form posted after the link expired", func(t *testing.T) {
			f := newFlow(s.URL, reg.ClientID, "", testRedirect)
			b := newBrowser(s.URL)
			p := b.open(t, f.authURL())
			s.clock.Advance(16 * time.Minute)
			back := b.submit(t, p, fakeoncehub.TestKey, "connect")
			assert.Equal(t, http.StatusBadRequest, back.Status)
			assert.Contains(t, back.HTML, "expired")
			assert.Nil(t, back.Location)
		}},
		{"empty and malformed keys", func(t *testing.T) {
			f := newFlow(s.URL, reg.ClientID, "", testRedirect)
			b := newBrowser(s.URL)
			p := b.open(t, f.authURL())
			for _, key := range []string{"", "   ", "two words", strings.Repeat("k", 600), "key\u00e9"} {
				back := b.submit(t, p, key, "connect")
				assert.Equal(t, http.StatusBadRequest, back.Status, "%q", key)
				assert.Nil(t, back.Location)
				assert.Contains(t, back.HTML, `role="alert"`)
			}
		}},
	}
	for _, tc := range cases {
		// Sequential: the cases share one server, its clock and its request log.
		t.Run(tc.name, func(t *testing.T) {
			s.env.Fake.ResetRequests()
			tc.run(t)
			for _, r := range s.upstream() {
				// The only upstream calls allowed are the key checks of
				// the good authorizations the case set up (code, tokens).
				if r.Path != "/test" || r.APIKey != fakeoncehub.TestKey {
					t.Errorf("sent to OnceHub: %s %s", r.Method, r.Path)
				}
			}
		})
	}
	assertNoSecretsLogged(t, s.logs.String(), append(secrets, fakeoncehub.TestKey)...)
}

// The wrong key on the page: OnceHub is asked (that is the check) and says
// no; the page says so and no code is issued.
func TestWrongKeyShowsAnErrorAndIssuesNoCode(t *testing.T) {
	t.Parallel()

	s := newServer(t)
	reg := register(t, s.URL, map[string]any{"client_name": "Test client", "redirect_uris": []string{testRedirect}})
	f := newFlow(s.URL, reg.ClientID, "", testRedirect)
	b := newBrowser(s.URL)
	p := b.open(t, f.authURL())
	const wrong = "wrong-key-0000000000"
	back := b.submit(t, p, wrong, "connect")
	assert.Equal(t, http.StatusUnauthorized, back.Status)
	assert.Nil(t, back.Location)
	assert.Contains(t, back.HTML, "OnceHub did not accept this API key")
	assert.NotContains(t, back.HTML, wrong, "the page does not echo the key")
	require.Len(t, s.upstream(), 1)
	assert.Equal(t, wrong, s.upstream()[0].APIKey)
	// The same page then works with the right key.
	back = b.submit(t, back, fakeoncehub.TestKey, "connect")
	require.NotNil(t, back.Location)
	assert.NotEmpty(t, back.Location.Query().Get("code"))
	assertNoSecretsLogged(t, s.logs.String(), wrong, fakeoncehub.TestKey, back.Location.Query().Get("code"))
}

// Tokens, codes and client IDs of a server with another secret are not
// this server's: all refused, nothing sent upstream.
func TestASecondInstanceWithAnotherSecretIsRefused(t *testing.T) {
	t.Parallel()

	a := newServer(t, withSecret(testSecret))
	b := newServer(t, withSecret(strings.Repeat("another-secret-", 4)))
	_, tokB := connect(t, b)
	a.env.Fake.ResetRequests()
	status, challenge := mcpStatus(t, a.URL, tokB.AccessToken)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Contains(t, challenge, "invalid_token")

	regB := register(t, b.URL, map[string]any{"redirect_uris": []string{testRedirect}})
	fB := newFlow(b.URL, regB.ClientID, "", testRedirect)
	codeB := authorize(t, b.URL, fB, fakeoncehub.TestKey)
	regA := register(t, a.URL, map[string]any{"redirect_uris": []string{testRedirect}})
	fA := newFlow(a.URL, regA.ClientID, "", testRedirect)
	fA.verifier = fB.verifier
	_, err := fA.exchange(context.Background(), codeB)
	assertOAuthError(t, err, "invalid_grant")
	_, err = fA.conf.TokenSource(context.Background(), &oauth2.Token{RefreshToken: tokB.RefreshToken}).Token()
	assertOAuthError(t, err, "invalid_grant")
	// B's client ID means nothing to A.
	fA.conf.ClientID = regB.ClientID
	p := newBrowser(a.URL).open(t, fA.authURL())
	assert.Nil(t, p.Location)
	assert.Empty(t, p.Request)
	assert.Empty(t, a.upstream())
}

// A token issued for another issuer and audience (same secret, other public
// URL) is refused: tokens are bound to the MCP endpoint they were issued for.
func TestATokenForAnotherAudienceIsRefused(t *testing.T) {
	t.Parallel()

	a := newServer(t, withSecret(testSecret))
	c := newServer(t, withSecret(testSecret), withPublicURL("https://other.example"))
	reg := register(t, c.URL, map[string]any{"redirect_uris": []string{testRedirect}})
	f := newFlow(c.URL, reg.ClientID, "", testRedirect)
	f.resource = "https://other.example/mcp"
	tok, err := f.exchange(context.Background(), authorize(t, c.URL, f, fakeoncehub.TestKey))
	require.NoError(t, err)
	a.env.Fake.ResetRequests()
	status, _ := mcpStatus(t, a.URL, tok.AccessToken)
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Empty(t, a.upstream())
}

// Dynamic registration refuses metadata it cannot honour.
func TestRegistrationRefusesBadMetadata(t *testing.T) {
	t.Parallel()

	s := newServer(t)
	for name, body := range map[string]string{
		"no redirect URIs":              `{"client_name":"x"}`,
		"javascript redirect":           `{"redirect_uris":["javascript:alert(1)"]}`,
		"plain http off loopback":       `{"redirect_uris":["http://app.example.com/cb"]}`,
		"relative redirect":             `{"redirect_uris":["/cb"]}`,
		"fragment":                      `{"redirect_uris":["https://app.example.com/cb#x"]}`,
		"unknown auth method":           `{"redirect_uris":["https://app.example.com/cb"],"token_endpoint_auth_method":"private_key_jwt"}`,
		"implicit grant":                `{"redirect_uris":["https://app.example.com/cb"],"grant_types":["implicit"]}`,
		"not JSON":                      `redirect_uris=https://app.example.com/cb`,
		"too many redirect URIs":        `{"redirect_uris":[` + strings.TrimSuffix(strings.Repeat(`"https://a.example/cb",`, 17), ",") + `]}`,
		"larger than the body cap":      `{"client_name":"` + strings.Repeat("x", 40<<10) + `","redirect_uris":["https://a.example/cb"]}`,
		"response type other than code": `{"redirect_uris":["https://a.example/cb"],"response_types":["token"]}`,
	} {
		resp, err := http.Post(s.URL+oauth.PathRegister, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		var e struct {
			Error string `json:"error"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, name)
		assert.Contains(t, []string{"invalid_client_metadata", "invalid_redirect_uri"}, e.Error, name)
	}
	assert.Empty(t, s.upstream())
}

// Client ID Metadata Documents: a good one names the client on the page
// and is fetched once (cached); oversized, slow, redirected, mislabelled or
// foreign ones are refused before any page is shown.
func TestClientIDMetadataDocuments(t *testing.T) {
	t.Parallel()

	var goodFetches atomic.Int32
	release := make(chan struct{})
	var docs *httptest.Server
	docs = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		self := docs.URL + r.URL.Path
		doc := map[string]any{"client_id": self, "client_name": "Doc Client", "redirect_uris": []string{testRedirect}}
		switch r.URL.Path {
		case "/good.json":
			goodFetches.Add(1)
		case "/big.json":
			doc["client_name"] = strings.Repeat("x", 40<<10)
		case "/slow.json":
			select {
			case <-release:
			case <-r.Context().Done():
			}
		case "/foreign.json":
			doc["client_id"] = "https://someone-else.example/client.json"
		case "/redirect.json":
			http.Redirect(w, r, "/good.json", http.StatusFound)
			return
		case "/html.json":
			w.Header().Set("Content-Type", "text/html")
			_, _ = io.WriteString(w, "<html></html>")
			return
		case "/secret.json":
			doc["token_endpoint_auth_method"] = "client_secret_basic"
		case "/missing.json":
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(doc)
	}))
	t.Cleanup(func() { close(release); docs.Close() })

	s := newServer(t, withClientIDFetcher(docs.Client(), 300*time.Millisecond))
	good := docs.URL + "/good.json"
	for range 2 {
		f := newFlow(s.URL, good, "", testRedirect)
		b := newBrowser(s.URL)
		p := b.open(t, f.authURL())
		require.Equal(t, http.StatusOK, p.Status, p.HTML)
		assert.Contains(t, p.HTML, "Doc Client")
		assert.Contains(t, p.HTML, good, "the page shows the client ID URL")
		back := b.submit(t, p, fakeoncehub.TestKey, "connect")
		require.NotNil(t, back.Location)
		tok, err := f.exchange(context.Background(), back.Location.Query().Get("code"))
		require.NoError(t, err)
		res := listBookings(t, s.URL, tok.AccessToken)
		require.False(t, res.IsError)
	}
	assert.Equal(t, int32(1), goodFetches.Load(), "the document is cached")

	for path, want := range map[string]string{
		"/big.json":      "larger than",
		"/slow.json":     "did not arrive within",
		"/foreign.json":  "names another client_id",
		"/redirect.json": "redirects are not followed",
		"/html.json":     "not JSON",
		"/secret.json":   "cannot use a client secret",
		"/missing.json":  "HTTP 404",
	} {
		s.env.Fake.ResetRequests()
		f := newFlow(s.URL, docs.URL+path, "", testRedirect)
		p := newBrowser(s.URL).open(t, f.authURL())
		assert.Nil(t, p.Location, path)
		assert.Equal(t, http.StatusBadRequest, p.Status, path)
		assert.Contains(t, p.HTML, want, path)
		assert.Empty(t, s.upstream(), path)
	}
	// Without the test-only fetcher, http and loopback document URLs are refused.
	prod := newServer(t)
	f := newFlow(prod.URL, good, "", testRedirect)
	p := newBrowser(prod.URL).open(t, f.authURL())
	assert.Nil(t, p.Location)
	assert.Contains(t, p.HTML, "must use https")
}

// forge seals claims like the server does, under key, with the given typ.
func forge(t *testing.T, key []byte, typ, iss, apiKey string) string {
	t.Helper()
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.DIRECT, Key: key},
		(&jose.EncrypterOptions{}).WithType(jose.ContentType(typ)))
	require.NoError(t, err)
	tok, err := jwt.Encrypted(enc).Claims(map[string]any{
		"iss": iss, "aud": iss + "/mcp", "exp": time.Now().Add(time.Hour).Unix(),
		"gid": "g", "k": apiKey, "client_id": "c",
	}).Serialize()
	require.NoError(t, err)
	return tok
}

// flip changes the character at i of a base64url string.
func flip(s string, i int) string {
	c := s[i]
	r := byte('A')
	if c == 'A' {
		r = 'B'
	}
	if c == '.' {
		return flip(s, i+1)
	}
	return s[:i] + string(r) + s[i+1:]
}

// Client ID Metadata Documents are fetched a few at a time for the whole
// server: beyond that, /authorize answers at once that the server is busy,
// without fetching or waiting, while documents already cached still work;
// once fetches end, new documents are fetched again.
func TestClientIDMetadataFetchesAreBounded(t *testing.T) {
	t.Parallel()

	const limit = 2
	arrived := make(chan string, limit)
	release := make(chan struct{})
	var extraFetches atomic.Int32
	var docs *httptest.Server
	docs = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasPrefix(r.URL.Path, "/slow-"):
			arrived <- r.URL.Path
			select {
			case <-release:
			case <-r.Context().Done():
			}
		case r.URL.Path == "/extra.json":
			extraFetches.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"client_id": docs.URL + r.URL.Path, "redirect_uris": []string{testRedirect}})
	}))
	var releaseOnce sync.Once
	t.Cleanup(func() { releaseOnce.Do(func() { close(release) }); docs.Close() })
	s := newServer(t, withClientIDFetcher(docs.Client(), time.Hour), withMaxClientIDFetches(limit))
	authorize := func(path string) string { return newFlow(s.URL, docs.URL+path, "", testRedirect).authURL() }

	p := newBrowser(s.URL).open(t, authorize("/cached.json"))
	require.Equal(t, http.StatusOK, p.Status, p.HTML)

	// limit slow documents take every fetch slot.
	done := make(chan int, limit)
	for i := range limit {
		go func() {
			resp, err := http.Get(authorize(fmt.Sprintf("/slow-%d.json", i)))
			if err != nil {
				done <- 0
				return
			}
			resp.Body.Close()
			done <- resp.StatusCode
		}()
	}
	for range limit {
		<-arrived
	}

	p = newBrowser(s.URL).open(t, authorize("/extra.json"))
	assert.Nil(t, p.Location)
	assert.Equal(t, http.StatusServiceUnavailable, p.Status, p.HTML)
	assert.Contains(t, p.HTML, "temporarily_unavailable")
	assert.Contains(t, p.HTML, "too many client metadata documents")
	assert.Zero(t, extraFetches.Load(), "a request beyond the bound fetches nothing")
	p = newBrowser(s.URL).open(t, authorize("/cached.json"))
	assert.Equal(t, http.StatusOK, p.Status, "a cached document needs no fetch: %s", p.HTML)

	releaseOnce.Do(func() { close(release) })
	for range limit {
		assert.Equal(t, http.StatusOK, <-done)
	}
	p = newBrowser(s.URL).open(t, authorize("/extra.json"))
	assert.Equal(t, http.StatusOK, p.Status, "the busy answer is not cached: %s", p.HTML)
	assert.Equal(t, int32(1), extraFetches.Load())
	assert.Empty(t, s.upstream())
}

// A registration is refused up front when the client_id it would get is too
// long to open later; every client_id that registration does issue works at
// /authorize.
func TestRegistrationTooLargeForItsClientID(t *testing.T) {
	t.Parallel()

	s := newServer(t)
	refused := 0
	for n := 1; n <= 15; n++ { // (16 such URIs are over the 32 KiB a registration may have)
		uris := make([]string, n)
		for i := range uris {
			uris[i] = fmt.Sprintf("http://127.0.0.1:9/%02d/%s", i, strings.Repeat("a", 2000))
		}
		body, _ := json.Marshal(map[string]any{"client_name": "Big client", "redirect_uris": uris, "client_uri": "https://example.com/" + strings.Repeat("b", 1000)})
		resp, err := http.Post(s.URL+oauth.PathRegister, "application/json", strings.NewReader(string(body)))
		require.NoError(t, err)
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			var e struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
			}
			require.NoError(t, json.Unmarshal(data, &e))
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%d URIs: %s", n, data)
			assert.Equal(t, "invalid_client_metadata", e.Error, "%d URIs", n)
			assert.Contains(t, e.Description, "too large", "%d URIs", n)
			refused++
			continue
		}
		var reg registration
		require.NoError(t, json.Unmarshal(data, &reg))
		f := newFlow(s.URL, reg.ClientID, "", uris[n-1])
		b := newBrowser(s.URL)
		p := b.open(t, f.authURL())
		assert.Equal(t, http.StatusOK, p.Status, "%d URIs: the issued client_id must work: %s", n, p.HTML)
		back := b.submit(t, p, fakeoncehub.TestKey, "connect")
		require.NotNil(t, back.Location, "%d URIs: %s", n, back.HTML)
		_, err = f.exchange(context.Background(), back.Location.Query().Get("code"))
		assert.NoError(t, err, "%d URIs", n)

		// A state too long to carry through the page is refused at once,
		// not turned into a sign-in link that cannot open.
		f.state = strings.Repeat("s", 8000)
		p = newBrowser(s.URL).open(t, f.authURL())
		require.NotNil(t, p.Location, "%d URIs: %s", n, p.HTML)
		assert.Equal(t, "invalid_request", p.Location.Query().Get("error"))
	}
	assert.NotZero(t, refused, "some of these registrations are too large")
}
