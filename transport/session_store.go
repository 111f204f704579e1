package transport

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/redis/go-redis/v9"
)

// sessionState is what the session table knows of a session beyond its ID.
type sessionState struct {
	Seen  time.Time // last recorded use; zero when none was recorded
	Ended bool      // ended by DELETE
	Level mcp.LoggingLevel
}

// sessionStore is the session table. Every entry expires after the idle
// timeout (counted from the entry's last write), so the table holds only
// sessions in use, and DELETEd ones for as long as they could otherwise have
// lived.
type sessionStore interface {
	get(ctx context.Context, id string) (sessionState, error)
	touch(ctx context.Context, id string, now time.Time) error
	end(ctx context.Context, id string) error
	setLevel(ctx context.Context, id string, level mcp.LoggingLevel) error
}

// memoryStore is the session table of a process without Redis. It holds at
// most max entries; past that, uses are not recorded (such a session may
// then expire up to an idle timeout early) and DELETEs are not remembered
// (the session stays usable by the credential it is bound to until it idles
// out), and a warning is logged.
type memoryStore struct {
	idle   time.Duration
	max    int
	now    func() time.Time
	logger *slog.Logger

	mu        sync.Mutex
	entries   map[string]memEntry
	lastSweep time.Time
	warned    bool
}

type memEntry struct {
	seen    int64 // unix nanoseconds; 0 when not recorded
	expires int64 // unix nanoseconds
	ended   bool
	level   mcp.LoggingLevel
}

func newMemoryStore(idle time.Duration, max int, now func() time.Time, logger *slog.Logger) *memoryStore {
	return &memoryStore{idle: idle, max: max, now: now, logger: logger, entries: map[string]memEntry{}}
}

func (m *memoryStore) get(_ context.Context, id string) (sessionState, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[id]
	if !ok || e.expires <= m.now().UnixNano() {
		return sessionState{}, nil
	}
	st := sessionState{Ended: e.ended, Level: e.level}
	if e.seen != 0 {
		st.Seen = time.Unix(0, e.seen)
	}
	return st, nil
}

func (m *memoryStore) update(id string, f func(*memEntry)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if now.Sub(m.lastSweep) > m.idle/2 {
		m.sweepLocked(now)
	}
	e, ok := m.entries[id]
	if !ok && len(m.entries) >= m.max {
		m.sweepLocked(now)
		if len(m.entries) >= m.max {
			if !m.warned {
				m.warned = true
				m.logger.Warn("session table full: not recording more sessions until some idle out; configure Redis (ONCEHUB_REDIS_URL) to share it", "entries", m.max)
			}
			return
		}
	}
	f(&e)
	e.expires = now.Add(m.idle).UnixNano()
	m.entries[id] = e
}

func (m *memoryStore) sweepLocked(now time.Time) {
	n := now.UnixNano()
	for id, e := range m.entries {
		if e.expires <= n {
			delete(m.entries, id)
		}
	}
	m.lastSweep = now
	if len(m.entries) < m.max {
		m.warned = false
	}
}

func (m *memoryStore) touch(_ context.Context, id string, now time.Time) error {
	m.update(id, func(e *memEntry) { e.seen = now.UnixNano() })
	return nil
}

func (m *memoryStore) end(_ context.Context, id string) error {
	m.update(id, func(e *memEntry) { e.ended = true })
	return nil
}

func (m *memoryStore) setLevel(_ context.Context, id string, level mcp.LoggingLevel) error {
	m.update(id, func(e *memEntry) { e.level = level })
	return nil
}

// redisStore is the session table shared by replicas: one hash per session
// (s: last use in unix milliseconds, e: ended, l: log level), expiring an
// idle timeout after its last write.
type redisStore struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
}

