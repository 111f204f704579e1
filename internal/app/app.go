package app

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/mark3labs/mcp-go/server"
	"github.com/redis/go-redis/v9"

	"github.com/oncehub-mcp/oncehub-mcp/internal/oauth"
	"github.com/oncehub-mcp/oncehub-mcp/internal/observe"
	"github.com/oncehub-mcp/oncehub-mcp/internal/secret"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
	"github.com/oncehub-mcp/oncehub-mcp/transport"
)

// App is a built server, ready for a transport.
type App struct {
	Config Config
	Client *oncehub.Client
	MCP    *server.MCPServer
	Tools  []tools.Tool
	Logger *slog.Logger
	// Observer holds the metrics and writes one log line per tool call.
	Observer *observe.Observer
	// Secret derives the keys that sign and seal what replicas share
	// (ONCEHUB_SERVER_SECRET, or a random one for this process).
	Secret *secret.Secret
	// Redis is the process's one Redis client (ONCEHUB_REDIS_URL), shared by
	// everything that keeps state across replicas; nil when none is
	// configured. It honours context deadlines. Close closes it.
	Redis redis.UniversalClient

	// OAuth is the authorization server and token check of oauth credential
	// mode (nil in other modes).
	OAuth *oauth.Server

	tokenHashes [][sha256.Size]byte // operator mode's access tokens, hashed

	// fps labels keys and tokens (HMAC under the server secret's
	// "fingerprint" key: replicas sharing ONCEHUB_SERVER_SECRET agree).
	fps *oncehub.Fingerprinter
	// keys remembers the keys OnceHub rejected and accepted.
	keys *oncehub.KeyMemory

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
	// Observer, when set, sees every upstream attempt (metrics).
	Observer func(oncehub.Attempt)
	// RateLimitFallback, when set, is called each time a call is paced locally
	// because the rate-limit Redis is unreachable (metrics).
	RateLimitFallback func(error)
	// Retry overrides the upstream retry policy (tests, benchmarks).
	Retry oncehub.RetryPolicy
	// OAuth overrides parts of oauth mode (tests: a clock, a store, a client
	// that may fetch Client ID Metadata Documents from loopback test
	// servers). Configuration never sets it.
	OAuth oauth.Options
}

