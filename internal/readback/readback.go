// Package readback reads the text oncehub-mcp gives a model back into values
// and compares them with the result's structuredContent, so that tests prove
// the text loses nothing an agent needs (tools/render.go writes it; docs/
// COMPACT.md describes it). It is written from the documented format, not
// from the renderer's code: tables, slot days and compact JSON.
package readback

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Shape is the form a result's text takes.
type Shape string

// The shapes of text.
const (
	Table Shape = "table" // a list result (items)
	Slots Shape = "slots" // a slot result (days or slots)
	JSON  Shape = "json"  // anything else: compact JSON
)

// Check reads text back according to the shape of structured (the result's
// structuredContent: any value that encodes to a JSON object) and fails t
// where the two differ. It returns the shape it checked.
func Check(t testing.TB, text string, structured any) Shape {
	t.Helper()
	st := decode(t, structured)
	switch {
	case has(st, "items"):
		CheckTable(t, text, st)
		return Table
	case has(st, "days") || has(st, "slots"):
		CheckSlots(t, text, st)
		return Slots
	default:
		CheckJSON(t, text, st)
		return JSON
	}
}

func has(m map[string]any, k string) bool { _, ok := m[k]; return ok }

// decode turns structured into a map with json.Number numbers.
func decode(t testing.TB, v any) map[string]any {
	t.Helper()
	data, ok := v.([]byte)
	if !ok {
		var err error
		data, err = json.Marshal(v)
		require.NoError(t, err)
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var m map[string]any
	require.NoError(t, d.Decode(&m), "structuredContent is a JSON object")
	return m
}

// empty is true for what the text leaves out: null, "", [] and {} (after
// leaving out theirs).
func empty(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(prune(v).([]any)) == 0
	case map[string]any:
		return len(prune(v).(map[string]any)) == 0
	}
	return false
}

// prune drops empty members and elements, recursively.
func prune(v any) any {
	switch v := v.(type) {
	case []any:
		out := []any{}
		for _, e := range v {
			if !empty(e) {
				out = append(out, prune(e))
			}
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			if !empty(e) {
				out[k] = prune(e)
			}
		}
		return out
	}
	return v
}

// scalar is how a plain value reads in the text.
func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprint(v)
}

// ParseFacts reads a "k=v; k=v" line; a value may be a Go-quoted string.
func ParseFacts(t testing.TB, line string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for line != "" {
		k, rest, ok := strings.Cut(line, "=")
		require.True(t, ok, "facts: %q has no k=v", line)
		var v string
		if strings.HasPrefix(rest, `"`) {
			q, err := strconv.QuotedPrefix(rest)
			require.NoError(t, err, "facts: %q", rest)
			v, _ = strconv.Unquote(q)
			rest = rest[len(q):]
		} else {
			i := strings.Index(rest, "; ")
			if i < 0 {
				i = len(rest)
			}
			v, rest = rest[:i], rest[i:]
		}
		require.NotContains(t, out, k, "facts: %s twice", k)
		out[k] = v
		if rest != "" {
			require.True(t, strings.HasPrefix(rest, "; "), "facts: %q after %s", rest, k)
			rest = rest[2:]
		}
		line = rest
	}
	return out
}

// wantFacts are structured's plain, non-empty members for which keep is true.
func wantFacts(st map[string]any, keep func(string) bool) map[string]string {
	out := map[string]string{}
	for k, v := range st {
		switch v.(type) {
		case map[string]any, []any:
			continue
		}
		if keep(k) && !empty(v) {
			out[k] = scalar(v)
		}
	}
	return out
}

// ParsedTable is a list result read back from its text.
type ParsedTable struct {
	Same    map[string]string   // "all items:" columns
	Columns []string            // the header
	Rows    []map[string]string // each item's non-empty cells, by column
	Facts   map[string]string   // the paging line
}

// ParseTable reads a list result's text.
func ParseTable(t testing.TB, text string) ParsedTable {
	t.Helper()
	require.True(t, strings.HasSuffix(text, "\n"), "text ends with a line break")
	text = strings.TrimSuffix(text, "\n")
	i := strings.LastIndex(text, "\n")
	require.Positive(t, i, "a table and a paging line: %q", text)
	p := ParsedTable{Facts: ParseFacts(t, text[i+1:]), Same: map[string]string{}}
	body := text[:i]
	if rest, ok := strings.CutPrefix(body, "all items: "); ok {
		line, after, _ := strings.Cut(rest, "\n")
		p.Same = ParseFacts(t, line)
		body = after
	}
	if body == "no items" {
		return p
	}
	r := csv.NewReader(strings.NewReader(body))
	recs, err := r.ReadAll()
	require.NoError(t, err, "the table is CSV: %s", body)
	require.NotEmpty(t, recs, "a header")
	p.Columns = recs[0]
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for j, c := range p.Columns {
			v := rec[j]
			if strings.HasPrefix(v, `"`) { // a value CSV alone would not give back, as a JSON string
				require.NoError(t, json.Unmarshal([]byte(v), &v), "a cell starting with a quote is a JSON string: %s", rec[j])
			}
			if v != "" {
				row[c] = v
			}
		}
		p.Rows = append(p.Rows, row)
	}
	return p
}

