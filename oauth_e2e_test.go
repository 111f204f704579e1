package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testdeps"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

// fakeUpstream serves a fake OnceHub that records what it receives.
func fakeUpstream(t *testing.T) (*fakeoncehub.Server, string) {
	t.Helper()
	fake := fakeoncehub.New(fakeoncehub.Options{})
	up := httptest.NewServer(fake)
	t.Cleanup(up.Close)
	return fake, up.URL + "/v2"
}

// checkUpstream asserts that OnceHub received only the key, never an
// OAuth token or code.
func checkUpstream(t *testing.T, fake *fakeoncehub.Server, tokens ...string) {
	t.Helper()
	reqs := fake.Requests()
	require.NotEmpty(t, reqs)
	for _, r := range reqs {
		assert.Equal(t, fakeoncehub.TestKey, r.APIKey, "%s %s", r.Method, r.Path)
		for _, tok := range tokens {
			assert.NotContains(t, r.Path+r.Query.Encode()+string(r.Body), tok)
		}
	}
}

// The official TypeScript SDK client's OAuth support against the built
// binary: discovery, dynamic registration, authorization with PKCE (the form
// submitted by the script), token, list_bookings, refresh, revocation.
func TestTypeScriptSDKOAuthFlowAgainstTheBinary(t *testing.T) {
	t.Parallel()

	dir, node := testdeps.JSModules(t)
	fake, apiURL := fakeUpstream(t)
	_, base, logs := startHTTPBinary(t, []string{"ONCEHUB_API_URL=" + apiURL, "ONCEHUB_RATE_LIMIT=0"}, "--credential-mode", "oauth")

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(dir, "oauth-flow.mjs"))
	cmd.Dir = dir
	cmd.Env = []string{"MCP_URL=" + base + "/mcp", "ONCEHUB_KEY=" + fakeoncehub.TestKey, "PATH=/usr/bin:/bin:/usr/local/bin"}
	out, err := cmd.Output()
	stderr := ""
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = string(ee.Stderr)
	}
	require.NoError(t, err, "node: %s\n%s\nserver:\n%s", out, stderr, logs.String())

	steps := map[string]map[string]any{}
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
		steps[m["step"].(string)] = m
	}
	require.Contains(t, steps, "discovered", "%s", out)
	assert.Equal(t, true, steps["discovered"]["registered"])
	assert.Equal(t, base+"/oauth/authorize", steps["discovered"]["authorization_endpoint"])
	assert.Equal(t, base+"/mcp", steps["discovered"]["resource"])
	assert.Equal(t, "S256", steps["discovered"]["code_challenge_method"])
	assert.Equal(t, map[string]any{"step": "authorized", "state_ok": true, "has_code": true}, steps["authorized"])
	assert.Equal(t, true, steps["token"]["has_refresh"])
	assert.Equal(t, float64(3600), steps["token"]["expires_in"])
	assert.Equal(t, false, steps["called"]["isError"])
	assert.Greater(t, steps["called"]["items"], float64(0))
	assert.Equal(t, map[string]any{"step": "refreshed", "result": "AUTHORIZED", "new_access_token": true, "rotated_refresh_token": true}, steps["refreshed"])
	assert.Equal(t, false, steps["called_after_refresh"]["isError"])
	assert.Equal(t, float64(200), steps["revoked"]["status"])
	assert.Equal(t, map[string]any{"step": "called_after_revocation", "failed": true, "error": "UnauthorizedError", "asked_to_authorize_again": true}, steps["called_after_revocation"])

	checkUpstream(t, fake)
	assert.NotContains(t, logs.String(), fakeoncehub.TestKey)
}

// browserSubmit is the person's part of a flow: open the authorization URL,
// submit key on the page, return the redirect back to the client.
func browserSubmit(t *testing.T, authURL, key string) *url.URL {
	t.Helper()
	u, err := url.Parse(authURL)
	require.NoError(t, err)
	origin := u.Scheme + "://" + u.Host
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if !strings.HasPrefix(req.URL.String(), origin) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return submitWith(t, hc, origin, authURL, key)
}

