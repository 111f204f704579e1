package oncehub

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
)

// Fingerprinter labels API keys (and other credentials) for logs, metrics,
// rate-limit and cache keys without revealing them: an HMAC-SHA256 under a
// secret key. Without the key a label cannot be tested against guessed keys
// offline, and processes that share the key (replicas configured with the
// same server secret) agree on every label.
type Fingerprinter struct{ key []byte }

// NewFingerprinter returns a Fingerprinter keyed with key (at least 16 bytes
// to mean anything). A nil or empty key gets a random one, good for this
// process only.
func NewFingerprinter(key []byte) *Fingerprinter {
	if len(key) == 0 {
		key = make([]byte, 32)
		_, _ = rand.Read(key) // crypto/rand.Read never fails (Go 1.24+)
	}
	return &Fingerprinter{key: append([]byte(nil), key...)}
}

// Sum is the whole HMAC of s: the identity of a credential where a collision
// must never happen (a cache shared by several keys).
func (f *Fingerprinter) Sum(s string) [sha256.Size]byte {
	m := hmac.New(sha256.New, f.key)
	m.Write([]byte(s))
	var out [sha256.Size]byte
	m.Sum(out[:0])
	return out
}

// Label is 16 hex digits (64 bits) of s's HMAC, with prefix: short enough for
// a log line, long enough that two tenants of one server never share a
// rate-limit budget by accident. "none" for an empty s.
func (f *Fingerprinter) Label(prefix, s string) string {
	if s == "" {
		return "none"
	}
	return labelOf(prefix, f.Sum(s))
}

func labelOf(prefix string, sum [sha256.Size]byte) string {
	return prefix + hex.EncodeToString(sum[:8])
}

// Fingerprint labels an API key: "key:" and 16 hex digits (see Label).
func (f *Fingerprinter) Fingerprint(apiKey string) string { return f.Label("key:", apiKey) }
