package tools_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rawBookingsPage is OnceHub's raw JSON for the newest 100 bookings, as the
// fake serves it (the baseline compact results are measured against).
func rawBookingsPage(tb testing.TB, env *testenv.Env) []byte {
	tb.Helper()
	req, err := http.NewRequest("GET", env.APIURL+"/bookings?limit=100", nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("API-Key", fakeoncehub.TestKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	raw, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		tb.Fatalf("raw list: %d %v", resp.StatusCode, err)
	}
	var rawList struct {
		Data []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(raw, &rawList); err != nil || len(rawList.Data) != 100 {
		tb.Fatalf("raw list has %d items: %v", len(rawList.Data), err)
	}
	return raw
}

// Issue #6's goal for compact results: list_bookings for 100 bookings is at
// most 40% of OnceHub's raw JSON for the same 100.
func TestCompactListBookingsIsAtMost40PercentOfRaw(t *testing.T) {
	env := testenv.New(t)
	raw := rawBookingsPage(t, env)
	res := testenv.Call(t, testenv.KeyCtx(), env.InProcess(t), "list_bookings", map[string]any{"limit": 100})
	require.False(t, res.IsError, testenv.Text(res))
	require.Len(t, testenv.Items(t, res), 100)
	compact := testenv.Text(res)
	assert.LessOrEqual(t, float64(len(compact))/float64(len(raw)), 0.40, "compact %d bytes, raw %d bytes", len(compact), len(raw))
}

// Issue #6's goal for tool definitions: tools/list costs at most 150 tokens
// (bytes/4) per tool on average.
func TestToolDefinitionsAverageAtMost150Tokens(t *testing.T) {
	m := tools.MeasureDefinitions(tools.All(tools.Deps{}))
	assert.Equal(t, 40, m.Tools)
	assert.LessOrEqual(t, m.TokensPerTool, 150.0, "%d bytes for %d tools; largest: %+v", m.Bytes, m.Tools, m.PerTool[:3])
}

// BenchmarkCompactListBookings compares what list_bookings puts in the
// model's context for 100 bookings (compact, the default, and detail=full)
// with OnceHub's raw JSON for the same 100. Goal: compact ≤ 40% of raw.
func BenchmarkCompactListBookings(b *testing.B) {
	env := testenv.New(b)
	c := env.InProcess(b)
	ctx := testenv.KeyCtx()
	raw := rawBookingsPage(b, env)

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
