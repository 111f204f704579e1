// Command replicas-client drives an MCP client through a load balancer in
// front of several oncehub-mcp replicas (see scripts/replicas.sh) and shows
// that every call is answered whichever replica gets it. The balancer must
// name the replica in an X-Upstream response header.
//
//	go run ./scripts/replicas-client --url http://127.0.0.1:18000/mcp --key KEY
//
// It exits non-zero when a call fails or fewer than --min-replicas answered.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// recorder counts which replica answered each HTTP request.
type recorder struct {
	mu   sync.Mutex
	seen map[string]int
	next http.RoundTripper
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	if err == nil {
		up := resp.Header.Get("X-Upstream")
		if up == "" {
			up = "(unknown)"
		}
		r.mu.Lock()
		r.seen[up]++
		r.mu.Unlock()
	}
	return resp, err
}

func main() {
	url := flag.String("url", "http://127.0.0.1:18000/mcp", "MCP endpoint behind the load balancer")
	key := flag.String("key", "", "OnceHub API key (the fake's test key)")
	calls := flag.Int("calls", 20, "tool calls per protocol version")
	minReplicas := flag.Int("min-replicas", 2, "replicas that must have answered")
	flag.Parse()
	if err := run(*url, *key, *calls, *minReplicas); err != nil {
		fmt.Fprintln(os.Stderr, "replicas-client:", err)
		os.Exit(1)
	}
}

func run(url, key string, calls, minReplicas int) error {
	rec := &recorder{seen: map[string]int{}, next: http.DefaultTransport}
	hc := &http.Client{Transport: rec, Timeout: 30 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	total := 0
	for _, proto := range []string{"2026-07-28", "2025-11-25"} {
		c, err := client.NewStreamableHttpClient(url,
			transport.WithHTTPBasicClient(hc),
			transport.WithHTTPHeaders(map[string]string{"API-Key": key}))
		if err != nil {
			return err
		}
		c = client.NewClient(c.GetTransport(), client.WithProtocolVersion(proto))
		if err := c.Start(ctx); err != nil {
			return err
		}
		init := mcp.InitializeRequest{}
		init.Params.ProtocolVersion = proto
		init.Params.ClientInfo = mcp.Implementation{Name: "replicas-client", Version: "1"}
		if _, err := c.Initialize(ctx, init); err != nil {
			return fmt.Errorf("%s initialize: %w", proto, err)
		}
		for i := 0; i < calls; i++ {
			name := []string{"test_api_key", "list_bookings"}[i%2]
			req := mcp.CallToolRequest{}
			req.Params.Name = name
			req.Params.Arguments = map[string]any{}
			res, err := c.CallTool(ctx, req)
			if err != nil {
				return fmt.Errorf("%s call %d (%s): %w", proto, i, name, err)
			}
			if res.IsError {
				return fmt.Errorf("%s call %d (%s) answered with an error: %v", proto, i, name, res.Content)
			}
			total++
		}
		_ = c.Close()
		fmt.Printf("protocol %s: %d/%d tool calls answered\n", proto, calls, calls)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	names := make([]string, 0, len(rec.seen))
	for n := range rec.seen {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Printf("%d tool calls answered; HTTP requests per replica:\n", total)
	for _, n := range names {
		fmt.Printf("  %-22s %d\n", n, rec.seen[n])
	}
	if len(names) < minReplicas {
		return fmt.Errorf("only %d replica(s) answered, want %d", len(names), minReplicas)
	}
	return nil
}
