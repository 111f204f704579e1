package oauth

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"golang.org/x/sync/semaphore"
	"golang.org/x/sync/singleflight"

	"github.com/oncehub-mcp/oncehub-mcp/internal/secret"
)

// Limits on client metadata, registered or fetched.
const (
	maxMetadataBytes     = 32 << 10 // a Client ID Metadata Document or a registration request
	maxRedirectURIs      = 16
	maxRedirectURILen    = 2048
	maxClientNameLen     = 120
	defaultFetchTimeout  = 5 * time.Second
	metadataCacheTTL     = 10 * time.Minute
	metadataFailureTTL   = 30 * time.Second
	metadataCacheEntries = 1024
	defaultMaxFetches    = 16 // Client ID Metadata Documents fetched at once, server-wide
)

// maxClientIDLen bounds a registered client's sealed ID. Every request,
// code and token of the client carries the ID beside up to a redirect URI,
// the client's name and URI, a key and its own claims, and each must stay
// within maxSealedLen to open again.
const maxClientIDLen = 6 << 10

// errFetchesBusy is the answer when every fetch slot is taken: the request
// fails at once (and is not cached) rather than waiting for a slot.
var errFetchesBusy = errors.New("the server is fetching too many client metadata documents right now; try again in a few seconds")

// clientRegistry knows every client without storing any: a dynamically
// registered client's metadata is sealed into its client_id (so any replica
// reads it back and a restart loses nothing), and a client whose ID is an
// https URL is described by the JSON document at that URL (Client ID
// Metadata Document), fetched with bounds on size and time and cached.
type clientRegistry struct {
	s          *Server
	secretKey  []byte // derives client secrets from client IDs
	fetch      *http.Client
	testFetch  bool // TestClientIDFetcher: http and loopback URLs allowed
	timeout    time.Duration
	fetches    *semaphore.Weighted // bounds fetches in flight, server-wide
	group      singleflight.Group
	mu         sync.Mutex
	cache      map[string]cachedClient
	cacheOrder []string
}

type cachedClient struct {
	c   *client
	err error
	exp time.Time
}

func newClientRegistry(s *Server, sec *secret.Secret, testFetch *http.Client, timeout time.Duration, maxFetches int) *clientRegistry {
	if maxFetches <= 0 {
		maxFetches = defaultMaxFetches
	}
	reg := &clientRegistry{
		fetches:   semaphore.NewWeighted(int64(maxFetches)),
		s:         s,
		secretKey: sec.Key("oauth client secret", 32),
		fetch:     testFetch,
		testFetch: testFetch != nil,
		timeout:   timeout,
		cache:     map[string]cachedClient{},
	}
	if reg.timeout <= 0 {
		reg.timeout = defaultFetchTimeout
	}
	if reg.fetch == nil {
		reg.fetch = publicOnlyClient()
	}
	return reg
}

// lookup returns the client with this ID, or why there is none.
func (reg *clientRegistry) lookup(ctx context.Context, id string) (*client, error) {
	switch {
	case id == "":
		return nil, errors.New("client_id is missing")
	case strings.HasPrefix(id, "https://") || strings.HasPrefix(id, "http://"):
		return reg.document(ctx, id)
	default:
		return reg.registered(id)
	}
}

// registeredClaims is a dynamically registered client, sealed as its ID.
type registeredClaims struct {
	jwt.Claims
	Name         string   `json:"n,omitempty"`
	URI          string   `json:"u,omitempty"`
	RedirectURIs []string `json:"r"`
	AuthMethod   string   `json:"m"`
}

func (reg *clientRegistry) registered(id string) (*client, error) {
	var c registeredClaims
	if err := reg.s.seal.open(kindClient, id, &c); err != nil {
		return nil, errors.New("unknown client_id: register the client first (dynamic client registration), or use a Client ID Metadata Document URL")
	}
	return &client{id: id, name: c.Name, uri: c.URI, redirectURIs: c.RedirectURIs, authMethod: oidc.AuthMethod(c.AuthMethod)}, nil
}

