package oauth

import (
	"errors"
	"fmt"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/oncehub-mcp/oncehub-mcp/internal/secret"
)

// kind names what a sealed value is. Each kind is sealed under its own key
// derived from the server secret, and carries its kind in the JWE "typ"
// header, so a value of one kind never opens as another (an access token
// is no refresh token, a client ID is no authorization code).
type kind string

const (
	kindClient  kind = "client"  // a dynamically registered client's metadata (the client_id)
	kindRequest kind = "request" // an authorization request waiting for the person's key
	kindCode    kind = "code"    // an authorization code
	kindAccess  kind = "access"  // an access token
	kindRefresh kind = "refresh" // a refresh token
)

var kinds = []kind{kindClient, kindRequest, kindCode, kindAccess, kindRefresh}

// maxSealedLen bounds what open parses: anything longer is not ours.
const maxSealedLen = 16 << 10

var errNotOurs = errors.New("not a value this server sealed, or sealed under another secret")

// errSealedTooLong: what was to be sealed would not open again (it would be
// longer than maxSealedLen), so it is not issued.
var errSealedTooLong = fmt.Errorf("the sealed value would be longer than the %d characters this server opens", maxSealedLen)

// sealer seals claims as compact JWE (alg "dir", enc "A256GCM": AES-256-GCM,
// authenticated encryption) under keys derived from the server secret. Any
// replica that shares ONCEHUB_SERVER_SECRET opens what another sealed; a
// value altered by one bit, or sealed under another secret, does not open.
type sealer struct {
	enc  map[kind]jose.Encrypter
	keys map[kind][]byte
}

func newSealer(sec *secret.Secret) (*sealer, error) {
	s := &sealer{enc: map[kind]jose.Encrypter{}, keys: map[kind][]byte{}}
	for _, k := range kinds {
		key := sec.Key("oauth "+string(k), 32)
		e, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.DIRECT, Key: key},
			(&jose.EncrypterOptions{}).WithType(jose.ContentType("oncehub-mcp+"+string(k))))
		if err != nil {
			return nil, fmt.Errorf("oauth: sealing key for %s: %w", k, err)
		}
		s.enc[k], s.keys[k] = e, key
	}
	return s, nil
}

// seal returns claims (a struct with JSON tags) sealed as kind k, or
// errSealedTooLong when the result would be too long for open.
func (s *sealer) seal(k kind, claims any) (string, error) {
	v, err := jwt.Encrypted(s.enc[k]).Claims(claims).Serialize()
	if err == nil && len(v) > maxSealedLen {
		return "", errSealedTooLong
	}
	return v, err
}

// open decrypts a value sealed as kind k into out (a pointer). It checks
// authenticity only; the caller checks expiry, issuer and audience.
func (s *sealer) open(k kind, value string, out any) error {
	if value == "" || len(value) > maxSealedLen {
		return errNotOurs
	}
	tok, err := jwt.ParseEncrypted(value, []jose.KeyAlgorithm{jose.DIRECT}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		return errNotOurs
	}
	if len(tok.Headers) != 1 || tok.Headers[0].ExtraHeaders[jose.HeaderType] != "oncehub-mcp+"+string(k) {
		return errNotOurs
	}
	if err := tok.Claims(s.keys[k], out); err != nil {
		return errNotOurs
	}
	return nil
}
