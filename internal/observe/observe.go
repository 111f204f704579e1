// Package observe is oncehub-mcp's metrics and per-call logging: Prometheus
// counters and histograms for tool calls, upstream requests and rate-limit
// waits, and one log line per tool call. It never sees an API key except to
// fingerprint it (oncehub.Fingerprint).
package observe

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

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
	registry registry

	toolCalls        *CounterVec
	toolDuration     *HistogramVec
	toolsInFlight    Gauge
	upstreamRequests *CounterVec
	upstreamDuration *HistogramVec
	rateLimitWaits   Counter
	rateLimitWait    *Histogram
	rateLimitLocal   Counter
	httpRejected     *CounterVec
}

// New returns an Observer logging to logger (discarding when nil) with its own
// metrics, Go runtime and process metrics included.
func New(logger *slog.Logger) *Observer {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	o := &Observer{
		logger: logger,
		toolCalls: newCounterVec("oncehub_mcp_tool_calls_total",
			"MCP tool calls by tool and outcome (ok, error, failed, canceled).",
			"tool", "outcome"),
		toolDuration: newHistogramVec("oncehub_mcp_tool_call_duration_seconds",
			"Duration of MCP tool calls.",
			[]float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
			"tool"),
		upstreamRequests: newCounterVec("oncehub_mcp_upstream_requests_total",
			"HTTP attempts to the OnceHub API by method, route and status (\"error\" when no response arrived).",
			"method", "route", "status"),
		upstreamDuration: newHistogramVec("oncehub_mcp_upstream_request_duration_seconds",
			"Latency of HTTP attempts to the OnceHub API.",
			[]float64{.01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
			"method", "route"),
		rateLimitWait: newHistogram([]float64{.001, .01, .05, .1, .25, .5, 1, 2.5, 5, 10}),
		httpRejected: newCounterVec("oncehub_mcp_http_rejected_total",
			"HTTP requests refused before reaching MCP, by reason (origin, unauthorized, body_too_large, busy).",
			"reason"),
	}
	o.registry.register(o.toolCalls, o.toolDuration, o.upstreamRequests, o.upstreamDuration, o.httpRejected,
		gaugeFamily{newDesc("oncehub_mcp_tool_calls_in_flight", "Tool calls currently running.", "gauge"), &o.toolsInFlight},
		counterFamily{newDesc("oncehub_mcp_rate_limit_waits_total", "Upstream requests that had to wait for the per-account rate limiter.", "counter"), &o.rateLimitWaits},
		histogramFamily{newDesc("oncehub_mcp_rate_limit_wait_seconds", "Time upstream requests waited for the per-account rate limiter.", "histogram"), o.rateLimitWait},
		counterFamily{newDesc("oncehub_mcp_rate_limit_local_fallbacks_total", "Upstream requests paced by this process alone because the shared Redis budget was unreachable.", "counter"), &o.rateLimitLocal},
	)
	o.registry.register(goFamilies()...)
	o.registry.register(processFamilies()...)
	return o
}

// RateLimitFallback counts a request paced locally because the shared
// (Redis) rate budget was unreachable; see oncehub.RedisOptions.OnFallback.
func (o *Observer) RateLimitFallback(error) { o.rateLimitLocal.Inc() }

// Handler serves the metrics in the Prometheus text exposition format
// (version 0.0.4).
func (o *Observer) Handler() http.Handler { return &o.registry }

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
// line). next nil means oncehub.NewTransport, made on the first request.
func (o *Observer) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = &lazyTransport{get: sync.OnceValue(oncehub.NewTransport)}
	}
	return &roundTripper{next: next}
}

// lazyTransport builds its transport on the first request: cloning
// http.DefaultTransport also sets up HTTP/2 (about 0.3 ms), which a stdio
// server that has not called OnceHub yet need not pay before it answers
// initialize.
type lazyTransport struct{ get func() *http.Transport }

func (l *lazyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return l.get().RoundTrip(r)
}

// CloseIdleConnections lets http.Client.CloseIdleConnections reach the
// transport.
func (l *lazyTransport) CloseIdleConnections() { l.get().CloseIdleConnections() }

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
