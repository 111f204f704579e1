package transport

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// Defaults of HTTPOptions' zero values. They are the safe choice for a server
// reachable from a network.
const (
	DefaultMaxBodyBytes      = 1 << 20
	DefaultMaxInFlight       = 64
	DefaultMaxInFlightTenant = 8
	DefaultUntrustedPerMin   = 20
	DefaultMaxStreamsCaller  = 4
	DefaultQueueTimeout      = 5 * time.Second
	DefaultShutdownTimeout   = 25 * time.Second
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 5 * time.Minute
	DefaultIdleTimeout       = 2 * time.Minute
)

// HTTPOptions configures streamable HTTP serving. The zero value (plus Addr)
// serves safely: 1 MiB bodies, 64 tool calls at once, only same-host and
// loopback browser origins.
type HTTPOptions struct {
	// Addr to listen on, host:port.
	Addr string
	// Path of the MCP endpoint; "/mcp" when empty.
	Path string
	// ContextFunc adds per-request values (the caller's key, narrowing filters).
	ContextFunc func(ctx context.Context, r *http.Request) context.Context
	// Authorize, when set, must accept a request before it reaches MCP;
	// refused requests get 401 with WWW-Authenticate: Bearer.
	Authorize func(r *http.Request) bool
	// Challenge, when set, gives the WWW-Authenticate value of such a 401
	// (e.g. an OAuth resource_metadata pointer, RFC 9728 §5.1); the default
	// is Bearer realm="oncehub-mcp".
	Challenge func(r *http.Request) string
	// Routes are more handlers served beside the MCP endpoint, by
	// http.ServeMux pattern (OAuth endpoints and /.well-known metadata). They
	// are not behind the MCP endpoint's guards.
	Routes map[string]http.Handler
	// AllowedOrigins are browser origins (scheme://host[:port], or "*") allowed
	// besides the server's own host and loopback origins. Requests carrying
	// any other Origin header get 403.
	AllowedOrigins []string
	// MaxBodyBytes caps a request body (413 beyond); DefaultMaxBodyBytes when zero.
	MaxBodyBytes int64
	// MaxInFlight bounds the calls that may reach OnceHub (tools/call,
	// resources/read, prompts/get, completion/complete) running at once;
	// DefaultMaxInFlight when zero. A call waits up to QueueTimeout for a
	// slot, then gets 503. Slots free up for the tenant with the fewest calls
	// admitted, and a call sleeping for a rate-limit turn or waiting for its
	// user's answer to a question lends its slot.
	MaxInFlight  int
	QueueTimeout time.Duration
	// Tenant, when set, says who a request comes from (see Tenant): each
	// tenant may have at most MaxInFlightPerTenant calls admitted at once
	// (DefaultMaxInFlightTenant when zero), and untrusted callers share one
	// lane per client address, from which at most UntrustedPerMinute new
	// credentials may be tried a minute (DefaultUntrustedPerMin when zero;
	// negative: no cap). Without it every caller shares one lane.
	Tenant               func(*http.Request) Tenant
	MaxInFlightPerTenant int
	UntrustedPerMinute   int
	// MaxStreamsPerCaller bounds the subscriptions/listen streams (protocol
	// 2026-07-28; they stay open until the client closes them) one caller
	// may hold open at once, in the caller's admission lane (its tenant, or
	// its client address when untrusted; every caller when Tenant is nil):
	// DefaultMaxStreamsCaller when zero, negative: no bound. One more is
	// refused with 429. Tool calls and the rest are not counted.
	MaxStreamsPerCaller int
	// Stopped, when set, words the JSON-RPC error that answers a call still
	// running when the shutdown deadline passes (DefaultStoppedMessage when
	// it returns ""): what the call may have done, and how to check.
	Stopped func(method string, params json.RawMessage) string
	// TLSCertFile and TLSKeyFile, when both set, serve HTTPS.
	TLSCertFile, TLSKeyFile string
	// ShutdownTimeout bounds graceful shutdown; DefaultShutdownTimeout when zero.
	ShutdownTimeout time.Duration
	// http.Server timeouts; the Default… constants when zero.
	ReadHeaderTimeout, ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// Metrics, when set, is served at /metrics on Addr, unless MetricsAddr
	// is set: then only there, on a listener of its own.
	Metrics     http.Handler
	MetricsAddr string
	// OnReject, when set, is told why a request was refused before MCP
	// ("origin", "unauthorized", "body_too_large", "busy", "tenant_busy",
	// "untrusted_rate", "streams": too many subscriptions/listen streams
	// open, "stopping", "session": an unknown, ended, idle or another
	// credential's session ID).
	OnReject func(reason string)
	Logger   *slog.Logger
	// Sessions, when set, gives clients that initialize (protocol 2025-11-25
	// and older) a session, so they can be asked to confirm and be sent
	// progress and log messages on their calls' streams (see session.go).
	// Without it every request is served statelessly.
	Sessions *SessionOptions
}

