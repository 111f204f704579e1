// Package transport serves an MCP server over stdio or streamable HTTP. It
// knows neither OnceHub nor individual tools: callers hand it the server and
// functions that put per-process or per-request values into the context.
package transport

import (
	"context"
	"io"
	"log"
	"log/slog"

	"github.com/mark3labs/mcp-go/server"
)

// ServeStdio serves s on in/out until in closes or ctx ends. stdout belongs to
// the protocol: logs go to logger (stderr). ctxFunc adds per-process values
// (the API key) to every request's context.
func ServeStdio(ctx context.Context, s *server.MCPServer, in io.Reader, out io.Writer, logger *slog.Logger, ctxFunc func(context.Context) context.Context) error {
	stdio := server.NewStdioServer(s)
	stdio.SetErrorLogger(log.New(&slogWriter{l: logger, component: "stdio"}, "", 0))
	if ctxFunc != nil {
		stdio.SetContextFunc(ctxFunc)
	}
	err := stdio.Listen(ctx, in, out)
	if err == context.Canceled || err == io.EOF {
		return nil
	}
	return err
}

// slogWriter adapts a log.Logger's output to slog (one line per message).
type slogWriter struct {
	l         *slog.Logger
	component string
}

func (w *slogWriter) Write(p []byte) (int, error) {
	msg := string(p)
	for len(msg) > 0 && msg[len(msg)-1] == '\n' {
		msg = msg[:len(msg)-1]
	}
	w.l.Warn(msg, "component", w.component)
	return len(p), nil
}
