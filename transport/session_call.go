package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// sessionCall is one request of a session, as the tool handlers see it: an
// mcp-go ClientSession that reports what the session's ID says (protocol
// version, capabilities, client, log level) and asks the client questions on
// the request's own stream. Notifications go through the ephemeral mcp-go
// session of the request (inner), so they keep reaching that request only.
type sessionCall struct {
	sessions *sessions
	claims   sessionClaims
	level    mcp.LoggingLevel
	stream   *streamWriter
	inner    server.ClientSession
	ctx      context.Context // the request's: it bounds taking a lent slot back
}

type sessionCallKey struct{}

// sessionContext is the handler's context function for requests of a
// session: it runs the app's, then puts the sessionCall in place of the
// request's plain mcp-go session.
func (s *sessions) sessionContext(appContext func(context.Context, *http.Request) context.Context) func(context.Context, *http.Request) context.Context {
	return func(ctx context.Context, r *http.Request) context.Context {
		if appContext != nil {
			ctx = appContext(ctx, r)
		}
		call, ok := r.Context().Value(sessionCallKey{}).(*sessionCall)
		if !ok {
			return ctx
		}
		call.inner = server.ClientSessionFromContext(ctx)
		if call.inner == nil {
			return ctx
		}
		return s.mcp.WithContext(ctx, call)
	}
}

var (
	_ server.SessionWithClientInfo           = (*sessionCall)(nil)
	_ server.SessionWithProtocolVersion      = (*sessionCall)(nil)
	_ server.SessionWithLogging              = (*sessionCall)(nil)
	_ server.SessionWithElicitation          = (*sessionCall)(nil)
	_ server.SessionWithStreamableHTTPConfig = (*sessionCall)(nil)
)

func (c *sessionCall) SessionID() string { return c.inner.SessionID() }
func (c *sessionCall) NotificationChannel() chan<- mcp.JSONRPCNotification {
	return c.inner.NotificationChannel()
}
func (c *sessionCall) Initialize()             {}
func (c *sessionCall) Initialized() bool       { return true }
func (c *sessionCall) ProtocolVersion() string { return c.claims.Protocol }

func (c *sessionCall) GetClientInfo() mcp.Implementation {
	name, version, _ := strings.Cut(c.claims.Client, "/")
	return mcp.Implementation{Name: name, Version: version}
}
func (c *sessionCall) SetClientInfo(mcp.Implementation)              {}
func (c *sessionCall) GetClientCapabilities() mcp.ClientCapabilities { return c.claims.Caps }
func (c *sessionCall) SetClientCapabilities(mcp.ClientCapabilities)  {}

// GetLogLevel is the level the client set with logging/setLevel in this
// session (mcp-go's default, error, until it does).
func (c *sessionCall) GetLogLevel() mcp.LoggingLevel {
	if c.level == "" {
		return mcp.LoggingLevelError
	}
	return c.level
}

// SetLogLevel records the level for the session's later requests too.
func (c *sessionCall) SetLogLevel(level mcp.LoggingLevel) {
	c.level = level
	ctx, cancel := context.WithTimeout(context.Background(), storeTimeout)
	defer cancel()
	if err := c.sessions.store.setLevel(ctx, c.claims.ID, level); err != nil {
		c.sessions.logger.Warn("could not record a session's log level", "err", err)
	}
}

func (c *sessionCall) UpgradeToSSEWhenReceiveNotification() {
	if up, ok := c.inner.(server.SessionWithStreamableHTTPConfig); ok {
		up.UpgradeToSSEWhenReceiveNotification()
	}
}

// RequestElicitation asks the client on this request's stream and waits for
// its answer until ctx ends (the caller bounds the wait).
func (c *sessionCall) RequestElicitation(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	return c.sessions.ask(ctx, c, req.Params)
}

