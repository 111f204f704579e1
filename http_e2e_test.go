package main_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/secret"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// servingAddr finds the listen address in the log line (whole: a space follows it).
var servingAddr = regexp.MustCompile(`serving MCP over streamable HTTP.* addr=(\S+)\s`)

// startHTTPBinary runs the built binary in http mode on a free loopback port
// and returns its base URL and collected stderr. Stderr is copied by
// os/exec itself, so once cmd.Wait returns the logs are complete.
func startHTTPBinary(t *testing.T, env []string, args ...string) (*exec.Cmd, string, *testenv.LogBuffer) {
	t.Helper()
	cmd := exec.Command(testenv.Binary(t), append([]string{"http", "--addr", "127.0.0.1:0", "--log-level", "debug"}, args...)...)
	cmd.Env = env
	w := &addrWatch{addr: make(chan string, 1)}
	cmd.Stderr = w
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	select {
	case a := <-w.addr:
		return cmd, "http://" + a, &w.logs
	case <-time.After(30 * time.Second):
		t.Fatalf("the server did not start; stderr:\n%s", w.logs.String())
	}
	return nil, "", nil
}

// addrWatch collects a server's stderr and sends the address it serves on,
// once, as soon as the log line saying so is complete.
type addrWatch struct {
	logs testenv.LogBuffer
	once sync.Once
	addr chan string
}

func (w *addrWatch) Write(p []byte) (int, error) {
	n, err := w.logs.Write(p)
	if m := servingAddr.FindStringSubmatch(w.logs.String()); m != nil {
		w.once.Do(func() { w.addr <- m[1] })
	}
	return n, err
}

// SIGTERM during a tool call: the server stops accepting, lets the call
// finish, and exits 0. Nothing at debug level shows the key.
func TestHTTPBinaryDrainsOnSIGTERMAndNeverLogsTheKey(t *testing.T) {
	t.Parallel()

	const otherKey = "some-unknown-key-4242424242"
	fake := fakeoncehub.New(fakeoncehub.Options{})
	entered, release := make(chan struct{}, 1), make(chan struct{})
	var once sync.Once
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/test" && r.Header.Get("API-Key") == fakeoncehub.TestKey {
			once.Do(func() { entered <- struct{}{}; <-release })
		}
		fake.ServeHTTP(w, r)
	}))
	defer up.Close()

	cmd, base, logs := startHTTPBinary(t, []string{"ONCEHUB_API_URL=" + up.URL + "/v2", "ONCEHUB_RATE_LIMIT=0"})
	c := testenv.HTTPClient(t, base+"/mcp", map[string]string{"API-Key": fakeoncehub.TestKey})
	other := testenv.HTTPClient(t, base+"/mcp", map[string]string{"Authorization": "Bearer " + otherKey})
	res := testenv.Call(t, context.Background(), other, "test_api_key", nil)
	require.True(t, res.IsError, "the fake refuses an unknown key")

	out := make(chan *mcp.CallToolResult, 1)
	go func() {
		req := mcp.CallToolRequest{}
		req.Params.Name = "test_api_key"
		r, err := c.CallTool(context.Background(), req)
		assert.NoError(t, err)
		out <- r
	}()
	<-entered
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "shutting down") }, 10*time.Second, 5*time.Millisecond)
	resp, err := http.Get(base + "/healthz")
	if err == nil {
		resp.Body.Close()
	}
	require.Error(t, err, "no new connections once shutdown started")

	close(release)
	r := <-out
	require.NotNil(t, r)
	out2 := testenv.Object(t, r)
	assert.Equal(t, fakeoncehub.TestAccount, out2["account"])
	require.NoError(t, cmd.Wait(), "exit status 0; stderr:\n%s", logs.String())

	all := logs.String()
	assert.Contains(t, all, "shut down cleanly")
	assert.Contains(t, all, `msg="tool call" tool=test_api_key`)
	assert.Contains(t, all, "level=DEBUG", "debug logging was on")
	assert.NotContains(t, all, fakeoncehub.TestKey)
	assert.NotContains(t, all, otherKey)
}

func TestHTTPBinaryServesHealthReadinessMetrics(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	_, base, _ := startHTTPBinary(t, []string{"ONCEHUB_API_URL=" + env.APIURL})
	for path, want := range map[string]string{
		"/healthz": "ok",
		"/readyz":  "ready",
		"/metrics": "oncehub_mcp_tool_calls_in_flight 0",
	} {
		resp, err := http.Get(base + path)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode, path)
		assert.Contains(t, string(body), want, path)
	}
	assert.Empty(t, env.Fake.Requests(), "readiness does not call OnceHub")
}

func TestHTTPBinaryRefusesOperatorModeWithoutTokensOffLoopback(t *testing.T) {
	t.Parallel()

	cmd := exec.Command(testenv.Binary(t), "http", "--credential-mode", "operator", "--addr", "0.0.0.0:0")
	cmd.Env = []string{"ONCEHUB_API_KEY=server-secret-key-value"}
	out, err := cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(out), "ONCEHUB_ACCESS_TOKENS")
	assert.NotContains(t, string(out), "server-secret-key-value")
}

// The start-up log lines name the key and the access tokens only by count and
// fingerprint, in both modes, at debug level. The fingerprint is keyed with
// the server secret: processes sharing ONCEHUB_SERVER_SECRET agree on it,
// and without the secret it cannot be checked against guessed keys.
func TestStartupLogShowsOnlyTheKeyFingerprint(t *testing.T) {
	t.Parallel()

	const serverKey, token = "server-key-value-27182818", "access-token-value-16180339"
	const serverSecret = "a-server-secret-of-at-least-32-bytes-0123456789"
	sec, err := secret.Parse(serverSecret)
	require.NoError(t, err)
	fp := oncehub.NewFingerprinter(sec.Key("fingerprint", 32)).Fingerprint(serverKey)
	assert.NotEqual(t, oncehub.NewFingerprinter(nil).Fingerprint(serverKey), fp, "another secret, another label")

	cmd := exec.Command(testenv.Binary(t), "stdio", "--log-level", "debug")
	cmd.Env = []string{"ONCEHUB_API_KEY=" + serverKey, "ONCEHUB_SERVER_SECRET=" + serverSecret}
	cmd.Stdin = strings.NewReader("") // EOF: the server stops at once
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "oncehub-mcp starting")
	assert.Contains(t, string(out), fp)
	assert.NotContains(t, string(out), serverKey)
	assert.NotContains(t, string(out), serverSecret)

	_, _, logs := startHTTPBinary(t, []string{"ONCEHUB_API_KEY=" + serverKey, "ONCEHUB_ACCESS_TOKENS=" + token, "ONCEHUB_SERVER_SECRET=" + serverSecret},
		"--credential-mode", "operator")
	assert.Contains(t, logs.String(), "oncehub-mcp starting")
	assert.Contains(t, logs.String(), fp, "the other process, with the same secret, gives the same label")
	assert.NotContains(t, logs.String(), serverSecret)
	assert.Contains(t, logs.String(), "(1 access tokens)")
	assert.NotContains(t, logs.String(), serverKey)
	assert.NotContains(t, logs.String(), token)
}
