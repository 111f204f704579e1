package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// guard stands in front of mcp-go's streamable HTTP handler. In order it
// checks the Origin, the caller's credentials, and the body size; then it
// isolates the request from every other one, admits the calls that may
// reach OnceHub fairly between tenants (admission.go), sends requests of a
// session to the sessions, and keeps track of what is in flight so that
// shutdown can answer it (shutdown.go).
type guard struct {
	next         http.Handler
	authorize    func(*http.Request) bool
	challenge    func(*http.Request) string
	origins      originPolicy
	maxBody      int64
	adm          *admission
	tenant       func(*http.Request) Tenant
	untrusted    *addressLimiter // nil: untrusted callers are not capped
	streams      *streamBound    // nil: listen streams are not bounded
	queueTimeout time.Duration
	onReject     func(string)
	stopped      func(method string, params json.RawMessage) string
	logger       *slog.Logger
	sessions     *sessions // nil: every request is stateless

	seq atomic.Uint64

	mu       sync.Mutex
	inflight map[*inflight]struct{}
}

// admitted are the methods that may call OnceHub: each is admitted before
// it runs (tools, resources, prompts that fetch data, completions).
var admitted = map[string]bool{
	string(mcp.MethodToolsCall):          true,
	string(mcp.MethodResourcesRead):      true,
	string(mcp.MethodPromptsGet):         true,
	string(mcp.MethodCompletionComplete): true,
}

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if origin := r.Header.Get("Origin"); !g.origins.allows(origin, r) {
		g.reject(w, "origin", http.StatusForbidden, mcp.INVALID_REQUEST, "origin "+strconv.Quote(origin)+" is not allowed")
		return
	}
	if g.authorize != nil && !g.authorize(r) {
		c := `Bearer realm="oncehub-mcp"`
		if g.challenge != nil {
			c = g.challenge(r)
		}
		w.Header().Set("WWW-Authenticate", c)
		g.reject(w, "unauthorized", http.StatusUnauthorized, mcp.INVALID_REQUEST,
			"missing or unknown access token: send Authorization: Bearer <token>")
		return
	}
	// Requests of a session (a session ID, on a protocol version that has
	// sessions) go to the sessions; everything else is served statelessly.
	inSession := g.sessions != nil && r.Header.Get(server.HeaderKeySessionID) != "" &&
		!mcp.IsModernProtocol(r.Header.Get(mcp.HeaderProtocolVersion))
	switch r.Method {
	case http.MethodPost:
		g.post(w, r, inSession)
		return
	case http.MethodDelete:
		if inSession {
			g.sessions.end(w, r)
			return
		}
	case http.MethodGet:
		if inSession && r.Header.Get("Last-Event-ID") != "" {
			g.sessions.resume(w, r)
			return
		}
	}
	g.next.ServeHTTP(w, r)
}

