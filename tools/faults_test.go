package tools_test

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

// faultEnv is testenv with the production retry rules but millisecond
// backoffs, so fault tests stay fast.
func faultEnv(t *testing.T, mods ...func(testenv.Setup)) (*testenv.Env, *client.Client) {
	t.Helper()
	env := testenv.New(t, mods...)
	a, err := app.Build(env.Config, app.Options{
		Version: "test",
		Deps:    tools.Deps{Now: func() time.Time { return testenv.Now }},
		Retry:   oncehub.RetryPolicy{MaxAttempts: 4, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: 2 * time.Second},
	})
	require.NoError(t, err)
	env.App = a
	return env, env.InProcess(t)
}

func TestTransientFaultsAreRetriedAndTheToolSucceeds(t *testing.T) {
	t.Parallel()

	cases := map[string]struct {
		fault fakeoncehub.Fault
		sent  int
	}{
		"429 storm without Retry-After": {fakeoncehub.RateLimited("").Times(3), 4},
		"429 with Retry-After":          {fakeoncehub.RateLimited("1"), 2},
		"503 burst":                     {fakeoncehub.ServerError(503).Times(3), 4},
		"502 and 504":                   {fakeoncehub.ServerError(502).Times(2), 3},
		"proxy HTML page":               {fakeoncehub.HTMLPage(502).Times(2), 3},
		"connection reset mid-body":     {fakeoncehub.ResetMidBody(), 2},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			env, c := faultEnv(t)
			env.Fake.InjectFaults(tc.fault.On("GET", "/bookings"))
			items := testenv.Items(t, testenv.Call(t, testenv.KeyCtx(), c, "list_bookings", map[string]any{"limit": 2}))
			assert.Len(t, items, 2)
			reqs := env.Fake.Requests()
			require.Len(t, reqs, tc.sent)
			for _, r := range reqs {
				assert.Equal(t, "GET", r.Method)
				assert.Equal(t, "/bookings", r.Path)
				assert.Equal(t, "2", r.Query.Get("limit"), "a retry sends the same request")
			}
			assert.Zero(t, env.Fake.PendingFaults())
		})
	}
}

func TestPersistentFaultsGiveErrorsThatSayWhatToDo(t *testing.T) {
	t.Parallel()

	cases := map[string]struct {
		fault fakeoncehub.Fault
		sent  int
		want  []string
	}{
		"429 storm": {fakeoncehub.RateLimited("").Times(10), 4,
			[]string{"OnceHub error 429 (rate_limit_error)", "OnceHub's rate limit", "retry in a few seconds"}},
		"429 with a long Retry-After": {fakeoncehub.RateLimited("45").Times(10), 1,
			[]string{"OnceHub's rate limit", "retry in 45 s"}},
		"5xx burst": {fakeoncehub.ServerError(503).Times(10), 4,
			[]string{"OnceHub error 503 (api_error)", "OnceHub is having trouble (Request-Id req_"}},
		"500 is not retried": {fakeoncehub.ServerError(500).Times(10), 1,
			[]string{"OnceHub error 500", "OnceHub is having trouble"}},
		"HTML error pages": {fakeoncehub.HTMLPage(502).Times(10), 4,
			[]string{"OnceHub error 502: non-JSON error page", "OnceHub is having trouble"}},
		"truncated JSON": {fakeoncehub.TruncatedJSON(), 1,
			[]string{"Could not get an answer from OnceHub", "not the JSON expected"}},
		"malformed JSON": {fakeoncehub.MalformedJSON(), 1,
			[]string{"not the JSON expected"}},
		"oversized body": {fakeoncehub.Oversized(9 << 20), 1,
			[]string{"byte cap"}},
		"redirect to plain HTTP": {fakeoncehub.RedirectTo(""), 1,
			[]string{"redirect to http://127.0.0.1", "never followed", "ONCEHUB_API_URL"}},
		"resets every time": {fakeoncehub.ResetMidBody().Times(10), 4,
			[]string{"Could not get an answer from OnceHub"}},
		"401": {fakeoncehub.ServerError(401), 1,
			[]string{"API key is missing or invalid", "APIs & Webhooks"}},
		"402": {fakeoncehub.ServerError(402), 1,
			[]string{"no paid seat", "assign a seat"}},
		"422": {fakeoncehub.ServerError(422), 1,
			[]string{"cannot do this in the current configuration", "Fix it in OnceHub"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			env, c := faultEnv(t)
			env.Fake.InjectFaults(tc.fault.On("GET", "/bookings"))
			res := testenv.Call(t, testenv.KeyCtx(), c, "list_bookings", map[string]any{})
			require.True(t, res.IsError, "expected a tool error, got %s", testenv.Text(res))
			msg := testenv.Text(res)
			for _, w := range tc.want {
				assert.Contains(t, msg, w)
			}
			assert.NotContains(t, msg, fakeoncehub.TestKey)
			assert.Len(t, env.Fake.Requests(), tc.sent, msg)
		})
	}
}

