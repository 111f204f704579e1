package transport

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// inflight is one POST being served, with what shutdown needs to answer it
// when it runs past the deadline.
type inflight struct {
	w      *stopWriter
	cancel context.CancelFunc // ends the request's context
	id     any                // the JSON-RPC request ID
	method string
	params json.RawMessage

	mu       sync.Mutex
	ended    bool
	detached []context.CancelFunc // contexts of the call that do not descend from the request's
}

type inflightKey struct{}

// inflightFrom returns the request in flight that ctx belongs to, if the
// guard tracks it.
func inflightFrom(ctx context.Context) *inflight {
	fl, _ := ctx.Value(inflightKey{}).(*inflight)
	return fl
}

// onAbort makes shutdown's abort end a context of the call that does not
// descend from the request's (a session call with Redis, which outlives
// its connection), by calling its cancel; at once if abort came already.
func (fl *inflight) onAbort(cancel context.CancelFunc) {
	fl.mu.Lock()
	if !fl.ended {
		fl.detached = append(fl.detached, cancel)
		fl.mu.Unlock()
		return
	}
	fl.mu.Unlock()
	cancel()
}

// end ends every context of the call: the request's and the detached ones.
func (fl *inflight) end() {
	fl.cancel()
	fl.mu.Lock()
	fl.ended = true
	detached := fl.detached
	fl.detached = nil
	fl.mu.Unlock()
	for _, cancel := range detached {
		cancel()
	}
}

func (g *guard) track(fl *inflight) {
	g.mu.Lock()
	if g.inflight == nil {
		g.inflight = map[*inflight]struct{}{}
	}
	g.inflight[fl] = struct{}{}
	g.mu.Unlock()
}

func (g *guard) untrack(fl *inflight) {
	g.mu.Lock()
	delete(g.inflight, fl)
	g.mu.Unlock()
}

// DefaultStoppedMessage answers a call cut off by shutdown when
// HTTPOptions.Stopped gives no better one.
const DefaultStoppedMessage = "The server stopped (it is shutting down) before this call finished. " +
	"If the call changes something, the change may or may not have been made: check the current state before trying again"

// stoppedCode is the JSON-RPC error code of a call cut off by shutdown.
const stoppedCode = -32001

// abort answers every request still in flight with a JSON-RPC error saying
// the server stopped (what it may have done, and how to check, comes from
// the Stopped hook), then ends their contexts. It returns how many were
// answered.
func (g *guard) abort() int {
	g.mu.Lock()
	fls := make([]*inflight, 0, len(g.inflight))
	for fl := range g.inflight {
		fls = append(fls, fl)
	}
	g.mu.Unlock()
	n := 0
	for _, fl := range fls {
		msg := ""
		if g.stopped != nil {
			msg = g.stopped(fl.method, fl.params)
		}
		if msg == "" {
			msg = DefaultStoppedMessage
		}
		if fl.id != nil && fl.w.stop(jsonrpcError(fl.id, stoppedCode, msg, map[string]any{"reason": "server_stopped"})) {
			n++
		}
		fl.end()
	}
	if n > 0 {
		g.logger.Warn("shutdown deadline passed: answered the calls still running with an error saying the server stopped", "calls", n)
	}
	return n
}

// stopWriter is the response writer of a request in flight. Shutdown can
// answer through it from another goroutine (stop); whatever the handler
// writes after that is dropped.
//
// The underlying writer w, its header map included, is touched only under
// mu: the handler sets its headers on a map of its own (header), copied to
// w's when its response starts, so the stop path never shares a map with a
// handler that is still running.
type stopWriter struct {
	mu          sync.Mutex
	w           http.ResponseWriter
	header      http.Header // the handler's
	wroteHeader bool
	stream      bool // the answer is an SSE stream
	stopped     bool
	finished    bool // the handler returned: w is net/http's again
}

// finish marks the handler as returned: stop leaves w alone from then on.
// Headers the handler set without writing go out with net/http's answer.
func (s *stopWriter) finish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.stopped && !s.wroteHeader {
		s.copyHeaderLocked()
	}
	s.finished = true
}

var errStopped = errors.New("the server stopped: this response was already answered")

// Header is the handler's header map, never the one the stop path writes.
func (s *stopWriter) Header() http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.header == nil {
		s.header = http.Header{}
	}
	return s.header
}

// startLocked starts the handler's response: its headers become w's.
func (s *stopWriter) startLocked() {
	s.wroteHeader = true
	s.copyHeaderLocked()
	s.stream = strings.HasPrefix(s.w.Header().Get("Content-Type"), "text/event-stream")
}

func (s *stopWriter) copyHeaderLocked() {
	h := s.w.Header()
	for k, v := range s.header {
		h[k] = append([]string(nil), v...)
	}
}

func (s *stopWriter) WriteHeader(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped || s.wroteHeader {
		return
	}
	s.startLocked()
	s.w.WriteHeader(status)
}

func (s *stopWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return 0, errStopped
	}
	if !s.wroteHeader {
		s.startLocked()
	}
	return s.w.Write(p)
}

// Flush implements http.Flusher (mcp-go streams SSE through it).
func (s *stopWriter) Flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return
	}
	if !s.wroteHeader { // a flush sends the headers, as WriteHeader(200) would
		s.startLocked()
	}
	if f, ok := s.w.(http.Flusher); ok {
		f.Flush()
	}
}

// SetWriteDeadline lets http.ResponseController reach the connection.
func (s *stopWriter) SetWriteDeadline(t time.Time) error {
	return http.NewResponseController(s.w).SetWriteDeadline(t)
}

// stop answers with msg unless a whole answer was already sent: as a JSON
// body when nothing was written yet, as a last SSE event when the answer is
// a stream. It reports whether msg was written.
func (s *stopWriter) stop(msg any) bool {
	body, err := json.Marshal(msg)
	if err != nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped || s.finished {
		return false
	}
	switch {
	case !s.wroteHeader:
		s.stopped = true
		h := s.w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Connection", "close")
		// A length, so the client has the whole answer even if the
		// handler never returns.
		h.Set("Content-Length", strconv.Itoa(len(body)))
		s.w.WriteHeader(http.StatusOK)
		_, _ = s.w.Write(body)
	case s.stream:
		s.stopped = true
		_, _ = s.w.Write([]byte("event: message\ndata: " + string(body) + "\n\n"))
	default:
		return false // a JSON answer is (being) written: it is the call's own
	}
	if f, ok := s.w.(http.Flusher); ok {
		f.Flush()
	}
	return true
}
