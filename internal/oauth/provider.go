package oauth

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// provider implements zitadel/oidc's op.Server: op's web server decodes
// each request, authenticates the client through VerifyClient, checks the
// authorization request's redirect URI (exact, or loopback on any port),
// prompt, scopes, response type and code challenge method, and writes OAuth
// errors (redirected to the client with its state once the redirect URI is
// known good). These methods add the rules of this server and mint sealed
// tokens. Everything op offers that is not implemented here (OpenID
// Connect, userinfo, introspection, other grants) answers "unsupported".
type provider struct {
	op.UnimplementedServer
	s *Server
}

// VerifyAuthRequest finds the client (dynamically registered, or described
// by a Client ID Metadata Document) and fills in the default scope.
func (p *provider) VerifyAuthRequest(ctx context.Context, r *op.Request[oidc.AuthRequest]) (*op.ClientRequest[oidc.AuthRequest], error) {
	if r.Data.RequestParam != "" {
		return nil, oidc.ErrRequestNotSupported()
	}
	if r.Data.ClientID == "" {
		return nil, oidc.ErrInvalidRequest().WithDescription("client_id is missing")
	}
	c, err := p.s.clients.lookup(ctx, r.Data.ClientID)
	if err != nil {
		return nil, lookupError(err, http.StatusBadRequest)
	}
	if len(r.Data.Scopes) == 0 {
		r.Data.Scopes = oidc.SpaceDelimitedArray{Scope}
	}
	return &op.ClientRequest[oidc.AuthRequest]{Request: r, Client: c}, nil
}

// lookupError is the OAuth error for a client that could not be looked up:
// "temporarily_unavailable" (503) when every metadata-document fetch slot is
// taken, else invalid_client with the given status.
func lookupError(err error, status int) error {
	if errors.Is(err, errFetchesBusy) {
		return op.NewStatusError(&oidc.Error{ErrorType: "temporarily_unavailable", Description: err.Error()}, http.StatusServiceUnavailable)
	}
	return op.NewStatusError(oidc.ErrInvalidClient().WithDescription("%s", err.Error()), status)
}

// Authorize runs once op has accepted the request and its redirect URI: it
// insists on PKCE with S256 and on this server as the resource, then sends
// the browser to the key-entry page with the request sealed in its URL.
func (p *provider) Authorize(ctx context.Context, r *op.ClientRequest[oidc.AuthRequest]) (*op.Redirect, error) {
	iss := issuerFrom(ctx)
	if r.Data.CodeChallenge == "" || r.Data.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("PKCE is required: send code_challenge with code_challenge_method=S256")
	}
	resource, err := p.s.checkResource(iss, r.Form["resource"])
	if err != nil {
		return nil, err
	}
	if r.Data.ResponseMode != "" && r.Data.ResponseMode != oidc.ResponseModeQuery {
		return nil, oidc.ErrInvalidRequest().WithDescription("only response_mode=query is supported")
	}
	c := r.Client.(*client)
	now := p.s.now()
	sealed, err := p.s.seal.seal(kindRequest, requestClaims{
		Claims: jwt.Claims{
			Issuer: iss,
			Expiry: jwt.NewNumericDate(now.Add(requestLifetime)),
			ID:     randomID(16),
		},
		ClientID:      c.id,
		ClientName:    c.displayName(),
		ClientURI:     c.uri,
		RedirectURI:   r.Data.RedirectURI,
		State:         r.Data.State,
		CodeChallenge: r.Data.CodeChallenge,
		Scope:         strings.Join(r.Data.Scopes, " "),
		Resource:      resource,
	})
	if errors.Is(err, errSealedTooLong) {
		return nil, oidc.ErrInvalidRequest().WithDescription("the authorization request is too large to carry through the sign-in page: send a shorter state")
	}
	if err != nil {
		return nil, oidc.ErrServerError().WithParent(err)
	}
	// Relative, so the browser stays on the origin it reached us on.
	return op.NewRedirect(PathLogin + "?request=" + url.QueryEscape(sealed)), nil
}

// checkResource accepts the RFC 8707 resource parameters of a request when
// each names this server's MCP endpoint (a trailing slash aside); none at
// all means this server too, the only resource it issues tokens for.
func (s *Server) checkResource(iss string, values []string) (string, error) {
	want := s.resource(iss)
	for _, v := range values {
		if strings.TrimSuffix(v, "/") != want {
			return "", oidc.ErrInvalidTarget().WithDescription("this authorization server issues tokens only for the resource %s", want)
		}
	}
	return want, nil
}