func (r *redisStore) get(ctx context.Context, id string) (sessionState, error) {
	vals, err := r.rdb.HMGet(ctx, r.prefix+id, "s", "e", "l").Result()
	if err != nil {
		return sessionState{}, err
	}
	var st sessionState
	if s, ok := vals[0].(string); ok {
		if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
			st.Seen = time.UnixMilli(ms)
		}
	}
	st.Ended = vals[1] != nil
	if l, ok := vals[2].(string); ok {
		st.Level = mcp.LoggingLevel(l)
	}
	return st, nil
}

func (r *redisStore) set(ctx context.Context, id string, field string, value any) error {
	key := r.prefix + id
	_, err := r.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, key, field, value)
		p.PExpire(ctx, key, r.ttl)
		return nil
	})
	return err
}

func (r *redisStore) touch(ctx context.Context, id string, now time.Time) error {
	return r.set(ctx, id, "s", now.UnixMilli())
}

func (r *redisStore) end(ctx context.Context, id string) error { return r.set(ctx, id, "e", 1) }

func (r *redisStore) setLevel(ctx context.Context, id string, level mcp.LoggingLevel) error {
	return r.set(ctx, id, "l", string(level))
}

// busMessage is what one replica passes to the others: a client's answer to
// a question (Kind "answer", Body the JSON-RPC response) or a cancellation
// (Kind "cancel") for a call of session Session with ID ID.
type busMessage struct {
	Kind    string          `json:"k"`
	Session string          `json:"s"`
	ID      string          `json:"i"`
	Body    json.RawMessage `json:"b,omitempty"`
}

// bus is one Redis publish/subscribe channel that every replica listens on.
// Answers and cancellations are rare (one per confirmation), so each replica
// receives them all and keeps those addressed to a call it is running: one
// subscription per process, nothing to subscribe per call, and no race
// between a call starting to wait and its answer being published.
type bus struct {
	rdb     redis.UniversalClient
	channel string
	ps      *redis.PubSub
	done    chan struct{}
}

func newBus(rdb redis.UniversalClient, channel string, handle func(busMessage), logger *slog.Logger) *bus {
	b := &bus{rdb: rdb, channel: channel, ps: rdb.Subscribe(context.Background(), channel), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		for m := range b.ps.Channel() {
			var bm busMessage
			if err := json.Unmarshal([]byte(m.Payload), &bm); err != nil {
				logger.Warn("ignored a malformed message on the session bus", "err", err)
				continue
			}
			handle(bm)
		}
	}()
	return b
}

