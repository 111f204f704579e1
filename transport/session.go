package transport

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/redis/go-redis/v9"
)

// Sessions over HTTP.
//
// A client on protocol 2025-11-25 or older declares its capabilities once, in
// initialize, and the server may ask it things (elicitation) only on a stream
// of a request it is answering. So that such a client can be asked to confirm
// a destructive call, initialize answers with an Mcp-Session-Id that carries
// the session's state itself, signed: a random session name, the negotiated
// protocol version, the capabilities the client declared, a keyed fingerprint
// of the caller's credential, and the time it was issued. Any replica that
// shares the key (ONCEHUB_SERVER_SECRET) can check it and serve the session;
// nothing is stored when a session starts, so memory does not grow with
// sessions. Presented with another credential, a session ID is refused.
//
// What a token cannot say by itself lives in a small table keyed by the
// session's name — shared through Redis when configured, in this process
// otherwise — and only for as long as the idle timeout: when the session was
// last used (recorded at most every tenth of the idle timeout), whether it
// was ended by DELETE, and the log level the client set. A session unused for
// the idle timeout is refused, and its entry expires.
//
// Each request of a session is still served by an ephemeral mcp-go session of
// its own (as without sessions), dressed with the token's state (see
// callSession). A server-to-client request (elicitation/create) is written on
// the stream of the call that asks, with an ID unique across replicas; the
// client's answer, a new POST that may reach any replica, is handed to the
// waiting call directly or, through Redis publish/subscribe, on the replica
// where it waits.

// Defaults of SessionOptions' zero values.
const (
	DefaultSessionIdleTimeout = 30 * time.Minute
	DefaultMaxSessionEntries  = 100_000
	DefaultRedisPrefix        = "oncehub-mcp:"
	// eventTTL is how long the events of a resumable stream are kept after
	// the last one was recorded.
	eventTTL = 10 * time.Minute
)

// SessionOptions turns on sessions (see NewHTTPHandler).
type SessionOptions struct {
	// Key signs session IDs; at least 32 bytes. Replicas that share it serve
	// each other's sessions.
	Key []byte
	// Caller returns the credential the caller of r presents (its OnceHub key,
	// an access token): a session is bound to the credential it was started
	// with. It is the app's notion of who calls, never read from headers here.
	Caller func(r *http.Request) string
	// IdleTimeout ends a session unused for this long;
	// DefaultSessionIdleTimeout when zero.
	IdleTimeout time.Duration
	// Redis, when set, is shared by the replicas: it holds the session table
	// (last use, DELETE, log level), carries answers to the replica whose call
	// waits for them, and stores stream events for Last-Event-ID resumption.
	Redis redis.UniversalClient
	// Prefix of Redis keys and of the channel; DefaultRedisPrefix when empty.
	Prefix string
	// MaxEntries bounds the session table kept in memory without Redis;
	// DefaultMaxSessionEntries when zero.
	MaxEntries int
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// sessions serves the requests that belong to a session.
type sessions struct {
	signKey, callerKey []byte
	caller             func(*http.Request) string
	idle               time.Duration
	now                func() time.Time
	store              sessionStore
	bus                *bus              // nil without Redis
	events             server.EventStore // Redis, or this process's calls in progress
	detach             bool              // a dropped connection does not end a call (Redis: it can be resumed anywhere)
	handler            http.Handler      // mcp-go, for requests of a session
	mcp                *server.MCPServer
	logger             *slog.Logger
	maxCall            time.Duration // how long a resumable call may outlive its connection

	lastWarn atomic.Int64 // unix nanoseconds of the last warning about Redis

	replica string        // names this process in per-request IDs
	seq     atomic.Uint64 // numbers this process's requests
	waiters sync.Map      // waitKey → chan []byte: calls waiting for an answer
	calls   sync.Map      // waitKey → *cancelEntry: calls a client may cancel
}

func newSessions(o SessionOptions, logger *slog.Logger) (*sessions, error) {
	if len(o.Key) < 32 {
		return nil, errors.New("sessions need a key of at least 32 bytes")
	}
	s := &sessions{
		signKey:   subKey(o.Key, "sign"),
		callerKey: subKey(o.Key, "caller"),
		caller:    o.Caller,
		idle:      orDefault(o.IdleTimeout, DefaultSessionIdleTimeout),
		now:       o.Now,
		logger:    logger,
		replica:   randomString(6),
	}
	if s.caller == nil {
		s.caller = func(*http.Request) string { return "" }
	}
	if s.now == nil {
		s.now = time.Now
	}
	prefix := o.Prefix
	if prefix == "" {
		prefix = DefaultRedisPrefix
	}
	if o.Redis != nil {
		s.store = &redisStore{rdb: o.Redis, prefix: prefix + "session:", ttl: s.idle}
		s.events = &redisEvents{rdb: o.Redis, prefix: prefix + "events:", ttl: eventTTL}
		s.bus = newBus(o.Redis, prefix+"session-bus", s.receive, logger)
		s.detach = true
	} else {
		s.store = newMemoryStore(s.idle, orDefault(o.MaxEntries, DefaultMaxSessionEntries), s.now, logger)
		s.events = &memoryEvents{}
	}
	return s, nil
}

func (s *sessions) close() {
	if s.bus != nil {
		s.bus.close()
	}
}

func subKey(key []byte, purpose string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("oncehub-mcp session " + purpose))
	return m.Sum(nil)
}

