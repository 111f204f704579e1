// Command bare is the floor for oncehub-mcp's benchmarks: a bare mcp-go server
// with one trivial tool. It pays what every mcp-go server pays (the runtime,
// mcp-go's and its JSON-schema library's package init, mcp-go's transports)
// and nothing of ours. See bench/startup.
//
//	bare               serve MCP on stdio
//	bare http ADDR     serve stateless streamable HTTP on ADDR at /mcp (as oncehub-mcp does)
//	bare echo          no MCP at all: answer each JSON-RPC request line on stdin at
//	                   once with an empty result (the cost of the pipes and processes)
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func main() {
	var err error
	switch {
	case len(os.Args) == 3 && os.Args[1] == "http":
		h := server.NewStreamableHTTPServer(newServer(), server.WithStateLess(true), server.WithDisableStreaming(true))
		err = http.ListenAndServe(os.Args[2], h)
	case len(os.Args) == 2 && os.Args[1] == "echo":
		err = echo()
	default:
		err = server.ServeStdio(newServer())
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func newServer() *server.MCPServer {
	s := server.NewMCPServer("bare", "1")
	s.AddTool(mcp.NewTool("ping",
		mcp.WithDescription("Answer pong."),
		mcp.WithString("message", mcp.Description("Echoed back.")),
	), func(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return mcp.NewToolResultText("pong " + req.GetString("message", "")), nil
	})
	return s
}

// echo answers every request line with {"jsonrpc":"2.0","id":…,"result":{}}
// on the same goroutine that read it.
func echo() error {
	rd := bufio.NewReader(os.Stdin)
	w := bufio.NewWriter(os.Stdout)
	for {
		line, err := rd.ReadBytes('\n')
		if err != nil {
			return nil
		}
		var msg struct {
			ID json.RawMessage `json:"id"`
		}
		if json.Unmarshal(line, &msg) != nil || len(msg.ID) == 0 {
			continue // a notification
		}
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{}}`+"\n", msg.ID)
		if err := w.Flush(); err != nil {
			return err
		}
	}
}
