package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/transport"
)

const (
	keyB     = "second-key-9876543210"
	accountB = "other@example.com"
)

type server struct {
	fake *fakeoncehub.Server
	app  *app.App
	url  string // MCP endpoint
	base string
	logs *testenv.LogBuffer
}

// start serves an app over HTTP against a fake with two accounts, logging
// JSON at debug level into a buffer.
func start(t *testing.T, mod func(*app.Config)) *server {
	t.Helper()
	fake := fakeoncehub.New(fakeoncehub.Options{Keys: map[string]string{fakeoncehub.TestKey: fakeoncehub.TestAccount, keyB: accountB}})
	up := httptest.NewServer(fake)
	t.Cleanup(up.Close)
	// Addr: the test server listens on loopback, where /metrics is open.
	cfg := app.Config{APIURL: up.URL + "/v2", Timeout: 10 * time.Second, LogLevel: "debug", CredentialMode: app.CredentialsPassThrough,
		Addr: "127.0.0.1:0"}
	if mod != nil {
		mod(&cfg)
	}
	logs := &testenv.LogBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, err := app.Build(cfg, app.Options{Version: "test", Logger: logger})
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	srv := httptest.NewServer(transport.NewHTTPHandler(a.MCP, a.HTTPOptions()))
	t.Cleanup(srv.Close)
	return &server{fake: fake, app: a, url: srv.URL + "/mcp", base: srv.URL, logs: logs}
}

// Two OnceHub accounts share one pass-through server: every call reaches
// OnceHub with its caller's key and answers with its caller's account.
func TestPassThroughKeysNeverCross(t *testing.T) {
	t.Parallel()

	s := start(t, nil)
	tenants := map[string]string{fakeoncehub.TestKey: fakeoncehub.TestAccount, keyB: accountB}
	var wg sync.WaitGroup
	for key, acct := range tenants {
		for _, headers := range []map[string]string{{"API-Key": key}, {"Authorization": "Bearer " + key}} {
			c := testenv.HTTPClient(t, s.url, headers)
			for i := 0; i < 10; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					assert.Equal(t, acct, testenv.Object(t, testenv.Call(t, context.Background(), c, "test_api_key", nil))["account"])
				}()
			}
		}
	}
	wg.Wait()
	reqs := s.fake.Requests()
	require.Len(t, reqs, 40)
	n := map[string]int{}
	for _, r := range reqs {
		n[r.APIKey]++
	}
	assert.Equal(t, map[string]int{fakeoncehub.TestKey: 20, keyB: 20}, n)
}

func operator(tokens ...string) func(*app.Config) {
	return func(c *app.Config) {
		c.CredentialMode = app.CredentialsOperator
		c.APIKey = fakeoncehub.TestKey
		c.AccessTokens = tokens
	}
}

func TestOperatorModeNeedsAnAccessTokenAndUsesTheServerKey(t *testing.T) {
	t.Parallel()

	s := start(t, operator("tok-one-aaaaaaaa", "tok-two-bbbbbbbb"))

	for name, headers := range map[string]map[string]string{
		"no token":                     {},
		"unknown token":                {"Authorization": "Bearer tok-three"},
		"a OnceHub key is not a token": {"API-Key": keyB},
		"prefix of a token":            {"Authorization": "Bearer tok-one"},
	} {
		// Sequential: they share the server, checked for upstream requests below.
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, s.url, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
			req.Header.Set("Content-Type", "application/json")
			for k, v := range headers {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			assert.Contains(t, resp.Header.Get("WWW-Authenticate"), "Bearer")
			assert.Contains(t, string(body), "access token")
			for _, v := range headers {
				assert.NotContains(t, string(body), strings.TrimPrefix(v, "Bearer "), "the refusal never echoes what the caller sent")
			}
		})
	}
	assert.Empty(t, s.fake.Requests())

	// A valid token, by either header; a OnceHub key the caller sends besides
	// it is ignored: the server's key is used.
	for _, headers := range []map[string]string{
		{"Authorization": "Bearer tok-two-bbbbbbbb"},
		{"API-Key": "tok-one-aaaaaaaa"},
		{"Authorization": "Bearer tok-one-aaaaaaaa", "API-Key": keyB},
	} {
		c := testenv.HTTPClient(t, s.url, headers)
		assert.Equal(t, fakeoncehub.TestAccount, testenv.Object(t, testenv.Call(t, context.Background(), c, "test_api_key", nil))["account"])
	}
	for _, r := range s.fake.Requests() {
		assert.Equal(t, fakeoncehub.TestKey, r.APIKey)
	}
	logs := s.logs.String()
	assert.Contains(t, logs, `"caller":"token:`)
	assert.NotContains(t, logs, "tok-one-aaaaaaaa")
	assert.NotContains(t, logs, "tok-two-bbbbbbbb")
}

