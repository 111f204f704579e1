// Command floors serves the per-call floors of bench/startup, which the
// start-up floor (bench/bare, stdio only) must not link:
//
//	floors http ADDR   the bare mcp-go server (bench/internal/ping) over
//	                   stateless streamable HTTP on ADDR at /mcp, as
//	                   oncehub-mcp serves it
//	floors echo        no MCP at all: answer each JSON-RPC request line on
//	                   stdin at once with an empty result (the cost of the
//	                   pipes and processes)
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"os"

	"github.com/mark3labs/mcp-go/server"

	"github.com/oncehub-mcp/oncehub-mcp/bench/internal/ping"
)

func main() {
	var err error
	switch {
	case len(os.Args) == 3 && os.Args[1] == "http":
		h := server.NewStreamableHTTPServer(ping.Server(), server.WithStateLess(true), server.WithDisableStreaming(true))
		err = http.ListenAndServe(os.Args[2], h)
	case len(os.Args) == 2 && os.Args[1] == "echo":
		err = echo()
	default:
		err = fmt.Errorf("usage: floors http ADDR | floors echo")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
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