// streamWriter is the response writer mcp-go writes a session request's
// answer to. Besides passing mcp-go's writes through, it lets a question be
// written on the same stream (inject), between two of mcp-go's SSE events.
//
// mcp-go sets its headers on a map of its own (shadow) and they are copied
// when the response starts, so a question written first (which starts an SSE
// response itself) never touches a map mcp-go may be writing.
type streamWriter struct {
	w      http.ResponseWriter
	shadow http.Header

	mu       sync.Mutex
	started  bool // the response's header was written
	sse      bool // and it is an event stream
	boundary bool // the last write ended an SSE event (or nothing was written)
	broken   error

	// Forwarded notifications (stateless calls; see forward).
	notes        chan mcp.JSONRPCNotification
	stop, exited chan struct{}
	settleOnce   sync.Once
}

func (s *streamWriter) Header() http.Header { return s.shadow }

func (s *streamWriter) WriteHeader(code int) {
	s.settle()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startLocked(code)
}

func (s *streamWriter) startLocked(code int) {
	if s.started {
		return // the stream was started by a question; mcp-go's SSE header is the same
	}
	h := s.w.Header()
	for k, v := range s.shadow {
		h[k] = v
	}
	s.sse = h.Get("Content-Type") == "text/event-stream"
	s.started = true
	s.w.WriteHeader(code)
}

func (s *streamWriter) Write(p []byte) (int, error) {
	s.settle()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.startLocked(http.StatusOK)
	n, err := s.w.Write(p)
	if err != nil && s.broken == nil {
		s.broken = err
	}
	s.boundary = bytes.HasSuffix(p, []byte("\n\n"))
	return n, err
}

func (s *streamWriter) Flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.w.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the connection (deadlines).
func (s *streamWriter) Unwrap() http.ResponseWriter { return s.w }

// inject writes msg (a JSON-RPC message) as an SSE event, starting the event
// stream if nothing was written yet, and waiting for mcp-go to finish an
// event it is in the middle of.
func (s *streamWriter) inject(ctx context.Context, msg []byte) error {
	for {
		s.mu.Lock()
		if s.broken != nil {
			err := s.broken
			s.mu.Unlock()
			return err
		}
		if s.started && !s.sse {
			s.mu.Unlock()
			return errors.New("the response is not an event stream")
		}
		if s.boundary {
			break
		}
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
	defer s.mu.Unlock()
	if !s.started {
		h := s.w.Header()
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-cache")
		h.Set("Connection", "keep-alive")
		s.started, s.sse = true, true
		s.w.WriteHeader(http.StatusOK)
	}
	var b bytes.Buffer
	b.WriteString("event: message\ndata: ")
	b.Write(msg)
	b.WriteString("\n\n")
	if _, err := s.w.Write(b.Bytes()); err != nil {
		s.broken = err
		return err
	}
	if f, ok := s.w.(http.Flusher); ok {
		f.Flush()
	}
	return nil
}

// Notifications of a stateless call.
//
// Outside a session (no event store, and never for protocol 2026-07-28),
// mcp-go v1.2.1 may drop a notification sent just before a handler returns:
// its forwarder takes it off the channel and then finds the request done. So
// a stateless tools/call's notifications take another way: the request's
// mcp-go session is wrapped (notifySession) so that they go to a channel of
// the streamWriter, whose forwarder writes them on the stream, and which is
// drained before mcp-go writes the result.

type streamKey struct{}

// forward starts forwarding notifications sent to the returned channel onto
// the stream (as SSE events), until mcp-go writes.
func (s *streamWriter) forward() chan mcp.JSONRPCNotification {
	s.notes = make(chan mcp.JSONRPCNotification, 100)
	s.stop, s.exited = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(s.exited)
		write := func(n mcp.JSONRPCNotification) {
			if msg, err := json.Marshal(n); err == nil {
				_ = s.inject(context.Background(), msg)
			}
		}
		for {
			select {
			case n := <-s.notes:
				write(n)
			case <-s.stop:
				for {
					select {
					case n := <-s.notes:
						write(n)
					default:
						return
					}
				}
			}
		}
	}()
	return s.notes
}

