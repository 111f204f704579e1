package tools_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

// BenchmarkCompactListBookings compares what list_bookings puts in the
// model's context (its text content) for 100 bookings (compact, the default,
// and detail=full) with OnceHub's raw JSON for the same 100. Goal: compact
// ≤ 40% of raw. bench/tokens measures whole requests in tokens.
func BenchmarkCompactListBookings(b *testing.B) {
	env := testenv.New(b)
	c := env.InProcess(b)
	ctx := testenv.KeyCtx()

	req, err := http.NewRequest("GET", env.APIURL+"/bookings?limit=100", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("API-Key", fakeoncehub.TestKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	raw, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("raw list: %d %v", resp.StatusCode, err)
	}
	var rawList struct {
		Data []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &rawList); err != nil || len(rawList.Data) != 100 {
		b.Fatalf("raw list has %d items: %v", len(rawList.Data), err)
	}

	full := testenv.Text(testenv.Call(b, ctx, c, "list_bookings", map[string]any{"limit": 100, "detail": "full"}))
	var compact string
	for b.Loop() {
		res := testenv.Call(b, ctx, c, "list_bookings", map[string]any{"limit": 100})
		if res.IsError {
			b.Fatal(testenv.Text(res))
		}
		compact = testenv.Text(res)
	}
	b.ReportMetric(float64(len(compact)), "compact_bytes")
	b.ReportMetric(float64(len(full)), "full_bytes")
	b.ReportMetric(float64(len(raw)), "raw_bytes")
	b.ReportMetric(float64(len(compact))/float64(len(raw)), "ratio")
}

// BenchmarkToolDefinitions measures tools/list for the full toolset: bytes,
// tokens (bytes/4) and tokens per tool. Goal: ≤ 150 tokens per tool.
func BenchmarkToolDefinitions(b *testing.B) {
	all := tools.All(tools.Deps{})
	var m tools.DefinitionSizes
	for b.Loop() {
		m = tools.MeasureDefinitions(all)
	}
	b.ReportMetric(float64(m.Tools), "tools")
	b.ReportMetric(float64(m.Bytes), "bytes")
	b.ReportMetric(float64(m.Tokens), "tokens")
	b.ReportMetric(m.TokensPerTool, "tokens/tool")
	for _, t := range m.PerTool {
		b.Logf("%-28s %5d bytes %4d tokens", t.Name, t.Bytes, t.Tokens)
	}
}
