package transport

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustAcquire(t *testing.T, a *admission, lane string) *Ticket {
	t.Helper()
	tk, err := a.acquire(context.Background(), lane, time.Second)
	require.NoError(t, err)
	return tk
}

// acquireLater queues a call and returns the channel its ticket (or nil)
// arrives on, once it is in the queue.
func acquireLater(t *testing.T, a *admission, lane string, timeout time.Duration) <-chan *Ticket {
	t.Helper()
	out := make(chan *Ticket, 1)
	queued := func() int {
		a.mu.Lock()
		defer a.mu.Unlock()
		n := 0
		for _, l := range a.ring {
			n += len(l.queue)
		}
		return n
	}
	before := queued()
	go func() {
		tk, _ := a.acquire(context.Background(), lane, timeout)
		out <- tk
	}()
	require.Eventually(t, func() bool { return queued() > before }, 5*time.Second, time.Millisecond)
	return out
}

// A lane never holds more than its share, and a freed slot goes to the next
// lane round-robin, not to the lane that queued first.
func TestAdmissionIsBoundedPerLaneAndRoundRobin(t *testing.T) {
	t.Parallel()

	a := newAdmission(2, 2)
	hog1, hog2 := mustAcquire(t, a, "hog"), mustAcquire(t, a, "hog")
	hogNext := acquireLater(t, a, "hog", 5*time.Second)
	other := acquireLater(t, a, "other", 5*time.Second)
	hog1.release()
	select {
	case tk := <-other:
		require.NotNil(t, tk)
		assert.Equal(t, "other", tk.Lane())
		tk.release()
	case <-hogNext:
		t.Fatal("the hog's second queued call went before the other lane's first")
	}
	require.NotNil(t, <-hogNext)
	hog2.release()

	b := newAdmission(10, 2)
	mustAcquire(t, b, "x")
	mustAcquire(t, b, "x")
	_, err := b.acquire(context.Background(), "x", 10*time.Millisecond)
	assert.ErrorIs(t, err, errLaneFull, "the lane is full though the server is not")
	tk, err := b.acquire(context.Background(), "y", 10*time.Millisecond)
	require.NoError(t, err, "another lane is admitted at once")
	tk.release()
}

// A call sleeping for a rate-limit turn lends its slot; on waking it takes
// one back before calls that were not admitted yet.
func TestAdmissionLendsTheSlotDuringRateWaits(t *testing.T) {
	t.Parallel()

	a := newAdmission(1, 1)
	sleeper := mustAcquire(t, a, "a")
	queued := acquireLater(t, a, "b", 5*time.Second)
	sleeper.RateWait()
	tb := <-queued
	require.NotNil(t, tb, "the lent slot went to the other tenant")

	third := acquireLater(t, a, "c", 5*time.Second)
	woke := make(chan error, 1)
	go func() { woke <- sleeper.RateWaitDone(context.Background()) }()
	require.Eventually(t, func() bool { a.mu.Lock(); defer a.mu.Unlock(); return len(a.resumers) == 1 }, 5*time.Second, time.Millisecond)
	tb.release()
	require.NoError(t, <-woke, "the waking call got the slot")
	select {
	case <-third:
		t.Fatal("a new call went before the waking one")
	case <-time.After(20 * time.Millisecond):
	}
	sleeper.release()
	tc := <-third
	require.NotNil(t, tc)
	tc.release()
	a.mu.Lock()
	defer a.mu.Unlock()
	assert.Zero(t, a.running)
	assert.Empty(t, a.lanes, "idle lanes are forgotten")
}

// Closing refuses new calls and wakes the queued ones.
func TestAdmissionCloseRefusesQueuedAndNewCalls(t *testing.T) {
	t.Parallel()

	a := newAdmission(1, 1)
	held := mustAcquire(t, a, "a")
	queued := acquireLater(t, a, "b", 5*time.Second)
	a.close()
	assert.Nil(t, <-queued)
	_, err := a.acquire(context.Background(), "c", time.Second)
	assert.ErrorIs(t, err, errStopping)
	held.release()
}

// Each new credential from an address takes a turn; one tried lately does
// not; another address has its own budget.
func TestAddressLimiterCapsNewCredentialsPerAddress(t *testing.T) {
	t.Parallel()

	l := newAddressLimiter(60) // a burst of 30, then one a second
	for i := range 30 {
		_, ok := l.allow("10.0.0.1", fmt.Sprint("key-", i))
		require.True(t, ok)
	}
	wait, ok := l.allow("10.0.0.1", "key-new")
	assert.False(t, ok)
	assert.Greater(t, wait, time.Duration(0))
	for range 100 {
		_, ok = l.allow("10.0.0.1", "key-7")
		require.True(t, ok, "a key tried lately passes: its calls are answered from memory")
	}
	_, ok = l.allow("10.0.0.2", "key-new")
	assert.True(t, ok, "another address has its own budget")
}
