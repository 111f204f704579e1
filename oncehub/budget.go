package oncehub

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
)

// OnceHub also limits each client IP address: 200 requests per 5 minutes,
// whatever the account. Every tenant of a shared server spends that one
// budget (and so do replicas that leave by the same address).
const (
	DefaultIPLimit  = 200
	DefaultIPWindow = 5 * time.Minute
)

// Budget is a request budget shared by every account a Client serves. Take
// waits for one request's turn for tenant, or fails with a *RateWaitError
// when the turn cannot come within ctx's deadline.
type Budget interface {
	Take(ctx context.Context, tenant string) error
}

// BudgetPauser is a Budget that can stop every turn for a while (OnceHub
// answered 429 with a long Retry-After: the budget is spent).
type BudgetPauser interface {
	Pause(d time.Duration)
}

// BudgetRate turns "limit requests per window" into a pace that never
// exceeds it in any window, however the requests fall: a burst of limit/10
// and the rest spread evenly (from 10 on, one turn of margin for clocks that
// disagree). It returns the sustained requests per second and the burst.
// A limit of 1 cannot be kept by any pace: it gets 1 per window plus 1.
func BudgetRate(limit int, window time.Duration) (rps float64, burst int) {
	if limit <= 0 || window <= 0 {
		return 0, 0
	}
	burst = max(1, limit/10)
	sustained := limit - burst
	if limit >= 10 {
		sustained--
	}
	return float64(max(1, sustained)) / window.Seconds(), burst
}

// FairBudget hands out the turns of a shared budget fairly: while several
// tenants wait, each new turn goes to the next of them in round-robin order,
// so that no tenant gets more than its share while others wait; a tenant
// alone may use all of it. Turns are paced by source (a LocalLimiter, or a
// RedisLimiter that replicas leaving by one address share) under one key.
type FairBudget struct {
	name    string
	source  Limiter
	account string
	spacing time.Duration // between turns at the sustained rate
	burst   int

	mu       sync.Mutex
	lanes    map[string]*budgetLane
	ring     []*budgetLane // lanes with waiters, in round-robin order
	next     int           // index in ring of the lane served next
	running  bool          // the dispatcher is active
	sleeping chan struct{} // closed while the dispatcher sleeps for a turn
	stop     context.CancelFunc
}

type budgetLane struct {
	tenant string
	queue  []*budgetWaiter
}

type budgetWaiter struct {
	ready   chan struct{} // closed when granted
	granted bool
}

// FairBudgetOptions configures a FairBudget.
type FairBudgetOptions struct {
	// Name describes the budget in errors ("200 requests per 5m0s per client IP").
	Name string
	// Source paces the turns at RPS with Burst (see BudgetRate); Account is
	// its key for the budget (the Redis key, when shared).
	Source  Limiter
	Account string
	RPS     float64
	Burst   int
}

// NewFairBudget returns a budget whose turns source paces.
func NewFairBudget(o FairBudgetOptions) *FairBudget {
	spacing := time.Duration(math.MaxInt64)
	if o.RPS > 0 {
		spacing = time.Duration(float64(time.Second) / o.RPS)
	}
	return &FairBudget{name: o.Name, source: o.Source, account: o.Account, spacing: spacing, burst: o.Burst,
		lanes: map[string]*budgetLane{}, sleeping: make(chan struct{})}
}

// NewIPBudget is the budget for OnceHub's per-IP limit: limit requests per
// window, paced by source (see BudgetRate for the rate it must have).
func NewIPBudget(limit int, window time.Duration, source Limiter) *FairBudget {
	rps, burst := BudgetRate(limit, window)
	return NewFairBudget(FairBudgetOptions{
		Name:   fmt.Sprintf("%d requests per %s per client IP", limit, window),
		Source: source, Account: "budget:ip", RPS: rps, Burst: burst,
	})
}

// Name describes the budget.
func (b *FairBudget) Name() string { return b.name }

