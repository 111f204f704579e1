package transport

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// HTTPOptions configures streamable HTTP serving.
type HTTPOptions struct {
	// Addr to listen on, host:port.
	Addr string
	// Path of the MCP endpoint; "/mcp" when empty.
	Path string
	// ContextFunc adds per-request values (the caller's key, narrowing filters).
	ContextFunc func(ctx context.Context, r *http.Request) context.Context
	// ShutdownTimeout bounds graceful shutdown; 10 s when zero.
	ShutdownTimeout time.Duration
	Logger          *slog.Logger
}

func (o HTTPOptions) path() string {
	if o.Path == "" {
		return "/mcp"
	}
	return o.Path
}

// NewHTTPHandler returns the HTTP handler: the stateless MCP endpoint plus
// /healthz and /readyz. Stateless serving keeps no sessions, so any replica
// can answer any request.
func NewHTTPHandler(s *server.MCPServer, o HTTPOptions) http.Handler {
	opts := []server.StreamableHTTPOption{
		server.WithEndpointPath(o.path()),
		server.WithStateLess(true),
	}
	if o.ContextFunc != nil {
		opts = append(opts, server.WithHTTPContextFunc(o.ContextFunc))
	}
	if o.Logger != nil {
		opts = append(opts, server.WithStreamableHTTPLogger(o.Logger))
	}
	mcpHandler := server.NewStreamableHTTPServer(s, opts...)
	mux := http.NewServeMux()
	mux.Handle(o.path(), mcpHandler)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ready\n"))
	})
	return mux
}

// ServeHTTP listens on o.Addr and serves h until ctx ends, then shuts down
// gracefully, letting in-flight requests finish within ShutdownTimeout.
// ready, when not nil, receives the bound address once listening.
func ServeHTTP(ctx context.Context, h http.Handler, o HTTPOptions, ready chan<- net.Addr) error {
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}
	if o.Logger != nil {
		o.Logger.Info("serving MCP over streamable HTTP", "addr", ln.Addr().String(), "path", o.path())
	}
	if ready != nil {
		ready <- ln.Addr()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	timeout := o.ShutdownTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