func TestAuthErrorsFromTheFakeSayHowToFixTheKey(t *testing.T) {
	t.Parallel()

	const noPlan = "no-plan-key-123456"
	env, c := faultEnv(t, func(s testenv.Setup) {
		s.Fake.Keys = map[string]string{fakeoncehub.TestKey: fakeoncehub.TestAccount, noPlan: "np@example.com"}
		s.Fake.NoAPIPlanKeys = []string{noPlan}
	})
	res := testenv.Call(t, oncehub.WithAPIKey(context.Background(), "wrong-key-000"), c, "test_api_key", nil)
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "OnceHub error 401 (authentication_error)")
	assert.Contains(t, testenv.Text(res), "create a key in OnceHub under the gear icon")
	assert.NotContains(t, testenv.Text(res), "wrong-key-000")

	res = testenv.Call(t, oncehub.WithAPIKey(context.Background(), noPlan), c, "test_api_key", nil)
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "OnceHub error 403")
	assert.Contains(t, testenv.Text(res), "Enterprise plan")
	assert.Len(t, env.Fake.Requests(), 2, "auth errors are not retried")
}

func TestSlowUpstreamTimesOutWithoutHanging(t *testing.T) {
	t.Parallel()

	env, c := faultEnv(t, func(s testenv.Setup) { s.Config.Timeout = 200 * time.Millisecond })
	env.Fake.InjectFaults(fakeoncehub.Slow(20*time.Second).On("GET", "/bookings").Times(5))
	res := testenv.Call(t, testenv.KeyCtx(), c, "list_bookings", map[string]any{})
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "OnceHub did not answer in time")
	assert.Len(t, env.Fake.Requests(), 1, "a timeout is not retried")
	assert.Eventually(t, func() bool { return env.Fake.Aborted() == 1 }, 5*time.Second, 10*time.Millisecond,
		"the upstream request was abandoned, not left running")

	// A response that is only a little late still counts.
	env.Fake.ResetRequests()
	env2, c2 := faultEnv(t, func(s testenv.Setup) { s.Config.Timeout = 5 * time.Second })
	env2.Fake.InjectFaults(fakeoncehub.Slow(50*time.Millisecond).On("GET", "/bookings"))
	assert.Len(t, testenv.Items(t, testenv.Call(t, testenv.KeyCtx(), c2, "list_bookings", map[string]any{})), 10)
}

func TestMCPCancellationCancelsTheUpstreamCall(t *testing.T) {
	t.Parallel()

	env, c := faultEnv(t)
	env.Fake.InjectFaults(fakeoncehub.Slow(20*time.Second).On("GET", "/bookings"))
	ctx, cancel := context.WithTimeout(testenv.KeyCtx(), 300*time.Millisecond)
	defer cancel()
	req := mcp.CallToolRequest{}
	req.Params.Name = "list_bookings"
	res, err := c.CallTool(ctx, req)
	if err == nil {
		assert.True(t, res.IsError, "a canceled call does not pretend to succeed")
	}
	assert.Eventually(t, func() bool { return env.Fake.Aborted() == 1 }, 5*time.Second, 10*time.Millisecond,
		"the MCP request's cancellation reached the HTTP call")
	assert.Len(t, env.Fake.Requests(), 1)
}

