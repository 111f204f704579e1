package oauth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/oauth"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/transport"
)

func getJSON(t *testing.T, u string, out any) {
	t.Helper()
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, u)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
}

// An MCP request without a token gets 401 and a challenge that leads to the
// protected resource metadata, which names this server as the
// authorization server, whose metadata names every endpoint.
func TestDiscoveryFromAnUnauthenticatedRequest(t *testing.T) {
	t.Parallel()

	s := newServer(t)
	status, challenge := mcpStatus(t, s.URL, "")
	require.Equal(t, http.StatusUnauthorized, status)
	prmURL := s.URL + "/.well-known/oauth-protected-resource/mcp"
	assert.Contains(t, challenge, `resource_metadata="`+prmURL+`"`)
	assert.NotContains(t, challenge, "invalid_token", "no token was sent")

	var prm struct {
		Resource             string   `json:"resource"`
		AuthorizationServers []string `json:"authorization_servers"`
		Scopes               []string `json:"scopes_supported"`
	}
	getJSON(t, prmURL, &prm)
	assert.Equal(t, s.URL+"/mcp", prm.Resource)
	assert.Equal(t, []string{s.URL}, prm.AuthorizationServers)
	assert.Equal(t, []string{oauth.Scope}, prm.Scopes)

	var as map[string]any
	getJSON(t, s.URL+"/.well-known/oauth-authorization-server", &as)
	assert.Equal(t, s.URL, as["issuer"])
	assert.Equal(t, s.URL+oauth.PathAuthorize, as["authorization_endpoint"])
	assert.Equal(t, s.URL+oauth.PathToken, as["token_endpoint"])
	assert.Equal(t, s.URL+oauth.PathRegister, as["registration_endpoint"])
	assert.Equal(t, s.URL+oauth.PathRevoke, as["revocation_endpoint"])
	assert.Equal(t, true, as["client_id_metadata_document_supported"])
	assert.Equal(t, []any{"S256"}, as["code_challenge_methods_supported"])
	assert.Empty(t, s.upstream(), "discovery sends nothing to OnceHub")
}

// Behind a proxy, the configured public URL is what metadata, challenges
// and tokens name, whatever Host the request came with.
func TestPublicURLNamesEverythingBehindAProxy(t *testing.T) {
	t.Parallel()

	const public = "https://mcp.example.com"
	s := newServer(t, withPublicURL(public))
	_, challenge := mcpStatus(t, s.URL, "")
	assert.Contains(t, challenge, `resource_metadata="`+public+`/.well-known/oauth-protected-resource/mcp"`)
	var prm struct {
		Resource string `json:"resource"`
	}
	getJSON(t, s.URL+"/.well-known/oauth-protected-resource", &prm)
	assert.Equal(t, public+"/mcp", prm.Resource)
	var as map[string]any
	getJSON(t, s.URL+"/.well-known/oauth-authorization-server", &as)
	assert.Equal(t, public, as["issuer"])
	assert.Equal(t, public+oauth.PathToken, as["token_endpoint"])
}

// Without a public URL, a Host that is not loopback is refused: the server
// cannot tell which issuer it would be (and a DNS-rebinding page gets
// nothing).
func TestUnconfiguredServerRefusesForeignHost(t *testing.T) {
	t.Parallel()

	s := newServer(t)
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/.well-known/oauth-authorization-server", nil)
	req.Host = "evil.example"
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMisdirectedRequest, resp.StatusCode)
}