func TestOperatorModeOnLoopbackWithoutTokens(t *testing.T) {
	t.Parallel()

	s := start(t, operator())
	c := testenv.HTTPClient(t, s.url, nil)
	assert.Equal(t, fakeoncehub.TestAccount, testenv.Object(t, testenv.Call(t, context.Background(), c, "test_api_key", nil))["account"])
}

func TestHTTPConfigIsCheckedAtStartup(t *testing.T) {
	const serverKey = "server-key-value-31415926"
	cases := []struct {
		name string
		env  map[string]string
		args []string
		err  string
	}{
		{"default is pass-through on loopback", nil, nil, ""},
		{"unknown credential mode", nil, []string{"--credential-mode", "shared"}, "must be"},
		{"operator without server key", nil, []string{"--credential-mode", "operator"}, "ONCEHUB_API_KEY"},
		{"operator without tokens on all interfaces", map[string]string{"ONCEHUB_API_KEY": serverKey},
			[]string{"--credential-mode", "operator", "--addr", "0.0.0.0:8080"}, "ONCEHUB_ACCESS_TOKENS"},
		{"operator without tokens on an empty host", map[string]string{"ONCEHUB_API_KEY": serverKey},
			[]string{"--credential-mode", "operator", "--addr", ":8080"}, "ONCEHUB_ACCESS_TOKENS"},
		{"operator without tokens on loopback", map[string]string{"ONCEHUB_API_KEY": serverKey},
			[]string{"--credential-mode", "operator", "--addr", "127.0.0.1:9000"}, ""},
		{"operator with tokens everywhere", map[string]string{"ONCEHUB_API_KEY": serverKey, "ONCEHUB_ACCESS_TOKENS": "a, b"},
			[]string{"--credential-mode", "operator", "--addr", "0.0.0.0:8080"}, ""},
		{"operator from the environment", map[string]string{"ONCEHUB_API_KEY": serverKey, "ONCEHUB_CREDENTIAL_MODE": "operator", "ONCEHUB_MCP_ADDR": "0.0.0.0:1"},
			nil, "ONCEHUB_ACCESS_TOKENS"},
		{"half TLS", nil, []string{"--tls-cert", "c.pem"}, "--tls-key"},
		{"negative body limit", nil, []string{"--max-body-bytes", "-1"}, "negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"ONCEHUB_API_KEY", "ONCEHUB_ACCESS_TOKENS", "ONCEHUB_CREDENTIAL_MODE", "ONCEHUB_MCP_ADDR"} {
				t.Setenv(k, "")
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			_, err := app.Load(app.ModeHTTP, tc.args, io.Discard)
			if tc.err == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
			assert.NotContains(t, err.Error(), serverKey, "never the key")
		})
	}
	cfg, err := app.Load(app.ModeHTTP, nil, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, app.CredentialsPassThrough, cfg.CredentialMode)
	assert.Equal(t, int64(1<<20), cfg.MaxBodyBytes)
	assert.Equal(t, "127.0.0.1:8080", cfg.Addr)
}

