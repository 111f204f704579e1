// Package oauth lets MCP hosts that only know a server's URL connect to
// oncehub-mcp: it is the server's OAuth 2.1 authorization server (for itself)
// and the resource-server check of its MCP endpoint, per the MCP
// authorization spec.
//
// OnceHub has API keys only, so the authorization step is a page where the
// person pastes a OnceHub key once; the server checks it with OnceHub
// (GET /test) and seals it into the tokens it issues. A request to the MCP
// endpoint is then served with the key its access token stands for; the
// access token itself never leaves this server.
//
// Protocol pieces come from libraries: zitadel/oidc's op package parses and
// answers the authorization, token and revocation endpoints (request
// decoding, client authentication, redirect URI rules including RFC 8252
// loopback ports, PKCE verification, OAuth error responses); go-jose seals
// every token (JWE, AES-256-GCM) under keys derived from the server secret;
// mcp-go serves the protected resource metadata. Written here: the key-entry
// page, dynamic client registration (RFC 7591), fetching Client ID Metadata
// Documents, and the grant rules (see docs/ARCHITECTURE.md).
package oauth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/mark3labs/mcp-go/server"
	"github.com/rs/cors"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/oncehub-mcp/oncehub-mcp/internal/secret"
)

// Scope is the one scope this server knows: use of the OnceHub account the
// key belongs to, as far as the key allows.
const Scope = "oncehub"

// Lifetimes of what the server issues.
const (
	AccessTokenLifetime  = time.Hour
	RefreshTokenLifetime = 30 * 24 * time.Hour
	codeLifetime         = 2 * time.Minute
	requestLifetime      = 15 * time.Minute
)

// Paths the authorization server answers on (beside the MCP endpoint).
const (
	PathAuthorize = "/oauth/authorize"
	PathLogin     = "/oauth/login"
	PathToken     = "/oauth/token"
	PathRevoke    = "/oauth/revoke"
	PathRegister  = "/oauth/register"
	// PathMetadata is the authorization server's metadata (RFC 8414).
	PathMetadata = "/.well-known/oauth-authorization-server"
)

// Errors CheckKey returns for a key OnceHub does not take; anything else
// means the key could not be checked (the person is asked to try again).
var (
	ErrKeyRefused  = errors.New("OnceHub did not accept this API key")
	ErrNoAPIAccess = errors.New("this OnceHub account's plan has no API access")
)

// Options configure a Server.
type Options struct {
	// PublicURL is the server's base URL as clients reach it
	// (https://mcp.example.com, behind any proxy). The issuer is this URL and
	// the MCP endpoint (the tokens' audience) is PublicURL+MCPPath. When
	// empty, the server must listen on loopback only and each request's Host
	// (a loopback name) is used, so http://localhost:8080 and
	// http://127.0.0.1:8080 both work.
	PublicURL string
	// MCPPath is the MCP endpoint's path; "/mcp" when empty.
	MCPPath string
	// Secret seals tokens and client IDs; replicas must share it.
	Secret *secret.Secret
	// Store records used codes and refresh tokens and revoked grants;
	// an in-memory store (one replica) when nil.
	Store Store
	// CheckKey asks OnceHub whether key is valid (GET /test). It returns nil,
	// ErrKeyRefused, ErrNoAPIAccess (wrapped or not) or another error.
	CheckKey func(ctx context.Context, key string) error
	// DemoKey, when set, is the demo sandbox's key: the page says so and
	// fills it in.
	DemoKey string
	Logger  *slog.Logger
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	// TestClientIDFetcher is for tests only (no flag or variable sets it):
	// Client ID Metadata Documents are fetched with this client, and
	// http:// and loopback client-ID URLs are allowed. In production,
	// documents are fetched over https from public addresses only.
	TestClientIDFetcher *http.Client
	// ClientIDFetchTimeout bounds fetching one Client ID Metadata Document;
	// 5 s when zero.
	ClientIDFetchTimeout time.Duration
	// MaxClientIDFetches bounds how many Client ID Metadata Documents the
	// server fetches at once; beyond it, a request that needs another
	// fetch is answered "temporarily_unavailable". 16 when zero.
	MaxClientIDFetches int
}

// Server is the authorization server plus the access-token check of the MCP
// endpoint. Build it with New; it is safe for concurrent use.
type Server struct {
	publicURL string
	mcpPath   string
	seal      *sealer
	store     Store
	checkKey  func(context.Context, string) error
	demoKey   string
	log       *slog.Logger
	now       func() time.Time
	clients   *clientRegistry
	op        http.Handler
	// keyChecks paces the page's questions to OnceHub, per client address
	// and for the whole process (pacing.go).
	keyChecks *keyPacer
}