// VerifyClient authenticates the client at the token and revocation
// endpoints: public clients by their client_id alone (PKCE protects their
// codes), clients registered with a secret by that secret.
func (p *provider) VerifyClient(ctx context.Context, r *op.Request[op.ClientCredentials]) (op.Client, error) {
	if r.Data.ClientAssertion != "" {
		return nil, op.NewStatusError(oidc.ErrInvalidClient().WithDescription("client assertions are not supported"), http.StatusUnauthorized)
	}
	c, err := p.s.clients.lookup(ctx, r.Data.ClientID)
	if err != nil {
		return nil, lookupError(err, http.StatusUnauthorized)
	}
	if c.authMethod == oidc.AuthMethodNone {
		if r.Data.ClientSecret != "" {
			return nil, op.NewStatusError(oidc.ErrInvalidClient().WithDescription("this client was registered without a secret"), http.StatusUnauthorized)
		}
		return c, nil
	}
	want := p.s.clients.secretFor(c.id)
	if subtle.ConstantTimeCompare([]byte(r.Data.ClientSecret), []byte(want)) != 1 {
		return nil, op.NewStatusError(oidc.ErrInvalidClient().WithDescription("wrong client secret"), http.StatusUnauthorized)
	}
	return c, nil
}

// CodeExchange redeems an authorization code, once. The code must be this
// server's, unexpired, issued to this client for this redirect URI and
// resource, and the PKCE verifier must match; only then is it spent, so a
// stolen code without its verifier cannot use up the real client's code.
func (p *provider) CodeExchange(ctx context.Context, r *op.ClientRequest[oidc.AccessTokenRequest]) (*op.Response, error) {
	iss := issuerFrom(ctx)
	var c codeClaims
	if err := p.s.seal.open(kindCode, r.Data.Code, &c); err != nil {
		return nil, oidc.ErrInvalidGrant().WithDescription("unknown authorization code")
	}
	if err := c.ValidateWithLeeway(jwt.Expected{Issuer: iss, Time: p.s.now()}, 0); err != nil || c.Expiry == nil {
		return nil, oidc.ErrInvalidGrant().WithDescription("the authorization code has expired or is not for this server")
	}
	if c.ClientID != r.Client.GetID() {
		return nil, oidc.ErrInvalidGrant().WithDescription("the authorization code was issued to another client")
	}
	if r.Data.RedirectURI != c.RedirectURI {
		return nil, oidc.ErrInvalidGrant().WithDescription("redirect_uri does not match the authorization request")
	}
	if err := op.AuthorizeCodeChallenge(r.Data.CodeVerifier, &oidc.CodeChallenge{Challenge: c.CodeChallenge, Method: oidc.CodeChallengeMethodS256}); err != nil {
		return nil, err
	}
	if _, err := p.s.checkResource(iss, r.Form["resource"]); err != nil {
		return nil, err
	}
	first, err := p.s.store.Use(ctx, "code:"+c.ID, c.Expiry.Time())
	if err != nil {
		return nil, oidc.ErrServerError().WithDescription("cannot record the code's use; try again").WithParent(err)
	}
	if !first {
		// RFC 6749 §4.1.2: a code used twice may have been stolen; end
		// whatever the first use obtained.
		_ = p.s.revokeGrant(ctx, c.Grant)
		p.s.log.Info("authorization code used twice: its grant is revoked", "client", logClientID(c.ClientID))
		return nil, oidc.ErrInvalidGrant().WithDescription("the authorization code was already used")
	}
	p.s.log.Info("OAuth grant issued", "client", logClientID(c.ClientID), "key", subject(c.Key))
	return p.s.mintTokens(grant{iss: iss, clientID: c.ClientID, scope: c.Scope, resource: c.Resource, id: c.Grant, key: c.Key, gen: 1})
}