func TestGovernorKeepsConcurrentCallsUnderOnceHubsLimit(t *testing.T) {
	t.Parallel()

	env, c := faultEnv(t, func(s testenv.Setup) { s.Config.RateRPS, s.Config.RateBurst = 5, 2 })
	env.Fake.EnforceRateLimit(&fakeoncehub.RateLimit{RPS: 5, Burst: 5, RetryAfter: true})
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := testenv.Call(t, testenv.KeyCtx(), c, "test_api_key", nil)
			assert.False(t, res.IsError, testenv.Text(res))
		}()
	}
	wg.Wait()
	assert.Zero(t, env.Fake.RateLimited(), "paced calls never see a 429")
	assert.Len(t, env.Fake.Requests(), 10)
}

func TestUnpacedBurstIsAbsorbedByRetryAfter(t *testing.T) {
	t.Parallel()

	env, c := faultEnv(t) // no client-side pacing
	env.Fake.EnforceRateLimit(&fakeoncehub.RateLimit{RPS: 5, Burst: 5, RetryAfter: true})
	for range 10 {
		res := testenv.Call(t, testenv.KeyCtx(), c, "test_api_key", nil)
		require.False(t, res.IsError, testenv.Text(res))
	}
	assert.Positive(t, env.Fake.RateLimited(), "ten quick calls exceed a 5-token bucket")
	assert.Len(t, env.Fake.Requests(), 10+int(env.Fake.RateLimited()), "each 429 was followed by exactly one retry")
	for _, r := range env.Fake.Requests() {
		assert.Equal(t, http.MethodGet, r.Method)
	}
}

func TestUnreachableRateLimitRedisNeverFailsACall(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	cfg := env.Config
	cfg.RateRPS, cfg.RateBurst, cfg.RateLimitRedis = 50, 2, "redis://127.0.0.1:1/0" // nothing listens on port 1
	var logs testenv.LogBuffer
	var fallbacks atomic.Int32
	a, err := app.Build(cfg, app.Options{
		Version: "test", Deps: tools.Deps{Now: func() time.Time { return testenv.Now }},
		Logger:            slog.New(slog.NewTextHandler(&logs, nil)),
		RateLimitFallback: func(error) { fallbacks.Add(1) },
	})
	require.NoError(t, err)
	env.App = a
	c := env.InProcess(t)
	for range 3 {
		res := testenv.Call(t, testenv.KeyCtx(), c, "test_api_key", nil)
		require.False(t, res.IsError, testenv.Text(res))
	}
	assert.Len(t, env.Fake.Requests(), 3)
	assert.Equal(t, int32(3), fallbacks.Load(), "every call paced locally was reported to the metrics hook")
	assert.Contains(t, logs.String(), "rate-limit Redis not reachable at startup")

	cfg.RateLimitRedis = "http://not-redis"
	_, err = app.Build(cfg, app.Options{})
	require.Error(t, err, "a malformed URL is a startup error, not a silent fallback")
}

// A 429 with Retry-After holds the account back in the assembled server (the
// client pauses it through the rate limiter, wrapped for metrics): the next
// call for that key within the pause is refused locally, nothing sent, and
// says it is the rate limit.
func TestRetryAfterPausesTheAccountInTheServer(t *testing.T) {
	t.Parallel()

	env, c := faultEnv(t, func(s testenv.Setup) { s.Config.RateRPS, s.Config.RateBurst = 5, 2 })
	env.Fake.InjectFaults(fakeoncehub.RateLimited("45").Times(10).On("GET", "/test"))
	first := testenv.Call(t, testenv.KeyCtx(), c, "test_api_key", nil)
	require.True(t, first.IsError, testenv.Text(first))
	require.Len(t, env.Fake.Requests(), 1, "a 45 s Retry-After is longer than the call may wait: no retry")

	second := testenv.Call(t, testenv.KeyCtx(), c, "test_api_key", nil)
	require.True(t, second.IsError, testenv.Text(second))
	assert.Contains(t, testenv.Text(second), "rate limit")
	assert.Len(t, env.Fake.Requests(), 1, "the paused account sends nothing until Retry-After has passed")
}
