package observe

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// scrape GETs /metrics from o's handler and returns the raw text.
func scrape(t *testing.T, o *Observer) string {
	t.Helper()
	rec := httptest.NewRecorder()
	o.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	assert.True(t, strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain; version=0.0.4; charset=utf-8"),
		"without an Accept header, the Prometheus text format: %s", rec.Header().Get("Content-Type"))
	b, err := io.ReadAll(rec.Body)
	require.NoError(t, err)
	return string(b)
}

// parse reads the exposition with Prometheus's own text parser.
func parse(t *testing.T, text string) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(text))
	require.NoError(t, err, text)
	return fams
}

func callTool(t *testing.T, o *Observer, name string, run func(context.Context) (*mcp.CallToolResult, error)) {
	t.Helper()
	h := o.ToolMiddleware()(func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) { return run(ctx) })
	var req mcp.CallToolRequest
	req.Params.Name = name
	_, _ = h(context.Background(), req)
}

func labelsOf(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

func TestExpositionParsesWithPrometheusParser(t *testing.T) {
	t.Parallel()

	o := New(nil)
	weird := "we\\ird \"tool\"\nname"
	ok := func(context.Context) (*mcp.CallToolResult, error) { return &mcp.CallToolResult{}, nil }
	callTool(t, o, "list_bookings", ok)
	callTool(t, o, "list_bookings", ok)
	callTool(t, o, weird, func(context.Context) (*mcp.CallToolResult, error) { return &mcp.CallToolResult{IsError: true}, nil })
	callTool(t, o, "get_booking", func(context.Context) (*mcp.CallToolResult, error) { return nil, errors.New("boom") })
	for _, d := range []time.Duration{5 * time.Millisecond, 20 * time.Millisecond, 2 * time.Second, 90 * time.Second} {
		o.Attempt(oncehub.Attempt{Method: "GET", Route: "/bookings", Status: 200, Duration: d})
	}
	o.Attempt(oncehub.Attempt{Method: "POST", Route: "/bookings/{id}/cancel", Duration: time.Millisecond})
	o.Rejected("origin")
	o.Rejected("origin")
	o.RateLimitFallback(nil)

	text := scrape(t, o)
	assert.Contains(t, text, `oncehub_mcp_tool_calls_total{outcome="error",tool="we\\ird \"tool\"\nname"} 1`+"\n",
		"label values escape backslash, quote and newline; labels come sorted by name")
	assert.Contains(t, text, `oncehub_mcp_upstream_request_duration_seconds_bucket{method="GET",route="/bookings",le="0.025"} 2`+"\n")
	assert.Contains(t, text, "# HELP oncehub_mcp_upstream_requests_total HTTP attempts to the OnceHub API by method, route and status (\"error\" when no response arrived).\n")

	// Families appear once each, sorted by name (stable output).
	var names []string
	for line := range strings.Lines(text) {
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			names = append(names, strings.Fields(rest)[0])
		}
	}
	assert.True(t, slices.IsSorted(names), "families sorted: %v", names)
	assert.Equal(t, len(names), len(slices.Compact(slices.Clone(names))), "no family twice")

	fams := parse(t, text)
	types := map[string]dto.MetricType{
		"oncehub_mcp_tool_calls_total":                  dto.MetricType_COUNTER,
		"oncehub_mcp_tool_call_duration_seconds":        dto.MetricType_HISTOGRAM,
		"oncehub_mcp_tool_calls_in_flight":              dto.MetricType_GAUGE,
		"oncehub_mcp_upstream_requests_total":           dto.MetricType_COUNTER,
		"oncehub_mcp_upstream_request_duration_seconds": dto.MetricType_HISTOGRAM,
		"oncehub_mcp_rate_limit_waits_total":            dto.MetricType_COUNTER,
		"oncehub_mcp_rate_limit_wait_seconds":           dto.MetricType_HISTOGRAM,
		"oncehub_mcp_rate_limit_local_fallbacks_total":  dto.MetricType_COUNTER,
		"oncehub_mcp_http_rejected_total":               dto.MetricType_COUNTER,
		"go_goroutines":                                 dto.MetricType_GAUGE,
		"go_gc_duration_seconds":                        dto.MetricType_SUMMARY,
		"go_info":                                       dto.MetricType_GAUGE,
		"go_memstats_alloc_bytes_total":                 dto.MetricType_COUNTER,
		"go_memstats_heap_alloc_bytes":                  dto.MetricType_GAUGE,
		"go_threads":                                    dto.MetricType_GAUGE,
	}
	if runtime.GOOS == "linux" {
		types["process_resident_memory_bytes"] = dto.MetricType_GAUGE
		types["process_cpu_seconds_total"] = dto.MetricType_COUNTER
		types["process_open_fds"] = dto.MetricType_GAUGE
		types["process_start_time_seconds"] = dto.MetricType_GAUGE
	}
	for name, typ := range types {
		require.Contains(t, fams, name)
		assert.Equal(t, typ, fams[name].GetType(), name)
		assert.NotEmpty(t, fams[name].GetHelp(), name)
	}
	if runtime.GOOS == "linux" {
		assert.Positive(t, fams["process_resident_memory_bytes"].GetMetric()[0].GetGauge().GetValue())
		start := fams["process_start_time_seconds"].GetMetric()[0].GetGauge().GetValue()
		assert.InDelta(t, float64(time.Now().Unix()), start, 24*3600, "start time is a Unix time, not ticks")
	}
	assert.Equal(t, runtime.Version(), labelsOf(fams["go_info"].GetMetric()[0])["version"])

	// Counters by label set, with the weird label value round-tripped.
	calls := map[[2]string]float64{}
	for _, m := range fams["oncehub_mcp_tool_calls_total"].GetMetric() {
		l := labelsOf(m)
		calls[[2]string{l["tool"], l["outcome"]}] = m.GetCounter().GetValue()
	}
	assert.Equal(t, map[[2]string]float64{
		{"list_bookings", OutcomeOK}: 2, {weird, OutcomeError}: 1, {"get_booking", OutcomeFailed}: 1,
	}, calls)
	rejected := fams["oncehub_mcp_http_rejected_total"].GetMetric()
	require.Len(t, rejected, 1)
	assert.Equal(t, map[string]string{"reason": "origin"}, labelsOf(rejected[0]))
	assert.Equal(t, 2.0, rejected[0].GetCounter().GetValue())
	assert.Equal(t, 1.0, fams["oncehub_mcp_rate_limit_local_fallbacks_total"].GetMetric()[0].GetCounter().GetValue())
	assert.Equal(t, 0.0, fams["oncehub_mcp_tool_calls_in_flight"].GetMetric()[0].GetGauge().GetValue())
	var statuses []string
	for _, m := range fams["oncehub_mcp_upstream_requests_total"].GetMetric() {
		statuses = append(statuses, labelsOf(m)["status"])
	}
	assert.ElementsMatch(t, []string{"200", "error"}, statuses)

	// Histograms: today's bucket layouts; cumulative buckets; count and sum agree.
	layouts := map[string][]float64{
		"oncehub_mcp_tool_call_duration_seconds":        {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		"oncehub_mcp_upstream_request_duration_seconds": {.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		"oncehub_mcp_rate_limit_wait_seconds":           {.001, .01, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}
	for name, layout := range layouts {
		for _, m := range fams[name].GetMetric() {
			h := m.GetHistogram()
			var bounds []float64
			var prev uint64
			for _, b := range h.GetBucket() {
				bounds = append(bounds, b.GetUpperBound())
				assert.GreaterOrEqual(t, b.GetCumulativeCount(), prev, "%s buckets are cumulative", name)
				prev = b.GetCumulativeCount()
			}
			assert.Equal(t, append(slices.Clone(layout), math.Inf(1)), bounds, name)
			assert.Equal(t, h.GetSampleCount(), prev, "%s: +Inf bucket equals _count", name)
		}
	}
	for _, m := range fams["oncehub_mcp_upstream_request_duration_seconds"].GetMetric() {
		h := m.GetHistogram()
		switch labelsOf(m)["method"] {
		case "GET":
			assert.Equal(t, map[string]string{"method": "GET", "route": "/bookings"}, labelsOf(m))
			assert.Equal(t, uint64(4), h.GetSampleCount())
			assert.InDelta(t, 92.025, h.GetSampleSum(), 1e-9)
			cum := map[float64]uint64{}
			for _, b := range h.GetBucket() {
				cum[b.GetUpperBound()] = b.GetCumulativeCount()
			}
			assert.Equal(t, uint64(1), cum[.005+.005], "5ms falls in le=0.01")
			assert.Equal(t, uint64(2), cum[.025])
			assert.Equal(t, uint64(2), cum[1])
			assert.Equal(t, uint64(3), cum[2.5], "2s falls in le=2.5")
			assert.Equal(t, uint64(3), cum[30], "90s is only in +Inf")
		case "POST":
			assert.Equal(t, uint64(1), h.GetSampleCount())
		default:
			t.Errorf("unexpected labels %v", labelsOf(m))
		}
	}
	assert.Contains(t, text, `oncehub_mcp_upstream_request_duration_seconds_bucket{method="GET",route="/bookings",le="+Inf"} 4`+"\n")
	assert.Contains(t, text, `oncehub_mcp_upstream_request_duration_seconds_count{method="GET",route="/bookings"} 4`+"\n")
	assert.Contains(t, text, `oncehub_mcp_rate_limit_wait_seconds_bucket{le="+Inf"} 0`+"\n", "an unlabelled histogram shows up before any observation")
}

// A labelled family appears once it has a series;
// unlabelled ones appear from the start.
func TestEmptyVecsAreOmitted(t *testing.T) {
	t.Parallel()

	text := scrape(t, New(nil))
	assert.NotContains(t, text, "oncehub_mcp_tool_calls_total")
	assert.NotContains(t, text, "oncehub_mcp_http_rejected_total")
	assert.Contains(t, text, "# TYPE oncehub_mcp_tool_calls_in_flight gauge\noncehub_mcp_tool_calls_in_flight 0\n")
	assert.Contains(t, text, "# TYPE oncehub_mcp_rate_limit_waits_total counter\noncehub_mcp_rate_limit_waits_total 0\n")
	parse(t, text)
}

// A panicking handler is counted and logged as failed, the in-flight gauge
// comes back down, and the panic goes on to mcp-go's recovery (the outer
// middleware). A call whose caller went away is counted as canceled.
func TestPanicAndCancelOutcomes(t *testing.T) {
	t.Parallel()

	var logs strings.Builder
	o := New(slog.New(slog.NewJSONHandler(&logs, nil)))
	assert.PanicsWithValue(t, "boom", func() {
		callTool(t, o, "get_booking", func(context.Context) (*mcp.CallToolResult, error) { panic("boom") })
	})
	callTool(t, o, "list_bookings", func(context.Context) (*mcp.CallToolResult, error) { return nil, context.Canceled })
	text := scrape(t, o)
	assert.Contains(t, text, `oncehub_mcp_tool_calls_total{outcome="failed",tool="get_booking"} 1`+"\n")
	assert.Contains(t, text, `oncehub_mcp_tool_calls_total{outcome="canceled",tool="list_bookings"} 1`+"\n")
	assert.Contains(t, text, "oncehub_mcp_tool_calls_in_flight 0\n")
	assert.Contains(t, logs.String(), `"level":"WARN","msg":"tool call","tool":"get_booking"`)
	assert.Contains(t, logs.String(), `"outcome":"failed"`)
}

func TestConcurrentRecordingIsExact(t *testing.T) {
	t.Parallel()

	o := New(nil)
	const workers, each = 8, 500
	tools := []string{"list_bookings", "get_booking", "cancel_booking"}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	scraped := make(chan struct{})
	go func() { // scrape while recording
		defer close(scraped)
		for {
			select {
			case <-stop:
				return
			default:
				parse(t, scrape(t, o))
			}
		}
	}()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				tool := tools[(w+i)%len(tools)]
				o.toolsInFlight.Inc()
				o.toolCalls.WithLabelValues(tool, OutcomeOK).Inc()
				o.toolDuration.WithLabelValues(tool).Observe(0.5)
				o.rateLimitWaits.Inc()
				o.rateLimitWait.Observe(0.25)
				o.toolsInFlight.Dec()
			}
		}()
	}
	wg.Wait()
	close(stop)
	<-scraped

	fams := parse(t, scrape(t, o))
	var calls, durations uint64
	var sum float64
	for _, m := range fams["oncehub_mcp_tool_calls_total"].GetMetric() {
		calls += uint64(m.GetCounter().GetValue())
	}
	for _, m := range fams["oncehub_mcp_tool_call_duration_seconds"].GetMetric() {
		durations += m.GetHistogram().GetSampleCount()
		sum += m.GetHistogram().GetSampleSum()
	}
	assert.Len(t, fams["oncehub_mcp_tool_calls_total"].GetMetric(), len(tools))
	assert.Equal(t, uint64(workers*each), calls)
	assert.Equal(t, uint64(workers*each), durations)
	assert.Equal(t, float64(workers*each)*0.5, sum)
	assert.Equal(t, float64(workers*each), fams["oncehub_mcp_rate_limit_waits_total"].GetMetric()[0].GetCounter().GetValue())
	assert.Equal(t, float64(workers*each)*0.25, fams["oncehub_mcp_rate_limit_wait_seconds"].GetMetric()[0].GetHistogram().GetSampleSum())
	assert.Equal(t, 0.0, fams["oncehub_mcp_tool_calls_in_flight"].GetMetric()[0].GetGauge().GetValue())
}