// RefreshToken rotates a refresh token: the old one is spent, a new pair is
// issued. A refresh token presented twice means one copy was stolen, so the
// whole grant is revoked (OAuth 2.1 §4.3.1).
func (p *provider) RefreshToken(ctx context.Context, r *op.ClientRequest[oidc.RefreshTokenRequest]) (*op.Response, error) {
	iss := issuerFrom(ctx)
	var c refreshClaims
	if err := p.s.seal.open(kindRefresh, r.Data.RefreshToken, &c); err != nil {
		return nil, oidc.ErrInvalidGrant().WithDescription("unknown refresh token")
	}
	if err := c.ValidateWithLeeway(jwt.Expected{Issuer: iss, AnyAudience: jwt.Audience{iss}, Time: p.s.now()}, 0); err != nil || c.Expiry == nil {
		return nil, oidc.ErrInvalidGrant().WithDescription("the refresh token has expired or is not for this server")
	}
	if c.ClientID != r.Client.GetID() {
		return nil, oidc.ErrInvalidGrant().WithDescription("the refresh token was issued to another client")
	}
	for _, sc := range r.Data.Scopes {
		if !slices.Contains(strings.Fields(c.Scope), sc) {
			return nil, oidc.ErrInvalidScope().WithDescription("scope %q was not granted", sc)
		}
	}
	if _, err := p.s.checkResource(iss, r.Form["resource"]); err != nil {
		return nil, err
	}
	revoked, err := p.s.store.Revoked(ctx, c.Grant)
	if err != nil {
		return nil, oidc.ErrServerError().WithDescription("cannot check the grant; try again").WithParent(err)
	}
	if revoked {
		return nil, oidc.ErrInvalidGrant().WithDescription("the grant was revoked: authorize again")
	}
	var first bool
	if c.Gen == 0 { // issued before generations were counted: spent by ID
		first, err = p.s.store.Use(ctx, "refresh:"+c.ID, c.Expiry.Time())
	} else {
		first, err = p.s.store.Spend(ctx, c.Grant, c.Gen, c.Expiry.Time())
	}
	if err != nil {
		return nil, oidc.ErrServerError().WithDescription("cannot record the refresh token's use; try again").WithParent(err)
	}
	if !first {
		_ = p.s.revokeGrant(ctx, c.Grant)
		p.s.log.Info("refresh token used twice: its grant is revoked", "client", logClientID(c.ClientID))
		return nil, oidc.ErrInvalidGrant().WithDescription("the refresh token was already used; the grant is revoked: authorize again")
	}
	return p.s.mintTokens(grant{iss: iss, clientID: c.ClientID, scope: c.Scope, resource: c.Resource, id: c.Grant, key: c.Key, gen: c.Gen + 1})
}

// Revocation (RFC 7009) ends the grant of a refresh or access token issued
// to the calling client. Tokens that are not this server's are ignored, as
// the RFC asks.
func (p *provider) Revocation(ctx context.Context, r *op.ClientRequest[oidc.RevocationRequest]) (*op.Response, error) {
	clientID, grantID, ok := p.s.tokenGrant(r.Data.Token, r.Data.TokenTypeHint)
	if !ok {
		return op.NewResponse(struct{}{}), nil
	}
	if clientID != r.Client.GetID() {
		return nil, op.NewStatusError(oidc.ErrInvalidClient().WithDescription("the token was issued to another client"), http.StatusUnauthorized)
	}
	if err := p.s.revokeGrant(ctx, grantID); err != nil {
		return nil, op.NewStatusError(oidc.ErrServerError().WithDescription("cannot revoke now; try again").WithParent(err), http.StatusServiceUnavailable)
	}
	p.s.log.Info("OAuth grant revoked", "client", logClientID(clientID))
	return op.NewResponse(struct{}{}), nil
}

// tokenGrant opens a refresh or access token (expired ones too: revoking
// them still ends their grant) and returns its client and grant.
func (s *Server) tokenGrant(token, hint string) (clientID, grantID string, ok bool) {
	order := []kind{kindRefresh, kindAccess}
	if hint == "access_token" {
		order = []kind{kindAccess, kindRefresh}
	}
	for _, k := range order {
		var c struct {
			ClientID string `json:"client_id"`
			Grant    string `json:"gid"`
		}
		if s.seal.open(k, token, &c) == nil && c.Grant != "" {
			return c.ClientID, c.Grant, true
		}
	}
	return "", "", false
}

// logClientID shortens a client ID for logs: a metadata document's URL as
// it is, a sealed registration by its first characters.
func logClientID(id string) string {
	if strings.HasPrefix(id, "https://") || strings.HasPrefix(id, "http://") || len(id) <= 16 {
		return id
	}
	return id[:16] + "…"
}
