// Command replicas-client drives MCP clients through a load balancer in
// front of several oncehub-mcp replicas (see scripts/replicas.sh) and shows
// that every call is answered whichever replica gets it, sessions included.
// The balancer must name the replica in an X-Upstream response header and,
// for the confirmation part, send a request carrying X-Backend: N to replica
// N.
//
//	go run ./scripts/replicas-client --url http://127.0.0.1:18000/mcp --key KEY
//
// Then, on each protocol version, it asks to cancel a booking twice: the
// call goes to replica 1 and the user's answer (2025-11-25: the answer to the
// question on the call's stream; 2026-07-28: the call again, carrying the
// answer) to replica 2. The first time the user declines and the booking
// stays; the second time they accept and it is canceled. Last, a
// list_bookings that walks three pages reports its progress.
//
// It exits non-zero when a call fails, a confirmation does not hold, or
// fewer than --min-replicas answered.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

// recorder counts which replica answered each HTTP request and, when
// steering, sends calls to replica 1 and answers to replica 2.
type recorder struct {
	mu    sync.Mutex
	seen  map[string]int
	kinds map[string][]string // request kind → replicas that answered
	steer atomic.Bool
	next  http.RoundTripper
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	kind := req.Method
	if req.Body != nil && req.Method == http.MethodPost {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(body))
		kind = requestKind(body)
	}
	if r.steer.Load() {
		switch kind {
		case "tools/call":
			req.Header.Set("X-Backend", "1")
		case "answer", "tools/call with the answer":
			req.Header.Set("X-Backend", "2")
		}
	}
	resp, err := r.next.RoundTrip(req)
	if err == nil {
		up := resp.Header.Get("X-Upstream")
		if up == "" {
			up = "(unknown)"
		}
		r.mu.Lock()
		r.seen[up]++
		r.kinds[kind] = append(r.kinds[kind], up)
		r.mu.Unlock()
	}
	return resp, err
}

func requestKind(body []byte) string {
	var m struct {
		Method string          `json:"method"`
		ID     json.RawMessage `json:"id"`
		Params struct {
			InputResponses json.RawMessage `json:"inputResponses"`
		} `json:"params"`
	}
	_ = json.Unmarshal(body, &m)
	switch {
	case m.Method == "" && len(m.ID) > 0:
		return "answer"
	case m.Method == "tools/call" && len(m.Params.InputResponses) > 0:
		return "tools/call with the answer"
	}
	return m.Method
}

func (r *recorder) served(kind string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := append([]string(nil), r.kinds[kind]...)
	delete(r.kinds, kind)
	return out
}

func main() {
	url := flag.String("url", "http://127.0.0.1:18000/mcp", "MCP endpoint behind the load balancer")
	key := flag.String("key", "", "OnceHub API key (the fake's test key)")
	calls := flag.Int("calls", 20, "tool calls per protocol version")
	minReplicas := flag.Int("min-replicas", 2, "replicas that must have answered")
	confirm := flag.Bool("confirm", true, "also cancel bookings with the answer sent to the other replica (needs X-Backend routing)")
	flag.Parse()
	if err := run(*url, *key, *calls, *minReplicas, *confirm); err != nil {
		fmt.Fprintln(os.Stderr, "replicas-client:", err)
		os.Exit(1)
	}
}

// user answers each confirmation question with the next action.
type user struct {
	mu      sync.Mutex
	actions []mcp.ElicitationResponseAction
	asked   []string
}

func (u *user) Elicit(_ context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.asked = append(u.asked, req.Params.Message)
	action := u.actions[0]
	u.actions = u.actions[1:]
	res := &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: action}}
	if action == mcp.ElicitationResponseActionAccept {
		res.Content = map[string]any{"confirm": true}
	}
	return res, nil
}

func connect(ctx context.Context, url, key, proto string, hc *http.Client, opts ...client.ClientOption) (*client.Client, error) {
	tr, err := transport.NewStreamableHTTP(url, transport.WithHTTPBasicClient(hc), transport.WithHTTPHeaders(map[string]string{"API-Key": key}))
	if err != nil {
		return nil, err
	}
	c := client.NewClient(tr, append([]client.ClientOption{client.WithProtocolVersion(proto)}, opts...)...)
	if err := c.Start(ctx); err != nil {
		return nil, err
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = proto
	init.Params.ClientInfo = mcp.Implementation{Name: "replicas-client", Version: "1"}
	if _, err := c.Initialize(ctx, init); err != nil {
		return nil, fmt.Errorf("%s initialize: %w", proto, err)
	}
	return c, nil
}

func callTool(ctx context.Context, c *client.Client, name string, args map[string]any, progress string) (*mcp.CallToolResult, error) {
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = args
	if progress != "" {
		req.Params.Meta = &mcp.Meta{ProgressToken: progress}
	}
	return c.CallTool(ctx, req)
}

func text(res *mcp.CallToolResult) string {
	var s string
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			s += tc.Text
		}
	}
	return s
}

