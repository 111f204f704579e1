package fakeoncehub

import (
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// FaultKind is how a faulty answer misbehaves.
type FaultKind int

// Fault kinds.
const (
	// FaultStatus answers Status with OnceHub's JSON error body (and
	// Retry-After when set).
	FaultStatus FaultKind = iota
	// FaultSlow waits Delay (or until the client gives up), then serves the
	// request normally.
	FaultSlow
	// FaultReset sends a 200 header and part of the body, then resets the connection.
	FaultReset
	// FaultTruncated answers 200 with a JSON body cut short (its
	// Content-Length matches what is sent).
	FaultTruncated
	// FaultMalformed answers 200 with a body that is not JSON.
	FaultMalformed
	// FaultHTML answers Status (502 when zero) with a proxy's HTML error page.
	FaultHTML
	// FaultOversized answers 200 with Size bytes of JSON, streamed without a
	// Content-Length.
	FaultOversized
	// FaultRedirect answers 302 with Location (plain HTTP to the same path when empty).
	FaultRedirect
	// FaultBody answers Status (200 when zero) with exactly Body: a success
	// without the object it should carry ("", "null").
	FaultBody
)

// Fault is one misbehaving answer. Build one with the helpers (RateLimited,
// ServerError, …), narrow it with On and Times, and queue it with
// Server.InjectFaults.
type Fault struct {
	Method     string // "" matches any method
	Path       string // without the /v2 prefix; "" matches any path
	Kind       FaultKind
	Status     int
	RetryAfter string // Retry-After header value, when set
	Delay      time.Duration
	Size       int64
	Location   string
	Body       string
	Count      int // how many requests it answers; 1 when zero
}

// RateLimited is a 429 rate_limit_error; retryAfter ("" for none) becomes the
// Retry-After header.
func RateLimited(retryAfter string) Fault {
	return Fault{Kind: FaultStatus, Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

// ServerError is a 5xx api_error.
func ServerError(status int) Fault { return Fault{Kind: FaultStatus, Status: status} }

// Slow delays the answer by d.
func Slow(d time.Duration) Fault { return Fault{Kind: FaultSlow, Delay: d} }

// ResetMidBody breaks the connection in the middle of a 200 body.
func ResetMidBody() Fault { return Fault{Kind: FaultReset} }

// TruncatedJSON is a 200 whose JSON stops half-way.
func TruncatedJSON() Fault { return Fault{Kind: FaultTruncated} }

// MalformedJSON is a 200 whose body is not JSON.
func MalformedJSON() Fault { return Fault{Kind: FaultMalformed} }

// HTMLPage is a proxy's HTML error page with status (502 when zero).
func HTMLPage(status int) Fault { return Fault{Kind: FaultHTML, Status: status} }

// Oversized is a 200 with a body of size bytes.
func Oversized(size int64) Fault { return Fault{Kind: FaultOversized, Size: size} }

// RedirectTo is a 302 to location ("" redirects to plain HTTP on the same host and path).
func RedirectTo(location string) Fault { return Fault{Kind: FaultRedirect, Location: location} }

// SuccessBody is a success (status; 200 when zero) whose body is exactly
// body, e.g. "null" or "" where OnceHub should have sent an object.
func SuccessBody(status int, body string) Fault {
	return Fault{Kind: FaultBody, Status: status, Body: body}
}

// On narrows f to requests with method ("" any) and path (without /v2; "" any).
func (f Fault) On(method, path string) Fault {
	f.Method, f.Path = method, path
	return f
}

// Times makes f answer n requests.
func (f Fault) Times(n int) Fault {
	f.Count = n
	return f
}

func (f Fault) matches(method, path string) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, method)) && (f.Path == "" || f.Path == path)
}

// RateLimit makes the fake enforce a per-key rate like OnceHub's gateway: a
// token bucket of Burst tokens (RPS when zero) refilled at RPS per second;
// beyond it, 429 rate_limit_error.
type RateLimit struct {
	RPS        float64
	Burst      int
	RetryAfter bool // send Retry-After (whole seconds, at least 1)
}