// The per-call path records without allocating once a label set exists.
// Not parallel: testing.AllocsPerRun refuses to run beside parallel tests.
func TestRecordingDoesNotAllocate(t *testing.T) { //nolint:paralleltest // AllocsPerRun, above
	if testing.CoverMode() != "" || raceEnabled {
		t.Skip("instrumentation allocates")
	}
	o := New(nil)
	tool := strings.Repeat("x", 3) + "_tool" // not a constant
	o.toolCalls.WithLabelValues(tool, OutcomeOK).Inc()
	o.toolDuration.WithLabelValues(tool).Observe(1)
	o.upstreamRequests.WithLabelValues("GET", "/bookings", "200").Inc()
	allocs := testing.AllocsPerRun(1000, func() {
		o.toolsInFlight.Inc()
		o.toolCalls.WithLabelValues(tool, OutcomeOK).Inc()
		o.toolDuration.WithLabelValues(tool).Observe(0.3)
		o.upstreamRequests.WithLabelValues("GET", "/bookings", "200").Inc()
		o.toolsInFlight.Dec()
	})
	assert.Zero(t, allocs)
}

func TestWrongLabelCountPanics(t *testing.T) {
	t.Parallel()

	o := New(nil)
	assert.Panics(t, func() { o.toolCalls.WithLabelValues("only_tool") })
}