func run(url, key string, calls, minReplicas int, confirm bool) error {
	rec := &recorder{seen: map[string]int{}, kinds: map[string][]string{}, next: http.DefaultTransport}
	hc := &http.Client{Transport: rec, Timeout: 30 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	total := 0
	for _, proto := range []string{"2026-07-28", "2025-11-25"} {
		c, err := connect(ctx, url, key, proto, hc)
		if err != nil {
			return err
		}
		session := "no session"
		if id := c.GetSessionId(); id != "" {
			session = "session " + id[:min(len(id), 12)] + "…"
		}
		for i := 0; i < calls; i++ {
			name := []string{"test_api_key", "list_bookings"}[i%2]
			res, err := callTool(ctx, c, name, map[string]any{}, "")
			if err != nil {
				return fmt.Errorf("%s call %d (%s): %w", proto, i, name, err)
			}
			if res.IsError {
				return fmt.Errorf("%s call %d (%s) answered with an error: %v", proto, i, name, res.Content)
			}
			total++
		}
		_ = c.Close()
		fmt.Printf("protocol %s (%s): %d/%d tool calls answered\n", proto, session, calls, calls)
	}
	rec.mu.Lock()
	names := make([]string, 0, len(rec.seen))
	for n := range rec.seen {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Printf("%d tool calls answered; HTTP requests per replica:\n", total)
	for _, n := range names {
		fmt.Printf("  %-22s %d\n", n, rec.seen[n])
	}
	rec.mu.Unlock()
	if len(names) < minReplicas {
		return fmt.Errorf("only %d replica(s) answered, want %d", len(names), minReplicas)
	}
	if !confirm {
		return nil
	}
	fmt.Println()
	return confirmations(ctx, url, key, hc, rec)
}

// confirmations cancels a booking on each protocol version, declined once
// and then accepted, with the call on replica 1 and the answer on replica 2.
func confirmations(ctx context.Context, url, key string, hc *http.Client, rec *recorder) error {
	for _, proto := range []string{"2025-11-25", "2026-07-28"} {
		u := &user{actions: []mcp.ElicitationResponseAction{mcp.ElicitationResponseActionDecline, mcp.ElicitationResponseActionAccept}}
		c, err := connect(ctx, url, key, proto, hc, client.WithElicitationHandler(u))
		if err != nil {
			return err
		}
		id, err := upcomingBooking(ctx, c)
		if err != nil {
			return err
		}
		answer := "answer"
		if proto == "2026-07-28" {
			answer = "tools/call with the answer"
		}
		rec.steer.Store(true)
		for _, want := range []string{"kept", "canceled"} {
			rec.served("tools/call") // forget the calls before this one
			res, err := callTool(ctx, c, "cancel_booking", map[string]any{"booking_id": id, "reason": "replicas.sh"}, "")
			if err != nil {
				return fmt.Errorf("%s cancel_booking: %w", proto, err)
			}
			canceled := !res.IsError && strings.Contains(text(res), `"status":"canceled"`)
			if canceled != (want == "canceled") {
				return fmt.Errorf("%s: the booking should be %s; the answer was: %s", proto, want, text(res))
			}
			time.Sleep(100 * time.Millisecond) // the answer's own response may come after the result
			fmt.Printf("protocol %s: cancel_booking %s, asked on replica %v, answered on replica %v: booking %s\n",
				proto, id, rec.served("tools/call"), rec.served(answer), want)
		}
		rec.steer.Store(false)
		if proto == "2025-11-25" {
			if err := progress(ctx, c); err != nil {
				return err
			}
		}
		_ = c.Close()
	}
	return nil
}

// upcomingBooking finds a scheduled booking that can be canceled.
func upcomingBooking(ctx context.Context, c *client.Client) (string, error) {
	res, err := callTool(ctx, c, "list_bookings", map[string]any{"status": "scheduled",
		"starting_time_after": time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly), "limit": 1}, "")
	if err != nil {
		return "", err
	}
	var out struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	raw, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(raw, &out); err != nil || len(out.Items) == 0 {
		return "", fmt.Errorf("no upcoming scheduled booking to cancel: %s", text(res))
	}
	return out.Items[0].ID, nil
}

// progress walks three pages of bookings and counts the progress reports.
func progress(ctx context.Context, c *client.Client) error {
	var n atomic.Int32
	var last atomic.Value
	c.OnNotification(func(note mcp.JSONRPCNotification) {
		if note.Method == "notifications/progress" {
			n.Add(1)
			last.Store(fmt.Sprint(note.Params.AdditionalFields["message"]))
		}
	})
	res, err := callTool(ctx, c, "list_bookings", map[string]any{"max_results": 250}, "walk")
	if err != nil {
		return err
	}
	if res.IsError || n.Load() == 0 {
		return fmt.Errorf("list_bookings with max_results=250: %d progress notifications; %s", n.Load(), text(res))
	}
	fmt.Printf("list_bookings max_results=250: %d progress notifications, the last %q\n", n.Load(), last.Load())
	return nil
}
