package oauth

import (
	"context"
	"sync"
	"time"
)

// Store is the little state the authorization server keeps beside its
// sealed tokens: which authorization codes were used, which generation of
// each grant's refresh token was spent last, and which grants were revoked. Replicas share it through Redis;
// a single process keeps it in memory (MemoryStore).
type Store interface {
	// Use records the one-time value id as used until the given time and
	// reports whether this was its first use.
	Use(ctx context.Context, id string, until time.Time) (first bool, err error)
	// Spend records that the refresh token of generation gen of a grant was
	// used (each refresh issues generation gen+1), until the given time
	// (when that token expires; the grant's earlier ones expire before it),
	// and reports whether this was its first use: false when this
	// generation or a later one was spent already. One record per grant,
	// however often it refreshes.
	Spend(ctx context.Context, grant string, gen uint64, until time.Time) (first bool, err error)
	// Revoke marks a grant revoked until the given time (when every token
	// of the grant has expired anyway).
	Revoke(ctx context.Context, grant string, until time.Time) error
	// Revoked reports whether a grant was revoked.
	Revoked(ctx context.Context, grant string) (bool, error)
}

// MemoryStore is a Store for one process: what it records is lost on restart
// and not seen by other replicas (use Redis for those). Expired records are
// dropped as new ones come in.
type MemoryStore struct {
	now func() time.Time

	mu      sync.Mutex
	used    map[string]time.Time
	spent   map[string]spentGen
	revoked map[string]time.Time
	next    time.Time // when to sweep expired records next
}

// spentGen is the latest refresh-token generation a grant spent.
type spentGen struct {
	gen   uint64
	until time.Time
}

// NewMemoryStore returns an empty in-memory store; now is its clock
// (time.Now when nil).
func NewMemoryStore(now func() time.Time) *MemoryStore {
	if now == nil {
		now = time.Now
	}
	return &MemoryStore{now: now, used: map[string]time.Time{}, spent: map[string]spentGen{}, revoked: map[string]time.Time{}}
}

// Use implements Store.
func (m *MemoryStore) Use(_ context.Context, id string, until time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.sweep(now)
	if exp, ok := m.used[id]; ok && now.Before(exp) {
		return false, nil
	}
	m.used[id] = until
	return true, nil
}

// Spend implements Store.
func (m *MemoryStore) Spend(_ context.Context, grant string, gen uint64, until time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.sweep(now)
	if e, ok := m.spent[grant]; ok && now.Before(e.until) && gen <= e.gen {
		return false, nil
	}
	m.spent[grant] = spentGen{gen: gen, until: until}
	return true, nil
}

// Revoke implements Store.
func (m *MemoryStore) Revoke(_ context.Context, grant string, until time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sweep(m.now())
	if until.After(m.revoked[grant]) {
		m.revoked[grant] = until
	}
	return nil
}

// Revoked implements Store.
func (m *MemoryStore) Revoked(_ context.Context, grant string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	exp, ok := m.revoked[grant]
	return ok && m.now().Before(exp), nil
}

// sweep drops expired records, at most once a minute.
func (m *MemoryStore) sweep(now time.Time) {
	if now.Before(m.next) {
		return
	}
	m.next = now.Add(time.Minute)
	for k, exp := range m.used {
		if !now.Before(exp) {
			delete(m.used, k)
		}
	}
	for k, e := range m.spent {
		if !now.Before(e.until) {
			delete(m.spent, k)
		}
	}
	for k, exp := range m.revoked {
		if !now.Before(exp) {
			delete(m.revoked, k)
		}
	}
}