// wallClock is a table's local time: date, weekday, clock.
const wallClock = "2006-01-02 Mon 15:04"

// CheckTable compares a list result's text with its structured form.
func CheckTable(t testing.TB, text string, st map[string]any) {
	t.Helper()
	p := ParseTable(t, text)
	items, ok := st["items"].([]any)
	require.True(t, ok, "items is a list")
	assert.Equal(t, wantFacts(st, func(k string) bool { return k != "items" }), p.Facts, "paging line")
	require.Len(t, p.Rows, len(items), "one line per item:\n%s", text)
	for c := range p.Same {
		assert.NotContains(t, p.Columns, c, "%s is both above the table and a column", c)
	}
	if len(items) < 2 {
		assert.Empty(t, p.Same, "no common values with fewer than two items")
	}
	for i, it := range items {
		item, ok := it.(map[string]any)
		require.True(t, ok, "item %d is an object", i)
		want := map[string]any{}
		flatten(want, "", item)
		got := map[string]string{}
		for k, v := range p.Same {
			got[k] = v
		}
		for k, v := range p.Rows[i] {
			got[k] = v
		}
		readLocalTimes(t, want, got)
		for k, w := range want {
			g, ok := got[k]
			if !assert.True(t, ok, "item %d: %s=%v is missing from the text", i, k, w) {
				continue
			}
			if list, isList := w.([]any); isList {
				d := json.NewDecoder(strings.NewReader(g))
				d.UseNumber()
				var back []any
				if assert.NoError(t, d.Decode(&back), "item %d: %s is the list's JSON: %s", i, k, g) {
					assert.Equal(t, list, back, "item %d: %s", i, k)
				}
				continue
			}
			assert.Equal(t, w, g, "item %d: %s", i, k)
		}
		for k, g := range got {
			assert.Contains(t, want, k, "item %d: the text says %s=%s, the structured item does not", i, k, g)
		}
	}
}

// flatten sets want's cells for item: plain values as text, nested objects
// as dotted columns, lists of plain values joined with ";" (when no element
// holds ";" or starts with "["), other lists as their pruned elements.
// "object" beside "id" is not shown (the ID's prefix says it).
func flatten(want map[string]any, prefix string, item map[string]any) {
	_, hasID := item["id"]
	for k, v := range item {
		if empty(v) || (k == "object" && hasID) {
			continue
		}
		switch v := v.(type) {
		case map[string]any:
			flatten(want, prefix+k+".", v)
		case []any:
			list := prune(v).([]any)
			parts := make([]string, len(list))
			plain := true
			for i, e := range list {
				switch e.(type) {
				case map[string]any, []any:
					plain = false
				}
				s := scalar(e)
				if strings.Contains(s, ";") || strings.HasPrefix(s, "[") {
					plain = false
				}
				parts[i] = s
			}
			if plain {
				want[prefix+k] = strings.Join(parts, ";")
			} else {
				want[prefix+k] = list
			}
		default:
			want[prefix+k] = scalar(v)
		}
	}
}

// readLocalTimes checks each X_local cell of got, written as wall-clock time
// in the item's time_zone, against want's X_local (RFC 3339 with offset) and
// X (UTC), which it stands for; both are then settled and removed.
func readLocalTimes(t testing.TB, want map[string]any, got map[string]string) {
	t.Helper()
	zone, _ := want["time_zone"].(string)
	for k, w := range want {
		base, ok := strings.CutSuffix(k, "_local")
		if !ok || strings.Contains(k, ".") {
			continue
		}
		g, ok := got[k]
		if !ok {
			continue
		}
		if _, keptUTC := got[base]; keptUTC || g == w {
			continue // not merged: compared as they are
		}
		require.NotEmpty(t, zone, "%s is shown as local time without a time_zone", k)
		loc, err := time.LoadLocation(zone)
		require.NoError(t, err)
		at, err := time.ParseInLocation(wallClock, g, loc)
		if err != nil {
			at, err = time.ParseInLocation(wallClock+":05", g, loc)
		}
		require.NoError(t, err, "%s=%q reads as %s", k, g, wallClock)
		assert.Equal(t, at.Weekday().String()[:3], strings.Fields(g)[1], "%s: the weekday of %s", k, g)
		assert.Equal(t, w, at.Format(time.RFC3339), "%s: %s in %s", k, g, zone)
		if u, ok := want[base]; ok {
			assert.Equal(t, u, at.UTC().Format(time.RFC3339), "%s (UTC) from %s=%s", base, k, g)
			delete(want, base)
		}
		delete(want, k)
		delete(got, k)
	}
}

// slotFacts are the members of a slot result in the line after the days.
var slotFacts = []string{"count", "more_available", "next_start", "stopped_early", "note"}

