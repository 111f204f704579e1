// Command tokens measures what a model reads from oncehub-mcp: the cl100k
// tokens of the text content of three everyday requests (issue 17), against
// the fake OnceHub seeded with the owner-calendar scenario
// (fakeoncehub.Options.OwnerCalendar):
//
//   - all my bookings: list_bookings for the account owner, max_results,
//     in the owner's time zone (137 bookings, one call);
//   - weekday mornings for six weeks: find_available_slots on the owner's
//     calendar from a Monday, end P6W, weekdays and 09:00-12:00 (168 slots);
//   - book one slot and check it: find_available_slots for a week,
//     schedule_meeting, get_booking, list_bookings around that day (4 calls).
//
// Each server binary is driven over stdio by mcp-go's client, as a host
// would, against a fresh fake with the same data. -before REV also builds
// the server from git revision REV (git archive, no worktree) and measures it
// in the same run, for a before/after table. Results go to docs/BENCHMARKS.md
// between this command's markers:
//
//	go run ./bench/tokens -before 010a84b      # before (that commit) and after (this tree)
//	go run ./bench/tokens -write=false -show   # print the section and the texts measured
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/oncehub-mcp/oncehub-mcp/bench/internal/harness"
	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/tokens"
)

// issueNow are the issue's figures (cl100k tokens of the text content),
// measured through the official TypeScript SDK against an independent OnceHub
// imitation; the goal is at most half of each.
var issueNow = map[string]int{"bookings": 15632, "slots": 9683, "book": 2175}

const (
	beginMarker = "<!-- BEGIN GENERATED: token benchmarks (go run ./bench/tokens) -->"
	endMarker   = "<!-- END GENERATED: token benchmarks -->"
)

func main() {
	before := flag.String("before", "", "git revision to build and measure beside this tree (e.g. main or a commit)")
	out := flag.String("out", "docs/BENCHMARKS.md", "report file (its token section is replaced)")
	write := flag.Bool("write", true, "write the report file (else print the section)")
	show := flag.Bool("show", false, "print the text of every call measured (stderr)")
	flag.Parse()
	log.SetFlags(0)

	root, err := harness.Root()
	check(err)
	dir, err := os.MkdirTemp("", "oncehub-tokens")
	check(err)
	defer os.RemoveAll(dir)

	type server struct{ name, bin string }
	servers := []server{{"this tree", filepath.Join(dir, "after")}}
	build(root, servers[0].bin)
	if *before != "" {
		src := filepath.Join(dir, "before-src")
		check(os.MkdirAll(src, 0o755))
		archive := exec.Command("sh", "-c", "git archive \"$1\" | tar -x -C \"$2\"", "sh", *before, src)
		archive.Dir, archive.Stderr = root, os.Stderr
		check(archive.Run())
		servers = append([]server{{*before, filepath.Join(dir, "before")}}, servers...)
		build(src, servers[0].bin)
	}

	// One clock for every fake: the same seed then gives the same data.
	now := time.Now().UTC()
	results := make([][]scenario, len(servers))
	for i, s := range servers {
		results[i] = measure(s.bin, now, *show)
	}
	section := markdown(now, *before, results)
	if !*write {
		fmt.Print(section)
		return
	}
	path := filepath.Join(root, *out)
	check(writeSection(path, section))
	log.Printf("wrote %s", path)
}

// scenario is one measured request: its calls and what the model read.
type scenario struct {
	Key, Name string
	Calls     int
	Items     int // bookings or slots in the main result
	Tokens    int
	Bytes     int
}