func (b *bus) publish(ctx context.Context, m busMessage) error {
	payload, err := json.Marshal(m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	return b.rdb.Publish(ctx, b.channel, payload).Err()
}

func (b *bus) close() {
	_ = b.ps.Close()
	<-b.done
}

// redisEvents is mcp-go's EventStore on Redis, so that a client whose stream
// broke can resume it with Last-Event-ID on any replica. mcp-go names the
// session of a request "<session>/<request>" (see sessions.serve); each
// request's stream is a list at <prefix><session>:<request> whose first
// element is mcp-go's stream ID and the rest the events, so event n of
// request r has the ID "r:n". Lists expire eventTTL after their last event.
type redisEvents struct {
	rdb    redis.UniversalClient
	prefix string
	ttl    time.Duration
}

var _ server.EventStore = (*redisEvents)(nil)

var storeEvent = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('RPUSH', KEYS[1], ARGV[1]) end
local n = redis.call('RPUSH', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return n - 1`)

func splitRequestSession(sessionID string) (session, req string, ok bool) {
	session, req, ok = strings.Cut(sessionID, "/")
	return session, req, ok && session != "" && req != ""
}

// parseEventID splits an event ID "request:n".
func parseEventID(id string) (req string, n int64, ok bool) {
	req, num, found := strings.Cut(id, ":")
	if !found || req == "" || len(req) > 64 {
		return "", 0, false
	}
	for _, c := range req {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return "", 0, false
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	return req, n, err == nil && n >= 1
}

func (e *redisEvents) StoreEvent(ctx context.Context, sessionID, streamID string, message json.RawMessage) (string, error) {
	session, req, ok := splitRequestSession(sessionID)
	if !ok {
		return "", fmt.Errorf("no request in session %q", sessionID)
	}
	ctx, cancel := context.WithTimeout(ctx, storeTimeout)
	defer cancel()
	n, err := storeEvent.Run(ctx, e.rdb, []string{e.prefix + session + ":" + req}, streamID, []byte(message), e.ttl.Milliseconds()).Int64()
	if err != nil {
		return "", err
	}
	return req + ":" + strconv.FormatInt(n, 10), nil
}

func (e *redisEvents) ReplayEventsAfter(ctx context.Context, sessionID, lastEventID string, send func(eventID string, message json.RawMessage) error) (string, error) {
	session, req, ok := splitRequestSession(sessionID)
	evReq, n, evOK := parseEventID(lastEventID)
	if !ok || !evOK || evReq != req {
		return "", fmt.Errorf("%w: %s", server.ErrUnknownEventID, lastEventID)
	}
	vals, err := e.rdb.LRange(ctx, e.prefix+session+":"+req, 0, -1).Result()
	if err != nil {
		return "", err
	}
	if int64(len(vals)) <= n {
		return "", fmt.Errorf("%w: %s", server.ErrUnknownEventID, lastEventID)
	}
	for i := n + 1; i < int64(len(vals)); i++ {
		if err := send(req+":"+strconv.FormatInt(i, 10), json.RawMessage(vals[i])); err != nil {
			return "", err
		}
	}
	return vals[0], nil
}

// PurgeSession keeps the events: mcp-go calls it when a request's stream is
// forgotten (sessions.forget), and a client may still resume it; they expire
// on their own.
func (e *redisEvents) PurgeSession(context.Context, string) error { return nil }

// memoryEvents is the EventStore without Redis: a request's events are kept
// while its call runs (a client whose stream broke can resume it on this
// replica meanwhile) and dropped when the call ends (sessions.forget). Event
// IDs are named as with Redis.
//
// It also makes mcp-go deliver every notification of a call before the
// call's result: without an event store, mcp-go v1.2.1 may drop a
// notification sent just before a handler returns.
type memoryEvents struct {
	mu      sync.Mutex
	streams map[string]*memStream // by mcp-go's session of the request
}

type memStream struct {
	id     string
	events []json.RawMessage
}

var _ server.EventStore = (*memoryEvents)(nil)

func (e *memoryEvents) StoreEvent(_ context.Context, sessionID, streamID string, message json.RawMessage) (string, error) {
	_, req, ok := splitRequestSession(sessionID)
	if !ok {
		return "", fmt.Errorf("no request in session %q", sessionID)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.streams == nil {
		e.streams = map[string]*memStream{}
	}
	st := e.streams[sessionID]
	if st == nil {
		st = &memStream{id: streamID}
		e.streams[sessionID] = st
	}
	st.events = append(st.events, append(json.RawMessage(nil), message...))
	return req + ":" + strconv.Itoa(len(st.events)), nil
}

func (e *memoryEvents) ReplayEventsAfter(_ context.Context, sessionID, lastEventID string, send func(eventID string, message json.RawMessage) error) (string, error) {
	_, req, ok := splitRequestSession(sessionID)
	evReq, n, evOK := parseEventID(lastEventID)
	e.mu.Lock()
	st := e.streams[sessionID]
	if !ok || !evOK || evReq != req || st == nil || int64(len(st.events)) < n {
		e.mu.Unlock()
		return "", fmt.Errorf("%w: %s", server.ErrUnknownEventID, lastEventID)
	}
	tail := append([]json.RawMessage(nil), st.events[n:]...)
	id := st.id
	e.mu.Unlock()
	for i, m := range tail {
		if err := send(req+":"+strconv.FormatInt(n+int64(i)+1, 10), m); err != nil {
			return "", err
		}
	}
	return id, nil
}

func (e *memoryEvents) PurgeSession(_ context.Context, sessionID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.streams, sessionID)
	return nil
}
