package oncehub

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/maypok86/otter/v2"
)

// CacheOptions configures a Cache; zero fields take the defaults.
type CacheOptions struct {
	// TTL is how long an answer is served from memory; 30 s when zero.
	TTL time.Duration
	// MaxBytes bounds the memory the answers take; 16 MiB when zero.
	MaxBytes int
	// MaxEntryBytes: a larger answer is not kept; 512 KiB when zero.
	MaxEntryBytes int
}

// Cache keeps OnceHub's answers to reads of reference data that rarely
// changes — booking calendars, event types, users, teams and booking pages,
// as lists and one by one — for a short time, per API key: a caller is only
// ever answered with what its own key read. Any write made through the
// client with a key drops what that key read. Bookings, time slots,
// contacts, webhooks and everything else always go to OnceHub. Concurrent
// identical reads share one request. Memory is bounded by MaxBytes.
//
// Writes made elsewhere (OnceHub's UI, another replica) are seen once the
// TTL has passed.
type Cache struct {
	ttl      time.Duration
	maxEntry int
	entries  *otter.Cache[cacheKey, *cacheEntry]

	mu   sync.Mutex
	gens map[[sha256.Size]byte]generation // accounts that wrote lately
	seq  atomic.Uint64

	hits, misses atomic.Int64
}

type cacheKey struct {
	acct [sha256.Size]byte // the key's HMAC (Fingerprinter.Sum): no two keys share an entry
	gen  uint64            // the account's generation (bumped by each write)
	url  string
}

type cacheEntry struct {
	data   []byte
	status int
	header http.Header
}

type generation struct {
	n  uint64
	at time.Time
}

// cachedRoutes are the routes whose GET answers a Cache keeps.
var cachedRoutes = map[string]bool{
	"/booking-calendars": true, "/booking-calendars/{id}": true,
	"/event-types": true, "/event-types/{id}": true,
	"/users": true, "/users/{id}": true,
	"/teams": true, "/teams/{id}": true,
	"/booking-pages": true, "/booking-pages/{id}": true,
}

// NewCache returns an empty cache.
func NewCache(o CacheOptions) *Cache {
	if o.TTL <= 0 {
		o.TTL = 30 * time.Second
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 16 << 20
	}
	if o.MaxEntryBytes <= 0 {
		o.MaxEntryBytes = 512 << 10
	}
	return &Cache{
		ttl:      o.TTL,
		maxEntry: o.MaxEntryBytes,
		gens:     map[[sha256.Size]byte]generation{},
		entries: otter.Must(&otter.Options[cacheKey, *cacheEntry]{
			MaximumWeight:    uint64(o.MaxBytes),
			Weigher:          func(k cacheKey, e *cacheEntry) uint32 { return uint32(len(e.data) + len(k.url) + 256) },
			ExpiryCalculator: otter.ExpiryWriting[cacheKey, *cacheEntry](o.TTL),
		}),
	}
}

// CacheStats counts reads answered from memory and reads sent to OnceHub.
type CacheStats struct{ Hits, Misses int64 }

// Stats returns the counts so far.
func (c *Cache) Stats() CacheStats { return CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load()} }

// Size is the memory the kept answers take, in bytes (approximately).
func (c *Cache) Size() uint64 { return c.entries.WeightedSize() }

func (c *Cache) holds(route string) bool { return cachedRoutes[route] }

// generationOf is the account's current generation: 0 unless it wrote lately.
func (c *Cache) generationOf(acct [sha256.Size]byte) uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gens[acct].n
}

// genKeep is how long an account's generation is remembered after its last
// write: past it, every entry stored under an older generation has expired
// (loads end within an attempt timeout), so generation 0 is safe again.
func (c *Cache) genKeep() time.Duration { return c.ttl + 5*time.Minute }

// invalidate drops what acct read: its generation moves on (so a read still
// in flight cannot store an answer older than the write where later reads
// find it) and its entries are deleted.
func (c *Cache) invalidate(acct [sha256.Size]byte) {
	now := time.Now()
	c.mu.Lock()
	for a, g := range c.gens {
		if now.Sub(g.at) > c.genKeep() {
			delete(c.gens, a)
		}
	}
	c.gens[acct] = generation{n: c.seq.Add(1), at: now}
	c.mu.Unlock()
	for k := range c.entries.Keys() {
		if k.acct == acct {
			c.entries.Invalidate(k)
		}
	}
}

// errTooLarge tells the loader's caller that an answer was decoded but not kept.
var errTooLarge = errors.New("answer too large to cache")

// cached answers a read of reference data from the cache, or sends it (once
// for every concurrent identical read) and keeps the answer.
func (c *Client) cached(ctx context.Context, s *sending, out any) (*Response, error) {
	cache := c.cache
	key := cacheKey{acct: s.acct, gen: cache.generationOf(s.acct), url: s.u.String()}
	var resp *Response
	loaded := false
	ent, err := cache.entries.Get(ctx, key, otter.LoaderFunc[cacheKey, *cacheEntry](func(ctx context.Context, _ cacheKey) (*cacheEntry, error) {
		loaded = true
		cache.misses.Add(1)
		var data []byte
		r, err := c.send(ctx, s, func(b []byte) error {
			if err := decodeInto(s.req, b, out); err != nil {
				return err
			}
			data = b
			return nil
		})
		resp = r
		if err != nil {
			return nil, err
		}
		if len(data) > cache.maxEntry {
			return nil, errTooLarge
		}
		return &cacheEntry{data: data, status: r.StatusCode, header: r.Header.Clone()}, nil
	}))
	switch {
	case loaded && (err == nil || errors.Is(err, errTooLarge)):
		return resp, nil // out was decoded by this call's own request
	case loaded:
		return resp, err
	case err != nil:
		// Another call's request failed: this one tries on its own.
		return c.send(ctx, s, func(data []byte) error { return decodeInto(s.req, data, out) })
	}
	cache.hits.Add(1)
	if err := decodeInto(s.req, ent.data, out); err != nil {
		return nil, err
	}
	return &Response{StatusCode: ent.status, Header: ent.header.Clone(), RequestID: ent.header.Get("Request-Id"), Rate: parseRate(ent.header)}, nil
}
