// Command httpload measures oncehub-mcp over streamable HTTP (sessions for
// 2025-11-25 clients, stateless for 2026-07-28 ones)
// against the fake OnceHub (in this process), with the server as a separate
// process so its memory can be read from /proc:
//
//	go run ./bench/httpload
//
// Memory: the server's RSS after a warm-up and after 20,000 more HTTP requests
// from short-lived clients (initialize, tools/list, tool calls; goal: growth
// of at most 5 MB, i.e. no per-client state is kept). Throughput: 50
// concurrent clients calling tools/call as fast as they can: calls/s, p50 and
// p99 latency. Everything runs on loopback; the load is bounded in count and
// time.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/oncehub-mcp/oncehub-mcp/bench/internal/harness"
	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
)

func main() {
	memRequests := flag.Int("mem-requests", 20000, "HTTP requests between the two RSS readings")
	clients := flag.Int("clients", 50, "concurrent clients in the throughput run")
	calls := flag.Int("calls", 200, "tool calls per client in the throughput run")
	flag.Parse()
	if err := run(*memRequests, *clients, *calls); err != nil {
		fmt.Fprintln(os.Stderr, "httpload:", err)
		os.Exit(1)
	}
}

// counter counts HTTP requests sent to the server.
type counter struct {
	n    atomic.Int64
	next http.RoundTripper
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

func run(memRequests, nClients, callsPer int) error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()

	fake := fakeoncehub.New(fakeoncehub.Options{})
	up := httptest.NewServer(fake)
	defer up.Close()
	go func() { // the fake remembers requests for tests; forget them
		for ctx.Err() == nil {
			time.Sleep(time.Second)
			fake.ResetRequests()
		}
	}()

	bin, remove, err := harness.BuildServer()
	if err != nil {
		return err
	}
	defer remove()
	base, srv, err := harness.StartHTTP(bin, []string{"ONCEHUB_API_URL=" + up.URL + "/v2", "ONCEHUB_RATE_LIMIT=0", "ONCEHUB_IP_LIMIT=0",
		"ONCEHUB_MAX_IN_FLIGHT_PER_CALLER=64"}, // one key, many clients: measure throughput, not fairness
		"--max-in-flight", "256")
	if err != nil {
		return err
	}
	defer func() { _ = srv.Process.Signal(os.Interrupt); _ = srv.Wait() }()
	url := base + "/mcp"
	pid := srv.Process.Pid

	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: time.Minute}
	cnt := &counter{next: hc.Transport}
	hc.Transport = cnt

	// 1. Memory.
	fmt.Println("warming up…")
	if err := churn(ctx, url, hc, cnt, 2000); err != nil {
		return err
	}
	time.Sleep(2 * time.Second)
	before, err := harness.RSS(pid)
	if err != nil {
		return err
	}
	fmt.Printf("RSS after warm-up: %.1f MB; sending %d requests…\n", harness.MiB(before), memRequests)
	start := cnt.n.Load()
	t0 := time.Now()
	if err := churn(ctx, url, hc, cnt, memRequests); err != nil {
		return err
	}
	sent := cnt.n.Load() - start
	elapsed := time.Since(t0)
	time.Sleep(2 * time.Second)
	after, err := harness.RSS(pid)
	if err != nil {
		return err
	}

	// 2. Throughput.
	fmt.Printf("throughput: %d clients × %d tools/call…\n", nClients, callsPer)
	lat, tElapsed, err := throughput(ctx, url, hc, nClients, callsPer)
	if err != nil {
		return err
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }

	fmt.Println()
	fmt.Printf("machine: %s, %d CPUs, %s, %s/%s\n", harness.CPUModel(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Printf("date: %s\n", time.Now().UTC().Format("2006-01-02"))
	fmt.Printf("memory: %d HTTP requests in %s; RSS %.1f MB → %.1f MB (growth %+.2f MB; goal ≤ 5 MB)\n",
		sent, elapsed.Round(time.Millisecond), harness.MiB(before), harness.MiB(after), harness.MiB(after)-harness.MiB(before))
	fmt.Printf("throughput: %d tools/call with %d concurrent clients in %s: %.0f calls/s, p50 %s, p99 %s\n",
		len(lat), nClients, tElapsed.Round(time.Millisecond), float64(len(lat))/tElapsed.Seconds(),
		pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond))
	if after-before > 5<<20 {
		fmt.Println("WARNING: RSS grew more than 5 MB")
	}
	return nil
}

