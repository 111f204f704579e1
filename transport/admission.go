package transport

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Tenant is who an HTTP request comes from, for admission: one caller's
// calls are bounded so that they cannot delay anyone else's.
type Tenant struct {
	// ID is a stable label of the caller's credential that is no secret
	// (a keyed fingerprint); "" when the request carries none.
	ID string
	// Trusted: the credential is known good (an access token the operator
	// issued, an OnceHub key OnceHub accepted lately). Untrusted callers —
	// a stranger trying keys, a key not yet seen — are admitted together
	// per client address, and their calls per minute are capped per address.
	Trusted bool
}

// admission bounds the calls that run at once: in total (capacity) and per
// tenant lane (perLane, counting calls that sleep for a rate-limit turn).
// When the total is reached, waiting calls get slots round-robin between
// lanes, not first come first served, so a lane with a hundred calls queued
// does not delay a lane with one. A call that sleeps for a rate-limit turn
// lends its slot meanwhile (suspend) and takes one back, ahead of new calls,
// when it wakes (resume).
type admission struct {
	mu       sync.Mutex
	capacity int
	perLane  int
	running  int
	lanes    map[string]*lane
	ring     []*lane // lanes with queued calls, round-robin order
	next     int
	resumers []*slotWaiter // calls waking from a rate-limit sleep: served first
	closed   bool
}

type lane struct {
	id       string
	admitted int // running or suspended
	queue    []*slotWaiter
}

type slotWaiter struct {
	ready   chan struct{}
	granted bool
}

// Ticket is an admitted call's hold on its slot. It is in the request's
// context (AdmissionFrom); its RateWait and RateWaitDone methods lend the
// slot while the call sleeps for a rate-limit turn (oncehub.RateWaitHook).
type Ticket struct {
	a       *admission
	lane    *lane
	mu      sync.Mutex
	running bool // holds a slot of the total (not lent)
	done    bool
}

var (
	errLaneFull = errors.New("too many calls in flight for this caller")
	errBusy     = errors.New("too many calls in flight")
	errStopping = errors.New("the server is shutting down")
)

func newAdmission(capacity, perLane int) *admission {
	return &admission{capacity: capacity, perLane: min(perLane, capacity), lanes: map[string]*lane{}}
}

// acquire admits a call of lane id, waiting up to timeout for a slot.
func (a *admission) acquire(ctx context.Context, id string, timeout time.Duration) (*Ticket, error) {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil, errStopping
	}
	l := a.lanes[id]
	if l == nil {
		l = &lane{id: id}
		a.lanes[id] = l
	}
	w := &slotWaiter{ready: make(chan struct{})}
	if len(l.queue) == 0 {
		a.ring = append(a.ring, l)
	}
	l.queue = append(l.queue, w)
	a.dispatch()
	if w.granted {
		a.mu.Unlock()
		return &Ticket{a: a, lane: l, running: true}, nil
	}
	a.mu.Unlock()

	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-w.ready:
	case <-t.C:
	case <-ctx.Done():
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if w.granted {
		return &Ticket{a: a, lane: l, running: true}, nil
	}
	a.dequeue(l, w)
	switch {
	case a.closed:
		return nil, errStopping
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case l.admitted >= a.perLane && a.perLane < a.capacity:
		return nil, errLaneFull
	default:
		return nil, errBusy
	}
}

// dequeue takes w, which gave up, out of l's queue. mu is held.
func (a *admission) dequeue(l *lane, w *slotWaiter) {
	for i, x := range l.queue {
		if x == w {
			l.queue = append(l.queue[:i], l.queue[i+1:]...)
			break
		}
	}
	if len(l.queue) == 0 {
		a.unring(l)
	}
	a.forget(l)
}

func (a *admission) unring(l *lane) {
	for i, x := range a.ring {
		if x == l {
			a.ring = append(a.ring[:i], a.ring[i+1:]...)
			if i < a.next {
				a.next--
			}
			return
		}
	}
}

func (a *admission) forget(l *lane) {
	if l.admitted == 0 && len(l.queue) == 0 {
		delete(a.lanes, l.id)
	}
}

// dispatch hands free slots out: to waking calls first, then to the queued
// lane with the fewest calls admitted (round-robin among equals), skipping
// lanes at their bound. mu is held.
func (a *admission) dispatch() {
	for a.running < a.capacity {
		if len(a.resumers) > 0 {
			w := a.resumers[0]
			a.resumers = a.resumers[1:]
			a.running++
			w.granted = true
			close(w.ready)
			continue
		}
		// The lane with the fewest calls admitted goes first; among equals,
		// the next in round-robin order.
		best := -1
		for k := range len(a.ring) {
			i := (a.next + k) % len(a.ring)
			l := a.ring[i]
			if l.admitted < a.perLane && (best < 0 || l.admitted < a.ring[best].admitted) {
				best = i
			}
		}
		if best < 0 {
			return
		}
		l := a.ring[best]
		w := l.queue[0]
		l.queue = l.queue[1:]
		l.admitted++
		a.running++
		w.granted = true
		close(w.ready)
		if len(l.queue) == 0 {
			a.ring = append(a.ring[:best], a.ring[best+1:]...)
			a.next = best
		} else {
			a.next = best + 1
		}
		if len(a.ring) > 0 {
			a.next %= len(a.ring)
		} else {
			a.next = 0
		}
	}
}

// close refuses every call from now on and wakes the queued ones.
func (a *admission) close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.closed = true
	for _, l := range a.ring {
		for _, w := range l.queue {
			close(w.ready) // not granted: acquire sees closed
		}
		l.queue = nil
		a.forget(l)
	}
	a.ring = nil
}