func BenchmarkToolMiddleware(b *testing.B) {
	o := New(nil)
	h := o.ToolMiddleware()(func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return &mcp.CallToolResult{}, nil
	})
	var req mcp.CallToolRequest
	req.Params.Name = "list_bookings"
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, _ = h(ctx, req)
	}
}

// Every family the hand-written exposition had before client_golang came
// back is still there, with the same type: dashboards and alerts keep working.
func TestEveryMetricFamilyIsKept(t *testing.T) {
	t.Parallel()

	o := New(nil)
	o.Rejected("origin")
	o.Attempt(oncehub.Attempt{Method: "GET", Route: "/bookings", Status: 200, Duration: time.Millisecond})
	callTool(t, o, "list_bookings", func(context.Context) (*mcp.CallToolResult, error) { return &mcp.CallToolResult{}, nil })
	fams := parse(t, scrape(t, o))
	want := map[string]dto.MetricType{
		"oncehub_mcp_http_rejected_total":               dto.MetricType_COUNTER,
		"oncehub_mcp_rate_limit_local_fallbacks_total":  dto.MetricType_COUNTER,
		"oncehub_mcp_rate_limit_wait_seconds":           dto.MetricType_HISTOGRAM,
		"oncehub_mcp_rate_limit_waits_total":            dto.MetricType_COUNTER,
		"oncehub_mcp_tool_call_duration_seconds":        dto.MetricType_HISTOGRAM,
		"oncehub_mcp_tool_calls_in_flight":              dto.MetricType_GAUGE,
		"oncehub_mcp_tool_calls_total":                  dto.MetricType_COUNTER,
		"oncehub_mcp_upstream_request_duration_seconds": dto.MetricType_HISTOGRAM,
		"oncehub_mcp_upstream_requests_total":           dto.MetricType_COUNTER,
		"go_gc_duration_seconds":                        dto.MetricType_SUMMARY,
		"go_gc_gogc_percent":                            dto.MetricType_GAUGE,
		"go_gc_gomemlimit_bytes":                        dto.MetricType_GAUGE,
		"go_goroutines":                                 dto.MetricType_GAUGE,
		"go_info":                                       dto.MetricType_GAUGE,
		"go_sched_gomaxprocs_threads":                   dto.MetricType_GAUGE,
		"go_threads":                                    dto.MetricType_GAUGE,
		"go_memstats_alloc_bytes":                       dto.MetricType_GAUGE,
		"go_memstats_alloc_bytes_total":                 dto.MetricType_COUNTER,
		"go_memstats_buck_hash_sys_bytes":               dto.MetricType_GAUGE,
		"go_memstats_frees_total":                       dto.MetricType_COUNTER,
		"go_memstats_gc_sys_bytes":                      dto.MetricType_GAUGE,
		"go_memstats_heap_alloc_bytes":                  dto.MetricType_GAUGE,
		"go_memstats_heap_idle_bytes":                   dto.MetricType_GAUGE,
		"go_memstats_heap_inuse_bytes":                  dto.MetricType_GAUGE,
		"go_memstats_heap_objects":                      dto.MetricType_GAUGE,
		"go_memstats_heap_released_bytes":               dto.MetricType_GAUGE,
		"go_memstats_heap_sys_bytes":                    dto.MetricType_GAUGE,
		"go_memstats_last_gc_time_seconds":              dto.MetricType_GAUGE,
		"go_memstats_mallocs_total":                     dto.MetricType_COUNTER,
		"go_memstats_mcache_inuse_bytes":                dto.MetricType_GAUGE,
		"go_memstats_mcache_sys_bytes":                  dto.MetricType_GAUGE,
		"go_memstats_mspan_inuse_bytes":                 dto.MetricType_GAUGE,
		"go_memstats_mspan_sys_bytes":                   dto.MetricType_GAUGE,
		"go_memstats_next_gc_bytes":                     dto.MetricType_GAUGE,
		"go_memstats_other_sys_bytes":                   dto.MetricType_GAUGE,
		"go_memstats_stack_inuse_bytes":                 dto.MetricType_GAUGE,
		"go_memstats_stack_sys_bytes":                   dto.MetricType_GAUGE,
		"go_memstats_sys_bytes":                         dto.MetricType_GAUGE,
	}
	if runtime.GOOS == "linux" {
		for _, name := range []string{"process_max_fds", "process_open_fds", "process_resident_memory_bytes",
			"process_start_time_seconds", "process_virtual_memory_bytes", "process_virtual_memory_max_bytes"} {
			want[name] = dto.MetricType_GAUGE
		}
		for _, name := range []string{"process_cpu_seconds_total", "process_network_receive_bytes_total", "process_network_transmit_bytes_total"} {
			want[name] = dto.MetricType_COUNTER
		}
	}
	for name, typ := range want {
		if assert.Contains(t, fams, name) {
			assert.Equal(t, typ, fams[name].GetType(), name)
		}
	}
}

