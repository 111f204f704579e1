package oauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// What each sealed value holds. All are JWE (see seal.go); the OnceHub key
// (K) is inside the encrypted payload, never readable without the secret.

// requestClaims is an authorization request waiting for the person's key:
// everything op validated at /authorize, carried through the page.
type requestClaims struct {
	jwt.Claims           // iss, exp, jti (the CSRF cookie's value)
	ClientID      string `json:"cid"`
	ClientName    string `json:"cn,omitempty"`
	ClientURI     string `json:"cu,omitempty"`
	RedirectURI   string `json:"ru"`
	State         string `json:"st,omitempty"`
	CodeChallenge string `json:"cc"`
	Scope         string `json:"sc,omitempty"`
	Resource      string `json:"rs"`
	ResponseMode  string `json:"rm,omitempty"`
}

// codeClaims is an authorization code.
type codeClaims struct {
	jwt.Claims           // iss, exp, jti (single use)
	ClientID      string `json:"cid"`
	RedirectURI   string `json:"ru"`
	CodeChallenge string `json:"cc"`
	Scope         string `json:"sc,omitempty"`
	Resource      string `json:"rs"`
	Grant         string `json:"gid"`
	Key           string `json:"k"`
}

// accessClaims is an access token: RFC 9068's claims (iss, aud = the MCP
// endpoint, sub, exp, iat, jti, client_id, scope) plus the grant and the key.
type accessClaims struct {
	jwt.Claims
	ClientID string `json:"client_id"`
	Scope    string `json:"scope,omitempty"`
	Grant    string `json:"gid"`
	Key      string `json:"k"`
}

// refreshClaims is a refresh token (single use: each refresh rotates it).
// Gen counts the grant's refresh tokens (1 from the code, each refresh the
// next), so that the store keeps one record per grant, its latest spent
// generation; 0 in tokens issued before generations were counted.
type refreshClaims struct {
	jwt.Claims        // iss, aud = iss, exp, iat, jti
	Gen        uint64 `json:"gen,omitempty"`
	ClientID   string `json:"client_id"`
	Scope      string `json:"scope,omitempty"`
	Resource   string `json:"rs"`
	Grant      string `json:"gid"`
	Key        string `json:"k"`
}

// grant is what a token response is minted from; gen is the generation of
// the refresh token to issue.
type grant struct {
	iss, clientID, scope, resource, id, key string
	gen                                     uint64
}

// mintTokens issues an access token and a refresh token for g.
func (s *Server) mintTokens(g grant) (*op.Response, error) {
	now := s.now()
	access := accessClaims{
		Claims: jwt.Claims{
			Issuer:   g.iss,
			Audience: jwt.Audience{g.resource},
			Subject:  subject(g.key),
			IssuedAt: jwt.NewNumericDate(now),
			Expiry:   jwt.NewNumericDate(now.Add(AccessTokenLifetime)),
			ID:       randomID(16),
		},
		ClientID: g.clientID, Scope: g.scope, Grant: g.id, Key: g.key,
	}
	at, err := s.seal.seal(kindAccess, access)
	if err != nil {
		return nil, oidc.ErrServerError().WithParent(err)
	}
	refresh := refreshClaims{
		Claims: jwt.Claims{
			Issuer:   g.iss,
			Audience: jwt.Audience{g.iss},
			Subject:  subject(g.key),
			IssuedAt: jwt.NewNumericDate(now),
			Expiry:   jwt.NewNumericDate(now.Add(RefreshTokenLifetime)),
			ID:       randomID(16),
		},
		Gen:      g.gen,
		ClientID: g.clientID, Scope: g.scope, Resource: g.resource, Grant: g.id, Key: g.key,
	}
	rt, err := s.seal.seal(kindRefresh, refresh)
	if err != nil {
		return nil, oidc.ErrServerError().WithParent(err)
	}
	resp := op.NewResponse(&oidc.AccessTokenResponse{
		AccessToken:  at,
		TokenType:    oidc.BearerToken,
		RefreshToken: rt,
		ExpiresIn:    uint64(AccessTokenLifetime / time.Second),
		Scope:        oidc.SpaceDelimitedArray{g.scope},
	})
	resp.Header.Set("Cache-Control", "no-store")
	resp.Header.Set("Pragma", "no-cache")
	return resp, nil
}

// revokeGrant ends a grant: its refresh tokens no longer refresh and its
// access tokens are refused, on every replica sharing the store.
func (s *Server) revokeGrant(ctx context.Context, id string) error {
	return s.store.Revoke(ctx, id, s.now().Add(RefreshTokenLifetime))
}

// subject names the account without naming the key: a fingerprint of the
// key (as oncehub.Fingerprint writes it in logs).
func subject(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "key:" + hex.EncodeToString(sum[:4])
}
