package app

import (
	"testing"
	"time"
)

// BenchmarkBuild measures app.Build in stdio mode: the HTTP client, every
// tool (schemas built by reflection), prompts, resources and the MCP
// server. A process pays it once at start; the first call also pays for
// cold caches (see bench/startup for the whole start-up).
func BenchmarkBuild(b *testing.B) {
	cfg := Config{APIURL: "https://api.oncehub.com/v2", Timeout: 30 * time.Second, RateRPS: 5, RateBurst: 2}
	b.ReportAllocs()
	for b.Loop() {
		a, err := Build(cfg, Options{Version: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		_ = a.Close()
	}
}
