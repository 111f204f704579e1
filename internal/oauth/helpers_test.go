package oauth_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/oauth"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/transport"
)

// testSecret is the ONCEHUB_SERVER_SECRET of test servers that must agree.
const testSecret = "test-server-secret-0123456789abcdef-0123456789"

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// server is oncehub-mcp in oauth mode, in-process, against the fake OnceHub.
type server struct {
	env   *testenv.Env
	srv   *httptest.Server
	URL   string // base URL (issuer)
	clock *clock
	logs  *testenv.LogBuffer
}

type serverOpt func(*testenv.Setup)

func withPublicURL(u string) serverOpt {
	return func(s *testenv.Setup) { s.Config.PublicURL = u }
}

func withSecret(sec string) serverOpt {
	return func(s *testenv.Setup) { s.Config.ServerSecret = sec }
}

func withClientIDFetcher(c *http.Client, timeout time.Duration) serverOpt {
	return func(s *testenv.Setup) {
		s.Options.OAuth.TestClientIDFetcher, s.Options.OAuth.ClientIDFetchTimeout = c, timeout
	}
}

func withMaxClientIDFetches(n int) serverOpt {
	return func(s *testenv.Setup) { s.Options.OAuth.MaxClientIDFetches = n }
}

func withStore(st oauth.Store) serverOpt {
	return func(s *testenv.Setup) { s.Options.OAuth.Store = st }
}

// defaultLogs receives slog's default logger, which zitadel/oidc writes to
// (it takes no logger of its own): every line goes to the logs of every test
// server running at the time, so each parallel test sees its own lines (and
// perhaps others').
var defaultLogs = struct {
	sync.Mutex
	live map[*testenv.LogBuffer]bool
	once sync.Once
}{live: map[*testenv.LogBuffer]bool{}}

type fanOut struct{}

func (fanOut) Write(p []byte) (int, error) {
	defaultLogs.Lock()
	defer defaultLogs.Unlock()
	for b := range defaultLogs.live {
		_, _ = b.Write(p)
	}
	return len(p), nil
}

// newServer starts oncehub-mcp with --credential-mode oauth on a loopback
// test server. Its logs (debug level), and slog's default logger (which
// zitadel/oidc writes to) while it runs, go to s.logs.
func newServer(t testing.TB, opts ...serverOpt) *server {
	t.Helper()
	logs := &testenv.LogBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	defaultLogs.once.Do(func() {
		slog.SetDefault(slog.New(slog.NewTextHandler(fanOut{}, &slog.HandlerOptions{Level: slog.LevelDebug})))
	})
	defaultLogs.Lock()
	defaultLogs.live[logs] = true
	defaultLogs.Unlock()
	t.Cleanup(func() {
		defaultLogs.Lock()
		delete(defaultLogs.live, logs)
		defaultLogs.Unlock()
	})
	clk := &clock{t: time.Now()}
	env := testenv.New(t, func(s testenv.Setup) {
		s.Config.CredentialMode = app.CredentialsOAuth
		s.Config.Addr = "127.0.0.1:0"
		s.Options.Logger = logger
		s.Options.OAuth.Now = clk.Now
		for _, o := range opts {
			o(&s)
		}
	})
	require.NotNil(t, env.App.OAuth)
	srv := httptest.NewServer(transport.NewHTTPHandler(env.App.MCP, env.App.HTTPOptions()))
	t.Cleanup(srv.Close)
	return &server{env: env, srv: srv, URL: srv.URL, clock: clk, logs: logs}
}

// upstream returns what the fake OnceHub received so far.
func (s *server) upstream() []fakeoncehub.Request { return s.env.Fake.Requests() }

// registration is a client registered with dynamic client registration.
type registration struct {
	ClientID     string   `json:"client_id"`
	ClientSecret string   `json:"client_secret"`
	RedirectURIs []string `json:"redirect_uris"`
	AuthMethod   string   `json:"token_endpoint_auth_method"`
}

// register registers a client (RFC 7591) and returns its registration.
func register(t testing.TB, base string, meta map[string]any) registration {
	t.Helper()
	body, _ := json.Marshal(meta)
	resp, err := http.Post(base+oauth.PathRegister, "application/json", strings.NewReader(string(body)))
	require.NoError(t, err)
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", data)
	var reg registration
	require.NoError(t, json.Unmarshal(data, &reg))
	return reg
}

// flow is one client's authorization-code flow with PKCE.
type flow struct {
	conf     *oauth2.Config
	verifier string
	state    string
	resource string
}

func newFlow(base, clientID, clientSecret, redirect string) *flow {
	return &flow{
		conf: &oauth2.Config{
			ClientID:     clientID,
			ClientSecret: clientSecret,
			RedirectURL:  redirect,
			Endpoint: oauth2.Endpoint{
				AuthURL:   base + oauth.PathAuthorize,
				TokenURL:  base + oauth.PathToken,
				AuthStyle: oauth2.AuthStyleInParams,
			},
			Scopes: []string{oauth.Scope},
		},
		verifier: oauth2.GenerateVerifier(),
		state:    "state-" + oauth2.GenerateVerifier()[:8],
		resource: base + "/mcp",
	}
}