func measure(bin string, now time.Time, show bool) []scenario {
	fake := fakeoncehub.New(fakeoncehub.Options{Now: func() time.Time { return now }, OwnerCalendar: true})
	up := httptest.NewServer(fake)
	defer up.Close()
	env := []string{
		"ONCEHUB_API_KEY=" + fakeoncehub.TestKey,
		"ONCEHUB_API_URL=" + up.URL + "/v2",
		"ONCEHUB_RATE_LIMIT=0",
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
	}
	c, err := client.NewStdioMCPClient(bin, env, "stdio")
	check(err)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	init.Params.ClientInfo = mcp.Implementation{Name: "bench-tokens", Version: "1"}
	_, err = c.Initialize(ctx, init)
	check(err)

	owner := fake.Users(fakeoncehub.TestKey)[0]["id"].(string)
	var calendar string
	for _, cal := range calendars(ctx, c) {
		if cal["name"] == fakeoncehub.OwnerCalendarName {
			calendar, _ = cal["id"].(string)
		}
	}
	if calendar == "" {
		log.Fatal("the owner's calendar is not listed")
	}
	week := fakeoncehub.OwnerCalendarWeek(now)
	call := func(name string, args map[string]any) (*mcp.CallToolResult, string) {
		req := mcp.CallToolRequest{}
		req.Params.Name, req.Params.Arguments = name, args
		res, err := c.CallTool(ctx, req)
		check(err)
		text := textOf(res)
		if res.IsError {
			log.Fatalf("%s: %s", name, text)
		}
		if show {
			log.Printf("--- %s %v\n%s", name, args, text)
		}
		return res, text
	}
	var out []scenario

	res, text := call("list_bookings", map[string]any{"owner": owner, "max_results": 1000, "time_zone": fakeoncehub.OwnerZone})
	out = append(out, scenario{Key: "bookings", Name: "all my bookings", Calls: 1,
		Items: len(structured(res)["items"].([]any)), Tokens: tokens.Count(text), Bytes: len(text)})

	res, text = call("find_available_slots", map[string]any{"booking_calendar_id": calendar, "start": week.Format(time.DateOnly),
		"end": "P6W", "weekdays": []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}, "time_of_day": "09:00-12:00",
		"time_zone": fakeoncehub.OwnerZone, "max_slots": 500})
	out = append(out, scenario{Key: "slots", Name: "weekday mornings for six weeks", Calls: 1,
		Items: int(structured(res)["count"].(float64)), Tokens: tokens.Count(text), Bytes: len(text)})

	// Book one slot and check it: the week's free times, the booking, the
	// booking itself, and the bookings of its day.
	res, text = call("find_available_slots", map[string]any{"booking_calendar_id": calendar, "start": week.Format(time.DateOnly),
		"end": "P7D", "time_zone": fakeoncehub.OwnerZone})
	book := scenario{Key: "book", Name: "book one slot and check it", Calls: 4, Tokens: tokens.Count(text), Bytes: len(text)}
	days := structured(res)["days"].([]any)
	slot := days[0].(map[string]any)["slots"].([]any)[0].(map[string]any)["start_time"].(string)
	res, text = call("schedule_meeting", map[string]any{"booking_calendar_id": calendar, "start_time": slot,
		"guest_time_zone": "Europe/London", "name": "Mei Lin", "email": "mei.lin@example.com"})
	book.Tokens, book.Bytes = book.Tokens+tokens.Count(text), book.Bytes+len(text)
	id := structured(res)["booking_id"].(string)
	_, text = call("get_booking", map[string]any{"booking_id": id})
	book.Tokens, book.Bytes = book.Tokens+tokens.Count(text), book.Bytes+len(text)
	start, err := time.Parse(time.RFC3339, slot)
	check(err)
	day, next := start.AddDate(0, 0, -1).Format(time.DateOnly), start.AddDate(0, 0, 1).Format(time.DateOnly)
	res, text = call("list_bookings", map[string]any{"owner": owner, "starting_time_after": day, "starting_time_before": next, "time_zone": fakeoncehub.OwnerZone})
	book.Tokens, book.Bytes = book.Tokens+tokens.Count(text), book.Bytes+len(text)
	book.Items = len(structured(res)["items"].([]any))
	return append(out, book)
}

