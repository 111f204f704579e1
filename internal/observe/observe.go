// Package observe is oncehub-mcp's metrics and per-call logging: Prometheus
// counters and histograms for tool calls, upstream requests and rate-limit
// waits, and one log line per tool call. It never sees an API key except to
// fingerprint it (oncehub.Fingerprinter, keyed with the server's secret).
package observe

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// Outcomes of a tool call (the "outcome" label and log field).
const (
	OutcomeOK       = "ok"       // a result without isError
	OutcomeError    = "error"    // an isError result (bad input, OnceHub error)
	OutcomeFailed   = "failed"   // a protocol error or a panic
	OutcomeCanceled = "canceled" // the caller went away or the deadline passed
)

// Observer collects metrics and writes the per-call log line. One Observer
// serves the whole process; it is safe for concurrent use.
type Observer struct {
	logger   *slog.Logger
	registry *prometheus.Registry
	fps      *oncehub.Fingerprinter

	toolCalls        *prometheus.CounterVec
	toolDuration     *prometheus.HistogramVec
	toolsInFlight    prometheus.Gauge
	upstreamRequests *prometheus.CounterVec
	upstreamDuration *prometheus.HistogramVec
	rateLimitWaits   prometheus.Counter
	rateLimitWait    prometheus.Histogram
	rateLimitLocal   prometheus.Counter
	httpRejected     *prometheus.CounterVec
}

// New returns an Observer logging to logger (discarding when nil) with a
// Prometheus registry of its own (not the global one, so that one process
// can hold several), the Go runtime and process collectors included.
func New(logger *slog.Logger) *Observer {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	reg := prometheus.NewRegistry()
	f := promauto.With(reg)
	o := &Observer{
		logger:   logger,
		registry: reg,
		fps:      oncehub.NewFingerprinter(nil),
		toolCalls: f.NewCounterVec(prometheus.CounterOpts{
			Name: "oncehub_mcp_tool_calls_total",
			Help: "MCP tool calls by tool and outcome (ok, error, failed, canceled).",
		}, []string{"tool", "outcome"}),
		toolDuration: f.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "oncehub_mcp_tool_call_duration_seconds",
			Help:    "Duration of MCP tool calls.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"tool"}),
		toolsInFlight: f.NewGauge(prometheus.GaugeOpts{
			Name: "oncehub_mcp_tool_calls_in_flight",
			Help: "Tool calls currently running.",
		}),
		upstreamRequests: f.NewCounterVec(prometheus.CounterOpts{
			Name: "oncehub_mcp_upstream_requests_total",
			Help: "HTTP attempts to the OnceHub API by method, route and status (\"error\" when no response arrived).",
		}, []string{"method", "route", "status"}),
		upstreamDuration: f.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "oncehub_mcp_upstream_request_duration_seconds",
			Help:    "Latency of HTTP attempts to the OnceHub API.",
			Buckets: []float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route"}),
		rateLimitWaits: f.NewCounter(prometheus.CounterOpts{
			Name: "oncehub_mcp_rate_limit_waits_total",
			Help: "Upstream requests that had to wait for the per-account rate limiter.",
		}),
		rateLimitWait: f.NewHistogram(prometheus.HistogramOpts{
			Name:    "oncehub_mcp_rate_limit_wait_seconds",
			Help:    "Time upstream requests waited for the per-account rate limiter.",
			Buckets: []float64{.001, .01, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
		rateLimitLocal: f.NewCounter(prometheus.CounterOpts{
			Name: "oncehub_mcp_rate_limit_local_fallbacks_total",
			Help: "Upstream requests paced by this process alone because the shared Redis budget was unreachable.",
		}),
		httpRejected: f.NewCounterVec(prometheus.CounterOpts{
			Name: "oncehub_mcp_http_rejected_total",
			Help: "HTTP requests refused before reaching MCP, by reason (origin, unauthorized, body_too_large, busy, session).",
		}, []string{"reason"}),
	}
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return o
}

// SetFingerprinter makes the per-call log lines label keys with f (the
// client's, so that a key has one label everywhere). Call it before serving.
func (o *Observer) SetFingerprinter(f *oncehub.Fingerprinter) { o.fps = f }

// CacheStats exports the counts of the reference-data cache (reads answered
// from memory, reads sent to OnceHub) that stats reports.
func (o *Observer) CacheStats(stats func() (hits, misses int64)) {
	o.registry.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "oncehub_mcp_cache_reads_total",
			Help:        "Reads of reference data (booking calendars, event types, users, teams, booking pages) by result: hit (answered from memory) or miss (sent to OnceHub).",
			ConstLabels: prometheus.Labels{"result": "hit"},
		}, func() float64 { h, _ := stats(); return float64(h) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name:        "oncehub_mcp_cache_reads_total",
			Help:        "Reads of reference data (booking calendars, event types, users, teams, booking pages) by result: hit (answered from memory) or miss (sent to OnceHub).",
			ConstLabels: prometheus.Labels{"result": "miss"},
		}, func() float64 { _, m := stats(); return float64(m) }),
	)
}