func (f *flow) authURL(extra ...oauth2.AuthCodeOption) string {
	opts := append([]oauth2.AuthCodeOption{oauth2.S256ChallengeOption(f.verifier), oauth2.SetAuthURLParam("resource", f.resource)}, extra...)
	return f.conf.AuthCodeURL(f.state, opts...)
}

func (f *flow) exchange(ctx context.Context, code string, extra ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
	opts := append([]oauth2.AuthCodeOption{oauth2.VerifierOption(f.verifier), oauth2.SetAuthURLParam("resource", f.resource)}, extra...)
	return f.conf.Exchange(ctx, code, opts...)
}

// browser is a cookie-keeping HTTP client that follows redirects only on
// the server's own origin, like a person's browser up to the moment it is
// sent back to the client.
type browser struct {
	hc   *http.Client
	base string
}

func newBrowser(base string) *browser { return newBrowserFrom(base, nil) }

// newBrowserFrom is a browser whose connections come from the loopback
// address ip (any of 127.0.0.0/8), so that the server sees another client
// address; nil: the system's choice.
func newBrowserFrom(base string, ip net.IP) *browser {
	jar, _ := cookiejar.New(nil)
	b := &browser{base: base}
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}}
	b.hc = &http.Client{Jar: jar, Transport: &http.Transport{DialContext: d.DialContext}, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if !strings.HasPrefix(req.URL.String(), base) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	return b
}

var requestField = regexp.MustCompile(`name="request" value="([^"]+)"`)

// page is the key-entry page a browser was shown.
type page struct {
	Status  int
	HTML    string
	Request string // the sealed request in its form
	// Location is set when the server redirected away from itself (to the
	// client) instead of showing a page.
	Location *url.URL
}

func (b *browser) read(t testing.TB, resp *http.Response) page {
	t.Helper()
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	p := page{Status: resp.StatusCode, HTML: string(data)}
	if loc := resp.Header.Get("Location"); loc != "" && resp.StatusCode/100 == 3 {
		p.Location, err = url.Parse(loc)
		require.NoError(t, err)
	}
	if m := requestField.FindStringSubmatch(p.HTML); m != nil {
		p.Request = m[1]
	}
	return p
}

// open follows an authorization URL to the key-entry page (or to wherever
// the server sends the browser).
func (b *browser) open(t testing.TB, authURL string) page {
	t.Helper()
	resp, err := b.hc.Get(authURL)
	require.NoError(t, err)
	return b.read(t, resp)
}

// submit posts the page's form with key and action ("connect", "cancel").
func (b *browser) submit(t testing.TB, p page, key, action string) page {
	t.Helper()
	require.NotEmpty(t, p.Request, "no form on the page: %d %s", p.Status, p.HTML)
	resp, err := b.hc.PostForm(b.base+oauth.PathLogin, url.Values{"request": {p.Request}, "api_key": {key}, "action": {action}})
	require.NoError(t, err)
	return b.read(t, resp)
}

// authorize runs the browser part of a flow with key and returns the code
// the client got back (after checking the state).
func authorize(t testing.TB, base string, f *flow, key string) string {
	t.Helper()
	b := newBrowser(base)
	p := b.open(t, f.authURL())
	require.Equal(t, http.StatusOK, p.Status, p.HTML)
	back := b.submit(t, p, key, "connect")
	require.NotNil(t, back.Location, "no redirect back to the client: %d %s", back.Status, back.HTML)
	q := back.Location.Query()
	require.Equal(t, f.state, q.Get("state"))
	require.NotEmpty(t, q.Get("code"), "redirect: %s", back.Location)
	return q.Get("code")
}

// mcpStatus posts an MCP initialize to the server with token and returns
// the status and WWW-Authenticate header.
func mcpStatus(t testing.TB, base, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/mcp", strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_bookings","arguments":{}}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("WWW-Authenticate")
}

// listBookings calls list_bookings through a real MCP client with token.
func listBookings(t testing.TB, base, token string) *mcp.CallToolResult {
	t.Helper()
	c := testenv.HTTPClient(t, base+"/mcp", map[string]string{"Authorization": "Bearer " + token})
	return testenv.Call(t, context.Background(), c, "list_bookings", map[string]any{})
}

const testRedirect = "http://127.0.0.1:9/callback"

// connect registers a public client and runs a whole flow with the fake's
// key, returning the client's flow and tokens.
func connect(t testing.TB, s *server) (*flow, *oauth2.Token) {
	t.Helper()
	reg := register(t, s.URL, map[string]any{"client_name": "Test client", "redirect_uris": []string{testRedirect}})
	f := newFlow(s.URL, reg.ClientID, "", testRedirect)
	code := authorize(t, s.URL, f, fakeoncehub.TestKey)
	tok, err := f.exchange(context.Background(), code)
	require.NoError(t, err)
	return f, tok
}
