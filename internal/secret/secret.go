// Package secret holds the server's secret and derives purpose-bound keys from
// it. Replicas that share ONCEHUB_SERVER_SECRET derive the same keys, so any
// replica can check what another signed or sealed (session IDs, OAuth tokens,
// keyed fingerprints). Without a configured secret the server makes a random
// one at start: everything it signs is then valid only in that process.
package secret

import (
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
)

// MinLength is the shortest configured secret accepted, in bytes.
const MinLength = 32

// Secret is the server's master secret. Its zero value is not usable; build
// one with Parse or Random.
type Secret struct {
	master    []byte
	ephemeral bool
}

// Parse accepts a configured secret (ONCEHUB_SERVER_SECRET): at least
// MinLength bytes after trimming spaces.
func Parse(s string) (*Secret, error) {
	s = strings.TrimSpace(s)
	if len(s) < MinLength {
		return nil, fmt.Errorf("ONCEHUB_SERVER_SECRET must be at least %d bytes (got %d); make one with: openssl rand -base64 48", MinLength, len(s))
	}
	return &Secret{master: []byte(s)}, nil
}

// Random returns a secret that lives only as long as this process.
func Random() *Secret {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return &Secret{master: b, ephemeral: true}
}

// Ephemeral reports whether the secret was made at start (not configured):
// what it signs does not survive a restart and is not valid on other replicas.
func (s *Secret) Ephemeral() bool { return s.ephemeral }

// Key derives an n-byte key for purpose (HKDF-SHA256). Distinct purposes give
// independent keys, so a key for one use can never verify another's data.
func (s *Secret) Key(purpose string, n int) []byte {
	if purpose == "" {
		panic(errors.New("secret: a key needs a purpose"))
	}
	k, err := hkdf.Key(sha256.New, s.master, nil, "oncehub-mcp "+purpose, n)
	if err != nil {
		panic(err) // only for n > 255*32, a programming error
	}
	return k
}