func (o HTTPOptions) path() string {
	if o.Path == "" {
		return "/mcp"
	}
	return o.Path
}

func (o HTTPOptions) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

func orDefault[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Handler is the HTTP side of oncehub-mcp: the MCP endpoint behind its
// guards, plus /healthz, /readyz and /metrics.
type Handler struct {
	mux      *http.ServeMux
	guard    *guard
	draining atomic.Bool
	sessions *sessions
}

// Close stops what the handler runs in the background (the Redis
// subscription of sessions). ServeHTTP calls it after shutting down.
func (h *Handler) Close() {
	if h.sessions != nil {
		h.sessions.close()
	}
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// Drain makes /readyz fail so load balancers stop sending new requests, and
// refuses calls not yet admitted (ServeHTTP calls it when shutdown starts).
func (h *Handler) Drain() {
	h.draining.Store(true)
	h.guard.adm.close()
}

// Abort answers every request still in flight with a JSON-RPC error saying
// the server stopped, and ends their contexts (ServeHTTP calls it when the
// shutdown deadline passes). It returns how many calls were answered.
func (h *Handler) Abort() int { return h.guard.abort() }

// NewHTTPHandler returns the HTTP handler: the MCP endpoint plus /healthz,
// /readyz and (when o.Metrics is set) /metrics.
//
// Requests without a session are served statelessly, so any replica can
// answer any request. Tenants are isolated: the standalone GET stream is off
// (405), every POST is served by its own mcp-go session (notifications reach
// only the request that caused them), and notifications/cancelled outside a
// session is accepted but ignored — such a client cancels its own call by
// closing the request, which cannot affect anyone else's.
//
// With o.Sessions, initialize also returns a session ID that carries the
// session's state, signed (session.go): any replica sharing the key serves
// the session's requests, and within a session the server can ask the client
// (elicitation) and cancel on notifications/cancelled.
//
// It panics if o.Sessions has a key shorter than 32 bytes.
func NewHTTPHandler(s *server.MCPServer, o HTTPOptions) *Handler {
	logger := o.logger()
	opts := []server.StreamableHTTPOption{
		server.WithEndpointPath(o.path()),
		server.WithStateLess(true),
		server.WithDisableStreaming(true),
		server.WithStreamableHTTPLogger(logger),
	}
	opts = append(opts, server.WithHTTPContextFunc(statelessContext(s, o.ContextFunc)))
	mcpHandler := server.NewStreamableHTTPServer(s, opts...)
	var sess *sessions
	if o.Sessions != nil {
		var err error
		if sess, err = newSessions(*o.Sessions, logger); err != nil {
			panic("transport: " + err.Error())
		}
		sess.mcp = s
		sess.maxCall = orDefault(o.WriteTimeout, DefaultWriteTimeout)
		sopts := []server.StreamableHTTPOption{
			server.WithEndpointPath(o.path()),
			server.WithStateLess(true), // session IDs are checked by the guard
			server.WithStreamableHTTPLogger(logger),
			server.WithHTTPContextFunc(sess.sessionContext(o.ContextFunc)),
		}
		// Streams resume on GET with Last-Event-ID; the guard lets no other
		// GET through.
		sopts = append(sopts, server.WithEventStore(sess.events))
		sess.handler = server.NewStreamableHTTPServer(s, sopts...)
	}
	capacity := orDefault(o.MaxInFlight, DefaultMaxInFlight)
	perLane := capacity
	var untrusted *addressLimiter
	if o.Tenant != nil {
		perLane = orDefault(o.MaxInFlightPerTenant, DefaultMaxInFlightTenant)
		if o.UntrustedPerMinute >= 0 {
			untrusted = newAddressLimiter(orDefault(o.UntrustedPerMinute, DefaultUntrustedPerMin))
		}
	}
	var streams *streamBound
	if o.MaxStreamsPerCaller >= 0 {
		streams = newStreamBound(orDefault(o.MaxStreamsPerCaller, DefaultMaxStreamsCaller))
	}
	g := &guard{
		streams:      streams,
		next:         mcpHandler,
		authorize:    o.Authorize,
		challenge:    o.Challenge,
		origins:      newOriginPolicy(o.AllowedOrigins),
		maxBody:      orDefault(o.MaxBodyBytes, DefaultMaxBodyBytes),
		adm:          newAdmission(capacity, perLane),
		tenant:       o.Tenant,
		untrusted:    untrusted,
		queueTimeout: orDefault(o.QueueTimeout, DefaultQueueTimeout),
		onReject:     o.OnReject,
		stopped:      o.Stopped,
		logger:       logger,
		sessions:     sess,
	}
	h := &Handler{mux: http.NewServeMux(), guard: g, sessions: sess}
	h.mux.Handle(o.path(), g)
	h.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	h.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		if h.draining.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("shutting down\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	if o.Metrics != nil && o.MetricsAddr == "" {
		h.mux.Handle("GET /metrics", o.Metrics)
	}
	for pattern, handler := range o.Routes {
		h.mux.Handle(pattern, handler)
	}
	return h
}

// abortGrace is how long calls answered at the shutdown deadline get to end
// before their connections are closed.
const abortGrace = 2 * time.Second

// ServeHTTP listens on o.Addr and serves h until ctx ends, then shuts down
// gracefully: /readyz starts failing, the listener closes, and in-flight
// requests may finish within ShutdownTimeout; after that they are cut off and
// an error is returned. ready, when not nil, receives the bound address once
// listening.
func ServeHTTP(ctx context.Context, h http.Handler, o HTTPOptions, ready chan<- net.Addr) error {
	var tlsCfg *tls.Config
	if o.TLSCertFile != "" || o.TLSKeyFile != "" {
		if o.TLSCertFile == "" || o.TLSKeyFile == "" {
			return errors.New("TLS needs both a certificate (--tls-cert) and a key (--tls-key)")
		}
		cert, err := tls.LoadX509KeyPair(o.TLSCertFile, o.TLSKeyFile)
		if err != nil {
			return fmt.Errorf("loading TLS certificate: %w", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return err
	}
	logger := o.logger()
	if o.MetricsAddr != "" && o.Metrics != nil {
		mln, err := net.Listen("tcp", o.MetricsAddr)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("metrics listener: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", o.Metrics)
		metrics := &http.Server{Handler: mux, ReadHeaderTimeout: DefaultReadHeaderTimeout, ReadTimeout: DefaultReadTimeout,
			WriteTimeout: time.Minute, ErrorLog: log.New(&slogWriter{l: logger, component: "metrics"}, "", 0)}
		logger.Info("serving metrics", "addr", mln.Addr().String(), "path", "/metrics")
		go func() { _ = metrics.Serve(mln) }()
		defer func() { _ = metrics.Close() }()
	}
	srv := &http.Server{
		Handler:           h,
		TLSConfig:         tlsCfg,
		ReadHeaderTimeout: orDefault(o.ReadHeaderTimeout, DefaultReadHeaderTimeout),
		ReadTimeout:       orDefault(o.ReadTimeout, DefaultReadTimeout),
		WriteTimeout:      orDefault(o.WriteTimeout, DefaultWriteTimeout),
		IdleTimeout:       orDefault(o.IdleTimeout, DefaultIdleTimeout),
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(&slogWriter{l: logger, component: "http"}, "", 0),
	}
	scheme := "http"
	if tlsCfg != nil {
		scheme = "https"
	}
	logger.Info("serving MCP over streamable HTTP", "addr", ln.Addr().String(), "scheme", scheme, "path", o.path())
	if ready != nil {
		ready <- ln.Addr()
	}
	errc := make(chan error, 1)
	go func() {
		if tlsCfg != nil {
			errc <- srv.ServeTLS(ln, "", "")
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if d, ok := h.(interface{ Drain() }); ok {
		d.Drain()
	}
	timeout := orDefault(o.ShutdownTimeout, DefaultShutdownTimeout)
	logger.Info("shutting down: finishing in-flight requests", "deadline", timeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if c, ok := h.(interface{ Close() }); ok {
		defer c.Close()
	}
	if err := srv.Shutdown(sctx); err != nil {
		// The calls still running are answered (the server stopped; what a
		// write may have done and how to check), then given a moment to end.
		n := 0
		if a, ok := h.(interface{ Abort() int }); ok {
			n = a.Abort()
		}
		gctx, gcancel := context.WithTimeout(context.Background(), abortGrace)
		_ = srv.Shutdown(gctx)
		gcancel()
		_ = srv.Close()
		if serveErr := <-errc; !errors.Is(serveErr, http.ErrServerClosed) {
			logger.Warn("serving stopped with an error", "err", serveErr)
		}
		return fmt.Errorf("in-flight requests did not finish within %s: %d calls were answered that the server stopped, the rest cut off: %w", timeout, n, err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("shut down cleanly")
	return nil
}
