package tools

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Progress and log messages for the client during long calls (page walks,
// multi-window slot searches). They are sent on the call's own stream: over
// stdio, and over HTTP as the call's SSE answer. Progress goes only to a call
// that asked for it (a progress token in _meta); log messages only at or
// above the level the client set (logging/setLevel, or the request's _meta
// from protocol 2026-07-28).

type progressKey struct{}

// withProgress keeps the call's progress token, if it sent one.
func withProgress(ctx context.Context, req mcp.CallToolRequest) context.Context {
	if req.Params.Meta == nil || req.Params.Meta.ProgressToken == nil {
		return ctx
	}
	return context.WithValue(ctx, progressKey{}, req.Params.Meta.ProgressToken)
}

// reportProgress sends notifications/progress for the call (progress rises
// with each report; total is 0 when unknown).
func reportProgress(ctx context.Context, progress, total float64, message string) {
	token, ok := ctx.Value(progressKey{}).(mcp.ProgressToken)
	if !ok {
		return
	}
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return
	}
	params := map[string]any{"progressToken": token, "progress": progress, "message": message}
	if total > 0 {
		params["total"] = total
	}
	_ = srv.SendNotificationToClient(ctx, string(mcp.MethodNotificationProgress), params)
}

// logToClient sends notifications/message with data msg, if the client wants
// messages of that level.
func logToClient(ctx context.Context, level mcp.LoggingLevel, msg string) {
	if srv := server.ServerFromContext(ctx); srv != nil {
		_ = srv.SendLogMessageToClient(ctx, mcp.NewLoggingMessageNotification(level, "oncehub-mcp", msg))
	}
}