// churn sends about n HTTP requests from short-lived clients, 16 at a time:
// each client initializes (2025-11-25 or 2026-07-28), lists tools and makes
// tool calls, then goes away — as many agents would.
func churn(ctx context.Context, url string, hc *http.Client, cnt *counter, n int) error {
	target := cnt.n.Load() + int64(n)
	var wg sync.WaitGroup
	errc := make(chan error, 16)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; cnt.n.Load() < target; i++ {
				proto := []string{"2025-11-25", "2026-07-28"}[(w+i)%2]
				c, err := newClient(ctx, url, hc, proto)
				if err != nil {
					errc <- err
					return
				}
				if _, err := c.ListTools(ctx, mcp.ListToolsRequest{}); err != nil {
					errc <- err
					return
				}
				for j := 0; j < 8 && cnt.n.Load() < target; j++ {
					if err := callTool(ctx, c, j); err != nil {
						errc <- err
						return
					}
				}
				_ = c.Close()
			}
		}(w)
	}
	wg.Wait()
	close(errc)
	return <-errc
}

func throughput(ctx context.Context, url string, hc *http.Client, nClients, callsPer int) ([]time.Duration, time.Duration, error) {
	cs := make([]*client.Client, nClients)
	for i := range cs {
		c, err := newClient(ctx, url, hc, "2025-11-25")
		if err != nil {
			return nil, 0, err
		}
		defer c.Close()
		cs[i] = c
	}
	lat := make([]time.Duration, 0, nClients*callsPer)
	var mu sync.Mutex
	var wg sync.WaitGroup
	errc := make(chan error, nClients)
	t0 := time.Now()
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, callsPer)
			for j := 0; j < callsPer; j++ {
				s := time.Now()
				if err := callTool(ctx, c, 1); err != nil {
					errc <- err
					return
				}
				mine = append(mine, time.Since(s))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0)
	close(errc)
	if err := <-errc; err != nil {
		return nil, 0, err
	}
	return lat, elapsed, nil
}

func newClient(ctx context.Context, url string, hc *http.Client, proto string) (*client.Client, error) {
	c, err := client.NewStreamableHttpClient(url, transport.WithHTTPBasicClient(hc),
		transport.WithHTTPHeaders(map[string]string{"API-Key": fakeoncehub.TestKey}))
	if err != nil {
		return nil, err
	}
	c = client.NewClient(c.GetTransport(), client.WithProtocolVersion(proto))
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = proto
	req.Params.ClientInfo = mcp.Implementation{Name: "httpload", Version: "1"}
	if _, err := c.Initialize(ctx, req); err != nil {
		return nil, fmt.Errorf("initialize: %w", err)
	}
	return c, nil
}

func callTool(ctx context.Context, c *client.Client, i int) error {
	req := mcp.CallToolRequest{}
	if i%2 == 0 {
		req.Params.Name = "test_api_key"
	} else {
		req.Params.Name = "list_bookings"
		req.Params.Arguments = map[string]any{"limit": 10}
	}
	res, err := c.CallTool(ctx, req)
	if err != nil {
		return fmt.Errorf("%s: %w", req.Params.Name, err)
	}
	if res.IsError {
		return fmt.Errorf("%s answered with an error: %v", req.Params.Name, res.Content)
	}
	return nil
}
