// Command sessions measures what HTTP sessions cost the server's memory:
// 20,000 clients initialize (protocol 2025-11-25, each getting a session)
// and never send DELETE. The server runs as a separate process against the
// fake OnceHub (in this process), so its RSS can be read from /proc:
//
//	go run ./bench/sessions                            # session table in memory
//	go run ./bench/sessions -redis-url redis://127.0.0.1:6379/0
//
// Readings: RSS after a warm-up; after the 20,000 initializes (each followed
// by notifications/initialized, as clients send); and, with -use, after each
// of those sessions is used once more late enough to be recorded in the
// session table (its worst case: every session active). Goal: growth of at
// most 5 MB after the initializes.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/bench/internal/harness"
	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
)

func main() {
	n := flag.Int("sessions", 20000, "initializes without DELETE between the first two RSS readings")
	redisURL := flag.String("redis-url", "", "share sessions through this Redis (default: the session table is in the server's memory)")
	use := flag.Bool("use", true, "then use every session once more, so each is recorded in the session table")
	flag.Parse()
	if err := run(*n, *redisURL, *use); err != nil {
		fmt.Fprintln(os.Stderr, "sessions:", err)
		os.Exit(1)
	}
}

// idle is the server's session idle timeout in this run: long enough that no
// session expires during it; a use is recorded once a tenth of it has passed
// since the session began.
const idle = 60 * time.Second

func run(n int, redisURL string, use bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()

	fake := fakeoncehub.New(fakeoncehub.Options{})
	up := httptest.NewServer(fake)
	defer up.Close()

	bin, remove, err := harness.BuildServer()
	if err != nil {
		return err
	}
	defer remove()
	env := []string{"ONCEHUB_API_URL=" + up.URL + "/v2", "ONCEHUB_RATE_LIMIT=0",
		"ONCEHUB_SESSION_IDLE_TIMEOUT=" + idle.String(), "ONCEHUB_SERVER_SECRET=" + strings.Repeat("bench-secret-", 4)}
	if redisURL != "" {
		env = append(env, "ONCEHUB_REDIS_URL="+redisURL)
	}
	base, srv, err := harness.StartHTTP(bin, env)
	if err != nil {
		return err
	}
	defer func() { _ = srv.Process.Signal(os.Interrupt); _ = srv.Wait() }()
	url := base + "/mcp"
	pid := srv.Process.Pid
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: time.Minute}

	fmt.Println("warming up…")
	if _, err := initialize(ctx, hc, url, 1000); err != nil {
		return err
	}
	time.Sleep(2 * time.Second)
	before, err := harness.RSS(pid)
	if err != nil {
		return err
	}
	fmt.Printf("RSS after warm-up: %.1f MB; %d initializes…\n", harness.MiB(before), n)
	t0 := time.Now()
	ids, err := initialize(ctx, hc, url, n)
	if err != nil {
		return err
	}
	elapsed := time.Since(t0)
	time.Sleep(2 * time.Second)
	after, err := harness.RSS(pid)
	if err != nil {
		return err
	}
	var used int64
	var afterUse int64
	if use {
		// Wait until every session is older than a tenth of the idle
		// timeout, so that its next use is recorded.
		if wait := idle/10 + time.Second - time.Since(t0.Add(elapsed)); wait > 0 {
			time.Sleep(wait)
		}
		fmt.Printf("using each of the %d sessions once more…\n", len(ids))
		if used, err = useAll(ctx, hc, url, ids); err != nil {
			return err
		}
		time.Sleep(2 * time.Second)
		if afterUse, err = harness.RSS(pid); err != nil {
			return err
		}
	}

	store := "in the server's memory"
	if redisURL != "" {
		store = "in Redis"
	}
	fmt.Println()
	fmt.Printf("machine: %s, %d CPUs, %s, %s/%s\n", harness.CPUModel(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Printf("date: %s; session table %s; idle timeout %s\n", time.Now().UTC().Format("2006-01-02"), store, idle)
	fmt.Printf("initializes: %d sessions (no DELETE) in %s; RSS %.1f MB → %.1f MB (growth %+.2f MB; goal ≤ 5 MB)\n",
		len(ids), elapsed.Round(time.Millisecond), harness.MiB(before), harness.MiB(after), harness.MiB(after)-harness.MiB(before))
	if use {
		fmt.Printf("each used once more (%d recorded uses): RSS %.1f MB (growth since warm-up %+.2f MB)\n",
			used, harness.MiB(afterUse), harness.MiB(afterUse)-harness.MiB(before))
	}
	if after-before > 5<<20 {
		fmt.Println("WARNING: RSS grew more than 5 MB after the initializes")
	}
	return nil
}

const initBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{"elicitation":{"form":{}}},"clientInfo":{"name":"bench","version":"1"}}}`

// initialize starts n sessions, 16 at a time: initialize, then
// notifications/initialized with the session ID, as a client does. It
// returns the session IDs.
func initialize(ctx context.Context, hc *http.Client, url string, n int) ([]string, error) {
	ids := make([]string, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, 16)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				status, id, err := post(ctx, hc, url, "", initBody)
				if err != nil {
					errc <- err
					return
				}
				if status != http.StatusOK || id == "" {
					errc <- fmt.Errorf("initialize: status %d, session %q", status, id)
					return
				}
				ids[i] = id
				status, _, err = post(ctx, hc, url, id, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
				if err != nil {
					errc <- err
					return
				}
				if status != http.StatusAccepted {
					errc <- fmt.Errorf("notifications/initialized: status %d", status)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	return ids, <-errc
}

// useAll sends tools/list on every session.
func useAll(ctx context.Context, hc *http.Client, url string, ids []string) (int64, error) {
	var next, ok atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, 16)
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(ids) || ctx.Err() != nil {
					return
				}
				status, _, err := post(ctx, hc, url, ids[i], `{"jsonrpc":"2.0","id":2,"method":"tools/list"}`)
				if err != nil {
					errc <- err
					return
				}
				if status != http.StatusOK {
					errc <- fmt.Errorf("tools/list: status %d", status)
					return
				}
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	close(errc)
	return ok.Load(), <-errc
}

// post sends one JSON-RPC message and reads the whole answer.
// post sends body (in session, when not "") and returns the answer's status
// and session ID; the answer's body is read and closed.
func post(ctx context.Context, hc *http.Client, url, session, body string) (status int, sessionID string, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewBufferString(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("API-Key", fakeoncehub.TestKey)
	if session != "" {
		req.Header.Set("Mcp-Session-Id", session)
		req.Header.Set("MCP-Protocol-Version", "2025-11-25")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Mcp-Session-Id"), nil
}
