// Command bare is the floor for oncehub-mcp's startup benchmark: a bare
// mcp-go server with one trivial tool, served on stdio. It pays what every
// mcp-go server pays (the runtime, mcp-go's and its JSON-schema library's
// package init) and nothing of ours. See bench/startup.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func main() {
	s := server.NewMCPServer("bare", "1")
	s.AddTool(mcp.NewTool("ping",
		mcp.WithDescription("Answer pong."),
		mcp.WithString("message", mcp.Description("Echoed back.")),
	), func(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return mcp.NewToolResultText("pong " + req.GetString("message", "")), nil
	})
	if err := server.ServeStdio(s); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