// secretFor is the client secret of a registered confidential client: an
// HMAC of its ID under a key derived from the server secret.
func (reg *clientRegistry) secretFor(id string) string {
	m := hmac.New(sha256.New, reg.secretKey)
	m.Write([]byte(id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// clientMetadata is the part of RFC 7591 client metadata (also the shape of
// a Client ID Metadata Document) this server uses.
type clientMetadata struct {
	ClientID                string   `json:"client_id,omitempty"`
	ClientName              string   `json:"client_name,omitempty"`
	ClientURI               string   `json:"client_uri,omitempty"`
	RedirectURIs            []string `json:"redirect_uris"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method,omitempty"`
	GrantTypes              []string `json:"grant_types,omitempty"`
	ResponseTypes           []string `json:"response_types,omitempty"`
	Scope                   string   `json:"scope,omitempty"`
}

// check validates metadata; document is true for a Client ID Metadata
// Document (which may not use a shared secret).
func (m *clientMetadata) check(document bool) error {
	if len(m.RedirectURIs) == 0 {
		return errors.New("redirect_uris is required")
	}
	if len(m.RedirectURIs) > maxRedirectURIs {
		return fmt.Errorf("at most %d redirect_uris", maxRedirectURIs)
	}
	for _, u := range m.RedirectURIs {
		if len(u) > maxRedirectURILen {
			return fmt.Errorf("a redirect URI is longer than %d characters", maxRedirectURILen)
		}
		if err := checkRedirectURI(u); err != nil {
			return err
		}
	}
	switch m.TokenEndpointAuthMethod {
	case "", string(oidc.AuthMethodNone):
		m.TokenEndpointAuthMethod = string(oidc.AuthMethodNone)
	case string(oidc.AuthMethodBasic), string(oidc.AuthMethodPost):
		if document {
			return errors.New("a Client ID Metadata Document cannot use a client secret: token_endpoint_auth_method must be \"none\"")
		}
	default:
		return fmt.Errorf("token_endpoint_auth_method %q is not supported (use none, client_secret_basic or client_secret_post)", m.TokenEndpointAuthMethod)
	}
	for _, g := range m.GrantTypes {
		if g != string(oidc.GrantTypeCode) && g != string(oidc.GrantTypeRefreshToken) {
			return fmt.Errorf("grant type %q is not supported (authorization_code and refresh_token are)", g)
		}
	}
	for _, rt := range m.ResponseTypes {
		if rt != string(oidc.ResponseTypeCode) {
			return fmt.Errorf("response type %q is not supported (code is)", rt)
		}
	}
	m.ClientName = clip(strings.TrimSpace(m.ClientName), maxClientNameLen)
	if m.ClientURI != "" {
		if u, err := url.Parse(m.ClientURI); err != nil || u.Scheme != "https" || u.Host == "" || len(m.ClientURI) > maxRedirectURILen {
			m.ClientURI = "" // shown as a link only when it is a plain https URL, not too long
		}
	}
	return nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// serveRegister is dynamic client registration (RFC 7591). Nothing is
// stored: the client's metadata is sealed into the client_id it gets back.
func (s *Server) serveRegister(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Allow-Headers", "Content-Type, Authorization, MCP-Protocol-Version")
	w.Header().Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	switch r.Method {
	case http.MethodOptions:
		w.WriteHeader(http.StatusNoContent)
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "POST, OPTIONS")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	var m clientMetadata
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxMetadataBytes))
	if err := dec.Decode(&m); err != nil {
		registerError(w, "invalid_client_metadata", "the body must be a JSON object of client metadata (RFC 7591), at most 32 KiB")
		return
	}
	if err := m.check(false); err != nil {
		code := "invalid_client_metadata"
		if strings.Contains(err.Error(), "redirect") {
			code = "invalid_redirect_uri"
		}
		registerError(w, code, err.Error())
		return
	}
	now := s.now()
	id, err := s.seal.seal(kindClient, registeredClaims{
		Claims:       jwt.Claims{IssuedAt: jwt.NewNumericDate(now)},
		Name:         m.ClientName,
		URI:          m.ClientURI,
		RedirectURIs: m.RedirectURIs,
		AuthMethod:   m.TokenEndpointAuthMethod,
	})
	if errors.Is(err, errSealedTooLong) || err == nil && len(id) > maxClientIDLen {
		registerError(w, "invalid_client_metadata", fmt.Sprintf("the client metadata is too large to register: the client_id it makes would be longer than %d characters; use fewer or shorter redirect_uris, or a shorter client_name or client_uri", maxClientIDLen))
		return
	}
	if err != nil {
		registerError(w, "server_error", "cannot register now")
		return
	}
	out := map[string]any{
		"client_id":                  id,
		"client_id_issued_at":        now.Unix(),
		"redirect_uris":              m.RedirectURIs,
		"token_endpoint_auth_method": m.TokenEndpointAuthMethod,
		"grant_types":                []string{string(oidc.GrantTypeCode), string(oidc.GrantTypeRefreshToken)},
		"response_types":             []string{string(oidc.ResponseTypeCode)},
		"scope":                      Scope,
	}
	if m.ClientName != "" {
		out["client_name"] = m.ClientName
	}
	if m.ClientURI != "" {
		out["client_uri"] = m.ClientURI
	}
	if m.TokenEndpointAuthMethod != string(oidc.AuthMethodNone) {
		out["client_secret"] = s.clients.secretFor(id)
		out["client_secret_expires_at"] = 0
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, out)
	s.log.Info("OAuth client registered", "name", m.ClientName, "redirect_hosts", redirectHosts(m.RedirectURIs))
}

func redirectHosts(uris []string) string {
	hosts := make([]string, 0, len(uris))
	for _, u := range uris {
		hosts = append(hosts, redirectHost(u))
	}
	return strings.Join(hosts, ",")
}

func registerError(w http.ResponseWriter, code, desc string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": desc})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// document returns the client a Client ID Metadata Document describes,
// from the cache or fetched (one fetch per URL at a time, and at most
// maxFetches in all: beyond that it returns errFetchesBusy at once).
func (reg *clientRegistry) document(ctx context.Context, id string) (*client, error) {
	if err := reg.checkDocumentURL(id); err != nil {
		return nil, err
	}
	now := reg.s.now()
	reg.mu.Lock()
	if e, ok := reg.cache[id]; ok && now.Before(e.exp) {
		reg.mu.Unlock()
		return e.c, e.err
	}
	reg.mu.Unlock()
	v, _, _ := reg.group.Do(id, func() (any, error) {
		if !reg.fetches.TryAcquire(1) {
			return cachedClient{err: errFetchesBusy}, nil
		}
		defer reg.fetches.Release(1)
		c, err := reg.fetchDocument(context.WithoutCancel(ctx), id)
		ttl := metadataCacheTTL
		if err != nil {
			ttl = metadataFailureTTL
		}
		reg.remember(id, cachedClient{c: c, err: err, exp: reg.s.now().Add(ttl)})
		return cachedClient{c: c, err: err}, nil
	})
	e := v.(cachedClient)
	return e.c, e.err
}

func (reg *clientRegistry) remember(id string, e cachedClient) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if _, ok := reg.cache[id]; !ok {
		reg.cacheOrder = append(reg.cacheOrder, id)
	}
	reg.cache[id] = e
	for len(reg.cacheOrder) > metadataCacheEntries {
		delete(reg.cache, reg.cacheOrder[0])
		reg.cacheOrder = reg.cacheOrder[1:]
	}
}

// checkDocumentURL applies the rules for a client ID that is a URL: https,
// a host, a path other than "/", no fragment, credentials or dot segments.
func (reg *clientRegistry) checkDocumentURL(id string) error {
	if len(id) > maxRedirectURILen {
		return fmt.Errorf("a client_id URL is longer than %d characters", maxRedirectURILen)
	}
	u, err := url.Parse(id)
	if err != nil || u.Host == "" {
		return fmt.Errorf("client_id %q is not a valid URL", id)
	}
	if u.Scheme != "https" && !(reg.testFetch && u.Scheme == "http") {
		return fmt.Errorf("client_id %q: a Client ID Metadata Document URL must use https", id)
	}
	if u.Path == "" || u.Path == "/" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("client_id %q: a Client ID Metadata Document URL needs a path and no fragment or credentials", id)
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("client_id %q must not contain dot segments", id)
		}
	}
	return nil
}