// IPLimit makes the fake enforce OnceHub's per-client-IP budget: at most
// Limit requests from one client address in any Window (a sliding window,
// the strictest reading of "200 requests per 5 minutes per client IP"),
// whatever the key — unknown keys included. Beyond it, 429 rate_limit_error
// with Retry-After (whole seconds until a request leaves the window).
// Tests use a short window so that they stay fast.
type IPLimit struct {
	Limit  int
	Window time.Duration
}

// faults is the fault state of a Server.
type faults struct {
	mu      sync.Mutex
	queue   []Fault
	limit   *RateLimit
	buckets map[string]*rate.Limiter
	ipLimit *IPLimit
	ipLog   map[string][]time.Time // per client address: the times of the requests in the window

	limited   atomic.Int64 // 429s sent by the per-account rate-limit mode
	ipLimited atomic.Int64 // 429s sent by the per-IP budget
	aborted   atomic.Int64 // slow answers whose client went away first
}

// InjectFaults queues faults; each request takes the first queued fault that
// matches it (every request is still recorded by Requests).
func (s *Server) InjectFaults(fs ...Fault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	for _, f := range fs {
		if f.Count <= 0 {
			f.Count = 1
		}
		s.faults.queue = append(s.faults.queue, f)
	}
}

// PendingFaults is how many queued faults have not been served yet.
func (s *Server) PendingFaults() int {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	n := 0
	for _, f := range s.faults.queue {
		n += f.Count
	}
	return n
}

// EnforceRateLimit turns on the rate-limit mode (nil turns it off).
func (s *Server) EnforceRateLimit(l *RateLimit) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.limit, s.faults.buckets = l, map[string]*rate.Limiter{}
}

// RateLimited is how many 429s the per-account rate-limit mode has sent.
func (s *Server) RateLimited() int64 { return s.faults.limited.Load() }

// EnforceIPLimit turns on the per-IP budget (nil turns it off).
func (s *Server) EnforceIPLimit(l *IPLimit) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.ipLimit, s.faults.ipLog = l, map[string][]time.Time{}
}

// IPLimited is how many 429s the per-IP budget has sent.
func (s *Server) IPLimited() int64 { return s.faults.ipLimited.Load() }

// overIPLimit records a request from addr, or reports (with the seconds
// until one leaves the window) that it is over the budget. fs.mu is held.
func (fs *faults) overIPLimit(addr string, now time.Time) (int, bool) {
	l := fs.ipLimit
	if l == nil {
		return 0, false
	}
	log := fs.ipLog[addr]
	i := 0
	for i < len(log) && now.Sub(log[i]) >= l.Window {
		i++
	}
	log = log[i:]
	if len(log) >= l.Limit {
		fs.ipLog[addr] = log
		return max(1, int(math.Ceil((l.Window - now.Sub(log[0])).Seconds()))), true
	}
	fs.ipLog[addr] = append(log, now)
	return 0, false
}

// Aborted is how many slow answers were abandoned because the client went
// away (canceled or timed out) before the delay ended.
func (s *Server) Aborted() int64 { return s.faults.aborted.Load() }

// FaultHeader marks a response produced by an injected fault (it is not
// OnceHub's behaviour, so internal/contract does not check it).
const FaultHeader = "X-Fake-Fault"

