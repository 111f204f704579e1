package oauth

import (
	"net/http"
	"time"

	"github.com/maypok86/otter/v2"
	"golang.org/x/time/rate"

	"github.com/oncehub-mcp/oncehub-mcp/transport"
)

// Pace of the page's key checks: per client address, and for the whole
// process (the ceiling on what the page sends OnceHub however many
// addresses ask).
//
// An address's burst is half the process's, so that one address emptying
// its bucket leaves room for people at others; its rate, a quarter of the
// process's, is what a whole server gets behind a reverse proxy (every
// person there has the proxy's address).
const (
	keyChecksPerAddressPerMinute = 30
	keyCheckAddressBurst         = 10
	keyChecksPerSecond           = 2
	keyCheckBurst                = 20
	// keyCheckAddresses bounds how many addresses' buckets are kept. Beyond
	// it the least used are forgotten (a forgotten address starts with a
	// full bucket again; the process-wide ceiling still holds).
	keyCheckAddresses = 10_000
)

// keyPacer paces the page's questions to OnceHub, so that nobody can use the
// page to spend this server's share of OnceHub's per-IP limit (or to test
// keys in bulk), and so that one address trying keys cannot hold up a person
// at another: each client address has a bucket of its own, and every check
// also takes a token from one bucket for the process.
//
// The client address is the transport's (transport.ClientAddress, the one
// its per-address lane uses): the peer of the connection. Behind a reverse
// proxy every person has the proxy's address and so shares one bucket.
type keyPacer struct {
	total   *rate.Limiter
	perAddr *otter.Cache[string, *rate.Limiter]
}

func newKeyPacer() *keyPacer {
	// A bucket untouched for this long is full again: forgetting it changes
	// nothing.
	refill := keyCheckAddressBurst * time.Minute / keyChecksPerAddressPerMinute
	return &keyPacer{
		total: rate.NewLimiter(keyChecksPerSecond, keyCheckBurst),
		perAddr: otter.Must(&otter.Options[string, *rate.Limiter]{
			MaximumSize:      keyCheckAddresses,
			ExpiryCalculator: otter.ExpiryAccessing[string, *rate.Limiter](refill),
		}),
	}
}

// pacedBy says which bucket refused a key check.
type pacedBy int

const (
	pacedNot pacedBy = iota
	pacedAddress
	pacedServer
)

// allow takes a token for a key check from r's address and from the
// process, or neither: a check the process-wide bucket refuses costs the
// address nothing.
func (p *keyPacer) allow(r *http.Request, now time.Time) pacedBy {
	addr := transport.ClientAddress(r)
	l, ok := p.perAddr.GetIfPresent(addr)
	if !ok {
		l, _ = p.perAddr.SetIfAbsent(addr, rate.NewLimiter(rate.Every(time.Minute/keyChecksPerAddressPerMinute), keyCheckAddressBurst))
	}
	res := l.ReserveN(now, 1)
	if !res.OK() || res.DelayFrom(now) > 0 {
		res.CancelAt(now)
		return pacedAddress
	}
	if !p.total.AllowN(now, 1) {
		res.CancelAt(now)
		return pacedServer
	}
	return pacedNot
}