// The whole flow with a dynamically registered public client: the page
// checks the key with OnceHub once, the code buys tokens, the access token
// serves list_bookings with the key it stands for (and only the key reaches
// OnceHub), refresh rotates, revocation ends the grant.
func TestFlowRegisterAuthorizeTokenCallRefreshRevoke(t *testing.T) {
	t.Parallel()

	s := newServer(t)
	f, tok := connect(t, s)
	require.Equal(t, "Bearer", tok.TokenType)
	require.NotEmpty(t, tok.RefreshToken)
	require.Len(t, s.upstream(), 1, "the page asked OnceHub about the key, once")
	assert.Equal(t, "/test", s.upstream()[0].Path)
	assert.Equal(t, fakeoncehub.TestKey, s.upstream()[0].APIKey)

	s.env.Fake.ResetRequests()
	res := listBookings(t, s.URL, tok.AccessToken)
	require.False(t, res.IsError, testenv.Text(res))
	require.NotEmpty(t, testenv.Items(t, res))
	for _, r := range s.upstream() {
		assert.Equal(t, fakeoncehub.TestKey, r.APIKey, "OnceHub gets the key the token stands for")
		assert.NotContains(t, string(r.Body)+r.Query.Encode(), tok.AccessToken)
	}

	// Refresh: a new pair; the old refresh token is spent.
	ctx := context.Background()
	fresh, err := f.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	require.NoError(t, err)
	require.NotEqual(t, tok.RefreshToken, fresh.RefreshToken, "refresh tokens rotate")
	caller := func(token string) string {
		r := httptest.NewRequest(http.MethodPost, s.URL+"/mcp", nil)
		r.Header.Set("Authorization", "Bearer "+token)
		return s.env.App.OAuth.Caller(r)
	}
	assert.NotEmpty(t, caller(tok.AccessToken))
	assert.Equal(t, caller(tok.AccessToken), caller(fresh.AccessToken), "the caller stays the same across a refresh")
	assert.NotContains(t, caller(tok.AccessToken), fakeoncehub.TestKey)
	res = listBookings(t, s.URL, fresh.AccessToken)
	require.False(t, res.IsError, testenv.Text(res))

	// Revoke the current refresh token: every token of the grant stops.
	revoke(t, s.URL, f.conf.ClientID, "", fresh.RefreshToken, http.StatusOK)
	s.env.Fake.ResetRequests()
	for _, at := range []string{tok.AccessToken, fresh.AccessToken} {
		status, challenge := mcpStatus(t, s.URL, at)
		assert.Equal(t, http.StatusUnauthorized, status)
		assert.Contains(t, challenge, `error="invalid_token"`)
	}
	_, err = f.conf.TokenSource(ctx, &oauth2.Token{RefreshToken: fresh.RefreshToken}).Token()
	assertOAuthError(t, err, "invalid_grant")
	assert.Empty(t, s.upstream(), "revoked tokens reach nothing upstream")
	assertNoSecretsLogged(t, s.logs.String(), fakeoncehub.TestKey, tok.AccessToken, tok.RefreshToken, fresh.AccessToken, fresh.RefreshToken)
}