// New returns a Server. It refuses a public URL that is not an absolute
// https URL without path, query or fragment (http only for loopback hosts).
func New(o Options) (*Server, error) {
	if o.Secret == nil || o.CheckKey == nil {
		return nil, errors.New("oauth: a secret and a key checker are required")
	}
	s := &Server{
		mcpPath:   o.MCPPath,
		store:     o.Store,
		checkKey:  o.CheckKey,
		demoKey:   o.DemoKey,
		log:       o.Logger,
		now:       o.Now,
		keyChecks: newKeyPacer(),
	}
	if s.mcpPath == "" {
		s.mcpPath = "/mcp"
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.store == nil {
		s.store = NewMemoryStore(s.now)
	}
	if o.PublicURL != "" {
		u, err := CheckPublicURL(o.PublicURL)
		if err != nil {
			return nil, err
		}
		s.publicURL = u
	}
	var err error
	if s.seal, err = newSealer(o.Secret); err != nil {
		return nil, err
	}
	s.clients = newClientRegistry(s, o.Secret, o.TestClientIDFetcher, o.ClientIDFetchTimeout, o.MaxClientIDFetches)
	s.op = op.RegisterServer(&provider{s: s}, op.Endpoints{
		Authorization: op.NewEndpoint(PathAuthorize),
		Token:         op.NewEndpoint(PathToken),
		Revocation:    op.NewEndpoint(PathRevoke),
	}, op.WithServerCORSOptions(&cors.Options{
		AllowedOrigins: []string{"*"},
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: []string{"Authorization", "Content-Type", "Accept", "MCP-Protocol-Version"},
	}))
	return s, nil
}

// CheckPublicURL normalizes a public base URL (no trailing slash) or says
// why it cannot be one.
func CheckPublicURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("--public-url %q must be an absolute URL such as https://mcp.example.com", raw)
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return "", fmt.Errorf("--public-url %q must use https (plain http only for loopback addresses): OAuth tokens and OnceHub keys would cross the network in clear", raw)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("--public-url %q must be a bare origin (scheme://host[:port]) without path, query or credentials; serve the server at the root of its host", raw)
	}
	return u.Scheme + "://" + u.Host, nil
}

// Routes are the handlers to mount beside the MCP endpoint (ServeMux
// patterns), all public: metadata, registration, the authorization page and
// the token and revocation endpoints.
func (s *Server) Routes() map[string]http.Handler {
	prm := http.HandlerFunc(s.serveResourceMetadata)
	opHandler := s.withIssuer(s.op)
	return map[string]http.Handler{
		server.WellKnownProtectedResourcePath:                        prm,
		server.ProtectedResourceMetadataPath("http://x" + s.mcpPath): prm,
		PathMetadata:  s.withIssuer(http.HandlerFunc(s.serveMetadata)),
		PathAuthorize: opHandler,
		PathToken:     opHandler,
		PathRevoke:    opHandler,
		PathRegister:  s.withIssuer(http.HandlerFunc(s.serveRegister)),
		PathLogin:     s.withIssuer(http.HandlerFunc(s.serveLogin)),
	}
}

type issuerKey struct{}

// maxRequestBytes bounds the body of any request to the OAuth endpoints.
const maxRequestBytes = 64 << 10

// withIssuer refuses requests whose issuer cannot be told (an unconfigured
// public URL and a Host that is not loopback) and puts it in the context.
func (s *Server) withIssuer(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		iss, ok := s.issuer(r)
		if !ok {
			http.Error(w, "unknown host: set --public-url to the URL clients use", http.StatusMisdirectedRequest)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxRequestBytes)
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), issuerKey{}, iss)))
	})
}

func issuerFrom(ctx context.Context) string {
	iss, _ := ctx.Value(issuerKey{}).(string)
	return iss
}

