// Package testenv starts oncehub-mcp against the fake OnceHub and connects real
// MCP clients to it: in-process, over streamable HTTP, and over stdio (the
// built binary). Tests in every package use it.
package testenv

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/internal/contract"
	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testdeps"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
	mcptransport "github.com/oncehub-mcp/oncehub-mcp/transport"
)

// Now is the fixed clock tests run at: a Monday, 2026-11-23 10:00 UTC.
var Now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// Protocol versions tests exercise.
const (
	ProtocolLatest = "2026-07-28"
	Protocol2025   = "2025-11-25"
)

// Env is a fake OnceHub plus an oncehub-mcp server pointed at it.
type Env struct {
	Fake     *fakeoncehub.Server
	Upstream *httptest.Server
	APIURL   string // the fake's API base URL (…/v2)
	Config   app.Config
	App      *app.App
}

// Setup adjusts the configuration and the fake before they start.
type Setup struct {
	Config *app.Config
	Fake   *fakeoncehub.Options
	Deps   *tools.Deps
	// Options are app.Build's options (a logger, OAuth test overrides);
	// Version and Deps are set by New.
	Options *app.Options
}

// New starts a fake OnceHub and builds a server against it. Rate limiting is
// off unless a mod turns it on.
func New(t testing.TB, mods ...func(Setup)) *Env {
	t.Helper()
	fakeOpts := fakeoncehub.Options{Now: func() time.Time { return Now }}
	cfg := app.Config{Timeout: 10 * time.Second, LogLevel: "debug"}
	deps := tools.Deps{Now: func() time.Time { return Now }}
	var opts app.Options
	for _, m := range mods {
		m(Setup{Config: &cfg, Fake: &fakeOpts, Deps: &deps, Options: &opts})
	}
	fake := fakeoncehub.New(fakeOpts)
	up := httptest.NewServer(checkContract(t, fake))
	t.Cleanup(up.Close)
	cfg.APIURL = up.URL + "/v2"
	opts.Version, opts.Deps = "test", deps
	a, err := app.Build(cfg, opts)
	require.NoError(t, err)
	return &Env{Fake: fake, Upstream: up, APIURL: cfg.APIURL, Config: cfg, App: a}
}

// checkContract wraps the fake so that every request the client sends and
// every response the fake gives are validated against OnceHub's OpenAPI file;
// violations fail the test when it ends. Without the file (outside CI) the
// check is skipped with a log line saying why; in CI a missing file fails.
func checkContract(t testing.TB, h http.Handler) http.Handler {
	path := contract.SpecPath(RepoRoot())
	if path == "" {
		if os.Getenv("CI") != "" && os.Getenv(contract.EnvVar) != contract.Off {
			t.Fatalf("contract check: OnceHub's OpenAPI file not found; set %s or put shared/ beside the repository", contract.EnvVar)
		}
		t.Logf("contract check skipped: OnceHub's OpenAPI file not found or %s=off (set it to the file, or keep ../shared/oncehub/openapi.yaml beside the repository)", contract.EnvVar)
		return h
	}
	v, err := contract.Load(path)
	require.NoError(t, err)
	var mu sync.Mutex
	var violations []string
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, msg := range violations {
			t.Errorf("OpenAPI contract: %s", msg)
		}
	})
	return v.Wrap(h, func(msg string) {
		mu.Lock()
		violations = append(violations, msg)
		mu.Unlock()
	})
}

// KeyCtx returns a context carrying the fake's test key, for in-process calls
// (in-process there is no transport to carry a header).
func KeyCtx() context.Context {
	return oncehub.WithAPIKey(context.Background(), fakeoncehub.TestKey)
}

// InProcess connects an mcp-go client in-process and initializes it.
func (e *Env) InProcess(t testing.TB, opts ...client.ClientOption) *client.Client {
	t.Helper()
	c, err := client.NewInProcessClientWithOptions(e.App.MCP, opts...)
	require.NoError(t, err)
	// Started, so the client has a session (capabilities, notifications).
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Close() })
	Initialize(t, c)
	return c
}

// HTTPServer serves the app over streamable HTTP on a loopback test server,
// configured as the binary is (sessions included), and returns its MCP
// endpoint URL.
func (e *Env) HTTPServer(t testing.TB) string {
	t.Helper()
	h := mcptransport.NewHTTPHandler(e.App.MCP, e.App.HTTPOptions())
	srv := httptest.NewServer(h)
	t.Cleanup(func() { srv.Close(); h.Close() })
	return srv.URL + "/mcp"
}