// Revoking an access token ends its grant too (RFC 7009 §2.1 allows it;
// the refresh token would otherwise mint a new one).
func TestRevokingTheAccessTokenEndsTheGrant(t *testing.T) {
	t.Parallel()

	s := newServer(t)
	f, tok := connect(t, s)
	revoke(t, s.URL, f.conf.ClientID, "access_token", tok.AccessToken, http.StatusOK)
	status, _ := mcpStatus(t, s.URL, tok.AccessToken)
	assert.Equal(t, http.StatusUnauthorized, status)
	_, err := f.conf.TokenSource(context.Background(), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	assertOAuthError(t, err, "invalid_grant")
}

// A client registered with a secret authenticates with it at the token
// endpoint; a wrong secret is refused.
func TestConfidentialClientNeedsItsSecret(t *testing.T) {
	t.Parallel()

	s := newServer(t)
	reg := register(t, s.URL, map[string]any{"client_name": "Server app", "redirect_uris": []string{"https://app.example.com/cb"}, "token_endpoint_auth_method": "client_secret_basic"})
	require.NotEmpty(t, reg.ClientSecret)
	f := newFlow(s.URL, reg.ClientID, "wrong-secret", "https://app.example.com/cb")
	f.conf.Endpoint.AuthStyle = oauth2.AuthStyleInHeader
	code := authorize(t, s.URL, f, fakeoncehub.TestKey)
	_, err := f.exchange(context.Background(), code)
	assertOAuthError(t, err, "invalid_client")
	f.conf.ClientSecret = reg.ClientSecret
	tok, err := f.exchange(context.Background(), code)
	require.NoError(t, err, "the right secret redeems the (unspent) code")
	res := listBookings(t, s.URL, tok.AccessToken)
	require.False(t, res.IsError, testenv.Text(res))
}

// Cancel on the page sends the browser back with access_denied and the
// state, and sends nothing to OnceHub.
func TestCancelReturnsAccessDenied(t *testing.T) {
	t.Parallel()

	s := newServer(t)
	reg := register(t, s.URL, map[string]any{"redirect_uris": []string{testRedirect}})
	f := newFlow(s.URL, reg.ClientID, "", testRedirect)
	b := newBrowser(s.URL)
	back := b.submit(t, b.open(t, f.authURL()), "", "cancel")
	require.NotNil(t, back.Location)
	assert.Equal(t, "access_denied", back.Location.Query().Get("error"))
	assert.Equal(t, f.state, back.Location.Query().Get("state"))
	assert.Empty(t, back.Location.Query().Get("code"))
	assert.Empty(t, s.upstream())
}

// Two servers sharing ONCEHUB_SERVER_SECRET and public URL (replicas):
// tokens and client IDs from one work on the other.
func TestReplicasSharingTheSecretAcceptEachOthersTokens(t *testing.T) {
	t.Parallel()

	const public = "http://127.0.0.1:1" // the balancer's URL; both replicas use it
	a := newServer(t, withSecret(testSecret), withPublicURL(public))
	b := newServer(t, withSecret(testSecret), withPublicURL(public))
	reg := register(t, a.URL, map[string]any{"redirect_uris": []string{testRedirect}})
	f := newFlow(a.URL, reg.ClientID, "", testRedirect)
	f.resource = public + "/mcp"
	code := authorize(t, a.URL, f, fakeoncehub.TestKey)
	f.conf.Endpoint.TokenURL = b.URL + oauth.PathToken // the code is redeemed on the other replica
	tok, err := f.exchange(context.Background(), code)
	require.NoError(t, err)
	res := listBookings(t, a.URL, tok.AccessToken)
	require.False(t, res.IsError, testenv.Text(res))
	res = listBookings(t, b.URL, tok.AccessToken)
	require.False(t, res.IsError, testenv.Text(res))
}

func revoke(t *testing.T, base, clientID, hint, token string, want int) {
	t.Helper()
	form := url.Values{"token": {token}, "client_id": {clientID}}
	if hint != "" {
		form.Set("token_type_hint", hint)
	}
	resp, err := http.PostForm(base+oauth.PathRevoke, form)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, want, resp.StatusCode, "%s", body)
}

// assertOAuthError checks that err is an OAuth error response with code.
func assertOAuthError(t *testing.T, err error, code string) {
	t.Helper()
	require.Error(t, err)
	var re *oauth2.RetrieveError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, code, re.ErrorCode, "%s", re.Body)
}

// assertNoSecretsLogged checks that no key, token or code appears in logs.
func assertNoSecretsLogged(t *testing.T, logs string, secrets ...string) {
	t.Helper()
	require.NotEmpty(t, logs, "logs were captured")
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		assert.NotContains(t, logs, sec, "a secret is in the logs")
		if len(sec) > 40 {
			assert.NotContains(t, logs, sec[len(sec)-40:], "part of a token is in the logs")
		}
	}
	assert.False(t, strings.Contains(logs, "api_key="), "the form's key field is never logged")
}