// fetchDocument GETs a Client ID Metadata Document: at most
// maxMetadataBytes, within the fetch timeout, no redirects, JSON whose
// client_id is the URL itself.
func (reg *clientRegistry) fetchDocument(ctx context.Context, id string) (*client, error) {
	ctx, cancel := context.WithTimeout(ctx, reg.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, id, nil)
	if err != nil {
		return nil, fmt.Errorf("client_id %q is not a valid URL", id)
	}
	req.Header.Set("Accept", "application/json")
	hc := *reg.fetch
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return errNoRedirects }
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("the client's metadata document at %s did not arrive within %s", id, reg.timeout)
		}
		return nil, fmt.Errorf("cannot fetch the client's metadata document at %s: %s", id, fetchProblem(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the client's metadata document at %s answered HTTP %d", id, resp.StatusCode)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return nil, fmt.Errorf("the client's metadata document at %s is not JSON (Content-Type %q)", id, mt)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxMetadataBytes+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("the client's metadata document at %s did not arrive within %s", id, reg.timeout)
		}
		return nil, fmt.Errorf("cannot read the client's metadata document at %s", id)
	}
	if len(body) > maxMetadataBytes {
		return nil, fmt.Errorf("the client's metadata document at %s is larger than %d bytes", id, maxMetadataBytes)
	}
	return parseDocument(id, body)
}