// Build constructs the client and the MCP server from cfg.
func Build(cfg Config, o Options) (_ *App, err error) {
	logger := o.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	obs := observe.New(logger)
	sec := secret.Random()
	if cfg.ServerSecret != "" {
		if sec, err = secret.Parse(cfg.ServerSecret); err != nil {
			return nil, err
		}
	}
	if cfg.IPLimit < 0 || (cfg.IPLimit > 0 && cfg.IPWindow <= 0) {
		return nil, errors.New("ONCEHUB_IP_LIMIT must be 0 (off) or positive, with a positive ONCEHUB_IP_WINDOW")
	}
	fps := oncehub.NewFingerprinter(sec.Key("fingerprint", 32))
	obs.SetFingerprinter(fps)
	keys := oncehub.NewKeyMemory(oncehub.KeyMemoryOptions{RejectedFor: cfg.RejectedKeyTTL})
	var demo *demoUpstream
	if cfg.Demo {
		if demo, err = startDemo(o.Deps.Now); err != nil {
			return nil, err
		}
		defer func() {
			if err != nil {
				_ = demo.close()
			}
		}()
		cfg.APIURL, cfg.APIKey = demo.apiURL, DemoKey
		cfg.IPLimit = 0 // the sandbox is not OnceHub: no per-IP budget to keep
		o.Deps.Demo = true
	}
	onFallback := o.RateLimitFallback
	o.RateLimitFallback = func(err error) {
		obs.RateLimitFallback(err)
		if onFallback != nil {
			onFallback(err)
		}
	}
	rdb, err := newRedis(cfg, logger)
	if err != nil {
		return nil, err
	}
	if rdb != nil {
		defer func() {
			if err != nil {
				_ = rdb.Close()
			}
		}()
	}
	limiter, err := buildLimiter(cfg, rdb, o, logger)
	if err != nil {
		return nil, err
	}
	budget, err := buildBudget(cfg, rdb, o, logger)
	if err != nil {
		return nil, err
	}
	var cache *oncehub.Cache
	if cfg.CacheTTL > 0 {
		cache = oncehub.NewCache(oncehub.CacheOptions{TTL: cfg.CacheTTL, MaxBytes: cfg.CacheMaxBytes})
		obs.CacheStats(func() (hits, misses int64) { st := cache.Stats(); return st.Hits, st.Misses })
	}
	client, err := oncehub.New(oncehub.Config{
		BaseURL:   cfg.APIURL,
		Timeout:   cfg.Timeout,
		Version:   o.Version,
		Transport: obs.Transport(o.Transport),
		Limiter:   obs.Limiter(limiter),
		Observer: func(at oncehub.Attempt) {
			obs.Attempt(at)
			if o.Observer != nil {
				o.Observer(at)
			}
		},
		Retry:        o.Retry,
		Fingerprints: fps,
		MaxRateWait:  cfg.MaxRateWait,
		Keys:         keys,
		Cache:        cache,
		Budget:       budget,
	})
	if err != nil {
		return nil, fmt.Errorf("ONCEHUB_API_URL: %w", err) // the base URL is all New checks
	}
	if demo != nil {
		err = checkLoopback(client.BaseURL())
	}
	if err != nil {
		return nil, err
	}
	deps := o.Deps
	deps.Client = client
	deps.RequireConfirmation = deps.RequireConfirmation || cfg.RequireConfirmation
	if deps.ConfirmTimeout == 0 {
		deps.ConfirmTimeout = cfg.ConfirmTimeout
	}
	s, selected, err := tools.NewServer(deps, tools.ServerOptions{
		Version: o.Version,
		Filter:  tools.Filter{ReadOnly: cfg.ReadOnly, Toolsets: cfg.Toolsets, Names: cfg.Tools},
		NoUI:    cfg.NoUI,
		Extra:   []server.ServerOption{server.WithToolHandlerMiddleware(obs.ToolMiddleware())},
	})
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Client: client, MCP: s, Tools: selected, Logger: logger, Observer: obs, Secret: sec, Redis: rdb,
		fps: fps, keys: keys, demo: demo}
	for _, t := range cfg.AccessTokens {
		if t = strings.TrimSpace(t); t != "" {
			a.tokenHashes = append(a.tokenHashes, sha256.Sum256([]byte(t)))
		}
	}
	if a.oauthMode() {
		if a.OAuth, err = a.buildOAuth(o.OAuth); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// buildOAuth makes the authorization server of oauth mode. o carries test
// overrides; the rest comes from the configuration.
func (a *App) buildOAuth(o oauth.Options) (*oauth.Server, error) {
	o.PublicURL = a.Config.PublicURL
	o.Secret = a.Secret
	o.Logger = a.Logger
	o.CheckKey = a.checkKey
	if o.Store == nil && a.Redis != nil {
		// Replicas share used codes, used refresh tokens and revocations.
		o.Store = oauth.NewRedisStore(a.Redis, "", o.Now)
	}
	if a.demo != nil {
		o.DemoKey = DemoKey
	}
	if a.Secret.Ephemeral() {
		a.Logger.Warn("ONCEHUB_SERVER_SECRET is not set: OAuth tokens are sealed under a secret made at start, so connected apps must authorize again after a restart, " +
			"and other replicas refuse these tokens. Set ONCEHUB_SERVER_SECRET (openssl rand -base64 48), the same on every replica, to keep them")
	}
	return oauth.New(o)
}

// checkKey asks OnceHub whether key is valid (GET /test), for the OAuth
// key-entry page.
func (a *App) checkKey(ctx context.Context, key string) error {
	_, _, err := a.Client.TestAPIKey(oncehub.WithAPIKey(ctx, key))
	var apiErr *oncehub.APIError
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &apiErr):
		return err
	case apiErr.Status == http.StatusUnauthorized:
		return oauth.ErrKeyRefused
	case apiErr.Status == http.StatusForbidden && apiErr.Type == oncehub.ErrTypeAuthentication:
		return oauth.ErrNoAPIAccess
	}
	return err
}