// serveFault answers r with a rate-limit 429 or a queued fault; false when the
// request is to be served normally.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, key string) bool {
	path := strings.TrimPrefix(r.URL.Path, "/v2")
	fs := &s.faults
	fs.mu.Lock()
	addr, _, _ := net.SplitHostPort(r.RemoteAddr)
	if secs, over := fs.overIPLimit(addr, time.Now()); over {
		l := *fs.ipLimit
		fs.mu.Unlock()
		fs.ipLimited.Add(1)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeError(w, http.StatusTooManyRequests, "rate_limit_error",
			fmt.Sprintf("Too many requests. Limit: %d requests per %s per IP address.", l.Limit, l.Window), "")
		return true
	}
	if l := fs.limit; l != nil {
		b, ok := fs.buckets[key]
		if !ok {
			burst := l.Burst
			if burst <= 0 {
				burst = int(math.Ceil(l.RPS))
			}
			b = rate.NewLimiter(rate.Limit(l.RPS), burst)
			fs.buckets[key] = b
		}
		if !b.Allow() {
			fs.mu.Unlock()
			fs.limited.Add(1)
			if l.RetryAfter {
				res := b.Reserve()
				secs := max(1, int(math.Ceil(res.Delay().Seconds())))
				res.Cancel()
				w.Header().Set("Retry-After", strconv.Itoa(secs))
			}
			writeError(w, http.StatusTooManyRequests, "rate_limit_error", "Too many requests. Limit: 5 requests per second per account.", "")
			return true
		}
	}
	var f Fault
	found := false
	for i := range fs.queue {
		if fs.queue[i].matches(r.Method, path) {
			f, found = fs.queue[i], true
			if fs.queue[i].Count--; fs.queue[i].Count == 0 {
				fs.queue = append(fs.queue[:i], fs.queue[i+1:]...)
			}
			break
		}
	}
	fs.mu.Unlock()
	if !found {
		return false
	}
	// A deliberately broken answer: the contract check passes over it.
	w.Header().Set(FaultHeader, "1")
	switch f.Kind {
	case FaultStatus:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		typ, msg := "invalid_request_error", http.StatusText(f.Status)+"."
		switch {
		case f.Status == http.StatusTooManyRequests:
			typ, msg = "rate_limit_error", "Too many requests. Limit: 5 requests per second per account."
		case f.Status == http.StatusUnauthorized || f.Status == http.StatusForbidden:
			typ = "authentication_error"
		case f.Status >= 500:
			typ, msg = "api_error", "An internal error occurred. Please try again later."
		}
		writeError(w, f.Status, typ, msg, "")
	case FaultSlow:
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		select {
		case <-t.C:
			return false // late, but served normally
		case <-r.Context().Done():
			fs.aborted.Add(1)
		}
	case FaultReset:
		resetMidBody(w)
	case FaultTruncated:
		body := `{"object":"list","data":[{"id":"BKNG-TRUNC","status":"sched`
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(body))
	case FaultMalformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"object": "list", "data": [BKNG-1], has_more: maybe}`))
	case FaultHTML:
		status := f.Status
		if status == 0 {
			status = http.StatusBadGateway
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<html>\n<head><title>%d %s</title></head>\n<body>\n<center><h1>%d %s</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n",
			status, http.StatusText(status), status, http.StatusText(status))
	case FaultOversized:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"object":"list","has_more":false,"data":[],"pad":"`))
		chunk := []byte(strings.Repeat("x", 32<<10))
		for n := int64(0); n < f.Size; n += int64(len(chunk)) {
			if _, err := w.Write(chunk); err != nil {
				return true // the client stopped reading
			}
		}
		_, _ = w.Write([]byte(`"}`))
	case FaultBody:
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
	case FaultRedirect:
		loc := f.Location
		if loc == "" {
			loc = "http://" + r.Host + r.URL.RequestURI()
		}
		w.Header().Set("Location", loc)
		w.WriteHeader(http.StatusFound)
	}
	return true
}

// resetMidBody promises a 4 KiB JSON body, sends a piece of it, and resets
// the TCP connection (RST, not a clean close).
func resetMidBody(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("fakeoncehub: the connection cannot be hijacked (HTTP/2?)")
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		return
	}
	_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"object\":\"list\",\"data\":[{\"id\":\"BKNG-")
	_ = buf.Flush()
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