// In the demo sandbox the page says it is the demo, fills in the demo key,
// and that key connects.
func TestDemoPageOffersTheDemoKey(t *testing.T) {
	t.Parallel()

	s := newServer(t, func(st *testenv.Setup) { st.Config.Demo = true })
	reg := register(t, s.URL, map[string]any{"client_name": "Demo client", "redirect_uris": []string{testRedirect}})
	f := newFlow(s.URL, reg.ClientID, "", testRedirect)
	b := newBrowser(s.URL)
	p := b.open(t, f.authURL())
	require.Equal(t, http.StatusOK, p.Status)
	assert.Contains(t, p.HTML, "Demo sandbox: nothing is sent to OnceHub")
	assert.Contains(t, p.HTML, `value="demo-sandbox-key"`)
	back := b.submit(t, p, "demo-sandbox-key", "connect")
	require.NotNil(t, back.Location, back.HTML)
	tok, err := f.exchange(context.Background(), back.Location.Query().Get("code"))
	require.NoError(t, err)
	res := listBookings(t, s.URL, tok.AccessToken)
	require.False(t, res.IsError, testenv.Text(res))
	assert.Empty(t, s.upstream(), "the demo never reaches the configured API")
}

// What a client says about itself is shown as text, never as markup.
func TestThePageEscapesWhatClientsSay(t *testing.T) {
	t.Parallel()

	s := newServer(t)
	const name = `<script>alert("x")</script> & "Co"`
	reg := register(t, s.URL, map[string]any{"client_name": name, "redirect_uris": []string{"myapp://cb?<b>"}})
	f := newFlow(s.URL, reg.ClientID, "", "myapp://cb?<b>")
	p := newBrowser(s.URL).open(t, f.authURL())
	require.Equal(t, http.StatusOK, p.Status, p.HTML)
	assert.NotContains(t, p.HTML, "<script>")
	assert.NotContains(t, p.HTML, "<b>")
	assert.Contains(t, p.HTML, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;Co&#34;`)
}

// A key whose account has no API access (OnceHub's 403) is refused with
// that reason, and no code is issued.
func TestKeyWithoutAPIAccessIsRefusedWithTheReason(t *testing.T) {
	t.Parallel()

	const noPlan = "no-plan-key-0123456789"
	s := newServer(t, func(st *testenv.Setup) {
		st.Fake.Keys = map[string]string{fakeoncehub.TestKey: fakeoncehub.TestAccount, noPlan: "noplan@example.com"}
		st.Fake.NoAPIPlanKeys = []string{noPlan}
	})
	reg := register(t, s.URL, map[string]any{"redirect_uris": []string{testRedirect}})
	f := newFlow(s.URL, reg.ClientID, "", testRedirect)
	b := newBrowser(s.URL)
	back := b.submit(t, b.open(t, f.authURL()), noPlan, "connect")
	assert.Equal(t, http.StatusForbidden, back.Status)
	assert.Nil(t, back.Location)
	assert.Contains(t, back.HTML, "plan has no API access")
}

// Every grant of one OnceHub key is admitted in one lane, the key's, named
// as pass-through mode names it (a keyed fingerprint, never the key), so
// more grants give a key no larger share of the server; another key has a
// lane of its own.
func TestGrantsOfOneKeyShareOneAdmissionLane(t *testing.T) {
	t.Parallel()

	const keyB = "second-key-9876543210"
	s := newServer(t, withSecret(testSecret), func(st *testenv.Setup) {
		st.Fake.Keys = map[string]string{fakeoncehub.TestKey: fakeoncehub.TestAccount, keyB: "other@example.com"}
	})
	_, a1 := connect(t, s)
	_, a2 := connect(t, s)
	reg := register(t, s.URL, map[string]any{"redirect_uris": []string{testRedirect}})
	f := newFlow(s.URL, reg.ClientID, "", testRedirect)
	b, err := f.exchange(context.Background(), authorize(t, s.URL, f, keyB))
	require.NoError(t, err)

	req := func(token string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, s.URL+"/mcp", nil)
		r.Header.Set("Authorization", "Bearer "+token)
		return r
	}
	lane := func(token string) transport.Tenant { return s.env.App.Tenant(req(token)) }
	require.NotEqual(t, s.env.App.Caller(req(a1.AccessToken)), s.env.App.Caller(req(a2.AccessToken)), "two grants")
	assert.Equal(t, lane(a1.AccessToken), lane(a2.AccessToken), "grants of one key share its lane")
	assert.True(t, lane(a1.AccessToken).Trusted)
	assert.NotEqual(t, lane(a1.AccessToken).ID, lane(b.AccessToken).ID, "another key, another lane")
	assert.NotContains(t, lane(a1.AccessToken).ID, fakeoncehub.TestKey)
	assert.Empty(t, lane("not-a-token").ID, "no token, no tenant")

	pass := testenv.New(t, func(st testenv.Setup) { st.Config.ServerSecret = testSecret })
	r := httptest.NewRequest(http.MethodPost, "/mcp", nil)
	r.Header.Set("API-Key", fakeoncehub.TestKey)
	assert.Equal(t, pass.App.Tenant(r).ID, lane(a1.AccessToken).ID, "the lane pass-through mode gives the key")
}