// RateLimitFallback counts a request paced locally because the shared
// (Redis) rate budget was unreachable; see oncehub.RedisOptions.OnFallback.
func (o *Observer) RateLimitFallback(error) { o.rateLimitLocal.Inc() }

// Handler serves the metrics: OpenMetrics to scrapers that ask for it
// (Accept: application/openmetrics-text), else the Prometheus text format.
func (o *Observer) Handler() http.Handler {
	return promhttp.HandlerFor(o.registry, promhttp.HandlerOpts{
		EnableOpenMetrics: true,
		ErrorLog:          slogErrorLog{o.logger},
	})
}

// Registry is the Observer's Prometheus registry, for metrics of other parts
// of the program and for tests.
func (o *Observer) Registry() *prometheus.Registry { return o.registry }

// slogErrorLog is promhttp's error log (a failed collection or write).
type slogErrorLog struct{ l *slog.Logger }

func (e slogErrorLog) Println(v ...any) { e.l.Warn("metrics: " + fmt.Sprint(v...)) }

// Rejected counts an HTTP request refused before it reached MCP.
func (o *Observer) Rejected(reason string) {
	o.httpRejected.WithLabelValues(reason).Inc()
}

// Attempt is an oncehub.Config.Observer: it counts one upstream attempt.
func (o *Observer) Attempt(a oncehub.Attempt) {
	status := "error"
	if a.Status > 0 {
		status = strconv.Itoa(a.Status)
	}
	o.upstreamRequests.WithLabelValues(a.Method, a.Route, status).Inc()
	o.upstreamDuration.WithLabelValues(a.Method, a.Route).Observe(a.Duration.Seconds())
	if o.logger.Enabled(context.Background(), slog.LevelDebug) {
		attrs := []slog.Attr{
			slog.String("method", a.Method), slog.String("route", a.Route), slog.Int("status", a.Status),
			slog.String("request_id", a.RequestID), slog.Float64("duration_ms", float64(a.Duration.Microseconds())/1000),
			slog.String("key", a.Fingerprint),
		}
		if a.Err != nil {
			attrs = append(attrs, slog.String("err", a.Err.Error()))
		}
		o.logger.LogAttrs(context.Background(), slog.LevelDebug, "upstream attempt", attrs...)
	}
}

// Limiter wraps an oncehub.Limiter to measure how long requests wait for it.
// It returns nil when next is nil (no pacing).
func (o *Observer) Limiter(next oncehub.Limiter) oncehub.Limiter {
	if next == nil {
		return nil
	}
	return &limiter{next: next, o: o}
}

type limiter struct {
	next oncehub.Limiter
	o    *Observer
}

// Pause forwards to the wrapped limiter when it can hold an account back
// (oncehub.Pauser): the client pauses an account for a 429's Retry-After, and
// the wrapper must not hide that.
func (l *limiter) Pause(account string, d time.Duration) {
	if p, ok := l.next.(oncehub.Pauser); ok {
		p.Pause(account, d)
	}
}

// waited is the shortest wait counted as a rate-limit wait: an available token
// returns in microseconds.
const waited = time.Millisecond

func (l *limiter) Wait(ctx context.Context, account string) error {
	start := time.Now()
	err := l.next.Wait(ctx, account)
	d := time.Since(start)
	l.o.rateLimitWait.Observe(d.Seconds())
	if d >= waited {
		l.o.rateLimitWaits.Inc()
		if c := callFrom(ctx); c != nil {
			c.mu.Lock()
			c.rateWait += d
			c.mu.Unlock()
		}
	}
	return err
}

// Transport wraps the upstream HTTP transport so that the tool call a request
// belongs to learns its status and OnceHub Request-Id (for the call's log
// line). next nil means oncehub.NewTransport.
func (o *Observer) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = oncehub.NewTransport()
	}
	return &roundTripper{next: next}
}

type roundTripper struct{ next http.RoundTripper }

func (rt *roundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := rt.next.RoundTrip(r)
	if c := callFrom(r.Context()); c != nil {
		c.mu.Lock()
		c.attempts++
		if resp != nil {
			c.status = resp.StatusCode
			if id := resp.Header.Get("Request-Id"); id != "" {
				c.requestID = id
			}
		} else {
			c.status = 0
		}
		c.mu.Unlock()
	}
	return resp, err
}

// call is what one tool call learned about its upstream requests.
type call struct {
	mu        sync.Mutex
	attempts  int
	status    int // of the last attempt; 0 when none or no response
	requestID string
	rateWait  time.Duration
}

type callKey struct{}

func callFrom(ctx context.Context) *call {
	c, _ := ctx.Value(callKey{}).(*call)
	return c
}

type callerKey struct{}

// WithCaller labels the caller of a request for logs when the API key does not
// identify it (operator mode: every caller shares the server's key). label
// must not be a secret; use a fingerprint.
func WithCaller(ctx context.Context, label string) context.Context {
	return context.WithValue(ctx, callerKey{}, label)
}