// Take implements Budget.
func (b *FairBudget) Take(ctx context.Context, tenant string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	lane := b.lanes[tenant]
	if lane == nil {
		lane = &budgetLane{tenant: tenant}
		b.lanes[tenant] = lane
	}
	est := b.estimate(lane)
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < est {
		b.dropIfIdle(lane)
		b.mu.Unlock()
		return &RateWaitError{Wait: est, Budget: b.name}
	}
	w := &budgetWaiter{ready: make(chan struct{})}
	if len(lane.queue) == 0 {
		b.ring = append(b.ring, lane)
	}
	lane.queue = append(lane.queue, w)
	if !b.running {
		b.running = true
		go b.dispatch()
	}
	sleeping := b.sleeping
	b.mu.Unlock()

	// While the turn is away, the caller's hook lends what it holds.
	hook := rateWaitHookFrom(ctx)
	lent := false
	for {
		select {
		case <-w.ready:
			if lent {
				return hook.RateWaitDone(ctx)
			}
			return nil
		case <-sleeping:
			sleeping = nil
			if hook != nil && !lent {
				lent = true
				hook.RateWait()
			}
			continue
		case <-ctx.Done():
		}
		break
	}
	b.mu.Lock()
	if !w.granted { // once granted, the turn is spent either way
		b.removeWaiter(lane, w)
	}
	b.mu.Unlock()
	if lent {
		_ = hook.RateWaitDone(ctx)
	}
	if ctx.Err() == context.DeadlineExceeded {
		return &RateWaitError{Wait: est, Budget: b.name}
	}
	return ctx.Err()
}

// Pause implements BudgetPauser.
func (b *FairBudget) Pause(d time.Duration) {
	if p, ok := b.source.(Pauser); ok {
		p.Pause(b.account, d)
	}
}

// estimate is how long a new waiter of lane will wait for its turn: the
// turns round-robin hands out before it, at the sustained rate once the
// burst is spent. mu is held.
func (b *FairBudget) estimate(lane *budgetLane) time.Duration {
	mine := len(lane.queue)
	ahead := mine
	for _, l := range b.ring {
		if l != lane {
			ahead += min(len(l.queue), mine+1)
		}
	}
	if !b.isSleeping() {
		ahead -= b.burst
	}
	if ahead <= 0 {
		return 0
	}
	return time.Duration(ahead) * b.spacing
}

func (b *FairBudget) isSleeping() bool {
	select {
	case <-b.sleeping:
		return true
	default:
		return false
	}
}

// dispatch takes the source's turns one by one and gives each to the next
// waiting tenant in round-robin order, until nobody waits.
func (b *FairBudget) dispatch() {
	for {
		b.mu.Lock()
		if len(b.ring) == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		ctx, cancel := context.WithCancel(context.Background())
		b.stop = cancel
		b.mu.Unlock()
		err := b.source.Wait(WithRateWaitHook(ctx, budgetSleep{b}), b.account)
		stopped := ctx.Err() != nil
		cancel()
		b.mu.Lock()
		if b.isSleeping() {
			b.sleeping = make(chan struct{})
		}
		if err == nil {
			b.grantNext()
		}
		b.mu.Unlock()
		if err != nil && !stopped {
			// The source refused a turn (one further away than it reserves):
			// ask again shortly rather than at once.
			time.Sleep(min(b.spacing, time.Second))
		}
	}
}

// grantNext gives a turn to the head of the next lane. mu is held.
func (b *FairBudget) grantNext() {
	if len(b.ring) == 0 {
		return
	}
	if b.next >= len(b.ring) {
		b.next = 0
	}
	lane := b.ring[b.next]
	w := lane.queue[0]
	lane.queue = lane.queue[1:]
	w.granted = true
	close(w.ready)
	if len(lane.queue) == 0 {
		b.ring = append(b.ring[:b.next], b.ring[b.next+1:]...)
		b.dropIfIdle(lane)
		// b.next now points at the lane after it.
	} else {
		b.next++
	}
}

// removeWaiter takes w, which gave up, out of lane. mu is held.
func (b *FairBudget) removeWaiter(lane *budgetLane, w *budgetWaiter) {
	for i, x := range lane.queue {
		if x == w {
			lane.queue = append(lane.queue[:i], lane.queue[i+1:]...)
			break
		}
	}
	if len(lane.queue) > 0 {
		return
	}
	for i, l := range b.ring {
		if l == lane {
			b.ring = append(b.ring[:i], b.ring[i+1:]...)
			if i < b.next {
				b.next--
			}
			break
		}
	}
	b.dropIfIdle(lane)
	if len(b.ring) == 0 && b.running && b.stop != nil {
		b.stop() // nobody waits: give the turn being waited for back
	}
}

func (b *FairBudget) dropIfIdle(lane *budgetLane) {
	if len(lane.queue) == 0 {
		delete(b.lanes, lane.tenant)
	}
}

// budgetSleep is the dispatcher's RateWaitHook: while it sleeps for a turn,
// every waiter is told it waits (and lends its slot).
type budgetSleep struct{ b *FairBudget }

func (s budgetSleep) RateWait() {
	s.b.mu.Lock()
	if !s.b.isSleeping() {
		close(s.b.sleeping)
	}
	s.b.mu.Unlock()
}

func (s budgetSleep) RateWaitDone(context.Context) error { return nil }
