package oncehub

import (
	"crypto/sha256"
	"errors"
	"net/http"
	"time"

	"github.com/maypok86/otter/v2"
)

// KeyMemoryOptions configures a KeyMemory; zero fields take the defaults.
type KeyMemoryOptions struct {
	// RejectedFor is how long a key OnceHub answered 401 is refused without
	// a request; 1 minute when zero.
	RejectedFor time.Duration
	// AcceptedFor is how long a key OnceHub accepted counts as known good;
	// 1 hour when zero.
	AcceptedFor time.Duration
	// Size bounds how many keys of each kind are remembered; 10,000 when zero.
	Size int
}

// KeyMemory remembers, by keyed fingerprint (never the key), which API keys
// OnceHub rejected (401) and which it accepted, for a while. A rejected key
// is refused without a request until it is forgotten, so repeating a bad key
// costs OnceHub nothing; Accepted tells a known-good caller from a stranger.
// Memory is bounded; the least used keys are forgotten first. It is local
// to the process (each replica learns with one request).
type KeyMemory struct {
	rejectedFor time.Duration
	bad         *otter.Cache[[sha256.Size]byte, rejection]
	accepted    *otter.Cache[[sha256.Size]byte, struct{}]
}

type rejection struct {
	err *APIError // OnceHub's answer
	at  time.Time
}

// NewKeyMemory returns an empty KeyMemory.
func NewKeyMemory(o KeyMemoryOptions) *KeyMemory {
	if o.RejectedFor <= 0 {
		o.RejectedFor = time.Minute
	}
	if o.AcceptedFor <= 0 {
		o.AcceptedFor = time.Hour
	}
	if o.Size <= 0 {
		o.Size = 10_000
	}
	return &KeyMemory{
		rejectedFor: o.RejectedFor,
		bad: otter.Must(&otter.Options[[sha256.Size]byte, rejection]{
			MaximumSize:      o.Size,
			ExpiryCalculator: otter.ExpiryWriting[[sha256.Size]byte, rejection](o.RejectedFor),
		}),
		accepted: otter.Must(&otter.Options[[sha256.Size]byte, struct{}]{
			MaximumSize:      o.Size,
			ExpiryCalculator: otter.ExpiryWriting[[sha256.Size]byte, struct{}](o.AcceptedFor),
		}),
	}
}

// Accepted reports whether OnceHub accepted the key with this fingerprint
// (Fingerprinter.Sum) recently and has not rejected it since.
func (m *KeyMemory) Accepted(sum [sha256.Size]byte) bool {
	_, ok := m.accepted.GetIfPresent(sum)
	return ok
}

// rejected returns the error a key OnceHub rejected recently is refused
// with, nil when it is not remembered as rejected.
func (m *KeyMemory) rejected(sum [sha256.Size]byte) *APIError {
	r, ok := m.bad.GetIfPresent(sum)
	if !ok {
		return nil
	}
	e := *r.err
	e.Remembered = r.at.Add(m.rejectedFor)
	return &e
}

// record learns from OnceHub's answer to a request made with the key: a 401
// rejects it; any answer that shows it passed authentication accepts it.
func (m *KeyMemory) record(sum [sha256.Size]byte, err error) {
	if err == nil {
		m.accepted.Set(sum, struct{}{})
		m.bad.Invalidate(sum)
		return
	}
	apiErr, ok := errors.AsType[*APIError](err)
	if !ok {
		return // a failure to decode a 2xx says nothing either way
	}
	switch apiErr.Status {
	case http.StatusUnauthorized:
		e := *apiErr
		m.bad.Set(sum, rejection{err: &e, at: time.Now()})
		m.accepted.Invalidate(sum)
	case http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity:
		m.accepted.Set(sum, struct{}{}) // authenticated, then refused for what was asked
	}
}
