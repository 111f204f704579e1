// Command bare is the floor for oncehub-mcp's start-up benchmark: a bare
// mcp-go server with one trivial tool, served on stdio. It pays what every
// mcp-go server pays (the runtime, mcp-go's and its JSON-schema library's
// package init) and nothing of ours. It links nothing it does not use, so that
// it stays the floor for start-up time and memory; the per-call floors over
// HTTP and bare pipes live in bench/floors. See bench/startup.
package main

import (
	"fmt"
	"os"

	"github.com/mark3labs/mcp-go/server"

	"github.com/oncehub-mcp/oncehub-mcp/bench/internal/ping"
)

func main() {
	if err := server.ServeStdio(ping.Server()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
