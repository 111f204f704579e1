// Command oncehub-mcp is a Model Context Protocol server for the OnceHub
// scheduling API. Run "oncehub-mcp stdio" for MCP hosts that start it as a
// subprocess, or "oncehub-mcp http" for remote agents.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/transport"
)

// version is set at build time: -ldflags "-X main.version=v1.2.3".
var version = ""

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `oncehub-mcp — MCP server for the OnceHub scheduling API

Usage:
  oncehub-mcp stdio [flags]   serve MCP on stdin/stdout (Claude Desktop, IDEs)
  oncehub-mcp http  [flags]   serve MCP over streamable HTTP (remote agents)
  oncehub-mcp version         print the version
  oncehub-mcp healthcheck     exit 0 when the local HTTP server answers /healthz

Try it without a OnceHub account: "oncehub-mcp stdio --demo" (or http --demo)
serves the same tools against a built-in sandbox with sample data.

Run "oncehub-mcp stdio --help" or "oncehub-mcp http --help" for flags and
environment variables.
`

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "oncehub-mcp", currentVersion())
		return 0
	case "healthcheck":
		return healthcheck(args[1:], stderr)
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return 0
	case "stdio", "http":
	default:
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	mode := app.Mode(args[0])
	cfg, err := app.Load(mode, args[1:], stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "oncehub-mcp:", err)
		return 2
	}
	logger := newLogger(stderr, cfg)
	// Libraries that log through slog's default logger (zitadel/oidc in
	// oauth mode) write in the same format, level and stream.
	slog.SetDefault(logger)
	a, err := app.Build(cfg, app.Options{Version: currentVersion(), Logger: logger})
	if err != nil {
		logger.Error("cannot start", "err", err)
		return 1
	}
	defer func() { _ = a.Close() }()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go stopOnSignal(ctx, stop)
	logger.Info("oncehub-mcp starting", "mode", mode, "version", currentVersion(), "config", a.Describe())
	if a.Demo() {
		logger.Info("demo sandbox: tools use a built-in fake OnceHub with sample data on a loopback port; no real account is used and nothing is sent to OnceHub")
		if a.OAuth != nil {
			logger.Info("demo sandbox with OAuth: connect an OAuth-capable client (the MCP Inspector) to this server's /mcp URL; the authorization page accepts the demo key " + app.DemoKey)
		}
	}
	switch mode {
	case app.ModeStdio:
		if a.Config.APIKey == "" {
			logger.Warn("ONCEHUB_API_KEY is not set: tools will answer with an error until it is. " +
				"Create a key in OnceHub under the gear icon → Account Integrations → APIs & Webhooks. " +
				"To try the tools without an account, run: oncehub-mcp stdio --demo")
		}
		err = transport.ServeStdio(ctx, a.MCP, stdin, stdout, logger, a.StdioContext)
	case app.ModeHTTP:
		if a.Secret.Ephemeral() {
			logger.Info("ONCEHUB_SERVER_SECRET is not set: the session IDs this process hands out are valid only in it; replicas behind one address must share a secret")
		}
		if a.Redis == nil {
			logger.Info("no ONCEHUB_REDIS_URL: the session table is kept in this process, answers to confirmation questions must reach the replica that asked, and streams cannot be resumed")
		}
		opts := a.HTTPOptions()
		err = transport.ServeHTTP(ctx, transport.NewHTTPHandler(a.MCP, opts), opts, nil)
	}
	if err != nil {
		logger.Error("server stopped", "err", err)
		return 1
	}
	return 0
}

// stopOnSignal calls stop on SIGINT or SIGTERM (HTTP mode drains in-flight
// requests; stdio stops reading); a second signal then takes the default
// action and ends the process at once.
func stopOnSignal(ctx context.Context, stop context.CancelFunc) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	select {
	case <-sigs:
		stop()
	case <-ctx.Done():
	}
}

func newLogger(w io.Writer, cfg app.Config) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: utcTime}
	if strings.EqualFold(cfg.LogFormat, "json") {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// utcTime writes log timestamps in UTC: unambiguous across hosts and
// replicas.
func utcTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey && a.Value.Kind() == slog.KindTime {
		a.Value = slog.TimeValue(a.Value.Time().UTC())
	}
	return a
}

func currentVersion() string {
	bi, ok := debug.ReadBuildInfo()
	return resolveVersion(version, bi, ok)
}

// resolveVersion picks the version to report: the -X main.version ldflag
// first, then the module version "go install …@vX.Y.Z" records, then the VCS
// revision "go build" in a checkout records, else "dev".
func resolveVersion(ldflag string, bi *debug.BuildInfo, ok bool) string {
	if ldflag != "" {
		return ldflag
	}
	if !ok || bi == nil {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision":
			rev = s.Value
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = "-dirty"
		}
	}
	if rev != "" {
		return "dev+" + rev[:min(12, len(rev))] + dirty
	}
	return "dev"
}
