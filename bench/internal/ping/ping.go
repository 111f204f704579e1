// Package ping is the bare mcp-go server the benchmarks use as their floor:
// one trivial tool and nothing else.
package ping

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Server returns a bare mcp-go server with one tool, ping.
func Server() *server.MCPServer {
	s := server.NewMCPServer("bare", "1")
	s.AddTool(mcp.NewTool("ping",
		mcp.WithDescription("Answer pong."),
		mcp.WithString("message", mcp.Description("Echoed back.")),
	), func(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return mcp.NewToolResultText("pong " + req.GetString("message", "")), nil
	})
	return s
}