// Metrics count tool calls by outcome, upstream attempts by status and
// rate-limit waits; each tool call logs one line with its upstream status and
// OnceHub Request-Id and a fingerprint of the key, and no key ever appears in
// the debug-level log.
func TestMetricsAndOneLogLinePerToolCall(t *testing.T) {
	t.Parallel()

	const wrongKey = "wrong-key-5555555555"
	s := start(t, func(c *app.Config) { c.RateRPS, c.RateBurst = 2, 1 })
	good := testenv.HTTPClient(t, s.url, map[string]string{"API-Key": fakeoncehub.TestKey})
	bad := testenv.HTTPClient(t, s.url, map[string]string{"Authorization": "Bearer " + wrongKey})

	testenv.Call(t, context.Background(), good, "test_api_key", nil)
	testenv.Call(t, context.Background(), good, "test_api_key", nil) // waits for the limiter (burst 1)
	res := testenv.Call(t, context.Background(), good, "list_bookings", map[string]any{"limit": "many"})
	require.True(t, res.IsError)
	res = testenv.Call(t, context.Background(), bad, "test_api_key", nil)
	require.True(t, res.IsError)

	req, _ := http.NewRequest(http.MethodPost, s.url, bytes.NewReader(make([]byte, 2<<20)))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)

	resp, err = http.Get(s.base + "/metrics")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	metrics := string(body)
	for _, line := range []string{
		`oncehub_mcp_tool_calls_total{outcome="ok",tool="test_api_key"} 2`,
		`oncehub_mcp_tool_calls_total{outcome="error",tool="test_api_key"} 1`,
		`oncehub_mcp_tool_calls_total{outcome="error",tool="list_bookings"} 1`,
		`oncehub_mcp_tool_call_duration_seconds_count{tool="test_api_key"} 3`,
		`oncehub_mcp_upstream_requests_total{method="GET",route="/test",status="200"} 2`,
		`oncehub_mcp_upstream_requests_total{method="GET",route="/test",status="401"} 1`,
		`oncehub_mcp_upstream_request_duration_seconds_count{method="GET",route="/test"} 3`,
		`oncehub_mcp_http_rejected_total{reason="body_too_large"} 1`,
		`oncehub_mcp_tool_calls_in_flight 0`,
	} {
		assert.Contains(t, metrics, line+"\n")
	}
	assert.Regexp(t, `(?m)^oncehub_mcp_rate_limit_waits_total [1-9]`, metrics)
	assert.Regexp(t, `(?m)^oncehub_mcp_rate_limit_wait_seconds_count [1-9]`, metrics)

	// One line per tool call, in order.
	var lines []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s.logs.String()))
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
		if m["msg"] == "tool call" {
			lines = append(lines, m)
		}
	}
	require.Len(t, lines, 4)
	reqs := s.fake.Requests()
	require.Len(t, reqs, 3, "bad input sent nothing upstream")
	for i, want := range []struct {
		tool, outcome string
		status        float64
		key           string
	}{
		{"test_api_key", "ok", 200, fakeoncehub.TestKey},
		{"test_api_key", "ok", 200, fakeoncehub.TestKey},
		{"list_bookings", "error", 0, fakeoncehub.TestKey},
		{"test_api_key", "error", 401, wrongKey},
	} {
		l := lines[i]
		assert.Equal(t, want.tool, l["tool"], "line %d", i)
		assert.Equal(t, want.outcome, l["outcome"], "line %d", i)
		assert.Equal(t, want.status, l["upstream_status"], "line %d", i)
		assert.Equal(t, s.app.Client.Fingerprint(want.key), l["key"], "line %d", i)
		assert.Contains(t, l, "duration_ms")
		if want.status != 0 {
			assert.Regexp(t, `^req_\d+$`, l["request_id"], "line %d", i)
		} else {
			assert.Equal(t, "", l["request_id"])
		}
	}
	assert.Contains(t, lines[1], "rate_wait_ms", "the second call waited for the limiter")
	logs := s.logs.String()
	for _, secret := range []string{fakeoncehub.TestKey, wrongKey} {
		assert.NotContains(t, logs, secret)
		assert.NotContains(t, metrics, secret)
	}
}

// With the shared Redis budget unreachable, calls still succeed, paced by the
// process alone, and /metrics counts every such call.
func TestUnreachableRedisFallsBackLocallyAndIsCounted(t *testing.T) {
	t.Parallel()

	s := start(t, func(c *app.Config) {
		c.RateRPS, c.RateBurst = 50, 5
		c.RedisURL = "redis://127.0.0.1:1/0" // nothing listens on port 1
	})
	c := testenv.HTTPClient(t, s.url, map[string]string{"API-Key": fakeoncehub.TestKey})
	for range 3 {
		res := testenv.Call(t, context.Background(), c, "test_api_key", nil)
		require.False(t, res.IsError)
	}
	resp, err := http.Get(s.base + "/metrics")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Contains(t, string(body), "oncehub_mcp_rate_limit_local_fallbacks_total 3\n")
}