// StdioContext puts the configured key into the (single) stdio context.
func (a *App) StdioContext(ctx context.Context) context.Context {
	if a.Config.APIKey == "" {
		return ctx
	}
	return oncehub.WithAPIKey(ctx, a.Config.APIKey)
}

// HTTPContext puts the OnceHub key and any narrowing headers into the
// request's context. In pass-through mode (the default) the key is the
// caller's (API-Key header, or Authorization: Bearer) and the server's own
// ONCEHUB_API_KEY is never used; in operator mode it is the server's key
// (the caller's access token was checked by Authorize) and the token's
// fingerprint labels the caller in logs.
func (a *App) HTTPContext(ctx context.Context, r *http.Request) context.Context {
	if a.OAuth != nil { // oauth mode: the key the access token stands for
		if key, ok := a.OAuth.APIKey(r); ok {
			ctx = oncehub.WithAPIKey(ctx, key)
		}
	} else if a.demo != nil { // demo sandbox: callers need no key
		ctx = oncehub.WithAPIKey(ctx, DemoKey)
	} else if a.operatorMode() {
		ctx = oncehub.WithAPIKey(ctx, a.Config.APIKey)
		if tok, ok := a.accessToken(r); ok {
			ctx = observe.WithCaller(ctx, a.fps.Label("token:", tok))
		}
	} else if key := KeyFromRequest(r); key != "" {
		ctx = oncehub.WithAPIKey(ctx, key)
	}
	// The caller's admission lane (transport.Tenant) is its share of the
	// budgets every caller of this server shares, and its slot is lent
	// while it sleeps for a rate-limit turn.
	if t := transport.AdmissionFrom(ctx); t != nil {
		ctx = oncehub.WithTenant(ctx, t.Lane())
		ctx = oncehub.WithRateWaitHook(ctx, t)
	}
	if f, ok := narrowingFilter(r); ok {
		ctx = tools.WithRequestFilter(ctx, f)
	}
	return ctx
}

// Caller returns the credential that identifies the caller of an HTTP
// request, the one HTTPContext serves it with: its OnceHub key in
// pass-through mode, its access token in operator mode, its grant in oauth
// mode (stable across token refreshes), nothing in the demo sandbox.
// Sessions are bound to it.
func (a *App) Caller(r *http.Request) string {
	switch {
	case a.OAuth != nil:
		return a.OAuth.Caller(r)
	case a.demo != nil:
		return ""
	case a.operatorMode():
		tok, _ := a.accessToken(r)
		return "token:" + tok
	default:
		return "key:" + KeyFromRequest(r)
	}
}

func (a *App) operatorMode() bool {
	return strings.EqualFold(a.Config.CredentialMode, CredentialsOperator)
}

func (a *App) oauthMode() bool {
	return strings.EqualFold(a.Config.CredentialMode, CredentialsOAuth)
}

// Authorize accepts an HTTP request in operator mode only when it carries one
// of the access tokens (Authorization: Bearer or API-Key), compared in
// constant time. With no tokens configured (allowed on loopback only) and in
// pass-through mode it accepts every request: there, the caller's own OnceHub
// key is the credential and OnceHub checks it. In oauth mode it wants an
// access token this server issued for its MCP endpoint.
func (a *App) Authorize(r *http.Request) bool {
	if a.OAuth != nil {
		return a.OAuth.Authorize(r)
	}
	if !a.operatorMode() || len(a.tokenHashes) == 0 {
		return true
	}
	_, ok := a.accessToken(r)
	return ok
}

