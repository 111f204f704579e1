// Package app turns configuration (environment and flags) into a running
// oncehub-mcp: the OnceHub client, the MCP server with its tools, and the
// transport's context functions.
package app

import (
	"flag"
	"fmt"
	"io"
	"net"
	"reflect"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"

	"github.com/oncehub-mcp/oncehub-mcp/internal/oauth"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// Config is every setting. Environment variables come first; command-line
// flags (for the transport and tool selection) override them.
type Config struct {
	APIKey    string        `envconfig:"ONCEHUB_API_KEY" desc:"OnceHub API key (stdio mode, and HTTP operator mode; HTTP pass-through mode takes each caller's key from the API-Key or Authorization: Bearer header)"`
	APIURL    string        `envconfig:"ONCEHUB_API_URL" default:"https://api.oncehub.com/v2" desc:"OnceHub API base URL (https; http only for loopback)"`
	Timeout   time.Duration `envconfig:"ONCEHUB_TIMEOUT" default:"30s" desc:"timeout of one upstream HTTP request"`
	ReadOnly  bool          `envconfig:"ONCEHUB_READ_ONLY" default:"false" desc:"expose only read-only tools (flag --read-only)"`
	Toolsets  []string      `envconfig:"ONCEHUB_TOOLSETS" desc:"comma-separated toolsets to expose; empty exposes all (flag --toolsets)"`
	Tools     []string      `envconfig:"ONCEHUB_TOOLS" desc:"comma-separated tool names to expose; empty exposes all (flag --tools)"`
	RateRPS   float64       `envconfig:"ONCEHUB_RATE_LIMIT" default:"5" desc:"upstream requests per second per OnceHub account"`
	RateBurst int           `envconfig:"ONCEHUB_RATE_BURST" default:"2" desc:"burst of the per-account rate limiter"`
	LogLevel  string        `envconfig:"ONCEHUB_LOG_LEVEL" default:"info" desc:"debug, info, warn or error (flag --log-level)"`
	LogFormat string        `envconfig:"ONCEHUB_LOG_FORMAT" default:"text" desc:"text or json, times in UTC (flag --log-format)"`
	Addr      string        `envconfig:"ONCEHUB_MCP_ADDR" default:"127.0.0.1:8080" desc:"HTTP listen address host:port (flag --addr)"`

	// NoUI turns off the slot picker (MCP Apps) for every client.
	NoUI bool `envconfig:"ONCEHUB_NO_UI" default:"false" desc:"do not offer the interactive slot picker (MCP Apps) even to hosts that can show it; they get text results like every other host (flag --no-ui)"`

	// RequireConfirmation refuses destructive calls from clients that cannot confirm them.
	RequireConfirmation bool `envconfig:"ONCEHUB_REQUIRE_CONFIRMATION" default:"false" desc:"refuse cancel/reschedule/reassign and other destructive calls from clients without elicitation support (flag --require-confirmation)"`
	// ConfirmTimeout bounds the wait for the user's answer to a confirmation.
	ConfirmTimeout time.Duration `envconfig:"ONCEHUB_CONFIRM_TIMEOUT" default:"2m" desc:"how long a destructive call waits for the user's answer to its confirmation question; without one it is not run (flag --confirm-timeout)"`

	// HTTP serving (see transport.HTTPOptions).
	CredentialMode string   `envconfig:"ONCEHUB_CREDENTIAL_MODE" default:"passthrough" desc:"HTTP: passthrough (each caller sends its own OnceHub key), operator (the server uses ONCEHUB_API_KEY; callers send an access token) or oauth (hosts that only take a URL connect with OAuth; each person pastes their OnceHub key once in a browser page) (flag --credential-mode)"`
	PublicURL      string   `envconfig:"ONCEHUB_PUBLIC_URL" desc:"HTTP oauth mode: the server's base URL as clients reach it, e.g. https://mcp.example.com (behind a proxy: the proxy's URL); OAuth issuer and token audience derive from it; may be unset on loopback (flag --public-url)"`
	AccessTokens   []string `envconfig:"ONCEHUB_ACCESS_TOKENS" desc:"HTTP operator mode: comma-separated access tokens callers send as Authorization: Bearer; required unless listening on loopback only"`
	AllowedOrigins []string `envconfig:"ONCEHUB_ALLOWED_ORIGINS" desc:"HTTP: comma-separated browser origins (https://app.example.com, or *) allowed besides same-host and loopback (flag --allowed-origins)"`
	MaxBodyBytes   int64    `envconfig:"ONCEHUB_MAX_BODY_BYTES" default:"1048576" desc:"HTTP: largest request body in bytes; larger ones get 413 (flag --max-body-bytes)"`
	MaxInFlight    int      `envconfig:"ONCEHUB_MAX_IN_FLIGHT" default:"64" desc:"HTTP: calls that may reach OnceHub (tools, resources, prompts, completions) served at once; more wait up to 5 s, then get 503. Free slots go to the caller with the fewest calls running (flag --max-in-flight)"`
	// Fairness between the tenants of a shared server (see transport.Tenant).
	MaxInFlightPerCaller int           `envconfig:"ONCEHUB_MAX_IN_FLIGHT_PER_CALLER" default:"8" desc:"HTTP: calls one caller (OnceHub key or access token) may have admitted at once, waiting for OnceHub included; more wait up to 5 s, then get 429 (flag --max-in-flight-per-caller)"`
	MaxStreamsPerCaller  int           `envconfig:"ONCEHUB_MAX_STREAMS_PER_CALLER" default:"4" desc:"HTTP: subscriptions/listen streams (protocol 2026-07-28; open until the client closes them) one caller may hold open at once, counted like --max-in-flight-per-caller (keys not yet accepted by OnceHub: per client address); one more gets 429; -1: no bound (flag --max-streams-per-caller)"`
	UnverifiedPerMinute  int           `envconfig:"ONCEHUB_NEW_KEYS_PER_MINUTE" default:"20" desc:"HTTP pass-through: OnceHub keys not yet accepted by OnceHub that one client address may try a minute (a stranger trying keys gets a few tries; a key tried lately passes); calls with such keys share one lane per address; -1: no cap"`
	MaxRateWait          time.Duration `envconfig:"ONCEHUB_MAX_RATE_WAIT" default:"10s" desc:"longest wait of one upstream request for its turn under OnceHub's rate limits; a call that would wait longer gets an error naming the limit at once (flag --max-rate-wait)"`
	IPLimit              int           `envconfig:"ONCEHUB_IP_LIMIT" default:"200" desc:"OnceHub's limit of requests per client IP address in ONCEHUB_IP_WINDOW, shared by every caller of this server (and by replicas sharing ONCEHUB_REDIS_URL) and divided fairly between them; 0: not enforced here"`
	IPWindow             time.Duration `envconfig:"ONCEHUB_IP_WINDOW" default:"5m" desc:"the window of ONCEHUB_IP_LIMIT"`
	RejectedKeyTTL       time.Duration `envconfig:"ONCEHUB_REJECTED_KEY_TTL" default:"1m" desc:"how long a key OnceHub rejected (401) is refused without asking OnceHub again"`
	CacheTTL             time.Duration `envconfig:"ONCEHUB_CACHE_TTL" default:"30s" desc:"how long reads of booking calendars, event types, users, teams and booking pages are answered from memory, per key (writes through this server clear them at once); 0: no cache. Bookings and time slots are never cached"`
	CacheMaxBytes        int           `envconfig:"ONCEHUB_CACHE_MAX_BYTES" default:"16777216" desc:"memory the cache may take, in bytes"`
	MetricsAddr          string        `envconfig:"ONCEHUB_METRICS_ADDR" desc:"HTTP: serve /metrics on this address (host:port) instead of the MCP port (flag --metrics-addr)"`
	MetricsToken         string        `envconfig:"ONCEHUB_METRICS_TOKEN" desc:"HTTP: /metrics answers only requests with Authorization: Bearer <this token>. Without it or ONCEHUB_METRICS_ADDR, /metrics is served only when the MCP port listens on loopback"`
	TLSCert              string        `envconfig:"ONCEHUB_TLS_CERT" desc:"HTTP: TLS certificate file (PEM); with ONCEHUB_TLS_KEY serves HTTPS (flag --tls-cert)"`
	TLSKey               string        `envconfig:"ONCEHUB_TLS_KEY" desc:"HTTP: TLS private key file (PEM) (flag --tls-key)"`
	ShutdownTimeout      time.Duration `envconfig:"ONCEHUB_SHUTDOWN_TIMEOUT" default:"25s" desc:"HTTP: on SIGTERM/SIGINT, how long in-flight calls may take to finish (flag --shutdown-timeout)"`
	SessionIdle          time.Duration `envconfig:"ONCEHUB_SESSION_IDLE_TIMEOUT" default:"30m" desc:"HTTP: a session (protocol 2025-11-25 clients) unused this long ends; the client then initializes again (flag --session-idle-timeout)"`

	// Demo serves the embedded fake OnceHub instead of the real API.
	Demo bool `envconfig:"ONCEHUB_DEMO" default:"false" desc:"serve the built-in demo sandbox (a fake OnceHub with sample data) instead of the real API; no key needed (flag --demo)"`

	// RedisURL is the one Redis the process uses (App.Redis): replicas share
	// the per-account rate budget and HTTP sessions through it.
	RedisURL          string `envconfig:"ONCEHUB_REDIS_URL" desc:"redis://[user:password@]host:port[/db], or rediss:// for TLS: the one Redis the process uses; replicas share through it the per-account rate budget (if unreachable, each process paces itself) and, over HTTP, the session table (last use, DELETE, log level), answers to confirmation questions that reach another replica, and stream events for Last-Event-ID resumption. Query parameters set go-redis options, e.g. ?pool_size=20&max_active_conns=50&pool_timeout=2s&dial_timeout=1s&read_timeout=500ms&max_retries=2 (flag --redis-url)"`
	RedisCAFile       string `envconfig:"ONCEHUB_REDIS_CA_FILE" desc:"rediss://: PEM file of the CA(s) that signed the Redis server's certificate, instead of the system's"`
	RedisCertFile     string `envconfig:"ONCEHUB_REDIS_CERT_FILE" desc:"rediss://: PEM client certificate presented to Redis (with ONCEHUB_REDIS_KEY_FILE)"`
	RedisKeyFile      string `envconfig:"ONCEHUB_REDIS_KEY_FILE" desc:"rediss://: PEM private key of ONCEHUB_REDIS_CERT_FILE"`
	RedisPasswordFile string `envconfig:"ONCEHUB_REDIS_PASSWORD_FILE" desc:"file holding the Redis password (instead of one in the URL), read at every new connection so a rotated password is picked up without a restart"`
	// RateLimitRedis is the deprecated name of RedisURL.
	RateLimitRedis string `envconfig:"ONCEHUB_RATE_LIMIT_REDIS" desc:"deprecated name of ONCEHUB_REDIS_URL, still read (flag --rate-limit-redis)"`

	// ServerSecret is shared by replicas: keys derived from it sign and seal
	// what one replica hands out and another checks (internal/secret).
	ServerSecret string `envconfig:"ONCEHUB_SERVER_SECRET" desc:"HTTP: a secret of at least 32 bytes shared by all replicas (openssl rand -base64 48); when unset, a random one is made at start and what it signs is valid only in that process"`
}

// Credential modes of HTTP serving.
const (
	CredentialsPassThrough = "passthrough"
	CredentialsOperator    = "operator"
	CredentialsOAuth       = "oauth"
)

// Mode is how the server is reached.
type Mode string

// Modes.
const (
	ModeStdio Mode = "stdio"
	ModeHTTP  Mode = "http"
)

// Load reads the environment (envconfig) and then the flags in args (the
// arguments after the mode), which override it.
func Load(mode Mode, args []string, out io.Writer) (Config, error) {
	var cfg Config
	if err := envconfig.Process("", &cfg); err != nil {
		return cfg, err
	}
	fs := flag.NewFlagSet(string(mode), flag.ContinueOnError)
	fs.SetOutput(out)
	fs.BoolVar(&cfg.ReadOnly, "read-only", cfg.ReadOnly, "expose only read-only tools")
	fs.BoolVar(&cfg.RequireConfirmation, "require-confirmation", cfg.RequireConfirmation, "refuse destructive calls from clients that cannot ask the user to confirm (no elicitation)")
	fs.BoolVar(&cfg.NoUI, "no-ui", cfg.NoUI, "do not offer the interactive slot picker (MCP Apps) to hosts that can show it")
	fs.BoolVar(&cfg.Demo, "demo", cfg.Demo, "use the built-in demo sandbox (fake OnceHub with sample data); no API key needed")
	fs.DurationVar(&cfg.ConfirmTimeout, "confirm-timeout", cfg.ConfirmTimeout, "how long a destructive call waits for the user's answer to its confirmation question")
	toolsets := fs.String("toolsets", strings.Join(cfg.Toolsets, ","), "comma-separated toolsets to expose")
	toolNames := fs.String("tools", strings.Join(cfg.Tools, ","), "comma-separated tool names to expose")
	var origins *string
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn or error")
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "text or json, times in UTC")
	fs.StringVar(&cfg.RedisURL, "redis-url", cfg.RedisURL, "redis:// or rediss:// URL of the Redis replicas share (per-account rate budget; HTTP sessions, answers and stream events)")
	fs.StringVar(&cfg.RateLimitRedis, "rate-limit-redis", cfg.RateLimitRedis, "deprecated: use --redis-url")
	fs.DurationVar(&cfg.MaxRateWait, "max-rate-wait", cfg.MaxRateWait, "longest wait of one upstream request for its turn under OnceHub's rate limits")
	if mode == ModeHTTP {
		fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address host:port")
		fs.StringVar(&cfg.CredentialMode, "credential-mode", cfg.CredentialMode, "passthrough (callers send their OnceHub key), operator (server key + access tokens) or oauth (OAuth for hosts that only take a URL)")
		fs.StringVar(&cfg.PublicURL, "public-url", cfg.PublicURL, "oauth mode: the server's base URL as clients reach it (https://mcp.example.com)")
		origins = fs.String("allowed-origins", strings.Join(cfg.AllowedOrigins, ","), "comma-separated browser origins allowed besides same-host and loopback")
		fs.Int64Var(&cfg.MaxBodyBytes, "max-body-bytes", cfg.MaxBodyBytes, "largest request body in bytes (413 beyond)")
		fs.IntVar(&cfg.MaxInFlight, "max-in-flight", cfg.MaxInFlight, "calls that may reach OnceHub served at once")
		fs.IntVar(&cfg.MaxInFlightPerCaller, "max-in-flight-per-caller", cfg.MaxInFlightPerCaller, "calls one caller may have admitted at once")
		fs.IntVar(&cfg.MaxStreamsPerCaller, "max-streams-per-caller", cfg.MaxStreamsPerCaller, "subscriptions/listen streams one caller may hold open at once (-1: no bound)")
		fs.StringVar(&cfg.MetricsAddr, "metrics-addr", cfg.MetricsAddr, "serve /metrics on this address instead of the MCP port")
		fs.StringVar(&cfg.TLSCert, "tls-cert", cfg.TLSCert, "TLS certificate file (PEM)")
		fs.StringVar(&cfg.TLSKey, "tls-key", cfg.TLSKey, "TLS private key file (PEM)")
		fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", cfg.ShutdownTimeout, "how long in-flight calls may take to finish on shutdown")
		fs.DurationVar(&cfg.SessionIdle, "session-idle-timeout", cfg.SessionIdle, "a session unused this long ends")
	}
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: oncehub-mcp %s [flags]\n\nFlags:\n", mode)
		fs.PrintDefaults()
		fmt.Fprintf(out, "\nEnvironment:\n")
		envUsage(out)
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q; see oncehub-mcp %s --help", fs.Arg(0), mode)
	}
	cfg.Toolsets, cfg.Tools = splitList(*toolsets), splitList(*toolNames)
	if origins != nil {
		cfg.AllowedOrigins = splitList(*origins)
	}
	if mode == ModeHTTP {
		if err := cfg.CheckHTTP(); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

// CheckHTTP refuses HTTP settings that are unsafe or cannot work: an unknown
// credential mode; operator mode without ONCEHUB_API_KEY, or without access
// tokens on an address other than loopback; oauth mode without a public URL
// off loopback, or with one that is not an https origin; half a TLS
// configuration.
func (c *Config) CheckHTTP() error {
	c.CredentialMode = strings.ToLower(strings.TrimSpace(c.CredentialMode))
	c.AccessTokens = splitList(strings.Join(c.AccessTokens, ","))
	switch c.CredentialMode {
	case "", CredentialsPassThrough:
		c.CredentialMode = CredentialsPassThrough
	case CredentialsOperator:
		if strings.TrimSpace(c.APIKey) == "" {
			return fmt.Errorf("--credential-mode operator needs the server's OnceHub key in ONCEHUB_API_KEY")
		}
		if len(c.AccessTokens) == 0 && !LoopbackOnly(c.Addr) {
			return fmt.Errorf("--credential-mode operator on %q would let anyone who reaches it use the server's OnceHub key: "+
				"set ONCEHUB_ACCESS_TOKENS (comma-separated tokens callers send as Authorization: Bearer), or listen on loopback only (--addr 127.0.0.1:8080)", c.Addr)
		}
	case CredentialsOAuth:
		if strings.TrimSpace(c.PublicURL) == "" && !LoopbackOnly(c.Addr) {
			return fmt.Errorf("--credential-mode oauth on %q needs --public-url (ONCEHUB_PUBLIC_URL): the https URL clients reach the server at, "+
				"from which OAuth metadata, the issuer and the tokens' audience are built; on loopback (--addr 127.0.0.1:8080) it may be left out", c.Addr)
		}
	default:
		return fmt.Errorf("--credential-mode must be %q, %q or %q, got %q", CredentialsPassThrough, CredentialsOperator, CredentialsOAuth, c.CredentialMode)
	}
	if c.PublicURL != "" {
		u, err := oauth.CheckPublicURL(c.PublicURL)
		if err != nil {
			return err
		}
		c.PublicURL = u
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return fmt.Errorf("TLS needs both --tls-cert and --tls-key")
	}
	if c.MaxBodyBytes < 0 || c.MaxInFlight < 0 || c.MaxInFlightPerCaller < 0 {
		return fmt.Errorf("--max-body-bytes, --max-in-flight and --max-in-flight-per-caller must not be negative")
	}
	if c.IPLimit < 0 || (c.IPLimit > 0 && c.IPWindow <= 0) {
		return fmt.Errorf("ONCEHUB_IP_LIMIT must be 0 (off) or positive, with a positive ONCEHUB_IP_WINDOW")
	}
	if c.SessionIdle < 0 || c.ConfirmTimeout < 0 {
		return fmt.Errorf("--session-idle-timeout and --confirm-timeout must not be negative")
	}
	return nil
}

// LoopbackOnly reports whether addr (host:port) listens on a loopback
// address only; an empty host or 0.0.0.0 listens everywhere.
func LoopbackOnly(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	return oncehub.IsLoopbackHost(host)
}

// envUsage lists every environment variable of Config with its default and
// description, from the struct tags. It is written out rather than left to
// envconfig.Usagef, whose text/template makes the linker keep every exported
// method of every type in the binary (reflect.Value.MethodByName): several
// megabytes that each start-up maps and pages in.
func envUsage(out io.Writer) {
	t := reflect.TypeFor[Config]()
	for i := range t.NumField() {
		f := t.Field(i)
		key := f.Tag.Get("envconfig")
		if key == "" {
			continue
		}
		fmt.Fprintf(out, "  %s", key)
		if d := f.Tag.Get("default"); d != "" {
			fmt.Fprintf(out, " (default %s)", d)
		}
		fmt.Fprintf(out, "\n      %s\n", f.Tag.Get("desc"))
	}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
