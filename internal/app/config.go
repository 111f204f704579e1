// Package app turns configuration (environment and flags) into a running
// oncehub-mcp: the OnceHub client, the MCP server with its tools, and the
// transport's context functions.
package app

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"
)

// Config is every setting. Environment variables come first; command-line
// flags (for the transport and tool selection) override them.
type Config struct {
	APIKey    string        `envconfig:"ONCEHUB_API_KEY" desc:"OnceHub API key (stdio mode; HTTP mode takes each caller's key from the API-Key or Authorization: Bearer header)"`
	APIURL    string        `envconfig:"ONCEHUB_API_URL" default:"https://api.oncehub.com/v2" desc:"OnceHub API base URL (https; http only for loopback)"`
	Timeout   time.Duration `envconfig:"ONCEHUB_TIMEOUT" default:"30s" desc:"timeout of one upstream HTTP request"`
	ReadOnly  bool          `envconfig:"ONCEHUB_READ_ONLY" default:"false" desc:"expose only read-only tools (flag --read-only)"`
	Toolsets  []string      `envconfig:"ONCEHUB_TOOLSETS" desc:"comma-separated toolsets to expose; empty exposes all (flag --toolsets)"`
	Tools     []string      `envconfig:"ONCEHUB_TOOLS" desc:"comma-separated tool names to expose; empty exposes all (flag --tools)"`
	RateRPS   float64       `envconfig:"ONCEHUB_RATE_LIMIT" default:"5" desc:"upstream requests per second per OnceHub account"`
	RateBurst int           `envconfig:"ONCEHUB_RATE_BURST" default:"2" desc:"burst of the per-account rate limiter"`
	LogLevel  string        `envconfig:"ONCEHUB_LOG_LEVEL" default:"info" desc:"debug, info, warn or error (flag --log-level)"`
	LogFormat string        `envconfig:"ONCEHUB_LOG_FORMAT" default:"text" desc:"text or json (flag --log-format)"`
	Addr      string        `envconfig:"ONCEHUB_MCP_ADDR" default:"127.0.0.1:8080" desc:"HTTP listen address host:port (flag --addr)"`

	// RateLimitRedis shares the per-account budget between replicas.
	RateLimitRedis string `envconfig:"ONCEHUB_RATE_LIMIT_REDIS" desc:"redis://host:port: replicas share one per-account rate budget through it (flag --rate-limit-redis); if unreachable, each process paces itself"`
}

// Mode is how the server is reached.
type Mode string

// Modes.
const (
	ModeStdio Mode = "stdio"
	ModeHTTP  Mode = "http"
)

// Load reads the environment (via lookup, os.LookupEnv in main) and then the
// flags in args (the arguments after the mode).
func Load(mode Mode, args []string, out io.Writer) (Config, error) {
	var cfg Config
	if err := envconfig.Process("", &cfg); err != nil {
		return cfg, err
	}
	fs := flag.NewFlagSet(string(mode), flag.ContinueOnError)
	fs.SetOutput(out)
	fs.BoolVar(&cfg.ReadOnly, "read-only", cfg.ReadOnly, "expose only read-only tools")
	toolsets := fs.String("toolsets", strings.Join(cfg.Toolsets, ","), "comma-separated toolsets to expose")
	toolNames := fs.String("tools", strings.Join(cfg.Tools, ","), "comma-separated tool names to expose")
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn or error")
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "text or json")
	fs.StringVar(&cfg.RateLimitRedis, "rate-limit-redis", cfg.RateLimitRedis, "redis://host:port shared by replicas for OnceHub's per-account rate limit")
	if mode == ModeHTTP {
		fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address host:port")
	}
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: oncehub-mcp %s [flags]\n\nFlags:\n", mode)
		fs.PrintDefaults()
		fmt.Fprintf(out, "\nEnvironment:\n")
		_ = envconfig.Usagef("", &cfg, out, envUsageFormat)
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q; see oncehub-mcp %s --help", fs.Arg(0), mode)
	}
	cfg.Toolsets, cfg.Tools = splitList(*toolsets), splitList(*toolNames)
	return cfg, nil
}

const envUsageFormat = `{{range .}}  {{usage_key .}}{{if usage_default .}} (default {{usage_default .}}){{end}}
      {{usage_description .}}
{{end}}`

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