func calendars(ctx context.Context, c *client.Client) []map[string]any {
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = "list_booking_calendars", map[string]any{"limit": 100}
	res, err := c.CallTool(ctx, req)
	check(err)
	var out []map[string]any
	for _, it := range structured(res)["items"].([]any) {
		out = append(out, it.(map[string]any))
	}
	return out
}

func structured(res *mcp.CallToolResult) map[string]any {
	data, err := json.Marshal(res.StructuredContent)
	check(err)
	var m map[string]any
	check(json.Unmarshal(data, &m))
	return m
}

func textOf(res *mcp.CallToolResult) string {
	var parts []string
	for _, c := range res.Content {
		if tc, ok := c.(mcp.TextContent); ok {
			parts = append(parts, tc.Text)
		}
	}
	return strings.Join(parts, "\n")
}

func markdown(now time.Time, before string, results [][]scenario) string {
	var b strings.Builder
	b.WriteString(beginMarker + "\n## Tokens a model reads (issue 17)\n\n")
	fmt.Fprintf(&b, "Measured %s with `go run ./bench/tokens", now.Format("2006-01-02 15:04 UTC"))
	if before != "" {
		fmt.Fprintf(&b, " -before %s", before)
	}
	b.WriteString("`: cl100k_base tokens (`internal/tokens`) of the text content of each result, as a host hands it to the model, " +
		"through mcp-go's stdio client against the fake OnceHub with the owner-calendar scenario " +
		"(`fakeoncehub.Options.OwnerCalendar`). \"Issue\" is the issue's figure, measured against an independent OnceHub " +
		"imitation; the goal is at most half of it.\n\n")
	after := results[len(results)-1]
	b.WriteString("| request | calls | items | issue |")
	if before != "" {
		fmt.Fprintf(&b, " before (%s) |", before)
	}
	b.WriteString(" after | after / issue |")
	if before != "" {
		b.WriteString(" after / before |")
	}
	b.WriteString("\n|---|---|---|---|")
	if before != "" {
		b.WriteString("---|")
	}
	b.WriteString("---|---|")
	if before != "" {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for i, s := range after {
		fmt.Fprintf(&b, "| %s | %d | %d | %s |", s.Name, s.Calls, s.Items, thousands(issueNow[s.Key]))
		if before != "" {
			fmt.Fprintf(&b, " %s (%s B) |", thousands(results[0][i].Tokens), thousands(results[0][i].Bytes))
		}
		fmt.Fprintf(&b, " %s (%s B) | %.1f%% |", thousands(s.Tokens), thousands(s.Bytes), 100*float64(s.Tokens)/float64(issueNow[s.Key]))
		if before != "" {
			fmt.Fprintf(&b, " %.1f%% |", 100*float64(s.Tokens)/float64(results[0][i].Tokens))
		}
		b.WriteString("\n")
	}
	b.WriteString("\nPer item: ")
	for i, s := range after[:2] {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s %.0f tokens (issue %.0f", s.Name, float64(s.Tokens)/float64(s.Items), float64(issueNow[s.Key])/float64(s.Items))
		if before != "" {
			fmt.Fprintf(&b, ", before %.0f", float64(results[0][i].Tokens)/float64(results[0][i].Items))
		}
		b.WriteString(")")
	}
	b.WriteString(".\n\n" + endMarker + "\n")
	return b.String()
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// writeSection replaces this command's section of path (or appends it),
// keeping every other section.
func writeSection(path, section string) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	doc := string(old)
	i, j := strings.Index(doc, beginMarker), strings.Index(doc, endMarker)
	if i >= 0 && j > i {
		doc = doc[:i] + section + strings.TrimPrefix(doc[j+len(endMarker):], "\n")
	} else {
		doc = strings.TrimRight(doc, "\n") + "\n\n" + section
	}
	return os.WriteFile(path, []byte(doc), 0o644)
}

func build(dir, out string) {
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir, cmd.Stderr = dir, os.Stderr
	check(cmd.Run())
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