// A scraper that asks for OpenMetrics gets it.
func TestOpenMetricsIsNegotiated(t *testing.T) {
	t.Parallel()

	o := New(nil)
	callTool(t, o, "list_bookings", func(context.Context) (*mcp.CallToolResult, error) { return &mcp.CallToolResult{}, nil })
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
	o.Handler().ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.True(t, strings.HasPrefix(rec.Header().Get("Content-Type"), "application/openmetrics-text; version=1.0.0"), rec.Header().Get("Content-Type"))
	body := rec.Body.String()
	assert.True(t, strings.HasSuffix(body, "# EOF\n"), "an OpenMetrics exposition ends with # EOF")
	assert.Contains(t, body, "# TYPE oncehub_mcp_tool_calls counter\n", "OpenMetrics names the counter family without _total")
	assert.Contains(t, body, `oncehub_mcp_tool_calls_total{outcome="ok",tool="list_bookings"} 1.0`+"\n")
}

// Each Observer has a registry of its own: several apps in one process
// (tests, benchmarks) neither collide nor see each other's counts.
func TestObserversDoNotShareMetrics(t *testing.T) {
	t.Parallel()

	a, b := New(nil), New(nil)
	a.Rejected("origin")
	assert.Contains(t, scrape(t, a), `oncehub_mcp_http_rejected_total{reason="origin"} 1`)
	assert.NotContains(t, scrape(t, b), "oncehub_mcp_http_rejected_total")
}