// HTTP connects an mcp-go streamable HTTP client sending headers.
func (e *Env) HTTP(t testing.TB, url string, headers map[string]string, opts ...client.ClientOption) *client.Client {
	t.Helper()
	return HTTPClient(t, url, headers, opts...)
}

// HTTPClient connects an mcp-go streamable HTTP client to any MCP endpoint
// (e.g. the built binary's), sending headers, and initializes it.
func HTTPClient(t testing.TB, url string, headers map[string]string, opts ...client.ClientOption) *client.Client {
	t.Helper()
	c, err := client.NewStreamableHttpClient(url, transport.WithHTTPHeaders(headers))
	require.NoError(t, err)
	if len(opts) > 0 {
		tr := c.GetTransport()
		c = client.NewClient(tr, opts...)
	}
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Close() })
	Initialize(t, c)
	return c
}

// Stdio starts the built binary with env (plus ONCEHUB_API_URL pointing at the
// fake) and connects an mcp-go stdio client.
func (e *Env) Stdio(t testing.TB, env []string, args ...string) *client.Client {
	t.Helper()
	return e.StdioWith(t, env, nil, args...)
}

// StdioWith is Stdio with client options (an elicitation handler, a protocol version).
func (e *Env) StdioWith(t testing.TB, env []string, opts []client.ClientOption, args ...string) *client.Client {
	t.Helper()
	// The fake enforces neither of OnceHub's limits unless a test asks it
	// to: the binary's pacing is off so that tests measure behaviour.
	env = append([]string{"ONCEHUB_API_URL=" + e.APIURL, "ONCEHUB_RATE_LIMIT=0", "ONCEHUB_IP_LIMIT=0"}, env...)
	c := client.NewClient(transport.NewStdio(Binary(t), env, append([]string{"stdio"}, args...)...), opts...)
	require.NoError(t, c.Start(context.Background()))
	t.Cleanup(func() { _ = c.Close() })
	Initialize(t, c)
	return c
}

// Initialize initializes a started client and returns the server's answer.
func Initialize(t testing.TB, c *client.Client) *mcp.InitializeResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req := mcp.InitializeRequest{}
	req.Params.ClientInfo = mcp.Implementation{Name: "oncehub-mcp-tests", Version: "1"}
	res, err := c.Initialize(ctx, req)
	require.NoError(t, err)
	return res
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary builds ./ (package main) once per test process and returns its
// path. Under -short the test skips (testdeps.Slow).
func Binary(t testing.TB) string {
	t.Helper()
	testdeps.Slow(t)
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "oncehub-mcp-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "oncehub-mcp")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Dir = RepoRoot()
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = &buildError{out: string(out), err: err}
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + ": " + e.out }

// RepoRoot is the module's root directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// LogBuffer collects log output (a server's logger, a process's stderr); it
// is safe for concurrent writers.
type LogBuffer struct {
	mu sync.Mutex
	sb strings.Builder
}

// Write appends p.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.Write(p)
}

// String returns everything written so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sb.String()
}

// Call calls a tool and fails the test on a protocol error (tool errors are
// results with IsError set).
func Call(t testing.TB, ctx context.Context, c *client.Client, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	res, err := c.CallTool(cctx, req)
	require.NoError(t, err, "tools/call %s", name)
	return res
}

// Text is the concatenated text content of a result.
func Text(res *mcp.CallToolResult) string {
	var s string
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			s += tc.Text
		}
	}
	return s
}

// Structured decodes a result's structuredContent into v (a pointer).
func Structured(t testing.TB, res *mcp.CallToolResult, v any) {
	t.Helper()
	require.False(t, res.IsError, "tool error: %s", Text(res))
	require.NotNil(t, res.StructuredContent, "no structuredContent")
	data, err := json.Marshal(res.StructuredContent)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, v))
}

// Object decodes structuredContent into a map.
func Object(t testing.TB, res *mcp.CallToolResult) map[string]any {
	t.Helper()
	var m map[string]any
	Structured(t, res, &m)
	return m
}

// Items returns the items of a list tool's result.
func Items(t testing.TB, res *mcp.CallToolResult) []map[string]any {
	t.Helper()
	var out struct {
		Items []map[string]any `json:"items"`
	}
	Structured(t, res, &out)
	return out.Items
}
