package observe

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// ToolMiddleware counts, times and logs every tool call: one line per call
// with the tool, duration, outcome, the last upstream status and OnceHub
// Request-Id, and the key's fingerprint (never the key).
func (o *Observer) ToolMiddleware() server.ToolHandlerMiddleware {
	return func(next server.ToolHandlerFunc) server.ToolHandlerFunc {
		return func(ctx context.Context, req mcp.CallToolRequest) (res *mcp.CallToolResult, err error) {
			tool := req.Params.Name
			c := &call{}
			ctx = context.WithValue(ctx, callKey{}, c)
			start := time.Now()
			o.toolsInFlight.Inc()
			panicked := true
			defer func() {
				o.toolsInFlight.Dec()
				d := time.Since(start)
				outcome := outcomeOf(ctx, res, err, panicked)
				o.toolCalls.WithLabelValues(tool, outcome).Inc()
				o.toolDuration.WithLabelValues(tool).Observe(d.Seconds())
				o.logCall(ctx, tool, d, outcome, c, err)
			}()
			res, err = next(ctx, req)
			panicked = false
			return res, err
		}
	}
}

func outcomeOf(ctx context.Context, res *mcp.CallToolResult, err error, panicked bool) string {
	switch {
	case panicked:
		return OutcomeFailed
	case ctx.Err() != nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return OutcomeCanceled
	case err != nil || res == nil:
		return OutcomeFailed
	case res.IsError:
		return OutcomeError
	default:
		return OutcomeOK
	}
}

func (o *Observer) logCall(ctx context.Context, tool string, d time.Duration, outcome string, c *call, err error) {
	level := slog.LevelInfo
	if outcome == OutcomeFailed {
		level = slog.LevelWarn
	}
	if !o.logger.Enabled(ctx, level) {
		return
	}
	key, _ := oncehub.APIKeyFrom(ctx)
	c.mu.Lock()
	attrs := []slog.Attr{
		slog.String("tool", tool),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000),
		slog.String("outcome", outcome),
		slog.Int("upstream_status", c.status),
		slog.String("request_id", c.requestID),
		slog.Int("upstream_attempts", c.attempts),
		slog.String("key", o.fps.Fingerprint(key)),
	}
	if c.rateWait > 0 {
		attrs = append(attrs, slog.Float64("rate_wait_ms", float64(c.rateWait.Microseconds())/1000))
	}
	c.mu.Unlock()
	if caller, ok := ctx.Value(callerKey{}).(string); ok {
		attrs = append(attrs, slog.String("caller", caller))
	}
	if err != nil {
		// Protocol errors come from mcp-go or our own code, never carry the key.
		attrs = append(attrs, slog.String("err", err.Error()))
	}
	o.logger.LogAttrs(ctx, level, "tool call", attrs...)
}