// settle writes every notification sent so far and stops forwarding; mcp-go
// is about to write (the result).
func (s *streamWriter) settle() {
	if s.notes != nil {
		s.settleOnce.Do(func() { close(s.stop); <-s.exited })
	}
}

// statelessContext is the context function of stateless requests: the app's,
// plus, for a tools/call whose notifications the guard forwards, the
// notifySession in place of the request's mcp-go session.
func statelessContext(mcpServer *server.MCPServer, appContext func(context.Context, *http.Request) context.Context) func(context.Context, *http.Request) context.Context {
	return func(ctx context.Context, r *http.Request) context.Context {
		if appContext != nil {
			ctx = appContext(ctx, r)
		}
		sw, ok := r.Context().Value(streamKey{}).(*streamWriter)
		if !ok {
			return ctx
		}
		inner := server.ClientSessionFromContext(ctx)
		if inner == nil {
			return ctx
		}
		return mcpServer.WithContext(ctx, &notifySession{inner: inner, notes: sw.forward()})
	}
}

// notifySession is a request's mcp-go session whose notifications go to the
// streamWriter's forwarder; everything else is the session's own.
type notifySession struct {
	inner server.ClientSession
	notes chan mcp.JSONRPCNotification
}

var (
	_ server.SessionWithClientInfo           = (*notifySession)(nil)
	_ server.SessionWithProtocolVersion      = (*notifySession)(nil)
	_ server.SessionWithLogging              = (*notifySession)(nil)
	_ server.SessionWithElicitation          = (*notifySession)(nil)
	_ server.SessionWithStreamableHTTPConfig = (*notifySession)(nil)
)

func (n *notifySession) SessionID() string                                   { return n.inner.SessionID() }
func (n *notifySession) NotificationChannel() chan<- mcp.JSONRPCNotification { return n.notes }
func (n *notifySession) Initialize()                                         { n.inner.Initialize() }
func (n *notifySession) Initialized() bool                                   { return n.inner.Initialized() }

func (n *notifySession) GetClientInfo() mcp.Implementation {
	if s, ok := n.inner.(server.SessionWithClientInfo); ok {
		return s.GetClientInfo()
	}
	return mcp.Implementation{}
}

func (n *notifySession) SetClientInfo(i mcp.Implementation) {
	if s, ok := n.inner.(server.SessionWithClientInfo); ok {
		s.SetClientInfo(i)
	}
}

func (n *notifySession) GetClientCapabilities() mcp.ClientCapabilities {
	if s, ok := n.inner.(server.SessionWithClientInfo); ok {
		return s.GetClientCapabilities()
	}
	return mcp.ClientCapabilities{}
}

func (n *notifySession) SetClientCapabilities(c mcp.ClientCapabilities) {
	if s, ok := n.inner.(server.SessionWithClientInfo); ok {
		s.SetClientCapabilities(c)
	}
}

func (n *notifySession) ProtocolVersion() string {
	if s, ok := n.inner.(server.SessionWithProtocolVersion); ok {
		return s.ProtocolVersion()
	}
	return ""
}

func (n *notifySession) SetLogLevel(l mcp.LoggingLevel) {
	if s, ok := n.inner.(server.SessionWithLogging); ok {
		s.SetLogLevel(l)
	}
}

func (n *notifySession) GetLogLevel() mcp.LoggingLevel {
	if s, ok := n.inner.(server.SessionWithLogging); ok {
		return s.GetLogLevel()
	}
	return mcp.LoggingLevelError
}

func (n *notifySession) RequestElicitation(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	if s, ok := n.inner.(server.SessionWithElicitation); ok {
		return s.RequestElicitation(ctx, req)
	}
	return nil, server.ErrElicitationNotSupported
}

func (n *notifySession) UpgradeToSSEWhenReceiveNotification() {
	if s, ok := n.inner.(server.SessionWithStreamableHTTPConfig); ok {
		s.UpgradeToSSEWhenReceiveNotification()
	}
}