// Key checks on the page are paced per client address: a browser flooding
// the page with wrong keys is soon asked to wait, and OnceHub is not asked
// for it, while a person at another address connects at once.
func TestKeyFloodFromOneAddressDoesNotBlockAnother(t *testing.T) {
	t.Parallel()

	s := newServer(t)
	reg := register(t, s.URL, map[string]any{"client_name": "Test client", "redirect_uris": []string{testRedirect}})
	f := newFlow(s.URL, reg.ClientID, "", testRedirect)
	keyChecks := func() int {
		n := 0
		for _, r := range s.upstream() {
			if r.Path == "/test" {
				n++
			}
		}
		return n
	}

	// The flood: wrong keys, each a new one, until the page refuses. The
	// test clock stands still, so no bucket refills meanwhile.
	flood := newBrowserFrom(s.URL, net.IPv4(127, 0, 0, 3))
	p := flood.open(t, f.authURL())
	require.Equal(t, http.StatusOK, p.Status, p.HTML)
	tried := 0
	for p.Status != http.StatusTooManyRequests {
		require.Less(t, tried, 100, "the flood was never paced")
		p = flood.submit(t, p, fmt.Sprintf("wrong-key-%d", tried), "connect")
		tried++
		if p.Status != http.StatusTooManyRequests {
			require.Equal(t, http.StatusUnauthorized, p.Status, p.HTML)
		}
	}
	assert.Contains(t, p.HTML, "from your network address")
	checked := keyChecks()
	assert.Equal(t, tried-1, checked, "every key but the refused one was checked with OnceHub")

	// The flooding address stays paced, and its keys do not reach OnceHub.
	for i := range 5 {
		p = flood.submit(t, p, fmt.Sprintf("more-wrong-key-%d", i), "connect")
		assert.Equal(t, http.StatusTooManyRequests, p.Status)
	}
	assert.Equal(t, checked, keyChecks())

	// A person at another address connects at once.
	person := newBrowserFrom(s.URL, net.IPv4(127, 0, 0, 4))
	q := person.open(t, f.authURL())
	require.Equal(t, http.StatusOK, q.Status, q.HTML)
	back := person.submit(t, q, fakeoncehub.TestKey, "connect")
	require.NotNil(t, back.Location, "the person was not sent back to the client: %d %s", back.Status, back.HTML)
	require.NotEmpty(t, back.Location.Query().Get("code"))
	tok, err := f.exchange(context.Background(), back.Location.Query().Get("code"))
	require.NoError(t, err)
	require.False(t, listBookings(t, s.URL, tok.AccessToken).IsError)

	// In time the flooding address may try again.
	s.clock.Advance(time.Minute)
	p = flood.submit(t, p, "yet-another-wrong-key", "connect")
	assert.Equal(t, http.StatusUnauthorized, p.Status, p.HTML)
}