// accessToken returns the configured access token r carries, if any.
func (a *App) accessToken(r *http.Request) (string, bool) {
	for _, got := range []string{bearer(r), strings.TrimSpace(r.Header.Get("API-Key"))} {
		if got == "" {
			continue
		}
		sum := sha256.Sum256([]byte(got))
		match := 0
		for _, want := range a.tokenHashes {
			match |= subtle.ConstantTimeCompare(sum[:], want[:])
		}
		if match == 1 {
			return got, true
		}
	}
	return "", false
}

// Tenant says who an HTTP request comes from, for fair admission: in
// pass-through mode the caller's key (trusted once OnceHub accepted it), in
// operator mode the access token, in oauth mode the OnceHub key the access
// token stands for (named as in pass-through mode, so that every grant of
// one key shares the key's lane), in the demo the client address. The ID is
// a keyed fingerprint, never the credential. This is the one place the
// caller's identity is decided.
func (a *App) Tenant(r *http.Request) transport.Tenant {
	switch {
	case a.OAuth != nil: // Authorize checked the access token: the key it stands for
		key, ok := a.OAuth.APIKey(r)
		if !ok {
			return transport.Tenant{}
		}
		return transport.Tenant{ID: a.fps.Fingerprint(key), Trusted: true}
	case a.demo != nil:
		return transport.Tenant{ID: "demo:" + transport.ClientAddress(r), Trusted: true}
	case a.operatorMode():
		if tok, ok := a.accessToken(r); ok {
			return transport.Tenant{ID: a.fps.Label("token:", tok), Trusted: true}
		}
		// No tokens configured (loopback only): one operator.
		return transport.Tenant{ID: "operator", Trusted: true}
	default:
		key := KeyFromRequest(r)
		if key == "" {
			return transport.Tenant{}
		}
		return transport.Tenant{ID: a.fps.Fingerprint(key), Trusted: a.keys.Accepted(a.fps.Sum(key))}
	}
}

// HTTPOptions are the transport settings from the configuration.
func (a *App) HTTPOptions() transport.HTTPOptions {
	c := a.Config
	var challenge func(*http.Request) string
	var routes map[string]http.Handler
	if a.OAuth != nil {
		challenge, routes = a.OAuth.Challenge, a.OAuth.Routes()
	}
	return transport.HTTPOptions{
		Addr:                 c.Addr,
		ContextFunc:          a.HTTPContext,
		Authorize:            a.Authorize,
		Challenge:            challenge,
		Routes:               routes,
		AllowedOrigins:       c.AllowedOrigins,
		MaxBodyBytes:         c.MaxBodyBytes,
		MaxInFlight:          c.MaxInFlight,
		Tenant:               a.Tenant,
		MaxInFlightPerTenant: c.MaxInFlightPerCaller,
		MaxStreamsPerCaller:  c.MaxStreamsPerCaller,
		UntrustedPerMinute:   c.UnverifiedPerMinute,
		Stopped:              a.stoppedMessage,
		TLSCertFile:          c.TLSCert,
		TLSKeyFile:           c.TLSKey,
		ShutdownTimeout:      c.ShutdownTimeout,
		Metrics:              a.metricsHandler(),
		MetricsAddr:          c.MetricsAddr,
		OnReject:             a.Observer.Rejected,
		Logger:               a.Logger,
		Sessions: &transport.SessionOptions{
			Key:         a.Secret.Key("session", 32),
			Caller:      a.Caller,
			IdleTimeout: c.SessionIdle,
			Redis:       a.Redis,
		},
	}
}

// stoppedMessage words the error for a call cut off by shutdown.
func (a *App) stoppedMessage(method string, params json.RawMessage) string {
	if method == "tools/call" {
		return tools.StoppedMessage(a.Tools, params)
	}
	return "The server stopped (it was shutting down) before this " + method + " request finished. It changes nothing: send it again (another server may answer)."
}