// submitWith opens authURL with the browser-like client hc, submits key on
// the page and returns where the server sent the browser back.
func submitWith(t *testing.T, hc *http.Client, origin, authURL, key string) *url.URL {
	t.Helper()
	resp, err := hc.Get(authURL)
	require.NoError(t, err)
	page := readAll(t, resp)
	require.Equal(t, http.StatusOK, resp.StatusCode, page)
	m := regexp.MustCompile(`name="request" value="([^"]+)"`).FindStringSubmatch(page)
	require.NotNil(t, m, page)
	resp, err = hc.PostForm(origin+"/oauth/login", url.Values{"request": {m[1]}, "api_key": {key}, "action": {"connect"}})
	require.NoError(t, err)
	body := readAll(t, resp)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode, body)
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	return back
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	var sb strings.Builder
	_, err := bufio.NewReader(resp.Body).WriteTo(&sb)
	require.NoError(t, err)
	return sb.String()
}

// mcpGoOAuthConnect runs mcp-go's OAuth client through the whole flow
// against base: the first initialize asks for authorization, the handler
// registers and builds the authorization URL, the page is submitted, the
// code is exchanged; the client is then initialized.
func mcpGoOAuthConnect(t *testing.T, base, key string, store transport.TokenStore) (*client.Client, *transport.OAuthHandler) {
	t.Helper()
	ctx := context.Background()
	const redirect = "http://127.0.0.1:9/callback"
	c, err := client.NewOAuthStreamableHttpClient(base+"/mcp", client.OAuthConfig{
		RedirectURI: redirect,
		PKCEEnabled: true,
		TokenStore:  store,
	})
	require.NoError(t, err)
	require.NoError(t, c.Start(ctx))
	t.Cleanup(func() { _ = c.Close() })
	init := mcp.InitializeRequest{}
	init.Params.ClientInfo = mcp.Implementation{Name: "mcp-go-oauth-test", Version: "1"}
	_, err = c.Initialize(ctx, init)
	require.True(t, client.IsOAuthAuthorizationRequiredError(err), "%v", err)
	h := client.GetOAuthHandler(err)
	require.NoError(t, h.RegisterClient(ctx, "mcp-go test"))
	verifier, err := client.GenerateCodeVerifier()
	require.NoError(t, err)
	state, err := client.GenerateState()
	require.NoError(t, err)
	authURL, err := h.GetAuthorizationURL(ctx, state, client.GenerateCodeChallenge(verifier))
	require.NoError(t, err)
	au, _ := url.Parse(authURL)
	require.Equal(t, base+"/mcp", au.Query().Get("resource"), "mcp-go sends the resource from the metadata")
	back := browserSubmit(t, authURL, key)
	require.Equal(t, state, back.Query().Get("state"))
	require.NoError(t, h.ProcessAuthorizationResponse(ctx, back.Query().Get("code"), state, verifier))
	_, err = c.Initialize(ctx, init)
	require.NoError(t, err)
	return c, h
}