// release ends the call's hold.
func (t *Ticket) release() {
	t.mu.Lock()
	if t.done {
		t.mu.Unlock()
		return
	}
	t.done = true
	running := t.running
	t.running = false
	t.mu.Unlock()
	a := t.a
	a.mu.Lock()
	defer a.mu.Unlock()
	if running {
		a.running--
	}
	t.lane.admitted--
	a.forget(t.lane)
	a.dispatch()
}

// RateWait lends the call's slot while it sleeps for a rate-limit turn.
func (t *Ticket) RateWait() {
	t.mu.Lock()
	if !t.running || t.done {
		t.mu.Unlock()
		return
	}
	t.running = false
	t.mu.Unlock()
	a := t.a
	a.mu.Lock()
	a.running--
	a.dispatch()
	a.mu.Unlock()
}

// RateWaitDone takes a slot back after a rate-limit sleep, ahead of calls
// not yet admitted; it waits while every slot is busy, until ctx ends.
func (t *Ticket) RateWaitDone(ctx context.Context) error {
	t.mu.Lock()
	if t.running || t.done {
		t.mu.Unlock()
		return nil
	}
	t.mu.Unlock()
	a := t.a
	a.mu.Lock()
	if len(a.resumers) == 0 && a.running < a.capacity {
		a.running++
		a.mu.Unlock()
		t.setRunning()
		return nil
	}
	w := &slotWaiter{ready: make(chan struct{})}
	a.resumers = append(a.resumers, w)
	a.mu.Unlock()
	select {
	case <-w.ready:
		t.setRunning()
		return nil
	case <-ctx.Done():
	}
	a.mu.Lock()
	if w.granted {
		a.mu.Unlock()
		t.setRunning()
		return ctx.Err()
	}
	for i, x := range a.resumers {
		if x == w {
			a.resumers = append(a.resumers[:i], a.resumers[i+1:]...)
			break
		}
	}
	a.mu.Unlock()
	return ctx.Err()
}

func (t *Ticket) setRunning() {
	t.mu.Lock()
	t.running = true
	t.mu.Unlock()
}

// Lane is the admission lane the call was admitted in: "tenant:<ID>" for a
// trusted tenant, "addr:<client IP>" for untrusted callers. Limits shared
// further down (OnceHub's per-IP budget) use it to share fairly.
func (t *Ticket) Lane() string { return t.lane.id }

type ticketKey struct{}

// AdmissionFrom returns the admission ticket of the call ctx belongs to
// (HTTP only; nil for calls that were not admitted: stdio, in-process).
func AdmissionFrom(ctx context.Context) *Ticket {
	t, _ := ctx.Value(ticketKey{}).(*Ticket)
	return t
}

// addressLimiter caps, per client address, how many credentials not yet
// trusted may be tried a minute (x/time/rate buckets): a stranger trying
// random keys gets a few tries a minute, while calls with a credential tried
// lately pass (a bad key is answered from the key memory without a request,
// a good one becomes trusted with its first answer). Idle addresses are
// forgotten.
type addressLimiter struct {
	perMinute int
	burst     int

	mu        sync.Mutex
	addrs     map[string]*addressState
	lastSweep time.Time
}

type addressState struct {
	bucket *rate.Limiter
	tried  map[string]time.Time // credentials tried lately (by ID), at most maxTried
}

const (
	triedFor = time.Minute
	maxTried = 64
)

func newAddressLimiter(perMinute int) *addressLimiter {
	return &addressLimiter{perMinute: perMinute, burst: max(1, perMinute/2), addrs: map[string]*addressState{}, lastSweep: time.Now()}
}

// allow lets a call with credential id from addr through, or returns how
// long until a new credential may be tried.
func (l *addressLimiter) allow(addr, id string) (time.Duration, bool) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.lastSweep) > time.Minute {
		l.lastSweep = now
		for k, st := range l.addrs {
			if st.bucket.TokensAt(now) >= float64(l.burst) {
				delete(l.addrs, k)
			}
		}
	}
	st := l.addrs[addr]
	if st == nil {
		st = &addressState{bucket: rate.NewLimiter(rate.Limit(float64(l.perMinute)/60), l.burst), tried: map[string]time.Time{}}
		l.addrs[addr] = st
	}
	if at, ok := st.tried[id]; ok && now.Sub(at) < triedFor {
		return 0, true
	}
	r := st.bucket.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d, false
	}
	if len(st.tried) >= maxTried {
		for k, at := range st.tried {
			if now.Sub(at) >= triedFor || len(st.tried) >= maxTried {
				delete(st.tried, k)
			}
		}
	}
	st.tried[id] = now
	return 0, true
}

// ClientAddress is the address a request came from (no port): the peer of
// the connection. Behind a reverse proxy this is the proxy's address, so
// every caller behind it counts as one address. The per-address lane of
// untrusted callers and the OAuth page's key-check pacing both use it.
func ClientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// streamBound counts the long-lived streams (subscriptions/listen) each
// caller holds open, and refuses one beyond max. It keeps an entry only for
// a caller with a stream open.
type streamBound struct {
	max  int
	mu   sync.Mutex
	open map[string]int
}

func newStreamBound(limit int) *streamBound {
	return &streamBound{max: limit, open: map[string]int{}}
}

// take counts a stream of caller, or reports false when caller holds max.
func (b *streamBound) take(caller string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open[caller] >= b.max {
		return false
	}
	b.open[caller]++
	return true
}

// give uncounts a stream of caller that ended.
func (b *streamBound) give(caller string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open[caller]--; b.open[caller] <= 0 {
		delete(b.open, caller)
	}
}