// issuer is the authorization server's identifier (and base URL) for r: the
// configured public URL, else the loopback origin r was sent to.
func (s *Server) issuer(r *http.Request) (string, bool) {
	if s.publicURL != "" {
		return s.publicURL, true
	}
	host := r.Host
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	if host == "" || !isLoopbackHost(strings.Trim(name, "[]")) {
		return "", false
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + host, true
}

// resource is the MCP endpoint's URL for issuer iss: the audience of its
// access tokens (RFC 8707 resource indicator).
func (s *Server) resource(iss string) string { return iss + s.mcpPath }

func (s *Server) resourceMetadataURL(iss string) string {
	return iss + server.ProtectedResourceMetadataPath(s.resource(iss))
}

// serveResourceMetadata answers RFC 9728 protected resource metadata, with
// mcp-go's handler.
func (s *Server) serveResourceMetadata(w http.ResponseWriter, r *http.Request) {
	iss, ok := s.issuer(r)
	if !ok {
		http.Error(w, "unknown host: set --public-url to the URL clients use", http.StatusMisdirectedRequest)
		return
	}
	server.NewProtectedResourceMetadataHandler(server.ProtectedResourceMetadataConfig{
		Resource:               s.resource(iss),
		AuthorizationServers:   []string{iss},
		ScopesSupported:        []string{Scope},
		BearerMethodsSupported: []string{"header"},
		ResourceName:           "OnceHub (oncehub-mcp)",
	}).ServeHTTP(w, r)
}

// metadata is RFC 8414 authorization server metadata: zitadel's discovery
// document plus the RFC 9207 flag.
type metadata struct {
	*oidc.DiscoveryConfiguration
	AuthorizationResponseIssParameterSupported bool `json:"authorization_response_iss_parameter_supported"`
}

func (s *Server) serveMetadata(w http.ResponseWriter, r *http.Request) {
	// Browser-based clients (the MCP Inspector) discover cross-origin.
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Allow-Headers", "MCP-Protocol-Version")
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	iss := issuerFrom(r.Context())
	methods := []oidc.AuthMethod{oidc.AuthMethodNone, oidc.AuthMethodBasic, oidc.AuthMethodPost}
	writeJSON(w, http.StatusOK, metadata{
		DiscoveryConfiguration: &oidc.DiscoveryConfiguration{
			Issuer:                                 iss,
			AuthorizationEndpoint:                  iss + PathAuthorize,
			TokenEndpoint:                          iss + PathToken,
			RevocationEndpoint:                     iss + PathRevoke,
			RegistrationEndpoint:                   iss + PathRegister,
			ClientIDMetadataDocumentSupported:      true,
			ScopesSupported:                        []string{Scope},
			ResponseTypesSupported:                 []string{string(oidc.ResponseTypeCode)},
			ResponseModesSupported:                 []string{string(oidc.ResponseModeQuery)},
			GrantTypesSupported:                    []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken},
			TokenEndpointAuthMethodsSupported:      methods,
			RevocationEndpointAuthMethodsSupported: methods,
			CodeChallengeMethodsSupported:          []oidc.CodeChallengeMethod{oidc.CodeChallengeMethodS256},
		},
		AuthorizationResponseIssParameterSupported: true,
	})
}

// Authorize reports whether r carries a valid access token for this MCP
// endpoint: sealed by this server (or a replica sharing its secret), issued
// by this issuer for this resource, not expired, its grant not revoked.
func (s *Server) Authorize(r *http.Request) bool {
	c, err := s.verify(r)
	if err != nil {
		s.log.Debug("refused MCP request", "reason", err.Error())
		return false
	}
	revoked, err := s.store.Revoked(r.Context(), c.Grant)
	if err != nil {
		// Availability over a revocation check: the token is still sealed,
		// audience-bound and at most an hour long; refreshing it needs the
		// store and fails closed.
		s.log.Warn("OAuth store unreachable: revocation not checked for this request", "err", err)
		return true
	}
	if revoked {
		s.log.Debug("refused MCP request", "reason", "grant revoked")
		return false
	}
	return true
}

// Challenge is the WWW-Authenticate value of a 401 from the MCP endpoint:
// where to find the protected resource metadata (RFC 9728 §5.1), and
// error="invalid_token" when a token was sent (RFC 6750 §3.1).
func (s *Server) Challenge(r *http.Request) string {
	iss, ok := s.issuer(r)
	if !ok {
		return `Bearer realm="oncehub-mcp"`
	}
	c := fmt.Sprintf(`Bearer resource_metadata=%q, scope=%q`, s.resourceMetadataURL(iss), Scope)
	if bearer(r) != "" {
		c += `, error="invalid_token", error_description="The access token is invalid, expired or revoked"`
	}
	return c
}

// APIKey returns the OnceHub key r's access token stands for. Call it only
// for requests Authorize accepted.
func (s *Server) APIKey(r *http.Request) (string, bool) {
	c, err := s.verify(r)
	if err != nil {
		return "", false
	}
	return c.Key, true
}

// Caller names the grant r's access token belongs to ("oauth:<grant>"), a
// label that stays the same across refreshes; "" without a valid token.
// HTTP sessions are bound to it.
func (s *Server) Caller(r *http.Request) string {
	c, err := s.verify(r)
	if err != nil {
		return ""
	}
	return "oauth:" + c.Grant
}

// verify opens r's bearer token as an access token and checks its claims.
func (s *Server) verify(r *http.Request) (*accessClaims, error) {
	tok := bearer(r)
	if tok == "" {
		return nil, errors.New("no bearer token")
	}
	iss, ok := s.issuer(r)
	if !ok {
		return nil, errors.New("unknown host")
	}
	var c accessClaims
	if err := s.seal.open(kindAccess, tok, &c); err != nil {
		return nil, err
	}
	if err := c.ValidateWithLeeway(jwt.Expected{Issuer: iss, AnyAudience: jwt.Audience{s.resource(iss)}, Time: s.now()}, 0); err != nil {
		return nil, fmt.Errorf("access token: %w", err)
	}
	if c.Expiry == nil || c.Key == "" || c.Grant == "" {
		return nil, errors.New("access token: incomplete")
	}
	return &c, nil
}

func bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// randomID returns n random bytes, base64url-encoded.
func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func errf(format string, args ...any) error { return fmt.Errorf(format, args...) }