// CheckSlots compares a slot result's text (find_available_slots:
// "days"; get_time_slots: "slots") with its structured form.
func CheckSlots(t testing.TB, text string, st map[string]any) {
	t.Helper()
	require.True(t, strings.HasSuffix(text, "\n"), "text ends with a line break")
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	require.GreaterOrEqual(t, len(lines), 2, "a search line and a facts line: %q", text)
	head := ParseFacts(t, lines[0])
	facts := ParseFacts(t, lines[len(lines)-1])
	dayLines := lines[1 : len(lines)-1]

	// The structured slots, and their days when grouped.
	type slot struct{ start, local, locs string }
	var want []slot
	var wantDays [][2]string // date, weekday
	add := func(list any) {
		for _, s := range list.([]any) {
			m := s.(map[string]any)
			local, _ := m["start_time_local"].(string)
			var locs []string
			for _, l := range m["locations"].([]any) {
				lm := l.(map[string]any)
				p := scalar(lm["type"])
				if v, _ := lm["value"].(string); v != "" {
					p += ":" + v
				}
				locs = append(locs, p)
			}
			want = append(want, slot{scalar(m["start_time"]), local, strings.Join(locs, "/")})
		}
	}
	if days, ok := st["days"].([]any); ok {
		for _, d := range days {
			dm := d.(map[string]any)
			wantDays = append(wantDays, [2]string{scalar(dm["date"]), scalar(dm["weekday"])})
			add(dm["slots"])
		}
	} else {
		add(st["slots"])
	}

	zone, _ := st["time_zone"].(string)
	wantHead := wantFacts(st, func(k string) bool { return !slices.Contains(slotFacts, k) })
	if zone == "" {
		zone = "UTC"
		wantHead["time_zone"] = "UTC"
	}
	loc, err := time.LoadLocation(zone)
	require.NoError(t, err)
	defaultLocs, ok := head["locations"]
	if len(want) > 0 {
		require.True(t, ok, "the search line names the usual locations: %s", lines[0])
	}
	delete(head, "locations")
	assert.Equal(t, wantHead, head, "search line")
	assert.Equal(t, wantFacts(st, func(k string) bool { return slices.Contains(slotFacts, k) }), facts, "facts line")

	var got []slot
	var gotDays [][2]string
	for _, line := range dayLines {
		day, times, ok := strings.Cut(line, ": ")
		require.True(t, ok, "a day line: %q", line)
		f := strings.Fields(day)
		require.Len(t, f, 3, "date, weekday and offset: %q", day)
		date, err := time.Parse(time.DateOnly, f[0])
		require.NoError(t, err)
		assert.Equal(t, date.Weekday().String()[:3], f[1], "the weekday of %s", f[0])
		if n := len(gotDays); n == 0 || gotDays[n-1][0] != f[0] {
			gotDays = append(gotDays, [2]string{f[0], f[1]})
		}
		for _, tok := range strings.Fields(times) {
			clock, locs := tok, defaultLocs
			if i := strings.Index(tok, "["); i >= 0 {
				require.True(t, strings.HasSuffix(tok, "]"), "locations in brackets: %q", tok)
				clock, locs = tok[:i], tok[i+1:len(tok)-1]
			}
			secs := ":00"
			if len(clock) == 8 {
				secs = ""
			}
			local := f[0] + "T" + clock + secs + f[2]
			at, err := time.Parse(time.RFC3339, local)
			require.NoError(t, err, "slot %q on %q", tok, day)
			assert.Equal(t, f[2], at.In(loc).Format("-07:00"), "the offset of %s is %s's", local, zone)
			s := slot{start: at.UTC().Format(time.RFC3339), locs: locs}
			if _, structuredLocal := st["time_zone"]; structuredLocal {
				s.local = at.In(loc).Format(time.RFC3339)
			}
			got = append(got, s)
		}
	}
	assert.Equal(t, want, got, "slots")
	if wantDays != nil {
		for i := range wantDays {
			wantDays[i][1] = wantDays[i][1][:3]
		}
		assert.Equal(t, wantDays, gotDays, "days")
	}
}

// CheckJSON compares a single object's text, compact JSON, with its
// structured form: the same but for null or empty members, "object" beside
// "id", and an X_local member that repeats X.
func CheckJSON(t testing.TB, text string, st map[string]any) {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(text))
	d.UseNumber()
	var got map[string]any
	require.NoError(t, d.Decode(&got), "the text is a JSON object: %s", text)
	assert.Equal(t, compact(st), got)
}

func compact(v any) any {
	switch v := v.(type) {
	case []any:
		out := []any{}
		for _, e := range v {
			if !empty(e) {
				out = append(out, compact(e))
			}
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			if empty(e) {
				continue
			}
			if _, hasID := v["id"]; k == "object" && hasID {
				continue
			}
			if base, ok := strings.CutSuffix(k, "_local"); ok {
				if u, ok := v[base].(string); ok && u == e {
					continue
				}
			}
			out[k] = compact(e)
		}
		return out
	}
	return v
}