// metricsHandler is /metrics as the configuration allows it: behind
// ONCEHUB_METRICS_TOKEN when set; else open on ONCEHUB_METRICS_ADDR, or on
// the MCP port when that listens on loopback only; else not served (nil).
func (a *App) metricsHandler() http.Handler {
	c := a.Config
	h := a.Observer.Handler()
	if tok := strings.TrimSpace(c.MetricsToken); tok != "" {
		want := sha256.Sum256([]byte(tok))
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			got := sha256.Sum256([]byte(bearer(r)))
			if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="oncehub-mcp metrics"`)
				http.Error(w, "metrics need Authorization: Bearer <ONCEHUB_METRICS_TOKEN>", http.StatusUnauthorized)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	if c.MetricsAddr != "" || LoopbackOnly(c.Addr) {
		return h
	}
	return nil
}

// KeyFromRequest returns the OnceHub key a caller sent.
func KeyFromRequest(r *http.Request) string {
	if k := strings.TrimSpace(r.Header.Get("API-Key")); k != "" {
		return k
	}
	return bearer(r)
}

func bearer(r *http.Request) string {
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
	d := fmt.Sprintf("%d tools, upstream %s, key %s", len(a.Tools), a.Client.BaseURL(), a.fps.Fingerprint(a.Config.APIKey))
	if raw, _, _ := a.Config.redisURL(); raw != "" {
		d += ", Redis " + redactURL(raw)
	}
	if a.Config.CredentialMode != "" {
		d += fmt.Sprintf(", credentials %s", a.Config.CredentialMode)
		if a.operatorMode() {
			d += fmt.Sprintf(" (%d access tokens)", len(a.tokenHashes))
		}
		if a.OAuth != nil {
			if a.Config.PublicURL != "" {
				d += ", public URL " + a.Config.PublicURL
			} else {
				d += ", public URL from each request's loopback Host"
			}
		}
	}
	return d
}

// Demo reports whether the app runs against the built-in demo sandbox.
func (a *App) Demo() bool { return a.demo != nil }

// Close releases what Build started: the Redis client's connections and the
// demo sandbox's listener.
func (a *App) Close() error {
	var errs []error
	if a.Redis != nil {
		errs = append(errs, a.Redis.Close())
	}
	if a.demo != nil {
		errs = append(errs, a.demo.close())
	}
	return errors.Join(errs...)
}

// buildBudget returns the shared per-IP budget (ONCEHUB_IP_LIMIT per
// ONCEHUB_IP_WINDOW): none when the limit is 0, shared through Redis by
// every replica using it when there is one (they are taken to leave by one
// address), else per process.
func buildBudget(cfg Config, rdb redis.UniversalClient, o Options, logger *slog.Logger) (oncehub.Budget, error) {
	if cfg.IPLimit <= 0 {
		return nil, nil
	}
	rps, burst := oncehub.BudgetRate(cfg.IPLimit, cfg.IPWindow)
	var source oncehub.Limiter = oncehub.NewLocalLimiter(rps, burst)
	if rdb != nil {
		rl, err := oncehub.NewRedisLimiter(oncehub.RedisOptions{
			Client: rdb, RPS: rps, Burst: burst, Logger: logger, OnFallback: o.RateLimitFallback,
		})
		if err != nil {
			return nil, err
		}
		source = rl
	}
	return oncehub.NewIPBudget(cfg.IPLimit, cfg.IPWindow, source), nil
}

// buildLimiter returns the per-account rate limiter: none when the rate is 0,
// shared through Redis when there is one, else per process.
func buildLimiter(cfg Config, rdb redis.UniversalClient, o Options, logger *slog.Logger) (oncehub.Limiter, error) {
	if cfg.RateRPS <= 0 {
		return nil, nil
	}
	if rdb == nil {
		return oncehub.NewLocalLimiter(cfg.RateRPS, cfg.RateBurst), nil
	}
	rl, err := oncehub.NewRedisLimiter(oncehub.RedisOptions{
		Client: rdb, RPS: cfg.RateRPS, Burst: cfg.RateBurst,
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
