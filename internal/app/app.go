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
}

// Options are what Build takes besides the Config.
type Options struct {
	Version string
	Logger  *slog.Logger
	// Transport overrides the upstream HTTP transport (tests).
	Transport http.RoundTripper
	// Deps overrides for tests (e.g. a fixed clock); Client is always set by Build.
	Deps tools.Deps
	// Observer, when set, sees every upstream attempt (metrics).
	Observer func(oncehub.Attempt)
	// RateLimitFallback, when set, is called each time a call is paced locally
	// because the rate-limit Redis is unreachable (metrics).
	RateLimitFallback func(error)
	// Retry overrides the upstream retry policy (tests, benchmarks).
	Retry oncehub.RetryPolicy
}

// Build constructs the client and the MCP server from cfg.
func Build(cfg Config, o Options) (*App, error) {
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	limiter, err := buildLimiter(cfg, o, logger)
	if err != nil {
		return nil, err
	}
	client, err := oncehub.New(oncehub.Config{
		BaseURL:   cfg.APIURL,
		Timeout:   cfg.Timeout,
		Version:   o.Version,
		Transport: o.Transport,
		Limiter:   limiter,
		Observer:  o.Observer,
		Retry:     o.Retry,
	})
	if err != nil {
		return nil, err
	}
	deps := o.Deps
	deps.Client = client
	s, selected, err := tools.NewServer(deps, tools.ServerOptions{
		Version: o.Version,
		Filter:  tools.Filter{ReadOnly: cfg.ReadOnly, Toolsets: cfg.Toolsets, Names: cfg.Tools},
	})
	if err != nil {
		return nil, err
	}
	return &App{Config: cfg, Client: client, MCP: s, Tools: selected, Logger: logger}, nil
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
	if key := KeyFromRequest(r); key != "" {
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

// buildLimiter returns the per-account rate limiter: none when the rate is 0,
// shared through Redis when a URL is configured, else per process.
func buildLimiter(cfg Config, o Options, logger *slog.Logger) (oncehub.Limiter, error) {
	if cfg.RateRPS <= 0 {
		return nil, nil
	}
	if cfg.RateLimitRedis == "" {
		return oncehub.NewLocalLimiter(cfg.RateRPS, cfg.RateBurst), nil
	}
	rl, err := oncehub.NewRedisLimiter(oncehub.RedisOptions{
		URL: cfg.RateLimitRedis, RPS: cfg.RateRPS, Burst: cfg.RateBurst,
		Logger: logger, OnFallback: o.RateLimitFallback,
	})
	if err != nil {
		return nil, err
	}
	if err := rl.Ping(context.Background()); err != nil {
		logger.Warn("rate-limit Redis not reachable at startup: pacing per process until it is", "err", err)
	} else {
		logger.Info("OnceHub rate limit shared through Redis", "rps", cfg.RateRPS, "burst", cfg.RateBurst)
	}
	return rl, nil
}
