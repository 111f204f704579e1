// Command ratelimit measures how oncehub-mcp keeps one OnceHub account under
// its rate limit: 100 concurrent tool calls for one key go through the real
// MCP server to the fake OnceHub enforcing 5 requests per second per key. It
// reports the 429s the client saw (goal 0) and the makespan against the ideal
// 20 s (goal ≤ 1.1×), for one server and for two replicas sharing a Redis
// budget (skipped when redis-server is not installed).
//
//	go run ./bench/ratelimit                 # print the results
//	go run ./bench/ratelimit -write docs/BENCHMARKS.md
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/oncehub-mcp/oncehub-mcp/bench/internal/harness"
	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

const (
	calls = 100
	rps   = 5.0
)

var ideal = time.Duration(float64(calls) / rps * float64(time.Second))

type result struct {
	name       string
	ok, failed int
	client429  int64 // 429 answers the client received
	makespan   time.Duration
	note       string
}

func main() {
	write := flag.String("write", "", "update the \"Rate limiting\" section of this Markdown file")
	baseline := flag.Bool("baseline", true, "also run without the governor, for comparison")
	flag.Parse()

	var results []result
	results = append(results, run("1 server, governor on (5 rps, burst 2)", 1, "", rps))
	if url, stop, err := startRedis(); err != nil {
		fmt.Fprintln(os.Stderr, "skipping the two-replica run:", err)
		results = append(results, result{name: "2 replicas sharing Redis", note: "skipped: " + err.Error()})
	} else {
		results = append(results, run("2 replicas sharing one Redis budget", 2, url, rps))
		stop()
		if *baseline {
			results = append(results, run("2 replicas, each pacing alone (no Redis)", 2, "", rps))
		}
	}
	if *baseline {
		results = append(results, run("1 server, governor off (retries only)", 1, "", 0))
	}

	report := render(results)
	fmt.Print(report)
	if *write != "" {
		if err := updateSection(*write, report); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

// run sends `calls` concurrent test_api_key calls, split across `replicas`
// in-process servers, against a fake enforcing 5 rps per key.
func run(name string, replicas int, redisURL string, rate float64) result {
	fake := fakeoncehub.New(fakeoncehub.Options{})
	fake.EnforceRateLimit(&fakeoncehub.RateLimit{RPS: rps, Burst: int(rps), RetryAfter: true})
	up := httptest.NewServer(fake)
	defer up.Close()

	var seen429 atomic.Int64
	observe := func(a oncehub.Attempt) {
		if a.Status == 429 {
			seen429.Add(1)
		}
	}
	var clients []*client.Client
	for range replicas {
		cfg := app.Config{
			APIURL: up.URL + "/v2", Timeout: 30 * time.Second,
			RateRPS: rate, RateBurst: oncehub.DefaultRateBurst, RedisURL: redisURL,
		}
		a, err := app.Build(cfg, app.Options{Version: "bench", Observer: observe})
		must(err)
		defer a.Close()
		c, err := client.NewInProcessClient(a.MCP)
		must(err)
		init := mcp.InitializeRequest{}
		init.Params.ClientInfo = mcp.Implementation{Name: "bench", Version: "1"}
		_, err = c.Initialize(context.Background(), init)
		must(err)
		clients = append(clients, c)
	}

	ctx := oncehub.WithAPIKey(context.Background(), fakeoncehub.TestKey)
	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := range calls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := mcp.CallToolRequest{}
			req.Params.Name = "test_api_key"
			res, err := clients[i%replicas].CallTool(ctx, req)
			if err != nil || res.IsError {
				failed.Add(1)
				return
			}
			ok.Add(1)
		}()
	}
	wg.Wait()
	r := result{name: name, ok: int(ok.Load()), failed: int(failed.Load()), client429: seen429.Load(), makespan: time.Since(start)}
	if fake.RateLimited() != r.client429 {
		r.note = fmt.Sprintf("fake sent %d 429s", fake.RateLimited())
	}
	return r
}

func render(rs []result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Rate limiting\n\n")
	fmt.Fprintf(&b, "`go run ./bench/ratelimit` — %d concurrent `test_api_key` calls for one key through the real MCP server "+
		"(in-process client) to the fake OnceHub enforcing %.0f requests/s per key (a token bucket of %.0f, 429 with Retry-After beyond it). "+
		"Goals: 0 429s seen by the client; makespan ≤ 1.1 × the ideal %s.\n\n", calls, rps, rps, ideal)
	fmt.Fprintf(&b, "Machine: %s. Date: %s.\n\n", machine(), time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(&b, "| run | ok | failed | 429s seen by client | makespan | vs ideal %s |\n|---|---|---|---|---|---|\n", ideal)
	for _, r := range rs {
		if r.makespan == 0 {
			fmt.Fprintf(&b, "| %s | – | – | – | – | %s |\n", r.name, r.note)
			continue
		}
		ratio := fmt.Sprintf("%.2f×", r.makespan.Seconds()/ideal.Seconds())
		if r.note != "" {
			ratio += " (" + r.note + ")"
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %.2f s | %s |\n", r.name, r.ok, r.failed, r.client429, r.makespan.Seconds(), ratio)
	}
	b.WriteString("\nWith the governor the client paces itself to the account's budget (shared through Redis across replicas), " +
		"so OnceHub never has to refuse a call; the makespan is a little under the ideal because the first 2 calls use the burst. " +
		"Replicas pacing alone together send twice the budget and meet 429s, mostly absorbed by Retry-After and the account-wide pause; " +
		"without any governor the burst is answered with 429s and calls fail once their retries run out.\n")
	return b.String()
}

func machine() string {
	return fmt.Sprintf("%s/%s, %d CPUs %s, %s", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), harness.CPUModel(), runtime.Version())
}

// updateSection replaces (or appends) the "## Rate limiting" section of path.
func updateSection(path, section string) error {
	data, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	doc := string(data)
	if doc == "" {
		doc = "# Benchmarks\n"
	}
	const head = "## Rate limiting\n"
	if i := strings.Index(doc, head); i >= 0 {
		end := len(doc)
		if j := strings.Index(doc[i+len(head):], "\n## "); j >= 0 {
			end = i + len(head) + j + 1
		}
		doc = doc[:i] + section + doc[end:]
	} else {
		doc = strings.TrimRight(doc, "\n") + "\n\n" + section
	}
	return os.WriteFile(path, []byte(doc), 0o644)
}

// startRedis runs a throwaway redis-server on a free loopback port.
func startRedis() (string, func(), error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", nil, fmt.Errorf("redis-server is not installed (apt-get install -y redis-server)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return fmt.Sprintf("redis://127.0.0.1:%d/0", port), stop, nil
		}
	}
	stop()
	return "", nil, fmt.Errorf("redis-server did not start")
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
