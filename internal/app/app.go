package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/mark3labs/mcp-go/server"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

// App is a built server, ready for a transport.
type App struct {
	Config Config
	Client *oncehub.Client
	MCP    *server.MCPServer
	Tools  []tools.Tool
	Logger *slog.Logger

	demo *demoUpstream // the demo sandbox, when Config.Demo
}

// Options are what Build takes besides the Config.
type Options struct {
	Version string
	Logger  *slog.Logger
	// Transport overrides the upstream HTTP transport (tests).
	Transport http.RoundTripper
	// Deps overrides for tests (e.g. a fixed clock); Client is always set by Build.
	Deps tools.Deps
}

// Build constructs the client and the MCP server from cfg.
func Build(cfg Config, o Options) (*App, error) {
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var demo *demoUpstream
	if cfg.Demo {
		d, err := startDemo(o.Deps.Now)
		if err != nil {
			return nil, err
		}
		demo = d
		cfg.APIURL, cfg.APIKey = d.apiURL, DemoKey
		o.Deps.Demo = true
	}
	var limiter oncehub.Limiter
	if cfg.RateRPS > 0 {
		limiter = oncehub.NewLocalLimiter(cfg.RateRPS, cfg.RateBurst)
	}
	client, err := oncehub.New(oncehub.Config{
		BaseURL:   cfg.APIURL,
		Timeout:   cfg.Timeout,
		Version:   o.Version,
		Transport: o.Transport,
		Limiter:   limiter,
	})
	if err == nil && demo != nil {
		err = checkLoopback(client.BaseURL())
	}
	if err != nil {
		if demo != nil {
			_ = demo.close()
		}
		return nil, err
	}
	deps := o.Deps
	deps.Client = client
	s, selected, err := tools.NewServer(deps, tools.ServerOptions{
		Version: o.Version,
		Filter:  tools.Filter{ReadOnly: cfg.ReadOnly, Toolsets: cfg.Toolsets, Names: cfg.Tools},
	})
	if err != nil {
		if demo != nil {
			_ = demo.close()
		}
		return nil, err
	}
	return &App{Config: cfg, Client: client, MCP: s, Tools: selected, Logger: logger, demo: demo}, nil
}

// StdioContext puts the configured key into the (single) stdio context.
func (a *App) StdioContext(ctx context.Context) context.Context {
	if a.Config.APIKey == "" {
		return ctx
	}
	return oncehub.WithAPIKey(ctx, a.Config.APIKey)
}

// HTTPContext puts the caller's key (API-Key header, or Authorization: Bearer)
// and any narrowing headers into the request's context. The server's own
// ONCEHUB_API_KEY is never used for HTTP callers.
func (a *App) HTTPContext(ctx context.Context, r *http.Request) context.Context {
	if a.demo != nil { // demo sandbox: callers need no key
		ctx = oncehub.WithAPIKey(ctx, DemoKey)
	} else if key := KeyFromRequest(r); key != "" {
		ctx = oncehub.WithAPIKey(ctx, key)
	}
	if f, ok := narrowingFilter(r); ok {
		ctx = tools.WithRequestFilter(ctx, f)
	}
	return ctx
}

// KeyFromRequest returns the OnceHub key a caller sent.
func KeyFromRequest(r *http.Request) string {
	if k := strings.TrimSpace(r.Header.Get("API-Key")); k != "" {
		return k
	}
	auth := r.Header.Get("Authorization")
	if scheme, token, ok := strings.Cut(auth, " "); ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(token)
	}
	return ""
}

// narrowingFilter reads X-MCP-Readonly, X-MCP-Toolsets and X-MCP-Tools. They
// are applied on top of what the operator registered, so they only narrow.
func narrowingFilter(r *http.Request) (tools.Filter, bool) {
	var f tools.Filter
	set := false
	if v := r.Header.Get("X-MCP-Readonly"); v != "" {
		f.ReadOnly = strings.EqualFold(v, "true") || v == "1"
		set = set || f.ReadOnly
	}
	if v := splitList(r.Header.Get("X-MCP-Toolsets")); len(v) > 0 {
		f.Toolsets, set = v, true
	}
	if v := splitList(r.Header.Get("X-MCP-Tools")); len(v) > 0 {
		f.Names, set = v, true
	}
	return f, set
}

// Describe is a one-line summary for the startup log (never the key).
func (a *App) Describe() string {
	return fmt.Sprintf("%d tools, upstream %s, key %s", len(a.Tools), a.Client.BaseURL(), oncehub.Fingerprint(a.Config.APIKey))
}

// Demo reports whether the app runs against the built-in demo sandbox.
func (a *App) Demo() bool { return a.demo != nil }

// Close releases what Build started (the demo sandbox's listener).
func (a *App) Close() error {
	if a.demo == nil {
		return nil
	}
	return a.demo.close()
}