func (g *guard) post(w http.ResponseWriter, r *http.Request, inSession bool) {
	if r.ContentLength > g.maxBody {
		g.tooLarge(w)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, g.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			g.tooLarge(w)
			return
		}
		g.writeError(w, http.StatusBadRequest, mcp.PARSE_ERROR, "cannot read request body")
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))

	var msg struct {
		Method string          `json:"method"`
		ID     json.RawMessage `json:"id"`
		Params json.RawMessage `json:"params"`
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
	}
	_ = json.Unmarshal(body, &msg) // mcp-go answers malformed bodies itself
	isResponse := msg.Method == "" && len(msg.ID) > 0 && (len(msg.Result) > 0 || len(msg.Error) > 0)
	var id any
	_ = json.Unmarshal(msg.ID, &id)

	// A subscriptions/listen stream stays open until its client closes it:
	// each caller (its admission lane) may hold only so many.
	if msg.Method == string(mcp.MethodSubscriptionsListen) && g.streams != nil {
		lane, _ := g.caller(r)
		if !g.streams.take(lane) {
			g.rejectID(w, id, "streams", http.StatusTooManyRequests, -32000, fmt.Sprintf(
				"too many subscriptions/listen streams open for this caller (at most %d at once); close one before opening another", g.streams.max))
			return
		}
		defer g.streams.give(lane)
	}
	// A call that may reach OnceHub is admitted first, in its tenant's lane;
	// every request is then tracked, so that shutdown can answer it.
	if admitted[msg.Method] {
		ticket, ok := g.admit(w, r, id)
		if !ok {
			return
		}
		defer ticket.release()
		r = r.WithContext(context.WithValue(r.Context(), ticketKey{}, ticket))
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	fl := &inflight{w: &stopWriter{w: w}, cancel: cancel, id: id, method: msg.Method, params: msg.Params}
	ctx = context.WithValue(ctx, inflightKey{}, fl)
	g.track(fl)
	defer g.untrack(fl)
	defer fl.w.finish() // before net/http takes the response back
	w, r = fl.w, r.WithContext(ctx)

	if inSession && msg.Method != string(mcp.MethodInitialize) {
		c, st, why := g.sessions.open(r)
		if why != "" {
			g.reject(w, "session", http.StatusNotFound, mcp.INVALID_REQUEST, string(why))
			return
		}
		switch {
		case isResponse: // an answer to a question the server asked
			g.sessions.answer(w, r, c, msg.ID, body)
		case msg.Method == string(mcp.MethodNotificationCancelled):
			g.sessions.cancel(w, r, c, body)
		default:
			g.sessions.serve(w, r, c, st, msg.ID)
		}
		return
	}

	// A stateless server cannot tell whose call a notifications/cancelled
	// names (every client numbers its requests from 1), so honouring it would
	// let one tenant cancel another's call. A client cancels its own call by
	// closing the HTTP request, which ends that request's context only.
	if msg.Method == string(mcp.MethodNotificationCancelled) {
		g.logger.Debug("ignored notifications/cancelled outside a session: close the request to cancel a call over HTTP")
		w.WriteHeader(http.StatusAccepted)
		return
	}

	// Every POST gets a session ID of its own, never one the client chose: the
	// session is what mcp-go scopes in-flight requests, notifications and
	// server-to-client requests by, and in stateless mode it would otherwise be
	// "" for everyone. It is not sent back, and what mcp-go keeps under it
	// (the level a logging/setLevel sets) is dropped when the request ends:
	// no one can ever name it again.
	ephemeral := "req-" + strconv.FormatUint(g.seq.Add(1), 36)
	r.Header.Set(server.HeaderKeySessionID, ephemeral)
	defer g.forget(ephemeral)

	switch msg.Method {
	case string(mcp.MethodInitialize):
		if g.sessions != nil {
			g.sessions.initialize(w, r, body, g.next)
			return
		}
	case string(mcp.MethodToolsCall):
		// The call's notifications are forwarded by the guard, so none is
		// lost (see streamWriter.forward).
		sw := &streamWriter{w: w, shadow: http.Header{}, boundary: true}
		defer sw.settle()
		g.next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), streamKey{}, sw)))
		return
	}
	g.next.ServeHTTP(w, r)
}

// forget drops what mcp-go keeps in memory for a stateless request's own
// session, the way mcp-go ends any session: with a DELETE.
func (g *guard) forget(sessionID string) {
	r, _ := http.NewRequest(http.MethodDelete, "/", nil)
	r.Header.Set(server.HeaderKeySessionID, sessionID)
	g.next.ServeHTTP(&recorder{header: http.Header{}}, r)
}

