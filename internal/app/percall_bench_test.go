package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	mcpserver "github.com/mark3labs/mcp-go/server"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
	"github.com/oncehub-mcp/oncehub-mcp/transport"
)

// replay answers every upstream request with a response recorded once from
// the fake, so a benchmark measures this server's own work per call: no
// network, no fake.
type replay struct {
	status int
	header http.Header
	body   []byte
}

func (r *replay) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	return &http.Response{StatusCode: r.status, Header: r.header.Clone(), Body: io.NopCloser(bytes.NewReader(r.body)),
		ContentLength: int64(len(r.body)), Request: req, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}, nil
}

// record returns a replay of the fake's answer to GET path and the first
// booking's ID.
func record(b *testing.B, path func(bookingID string) string) (*replay, string) {
	fake := fakeoncehub.New(fakeoncehub.Options{})
	get := func(p string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "http://127.0.0.1/v2"+p, nil)
		req.Header.Set("API-Key", fakeoncehub.TestKey)
		w := httptest.NewRecorder()
		fake.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("GET %s: %d %s", p, w.Code, w.Body)
		}
		return w
	}
	var list struct {
		Data []struct{ ID string } `json:"data"`
	}
	if err := json.Unmarshal(get("/bookings?limit=1").Body.Bytes(), &list); err != nil {
		b.Fatal(err)
	}
	id := list.Data[0].ID
	w := get(path(id))
	return &replay{status: w.Code, header: w.Header(), body: w.Body.Bytes()}, id
}

// cpuPerOp starts counting the process's CPU time; the function it returns,
// called after the benchmark loop, reports it per call as cpu-ns/op. Unlike
// ns/op (wall time) it barely moves when other work shares the machine, and
// it includes the garbage collection the calls cause.
func cpuPerOp(b *testing.B) func() {
	start := processCPU()
	return func() {
		if start >= 0 && b.N > 0 {
			b.ReportMetric(float64(processCPU()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func buildReplay(b *testing.B, rt http.RoundTripper) *app.App {
	// The log line per call is part of the cost: write it, to nowhere, as
	// the binary does by default (text, info).
	logger := slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
	a, err := app.Build(app.Config{APIURL: "http://127.0.0.1:1/v2", APIKey: fakeoncehub.TestKey, Timeout: time.Minute},
		app.Options{Transport: rt, Logger: logger})
	if err != nil {
		b.Fatal(err)
	}
	return a
}

// benchmarkStdioCall runs the server's side of one stdio tools/call: the
// JSON-RPC line in, the middleware, the tool, the (replayed) upstream request,
// and the response line out, as mcp-go's stdio server does it.
func benchmarkStdioCall(b *testing.B, tool, args string, path func(string) string) {
	rt, id := record(b, path)
	a := buildReplay(b, rt)
	ctx := a.StdioContext(context.Background())
	line := []byte(fmt.Sprintf(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":%q,"arguments":%s}}`, tool, strings.ReplaceAll(args, "ID", id)))
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		var raw json.RawMessage
		if err := json.Unmarshal(line, &raw); err != nil {
			b.Fatal(err)
		}
		resp := a.MCP.HandleMessage(ctx, raw)
		out, err := json.Marshal(resp)
		if err != nil {
			b.Fatal(err)
		}
		if !bytes.Contains(out, []byte(`"result"`)) || bytes.Contains(out, []byte(`"isError":true`)) {
			b.Fatalf("%s", out)
		}
	}
}

// BenchmarkServerGetBooking is our server's CPU per get_booking call without
// any I/O. Run: go test -bench Server -run '^$' ./internal/app/
func BenchmarkServerGetBooking(b *testing.B) {
	benchmarkStdioCall(b, "get_booking", `{"booking_id":"ID"}`, func(id string) string { return "/bookings/" + id })
}

// BenchmarkServerListBookings is the same for a 25-booking page (compact view).
func BenchmarkServerListBookings(b *testing.B) {
	benchmarkStdioCall(b, "list_bookings", `{"limit":25}`, func(string) string { return "/bookings?limit=25" })
}

// BenchmarkServerHTTPGetBooking is the same over the streamable HTTP handler
// (guard, context function, stateless session), without a socket.
func BenchmarkServerHTTPGetBooking(b *testing.B) {
	rt, id := record(b, func(id string) string { return "/bookings/" + id })
	a := buildReplay(b, rt)
	a.Config.APIKey = ""
	h := transport.NewHTTPHandler(a.MCP, a.HTTPOptions())
	body := []byte(fmt.Sprintf(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_booking","arguments":{"booking_id":%q}}}`, id))
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "http://127.0.0.1/mcp", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("MCP-Protocol-Version", "2025-11-25")
		req.Header.Set("API-Key", fakeoncehub.TestKey)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK || bytes.Contains(w.Body.Bytes(), []byte(`"isError":true`)) {
			b.Fatalf("%d %s", w.Code, w.Body)
		}
	}
}

// BenchmarkServerBareTool is the floor: the same stdio path for a tool that
// does nothing, on a bare mcp-go server.
func BenchmarkServerBareTool(b *testing.B) {
	s := mcpserver.NewMCPServer("bare", "1")
	s.AddTool(mcp.NewTool("ping", mcp.WithString("message")), func(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		return mcp.NewToolResultText("pong " + req.GetString("message", "")), nil
	})
	ctx := oncehub.WithAPIKey(context.Background(), "k")
	line := []byte(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"ping","arguments":{"message":"hi"}}}`)
	b.ReportAllocs()
	defer cpuPerOp(b)()
	for b.Loop() {
		var raw json.RawMessage
		if err := json.Unmarshal(line, &raw); err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(s.HandleMessage(ctx, raw)); err != nil {
			b.Fatal(err)
		}
	}
}
