package oauth

import (
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// client is an OAuth client as zitadel/oidc's op package sees it: one
// registered dynamically (its metadata sealed into its client_id) or one
// described by a Client ID Metadata Document (its client_id is the
// document's https URL).
//
// Every client is treated as a native application in op's terms: redirect
// URIs are matched exactly, except that a loopback redirect (http://127.0.0.1,
// http://[::1], http://localhost) matches on any port (RFC 8252 §7.3), and
// private-use schemes (cursor://…) are allowed for desktop apps.
type client struct {
	id           string
	name         string
	uri          string // client_uri, for the page's link (optional)
	redirectURIs []string
	authMethod   oidc.AuthMethod // none, or client_secret_basic/post for DCR clients given a secret
}

var _ op.Client = (*client)(nil)

func (c *client) GetID() string                    { return c.id }
func (c *client) RedirectURIs() []string           { return c.redirectURIs }
func (c *client) PostLogoutRedirectURIs() []string { return nil }
func (c *client) ApplicationType() op.ApplicationType {
	return op.ApplicationTypeNative
}
func (c *client) AuthMethod() oidc.AuthMethod { return c.authMethod }
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *client) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
}
func (c *client) LoginURL(string) string               { return PathLogin }
func (c *client) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c *client) IDTokenLifetime() time.Duration       { return 0 }
func (c *client) DevMode() bool                        { return false }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return false }
func (c *client) ClockSkew() time.Duration             { return 0 }
func (c *client) IsScopeAllowed(scope string) bool     { return scope == Scope }
func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

// displayName is how the page names the client: its name, else the host of
// its client ID URL or first redirect URI.
func (c *client) displayName() string {
	if c.name != "" {
		return c.name
	}
	if u, err := url.Parse(c.id); err == nil && u.Scheme == "https" && u.Host != "" {
		return u.Host
	}
	return "An MCP client"
}

// checkRedirectURI refuses redirect URIs that cannot be registered: not
// absolute, with a fragment, plain http to a host other than loopback, or a
// scheme a browser would run (javascript:, data:, …).
func checkRedirectURI(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || raw != strings.TrimSpace(raw) {
		return errf("redirect URI %q is not an absolute URI", raw)
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return errf("redirect URI %q must not have a fragment", raw)
	}
	switch scheme := strings.ToLower(u.Scheme); scheme {
	case "https":
		if u.Host == "" {
			return errf("redirect URI %q has no host", raw)
		}
	case "http":
		if !isLoopbackHost(u.Hostname()) {
			return errf("redirect URI %q: plain http is allowed only to a loopback address (127.0.0.1, [::1], localhost)", raw)
		}
	case "javascript", "data", "file", "vbscript", "about", "blob", "filesystem", "ftp", "ws", "wss":
		return errf("redirect URI %q uses a scheme that cannot receive an authorization response", raw)
	default:
		// A private-use scheme of a desktop app (RFC 8252 §7.1), e.g. cursor://.
	}
	return nil
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// redirectHost is the host a redirect URI sends the person's browser to, as
// the page shows it ("127.0.0.1:33418", "claude.ai", "cursor://").
func redirectHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if u.Host != "" {
		return u.Host
	}
	return u.Scheme + "://"
}