// admit takes a slot for a call that may reach OnceHub, in the caller's
// lane: its tenant's when trusted, its address's otherwise (where only a few
// new credentials may be tried a minute). false: the refusal was written.
func (g *guard) admit(w http.ResponseWriter, r *http.Request, id any) (*Ticket, bool) {
	laneID, t := g.caller(r)
	if g.tenant != nil && !t.Trusted && g.untrusted != nil {
		if wait, ok := g.untrusted.allow(ClientAddress(r), t.ID); !ok {
			secs := max(1, int(math.Ceil(wait.Seconds())))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			g.rejectID(w, id, "untrusted_rate", http.StatusTooManyRequests, -32000, fmt.Sprintf(
				"too many new credentials tried from this address (at most %d a minute until OnceHub accepts one); retry in %d s. Nothing was sent to OnceHub",
				g.untrusted.perMinute, secs))
			return nil, false
		}
	}
	ticket, err := g.adm.acquire(r.Context(), laneID, g.queueTimeout)
	switch {
	case err == nil:
		return ticket, true
	case errors.Is(err, errLaneFull):
		w.Header().Set("Retry-After", "1")
		g.rejectID(w, id, "tenant_busy", http.StatusTooManyRequests, -32000, fmt.Sprintf(
			"too many calls in flight for this caller (at most %d at once); retry shortly. Nothing was sent to OnceHub", g.adm.perLane))
	case errors.Is(err, errStopping):
		w.Header().Set("Connection", "close")
		g.rejectID(w, id, "stopping", http.StatusServiceUnavailable, -32000,
			"the server is shutting down; this call was not started: retry (another server may answer)")
	case r.Context().Err() != nil:
		// The caller went away.
	default:
		w.Header().Set("Retry-After", "1")
		g.rejectID(w, id, "busy", http.StatusServiceUnavailable, -32000,
			"server busy: too many calls in flight, retry shortly. Nothing was sent to OnceHub")
	}
	return nil, false
}

// caller is r's admission lane — "tenant:<ID>" for a trusted tenant,
// "addr:<client address>" for an untrusted one, "all" without tenants — and
// its tenant.
func (g *guard) caller(r *http.Request) (string, Tenant) {
	if g.tenant == nil {
		return "all", Tenant{}
	}
	t := g.tenant(r)
	if t.Trusted {
		return "tenant:" + t.ID, t
	}
	return "addr:" + ClientAddress(r), t
}

func (g *guard) tooLarge(w http.ResponseWriter) {
	g.reject(w, "body_too_large", http.StatusRequestEntityTooLarge, mcp.INVALID_REQUEST,
		"request body larger than "+strconv.FormatInt(g.maxBody, 10)+" bytes")
}

func (g *guard) reject(w http.ResponseWriter, reason string, status, code int, message string) {
	g.rejectID(w, nil, reason, status, code, message)
}

func (g *guard) rejectID(w http.ResponseWriter, id any, reason string, status, code int, message string) {
	if g.onReject != nil {
		g.onReject(reason)
	}
	g.logger.Debug("refused HTTP request", "reason", reason, "status", status)
	g.writeErrorID(w, id, status, code, message)
}

func (g *guard) writeError(w http.ResponseWriter, status, code int, message string) {
	g.writeErrorID(w, nil, status, code, message)
}

func (g *guard) writeErrorID(w http.ResponseWriter, id any, status, code int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(jsonrpcError(id, code, message, nil))
}

func jsonrpcError(id any, code int, message string, data any) mcp.JSONRPCError {
	return mcp.JSONRPCError{
		JSONRPC: mcp.JSONRPC_VERSION,
		ID:      mcp.NewRequestId(id),
		Error:   mcp.NewJSONRPCErrorDetails(code, message, data),
	}
}

// originPolicy decides which browser origins may call the server: none but
// the server's own host and loopback origins, plus an explicit allow-list.
type originPolicy struct {
	any     bool
	allowed map[string]bool
}

func newOriginPolicy(list []string) originPolicy {
	p := originPolicy{allowed: map[string]bool{}}
	for _, o := range list {
		o = strings.ToLower(strings.TrimRight(strings.TrimSpace(o), "/"))
		switch o {
		case "":
		case "*":
			p.any = true
		default:
			p.allowed[o] = true
		}
	}
	return p
}

// allows reports whether a request with this Origin header may proceed. No
// Origin (non-browser clients) is allowed.
func (p originPolicy) allows(origin string, r *http.Request) bool {
	if origin == "" || p.any {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false // includes the opaque "null" origin
	}
	if p.allowed[strings.ToLower(u.Scheme+"://"+u.Host)] {
		return true
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