func randomString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// sessionClaims is what a session ID says about its session.
type sessionClaims struct {
	ID       string                 `json:"i"`           // random; names the session in the table
	Protocol string                 `json:"v"`           // negotiated at initialize
	Caps     mcp.ClientCapabilities `json:"c"`           // declared at initialize (roots, sampling, elicitation)
	Client   string                 `json:"n,omitempty"` // clientInfo name/version, for logs
	Caller   string                 `json:"f"`           // fingerprint of the caller's credential
	Issued   int64                  `json:"t"`           // unix milliseconds
}

// tokenPrefix versions the session ID format.
const tokenPrefix = "s1."

func (s *sessions) fingerprint(credential string) string {
	m := hmac.New(sha256.New, s.callerKey)
	m.Write([]byte(credential))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

func (s *sessions) sign(c sessionClaims) string {
	payload, _ := json.Marshal(c)
	p := base64.RawURLEncoding.EncodeToString(payload)
	m := hmac.New(sha256.New, s.signKey)
	m.Write([]byte(p))
	return tokenPrefix + p + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *sessions) verify(token string) (sessionClaims, bool) {
	var c sessionClaims
	rest, ok := strings.CutPrefix(token, tokenPrefix)
	if !ok {
		return c, false
	}
	p, sig, ok := strings.Cut(rest, ".")
	if !ok {
		return c, false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil {
		return c, false
	}
	m := hmac.New(sha256.New, s.signKey)
	m.Write([]byte(p))
	if !hmac.Equal(got, m.Sum(nil)) {
		return c, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil || json.Unmarshal(payload, &c) != nil || c.ID == "" {
		return c, false
	}
	return c, true
}

// mint returns a session ID for a client that initialized with params and
// was answered with protocol version.
func (s *sessions) mint(r *http.Request, params mcp.InitializeParams, version string) string {
	caps := mcp.ClientCapabilities{
		Roots:       params.Capabilities.Roots,
		Sampling:    params.Capabilities.Sampling,
		Elicitation: params.Capabilities.Elicitation,
		Extensions:  boundedExtensions(params.Capabilities.Extensions),
	}
	client := params.ClientInfo.Name
	if params.ClientInfo.Version != "" {
		client += "/" + params.ClientInfo.Version
	}
	if len(client) > 64 {
		client = client[:64]
	}
	return s.sign(sessionClaims{
		ID:       randomString(12),
		Protocol: version,
		Caps:     caps,
		Client:   client,
		Caller:   s.fingerprint(s.caller(r)),
		Issued:   s.now().UnixMilli(),
	})
}

// refusal is why a session ID was not accepted: the client must initialize
// again (HTTP 404, as the MCP specification asks for unknown sessions).
type refusal string

// open checks the session ID r carries and returns its claims and state.
func (s *sessions) open(r *http.Request) (sessionClaims, sessionState, refusal) {
	c, ok := s.verify(r.Header.Get(server.HeaderKeySessionID))
	if !ok {
		return c, sessionState{}, "unknown session ID: initialize a new session"
	}
	if !hmac.Equal([]byte(c.Caller), []byte(s.fingerprint(s.caller(r)))) {
		s.logger.Info("refused a session ID presented with another credential than the one it was started with")
		return c, sessionState{}, "this session was started with another credential: initialize a new session"
	}
	ctx, cancel := context.WithTimeout(r.Context(), storeTimeout)
	defer cancel()
	st, err := s.store.get(ctx, c.ID)
	if err != nil {
		// The signature and the credential still hold; only idle expiry and
		// DELETE cannot be checked while the table is unreachable.
		s.warnRedis("session table unreachable: serving sessions on their signature alone", err)
		return c, sessionState{}, ""
	}
	if st.Ended {
		return c, st, "session ended (DELETE): initialize a new session"
	}
	now := s.now()
	last := time.UnixMilli(c.Issued)
	if st.Seen.After(last) {
		last = st.Seen
	}
	if idle := now.Sub(last); idle > s.idle {
		return c, st, refusal("session expired after " + s.idle.String() + " unused: initialize a new session")
	}
	if now.Sub(last) > s.idle/10 {
		if err := s.store.touch(ctx, c.ID, now); err != nil {
			s.warnRedis("could not record a session's use", err)
		}
	}
	return c, st, ""
}

// warnRedis logs a failure of the shared session table, at most every 30 s
// (while Redis is down, every request would say so).
func (s *sessions) warnRedis(msg string, err error) {
	now, last := time.Now().UnixNano(), s.lastWarn.Load()
	if now-last < int64(30*time.Second) || !s.lastWarn.CompareAndSwap(last, now) {
		return
	}
	s.logger.Warn(msg, "err", err)
}

// storeTimeout bounds one round trip to the session table.
const storeTimeout = 2 * time.Second

// refuse answers a request whose session ID was not accepted.
func refuse(w http.ResponseWriter, why refusal) {
	writeJSONRPCError(w, http.StatusNotFound, mcp.INVALID_REQUEST, string(why))
}

func writeJSONRPCError(w http.ResponseWriter, status, code int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(mcp.JSONRPCError{
		JSONRPC: mcp.JSONRPC_VERSION,
		ID:      mcp.NewRequestId(nil),
		Error:   mcp.NewJSONRPCErrorDetails(code, message, nil),
	})
}

// initialize serves an initialize request with the stateless handler next,
// and gives the client a session when it negotiated a protocol version that
// has sessions (2025-11-25 and older).
func (s *sessions) initialize(w http.ResponseWriter, r *http.Request, body []byte, next http.Handler) {
	var req struct {
		Params mcp.InitializeParams `json:"params"`
	}
	_ = json.Unmarshal(body, &req) // a malformed request is mcp-go's to answer
	rec := &recorder{header: http.Header{}}
	next.ServeHTTP(rec, r)
	var res struct {
		Result *struct {
			ProtocolVersion string `json:"protocolVersion"`
		} `json:"result"`
	}
	if rec.status == http.StatusOK && json.Unmarshal(rec.body.Bytes(), &res) == nil &&
		res.Result != nil && res.Result.ProtocolVersion != "" && !mcp.IsModernProtocol(res.Result.ProtocolVersion) {
		w.Header().Set(server.HeaderKeySessionID, s.mint(r, req.Params, res.Result.ProtocolVersion))
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

// recorder keeps a whole (small) response: initialize's answer.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(p)
}

// waitKey names a call or a question within a session.
func waitKey(session, id string) string { return session + "\x00" + id }

// rawID is a JSON-RPC ID as its compact JSON text ("7", "\"abc\"").
func rawID(id json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, id) != nil {
		return string(id)
	}
	return b.String()
}

// serve serves a request or notification of session c with mcp-go.
func (s *sessions) serve(w http.ResponseWriter, r *http.Request, c sessionClaims, st sessionState, id json.RawMessage) {
	// Each request is its own mcp-go session, named after the session and
	// the request: notifications and stream events stay with the request
	// they belong to, and a resumed stream finds its events.
	req := s.replica + strconv.FormatUint(s.seq.Add(1), 36)
	r.Header.Set(server.HeaderKeySessionID, c.ID+"/"+req)

	ctx := r.Context()
	if s.detach {
		// With streams any replica can resume, a dropped connection is not
		// a cancellation (the client may resume and read the result);
		// notifications/cancelled is. Without Redis, closing the request
		// cancels the call, as outside sessions (mcp-go's client cancels so).
		// Shutdown's abort still ends it.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), s.maxCall)
		defer cancel()
		if fl := inflightFrom(ctx); fl != nil {
			fl.onAbort(cancel)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if len(id) > 0 {
		key, entry := waitKey(c.ID, rawID(id)), &cancelEntry{cancel}
		s.calls.Store(key, entry)
		defer s.calls.CompareAndDelete(key, entry)
	}
	sw := &streamWriter{w: w, shadow: http.Header{}, boundary: true}
	call := &sessionCall{sessions: s, claims: c, level: st.Level, stream: sw, ctx: ctx}
	s.handler.ServeHTTP(sw, r.WithContext(context.WithValue(ctx, sessionCallKey{}, call)))
	if len(id) > 0 {
		s.forget(c.ID + "/" + req)
	}
}

// forget drops what mcp-go keeps in memory for a finished request's stream
// (with Redis its events stay there until they expire, so a client that
// comes back with Last-Event-ID still gets them). The request's mcp-go
// session is ended the way mcp-go ends any: with a DELETE.
func (s *sessions) forget(internalID string) {
	r, _ := http.NewRequest(http.MethodDelete, "/", nil)
	r.Header.Set(server.HeaderKeySessionID, internalID)
	s.handler.ServeHTTP(&recorder{header: http.Header{}}, r)
}

// resume serves a GET with Last-Event-ID: the client reconnects to a stream
// of its session that broke, on this replica or another.
func (s *sessions) resume(w http.ResponseWriter, r *http.Request) {
	c, _, why := s.open(r)
	if why != "" {
		refuse(w, why)
		return
	}
	req, _, ok := parseEventID(r.Header.Get("Last-Event-ID"))
	if !ok {
		writeJSONRPCError(w, http.StatusBadRequest, mcp.INVALID_REQUEST, "unknown Last-Event-ID")
		return
	}
	r.Header.Set(server.HeaderKeySessionID, c.ID+"/"+req)
	s.handler.ServeHTTP(w, r)
}

// end serves DELETE: the session is over on every replica. The session ID
// alone is enough (its signature is checked, not the credential): some
// clients send no credentials with DELETE, and ending a session only makes
// its client initialize again.
func (s *sessions) end(w http.ResponseWriter, r *http.Request) {
	c, ok := s.verify(r.Header.Get(server.HeaderKeySessionID))
	if !ok {
		refuse(w, "unknown session ID")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), storeTimeout)
	defer cancel()
	if err := s.store.end(ctx, c.ID); err != nil {
		s.logger.Warn("could not record the end of a session", "err", err)
		writeJSONRPCError(w, http.StatusServiceUnavailable, mcp.INTERNAL_ERROR, "could not end the session now; retry")
		return
	}
	w.WriteHeader(http.StatusOK)
}

// answer takes a client's response to a question the server asked (body is
// the JSON-RPC response) to the call waiting for it, here or on another
// replica.
func (s *sessions) answer(w http.ResponseWriter, r *http.Request, c sessionClaims, id json.RawMessage, body []byte) {
	var qid string
	if json.Unmarshal(id, &qid) != nil || qid == "" {
		writeJSONRPCError(w, http.StatusBadRequest, mcp.INVALID_REQUEST, "this server asked no question with that ID")
		return
	}
	if s.deliver(waitKey(c.ID, qid), body) {
		s.logger.Debug("answer delivered to the call waiting for it")
		w.WriteHeader(http.StatusAccepted)
		return
	}
	if s.bus == nil {
		writeJSONRPCError(w, http.StatusBadRequest, mcp.INVALID_REQUEST,
			"no call of this session is waiting for this answer (it may have timed out); nothing was done with it")
		return
	}
	if err := s.bus.publish(r.Context(), busMessage{Kind: "answer", Session: c.ID, ID: qid, Body: body}); err != nil {
		s.logger.Warn("could not pass an answer to the other replicas", "err", err)
		writeJSONRPCError(w, http.StatusServiceUnavailable, mcp.INTERNAL_ERROR, "could not deliver the answer now")
		return
	}
	s.logger.Debug("answer passed on to the other replicas")
	w.WriteHeader(http.StatusAccepted)
}

// cancel serves notifications/cancelled within a session: it ends that
// session's call with the ID it names, here or on another replica.
func (s *sessions) cancel(w http.ResponseWriter, r *http.Request, c sessionClaims, body []byte) {
	var n struct {
		Params struct {
			RequestID json.RawMessage `json:"requestId"`
		} `json:"params"`
	}
	if json.Unmarshal(body, &n) == nil && len(n.Params.RequestID) > 0 {
		id := rawID(n.Params.RequestID)
		if !s.cancelCall(waitKey(c.ID, id)) && s.bus != nil {
			if err := s.bus.publish(r.Context(), busMessage{Kind: "cancel", Session: c.ID, ID: id}); err != nil {
				s.logger.Warn("could not pass a cancellation to the other replicas", "err", err)
			}
		}
	}
	w.WriteHeader(http.StatusAccepted)
}

// cancelEntry is a call's cancel function, by pointer (comparable).
type cancelEntry struct{ cancel context.CancelFunc }

func (s *sessions) cancelCall(key string) bool {
	if e, ok := s.calls.Load(key); ok {
		e.(*cancelEntry).cancel()
		return true
	}
	return false
}

// deliver hands an answer to a call of this process waiting for it.
func (s *sessions) deliver(key string, body []byte) bool {
	ch, ok := s.waiters.Load(key)
	if !ok {
		return false
	}
	select {
	case ch.(chan []byte) <- body:
	default: // answered already
	}
	return true
}

// receive handles what another replica passed on.
func (s *sessions) receive(m busMessage) {
	switch m.Kind {
	case "answer":
		if s.deliver(waitKey(m.Session, m.ID), m.Body) {
			s.logger.Debug("answer from another replica delivered to the call waiting for it")
		}
	case "cancel":
		s.cancelCall(waitKey(m.Session, m.ID))
	}
}

// ask sends the question q (elicitation/create) on the stream of call and
// waits for the client's answer, wherever it arrives, until ctx ends.
func (s *sessions) ask(ctx context.Context, call *sessionCall, params mcp.ElicitationParams) (*mcp.ElicitationResult, error) {
	qid := "q-" + randomString(12)
	key := waitKey(call.claims.ID, qid)
	ch := make(chan []byte, 1)
	s.waiters.Store(key, ch)
	defer s.waiters.Delete(key)

	msg, err := json.Marshal(mcp.JSONRPCRequest{
		JSONRPC: mcp.JSONRPC_VERSION,
		ID:      mcp.NewRequestId(qid),
		Request: mcp.Request{Method: string(mcp.MethodElicitationCreate)},
		Params:  params,
	})
	if err != nil {
		return nil, err
	}
	if up, ok := call.inner.(server.SessionWithStreamableHTTPConfig); ok {
		up.UpgradeToSSEWhenReceiveNotification() // the answer must be an SSE stream too
	}
	if err := call.stream.inject(ctx, msg); err != nil {
		return nil, fmt.Errorf("the question could not be sent: %w", err)
	}
	// Waiting for a person sends nothing to OnceHub: the call lends its slot
	// of the total meanwhile, as it does while sleeping for a rate-limit turn
	// (its lane still counts it), and takes one back for as long as the call
	// lasts, not only as long as the question may wait.
	if t := AdmissionFrom(ctx); t != nil {
		t.RateWait()
		defer func() { _ = t.RateWaitDone(call.ctx) }()
	}
	select {
	case body := <-ch:
		var reply struct {
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal(body, &reply); err != nil {
			return nil, fmt.Errorf("the client's answer is not JSON-RPC: %w", err)
		}
		if reply.Error != nil {
			return nil, fmt.Errorf("the client answered with error %d: %s", reply.Error.Code, reply.Error.Message)
		}
		var res mcp.ElicitationResult
		if err := json.Unmarshal(reply.Result, &res); err != nil {
			return nil, fmt.Errorf("the client's answer is not an elicitation result: %w", err)
		}
		return &res, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// maxExtensionBytes bounds the extensions a session ID carries (it travels in
// a header on every request): the MCP Apps extension declares a list of MIME
// types, a few dozen bytes.
const maxExtensionBytes = 1024

// boundedExtensions returns the extensions a client declared (io.modelcontextprotocol/ui,
// say) when they are small enough to ride in the session ID, else none.
func boundedExtensions(ext map[string]any) map[string]any {
	if len(ext) == 0 {
		return nil
	}
	if data, err := json.Marshal(ext); err != nil || len(data) > maxExtensionBytes {
		return nil
	}
	return ext
}