// parseDocument reads the Client ID Metadata Document body fetched from id.
func parseDocument(id string, body []byte) (*client, error) {
	var m clientMetadata
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("the client's metadata document at %s is not a JSON object of client metadata", id)
	}
	if m.ClientID != id {
		return nil, fmt.Errorf("the client's metadata document at %s names another client_id", id)
	}
	if err := m.check(true); err != nil {
		return nil, fmt.Errorf("the client's metadata document at %s: %w", id, err)
	}
	return &client{id: id, name: m.ClientName, uri: m.ClientURI, redirectURIs: m.RedirectURIs, authMethod: oidc.AuthMethodNone}, nil
}

// fetchProblem says why a fetch failed without echoing the whole URL error.
func fetchProblem(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

var errNoRedirects = errors.New("redirects are not followed for client metadata documents")

var errRefusedAddress = errors.New("the address is not public (loopback, private, link-local or reserved), so it is not fetched")

// publicOnlyClient fetches over https from public addresses only: the
// dialer refuses loopback, private, link-local, CGNAT, multicast and
// unspecified addresses, also as reached through NAT64 or 6to4, after DNS
// resolution (so a name that resolves to 127.0.0.1 is refused too), no proxy
// is used and redirects are not followed.
func publicOnlyClient() *http.Client {
	dialer := &net.Dialer{
		Timeout: defaultFetchTimeout,
		Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !publicAddr(ap.Addr()) {
				return errRefusedAddress
			}
			return nil
		},
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   defaultFetchTimeout,
			ResponseHeaderTimeout: defaultFetchTimeout,
			MaxIdleConns:          16,
			IdleConnTimeout:       time.Minute,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return errNoRedirects },
	}
}

var (
	cgnat = netip.MustParsePrefix("100.64.0.0/10")
	// IPv6 addresses that a NAT64 gateway (RFC 6052's well-known prefix, IPv4
	// in the last 32 bits) or a 6to4 relay (RFC 3056, IPv4 in bits 16-48)
	// turns into IPv4 ones; and RFC 8215's local-use NAT64 prefix, whose
	// IPv4 address sits where the network chose.
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	nat64L    = netip.MustParsePrefix("64:ff9b:1::/48")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

func publicAddr(a netip.Addr) bool {
	a = a.Unmap()
	switch b := a.As16(); {
	case !a.Is6():
	case nat64.Contains(a): // judged by the IPv4 address it reaches
		a = netip.AddrFrom4([4]byte(b[12:16]))
	case sixToFour.Contains(a):
		a = netip.AddrFrom4([4]byte(b[2:6]))
	case nat64L.Contains(a):
		return false
	}
	return a.IsValid() && a.IsGlobalUnicast() && !a.IsPrivate() && !a.IsLoopback() &&
		!a.IsLinkLocalUnicast() && !cgnat.Contains(a)
}