// mcp-go's OAuth client against the built binary: the same flow, then a
// refresh (the stored token made to look expired), then revocation, after
// which the client needs authorization again.
func TestMCPGoOAuthClientAgainstTheBinary(t *testing.T) {
	t.Parallel()

	fake, apiURL := fakeUpstream(t)
	_, base, logs := startHTTPBinary(t, []string{"ONCEHUB_API_URL=" + apiURL, "ONCEHUB_RATE_LIMIT=0"}, "--credential-mode", "oauth")
	ctx := context.Background()
	store := transport.NewMemoryTokenStore()
	c, h := mcpGoOAuthConnect(t, base, fakeoncehub.TestKey, store)

	res := testenv.Call(t, ctx, c, "list_bookings", map[string]any{})
	require.False(t, res.IsError, testenv.Text(res))
	require.NotEmpty(t, testenv.Items(t, res))
	first, err := store.GetToken(ctx)
	require.NoError(t, err)

	// Refresh: mcp-go refreshes a token it believes expired before the call.
	expired := *first
	expired.ExpiresAt = time.Now().Add(-time.Minute)
	require.NoError(t, store.SaveToken(ctx, &expired))
	res = testenv.Call(t, ctx, c, "list_bookings", map[string]any{})
	require.False(t, res.IsError, testenv.Text(res))
	second, err := store.GetToken(ctx)
	require.NoError(t, err)
	require.NotEqual(t, first.AccessToken, second.AccessToken)
	require.NotEqual(t, first.RefreshToken, second.RefreshToken, "the refresh token rotated")

	// Revocation (RFC 7009) of the current refresh token ends the grant.
	meta, err := h.GetServerMetadata(ctx)
	require.NoError(t, err)
	resp, err := http.PostForm(meta.RevocationEndpoint, url.Values{"token": {second.RefreshToken}, "client_id": {h.GetClientID()}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	req := mcp.CallToolRequest{}
	req.Params.Name = "list_bookings"
	_, err = c.CallTool(ctx, req)
	require.Error(t, err)
	assert.True(t, client.IsOAuthAuthorizationRequiredError(err), "%v", err)
	_, err = h.RefreshToken(ctx, second.RefreshToken)
	require.Error(t, err, "the revoked grant's refresh token is refused")

	checkUpstream(t, fake, first.AccessToken, second.AccessToken, first.RefreshToken, second.RefreshToken)
	for _, s := range []string{fakeoncehub.TestKey, first.AccessToken, second.AccessToken, second.RefreshToken} {
		assert.NotContains(t, logs.String(), s)
	}
}

// "http --demo --credential-mode oauth" runs the whole flow on loopback:
// the page offers the demo key and says so; tools then answer from the
// sandbox.
func TestOAuthDemo(t *testing.T) {
	t.Parallel()

	_, base, _ := startHTTPBinary(t, nil, "--demo", "--credential-mode", "oauth")
	resp, err := http.Get(base + "/.well-known/oauth-authorization-server")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	c, _ := mcpGoOAuthConnect(t, base, "demo-sandbox-key", transport.NewMemoryTokenStore())
	res := testenv.Call(t, context.Background(), c, "list_bookings", map[string]any{})
	require.False(t, res.IsError, testenv.Text(res))
	require.NotEmpty(t, testenv.Items(t, res))
}

// backendHeader sends every request to one replica behind the test nginx.
type backendHeader struct {
	n    string
	next http.RoundTripper
}

func (b backendHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Test-Backend", b.n)
	return b.next.RoundTrip(r)
}

// Two replicas (same ONCEHUB_SERVER_SECRET, --public-url the balancer's URL)
// behind nginx: a client registered, authorized and given tokens by replica
// 1 is served by replica 2; and mcp-go's OAuth client runs the whole flow
// with its requests spread round-robin over both.
func TestOAuthAcrossTwoReplicasBehindNginx(t *testing.T) {
	t.Parallel()

	fake, apiURL := fakeUpstream(t)
	addr1 := fmt.Sprintf("127.0.0.1:%d", testdeps.FreePort(t))
	addr2 := fmt.Sprintf("127.0.0.1:%d", testdeps.FreePort(t))
	lb := testdeps.StartNginx(t, addr1, addr2)
	env := []string{"ONCEHUB_API_URL=" + apiURL, "ONCEHUB_RATE_LIMIT=0", "ONCEHUB_SERVER_SECRET=replicas-share-this-secret-0123456789abcdef",
		"ONCEHUB_REDIS_URL=" + testdeps.Redis(t)}
	for _, addr := range []string{addr1, addr2} {
		startHTTPBinary(t, env, "--credential-mode", "oauth", "--addr", addr, "--public-url", lb.URL)
	}
	ctx := context.Background()

	// Everything of the flow through replica 1.
	one := &http.Client{Transport: backendHeader{"1", http.DefaultTransport}}
	resp, err := one.Post(lb.URL+"/oauth/register", "application/json",
		strings.NewReader(`{"client_name":"replica test","redirect_uris":["http://127.0.0.1:9/callback"]}`))
	require.NoError(t, err)
	var reg struct {
		ClientID string `json:"client_id"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&reg))
	resp.Body.Close()
	conf := &oauth2.Config{ClientID: reg.ClientID, RedirectURL: "http://127.0.0.1:9/callback",
		Endpoint: oauth2.Endpoint{AuthURL: lb.URL + "/oauth/authorize", TokenURL: lb.URL + "/oauth/token", AuthStyle: oauth2.AuthStyleInParams}}
	verifier := oauth2.GenerateVerifier()
	authURL := conf.AuthCodeURL("s1", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("resource", lb.URL+"/mcp"))
	back := browserSubmitVia(t, one, authURL, fakeoncehub.TestKey)
	tok, err := conf.Exchange(context.WithValue(ctx, oauth2.HTTPClient, one), back.Query().Get("code"), oauth2.VerifierOption(verifier))
	require.NoError(t, err)

	// The token works on each replica.
	call := func(n, token string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, lb.URL+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_bookings","arguments":{}}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("X-Test-Backend", n)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body := readAll(t, resp)
		want := map[string]string{"1": addr1, "2": addr2}[n]
		assert.Equal(t, want, resp.Header.Get("X-Upstream"), "answered by replica %s", n)
		return resp.StatusCode, body
	}
	for _, n := range []string{"1", "2"} {
		status, body := call(n, tok.AccessToken)
		assert.Equal(t, http.StatusOK, status, "replica %s: %s", n, body)
		assert.Contains(t, body, `"items"`)
	}

	c := testenv.HTTPClient(t, lb.URL+"/mcp", map[string]string{"Authorization": "Bearer " + tok.AccessToken, "X-Test-Backend": "2"})
	res := testenv.Call(t, ctx, c, "list_bookings", map[string]any{})
	require.False(t, res.IsError, testenv.Text(res))

	// Through Redis, one replica sees what the other spent or revoked: a
	// refresh token rotated on replica 2 and replayed on replica 1 revokes
	// the grant on both, and the code used on replica 1 cannot be redeemed
	// again on replica 2.
	two := &http.Client{Transport: backendHeader{"2", http.DefaultTransport}}
	fresh, err := conf.TokenSource(context.WithValue(ctx, oauth2.HTTPClient, two), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	require.NoError(t, err)
	_, err = conf.TokenSource(context.WithValue(ctx, oauth2.HTTPClient, one), &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
	require.Error(t, err, "replica 1 knows replica 2 spent the refresh token")
	for _, n := range []string{"1", "2"} {
		status, _ := call(n, fresh.AccessToken)
		assert.Equal(t, http.StatusUnauthorized, status, "the replayed grant is revoked on replica %s", n)
	}
	_, err = conf.Exchange(context.WithValue(ctx, oauth2.HTTPClient, two), back.Query().Get("code"), oauth2.VerifierOption(verifier))
	require.ErrorContains(t, err, "already used", "a code used on replica 1 is used on replica 2")
	checkUpstream(t, fake, tok.AccessToken, tok.RefreshToken, fresh.AccessToken)

	// mcp-go's OAuth client, round-robin over both replicas; then its
	// grant is revoked on replica 1 and refused on replica 2.
	store := transport.NewMemoryTokenStore()
	rr, h := mcpGoOAuthConnect(t, lb.URL, fakeoncehub.TestKey, store)
	for range 4 {
		res := testenv.Call(t, ctx, rr, "list_bookings", map[string]any{})
		require.False(t, res.IsError, testenv.Text(res))
	}
	cur, err := store.GetToken(ctx)
	require.NoError(t, err)
	resp, err = one.PostForm(lb.URL+"/oauth/revoke", url.Values{"token": {cur.RefreshToken}, "client_id": {h.GetClientID()}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	status, _ := call("2", cur.AccessToken)
	assert.Equal(t, http.StatusUnauthorized, status, "revoked on replica 1, refused on replica 2")
}

// browserSubmitVia is browserSubmit with a given HTTP client's transport.
func browserSubmitVia(t *testing.T, hc *http.Client, authURL, key string) *url.URL {
	t.Helper()
	u, err := url.Parse(authURL)
	require.NoError(t, err)
	origin := u.Scheme + "://" + u.Host
	jar, _ := cookiejar.New(nil)
	b := &http.Client{Transport: hc.Transport, Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if !strings.HasPrefix(req.URL.String(), origin) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return submitWith(t, b, origin, authURL, key)
}

// Executing a text or html template makes the linker keep every exported
// method of every type (reflect), about 9 MB more binary to map at each
// start; the OAuth page is rendered without one, and nothing else may pull
// template execution in unnoticed.
func TestBinaryDoesNotLinkTemplateExecution(t *testing.T) {
	t.Parallel()

	out, err := exec.Command("go", "tool", "nm", testenv.Binary(t)).Output()
	require.NoError(t, err)
	assert.NotContains(t, string(out), "text/template.(*state).evalCall")
}
