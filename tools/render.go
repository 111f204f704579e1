package tools

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The text a model reads. Every result carries structuredContent, the
// complete JSON of the result type (for clients, UIs and the output schema),
// and a text copy, which hosts hand to the model on every later turn. That
// copy is rendered here, from the same JSON, one path per shape; no tool
// formats text by hand (docs/COMPACT.md shows each shape):
//
//   - lists (listResult): CSV. With two items or more, a line "all items:
//     k=v; …" with the columns whose value every item shares; a header
//     naming the other columns; one line of values per item; then the paging
//     facts in one line ("count=137; has_more=false"). Columns empty in every
//     item are dropped; nested objects become dotted columns
//     (form_submission.name); lists of plain values are joined with ";"
//     (other lists stay JSON). A *_local time is shown once, as wall-clock
//     time in the item's time_zone ("2026-12-07 Mon 09:00"), and its UTC copy
//     is dropped, when every item allows it.
//   - slots (find_available_slots, get_time_slots): a line with the search
//     (zone, window, the locations most slots offer), one line per local day
//     and UTC offset with the start times ("2026-12-07 Mon -05:00: 09:00
//     09:30", other locations in brackets), then the facts line.
//   - anything else: compact JSON without null or empty members, "object"
//     beside an "id" (the ID's prefix says it), or a *_local member that
//     repeats its UTC one.
//
// Nothing is lost: internal/readback reads each shape back and tests compare
// it with the structured result, for every list tool and both slot tools
// (render_test.go, render_internal_test.go, text_e2e_test.go).

// textRenderer is implemented by result types with a text shape of their
// own; renderText gets the result's JSON as sent in structuredContent and
// returns its text, or false to fall back to compact JSON.
type textRenderer interface {
	renderText(js []byte) (string, bool)
}

// renderText is the text content of a result v whose JSON is js.
func renderText(v any, js []byte) string {
	if r, ok := v.(textRenderer); ok {
		if s, ok := r.renderText(js); ok {
			return s
		}
	}
	return compactJSON(js)
}

// renderText renders a list as a table.
func (r listResult[V]) renderText(js []byte) (string, bool) { return renderTable(js) }

// renderText renders a slot search grouped by local day.
func (o availabilityOutput) renderText(js []byte) (string, bool) { return renderSlots(js, "days") }

// renderText renders get_time_slots' slots grouped by local day.
func (o timeSlotsOutput) renderText(js []byte) (string, bool) { return renderSlots(js, "slots") }

// jsonValue is a decoded JSON value that keeps object members in order.
type jsonValue struct {
	kind byte   // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	text string // string value, number literal, "true" or "false"
	keys []string
	vals []jsonValue // object values (beside keys) or array elements
}

// decodeJSON decodes js, which encoding/json wrote (the result's
// structuredContent), by one scan: encoding/json's Decoder.Token costs
// several times more for a list of a hundred items.
func decodeJSON(js []byte) (jsonValue, error) {
	d := jsonScanner{data: js}
	v, err := d.value()
	if err != nil {
		return v, err
	}
	if d.skipSpace(); d.i != len(d.data) {
		return v, errors.New("trailing data after JSON value")
	}
	return v, nil
}

type jsonScanner struct {
	data []byte
	i    int
}

var errBadJSON = errors.New("malformed JSON")

func (d *jsonScanner) skipSpace() {
	for d.i < len(d.data) && (d.data[d.i] == ' ' || d.data[d.i] == '\t' || d.data[d.i] == '\n' || d.data[d.i] == '\r') {
		d.i++
	}
}

func (d *jsonScanner) value() (jsonValue, error) {
	d.skipSpace()
	if d.i >= len(d.data) {
		return jsonValue{}, errBadJSON
	}
	switch c := d.data[d.i]; c {
	case '{', '[':
		v := jsonValue{kind: 'a'}
		closing := byte(']')
		if c == '{' {
			v.kind, closing = 'o', '}'
		}
		d.i++
		for first := true; ; first = false {
			d.skipSpace()
			if d.i < len(d.data) && d.data[d.i] == closing {
				d.i++
				return v, nil
			}
			if !first {
				if d.i >= len(d.data) || d.data[d.i] != ',' {
					return v, errBadJSON
				}
				d.i++
			}
			if v.kind == 'o' {
				d.skipSpace()
				k, err := d.str()
				if err != nil {
					return v, err
				}
				if d.skipSpace(); d.i >= len(d.data) || d.data[d.i] != ':' {
					return v, errBadJSON
				}
				d.i++
				v.keys = append(v.keys, k)
			}
			e, err := d.value()
			if err != nil {
				return v, err
			}
			v.vals = append(v.vals, e)
		}
	case '"':
		s, err := d.str()
		return jsonValue{kind: 's', text: s}, err
	default:
		start := d.i
		for d.i < len(d.data) && !strings.ContainsRune(",]} \t\n\r", rune(d.data[d.i])) {
			d.i++
		}
		switch lit := string(d.data[start:d.i]); lit {
		case "null":
			return jsonValue{kind: 'z'}, nil
		case "true", "false":
			return jsonValue{kind: 'b', text: lit}, nil
		default:
			if !json.Valid([]byte(lit)) {
				return jsonValue{}, errBadJSON
			}
			return jsonValue{kind: 'n', text: lit}, nil
		}
	}
}

// str reads the string at d.i; only a string with escapes is decoded by
// encoding/json.
func (d *jsonScanner) str() (string, error) {
	if d.i >= len(d.data) || d.data[d.i] != '"' {
		return "", errBadJSON
	}
	start, escaped := d.i, false
	for d.i++; d.i < len(d.data); d.i++ {
		switch d.data[d.i] {
		case '\\':
			escaped = true
			d.i++
		case '"':
			d.i++
			raw := d.data[start:d.i]
			if !escaped {
				return string(raw[1 : len(raw)-1]), nil
			}
			var s string
			err := json.Unmarshal(raw, &s)
			return s, err
		}
	}
	return "", errBadJSON
}

// get returns the member k of an object.
func (v jsonValue) get(k string) (jsonValue, bool) {
	for i, key := range v.keys {
		if key == k {
			return v.vals[i], true
		}
	}
	return jsonValue{}, false
}

// empty is true for null, "", [] and {}: values that say nothing.
func (v jsonValue) empty() bool {
	switch v.kind {
	case 'z':
		return true
	case 's':
		return v.text == ""
	case 'a', 'o':
		return len(v.vals) == 0
	}
	return false
}

// pruned drops empty members and elements (after pruning theirs), "object"
// beside "id", and a *_local member that only repeats its UTC sibling.
func (v jsonValue) pruned() jsonValue {
	switch v.kind {
	case 'a':
		out := jsonValue{kind: 'a'}
		for _, e := range v.vals {
			if e = e.pruned(); !e.empty() {
				out.vals = append(out.vals, e)
			}
		}
		return out
	case 'o':
		out := jsonValue{kind: 'o'}
		_, hasID := v.get("id")
		for i, k := range v.keys {
			e := v.vals[i].pruned()
			if e.empty() || (k == "object" && hasID) {
				continue
			}
			if base, ok := strings.CutSuffix(k, "_local"); ok {
				if b, ok := v.get(base); ok && b.kind == 's' && e.kind == 's' && b.text == e.text {
					continue
				}
			}
			out.keys, out.vals = append(out.keys, k), append(out.vals, e)
		}
		return out
	}
	return v
}

// appendJSON encodes v compactly.
func (v jsonValue) appendJSON(b []byte) []byte {
	switch v.kind {
	case 'o', 'a':
		open, closing := byte('['), byte(']')
		if v.kind == 'o' {
			open, closing = '{', '}'
		}
		b = append(b, open)
		for i, e := range v.vals {
			if i > 0 {
				b = append(b, ',')
			}
			if v.kind == 'o' {
				b = appendString(b, v.keys[i])
				b = append(b, ':')
			}
			b = e.appendJSON(b)
		}
		return append(b, closing)
	case 's':
		return appendString(b, v.text)
	case 'z':
		return append(b, "null"...)
	}
	return append(b, v.text...)
}

func appendString(b []byte, s string) []byte {
	plain := utf8.ValidString(s) && !strings.ContainsAny(s, "\"\\\u2028\u2029")
	for i := 0; plain && i < len(s); i++ {
		plain = s[i] >= 0x20
	}
	if plain {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

// compactJSON is js without null or empty fields and redundant copies; js
// itself if it does not decode.
func compactJSON(js []byte) string {
	v, err := decodeJSON(js)
	if err != nil {
		return string(js)
	}
	return string(v.pruned().appendJSON(nil))
}

// cell is one column's value in one row of a table.
type cell struct{ col, val string }

// flatten appends v's non-empty members as cells: nested objects as dotted
// columns, lists of plain values joined with ";", other lists as JSON;
// "object" beside "id" is left out, as everywhere.
func flatten(cells []cell, prefix string, v jsonValue) []cell {
	_, hasID := v.get("id")
	for i, k := range v.keys {
		e := v.vals[i].pruned()
		if e.empty() || (k == "object" && hasID) {
			continue
		}
		switch e.kind {
		case 'o':
			cells = flatten(cells, prefix+k+".", e)
		case 'a':
			cells = append(cells, cell{prefix + k, listCell(e)})
		default:
			cells = append(cells, cell{prefix + k, e.text})
		}
	}
	return cells
}

// listCell is a list's cell: plain values joined with ";" when that reads
// back unambiguously, else the list's JSON.
func listCell(v jsonValue) string {
	parts := make([]string, len(v.vals))
	for i, e := range v.vals {
		if e.kind == 'o' || e.kind == 'a' || strings.Contains(e.text, ";") || strings.HasPrefix(e.text, "[") {
			return string(v.appendJSON(nil))
		}
		parts[i] = e.text
	}
	return strings.Join(parts, ";")
}

// wallClock is the layout of a local time in tables and slot lines.
const wallClock = "2006-01-02 Mon 15:04"

// localCell renders a *_local value at its wall-clock time in loc when that
// says the same instant; ok is false when it cannot (another offset, or a
// wall time that a clock change makes ambiguous).
func localCell(val string, loc *time.Location) (string, bool) {
	t, err := time.Parse(time.RFC3339, val)
	if err != nil || t.In(loc).Format(time.RFC3339) != val {
		return "", false
	}
	lt := t.In(loc)
	back := time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute(), lt.Second(), 0, loc)
	if !back.Equal(t) || t.Nanosecond() != 0 {
		return "", false
	}
	s := lt.Format(wallClock)
	if lt.Second() != 0 {
		s += lt.Format(":05")
	}
	return s, true
}

// renderTable renders a listResult's JSON (see the top of this file).
func renderTable(js []byte) (string, bool) {
	root, err := decodeJSON(js)
	if err != nil || root.kind != 'o' {
		return "", false
	}
	items, ok := root.get("items")
	if !ok || items.kind != 'a' {
		return "", false
	}
	rows := make([]map[string]string, len(items.vals))
	var cols []string
	seen := map[string]bool{}
	for i, it := range items.vals {
		if it.kind != 'o' {
			return "", false
		}
		cells := flatten(make([]cell, 0, len(it.keys)), "", it)
		rows[i] = make(map[string]string, len(cells))
		at := 0 // where a column first seen in this row goes: after the row's previous one
		for _, c := range cells {
			rows[i][c.col] = c.val
			if at < len(cols) && cols[at] == c.col { // the usual case: the same columns in the same order
				at++
				continue
			}
			if !seen[c.col] {
				seen[c.col] = true
				cols = slices.Insert(cols, at, c.col)
			}
			at = slices.Index(cols, c.col) + 1
		}
	}
	cols = mergeLocalTimes(rows, cols)

	var b strings.Builder
	// Columns with one value in every item are said once, above the table.
	var same []string
	if len(rows) > 1 {
		var kept []string
		for _, c := range cols {
			v, ok := rows[0][c]
			constant := ok
			for _, r := range rows[1:] {
				constant = constant && r[c] == v
			}
			if constant {
				same = append(same, c+"="+factValue(v))
			} else {
				kept = append(kept, c)
			}
		}
		cols = kept
	}
	if len(same) > 0 {
		b.WriteString("all items: " + strings.Join(same, "; ") + "\n")
	}
	if len(rows) == 0 {
		b.WriteString("no items\n")
	} else {
		w := csv.NewWriter(&b)
		_ = w.Write(cols)
		line := make([]string, len(cols))
		for _, r := range rows {
			for i, c := range cols {
				line[i] = csvCell(r[c])
			}
			_ = w.Write(line)
		}
		w.Flush()
	}
	b.WriteString(line(facts(root, func(k string) bool { return k != "items" })))
	return b.String(), true
}

// csvCell is v as a table cell: as it is, or as a JSON string when CSV would
// not give it back (a carriage return) or it starts with a quote (so that a
// cell starting with one is always JSON).
func csvCell(v string) string {
	if strings.HasPrefix(v, `"`) || strings.Contains(v, "\r") {
		return string(appendString(nil, v))
	}
	return v
}

// mergeLocalTimes shows each *_local column as wall-clock time in the row's
// time_zone and drops its UTC sibling, when every row allows it; it returns
// the columns left.
func mergeLocalTimes(rows []map[string]string, cols []string) []string {
	drop := map[string]bool{}
	for _, c := range cols {
		base, ok := strings.CutSuffix(c, "_local")
		if !ok || strings.Contains(c, ".") {
			continue
		}
		shown := make([]string, len(rows))
		all := true
		for i, r := range rows {
			v, has := r[c]
			u, hasBase := r[base]
			if !has {
				all = all && !hasBase
				continue
			}
			loc, err := zone(r["time_zone"])
			if r["time_zone"] == "" || err != nil {
				all = false
				break
			}
			s, ok := localCell(v, loc)
			if hasBase {
				t, _ := time.Parse(time.RFC3339, v)
				ok = ok && u == t.UTC().Format(time.RFC3339)
			}
			if !ok {
				all = false
				break
			}
			shown[i] = s
		}
		if !all {
			continue
		}
		for i, r := range rows {
			if _, has := r[c]; has {
				r[c] = shown[i]
				delete(r, base)
			}
		}
		drop[base] = true
	}
	kept := cols[:0:0]
	for _, c := range cols {
		if !drop[c] {
			kept = append(kept, c)
		}
	}
	return kept
}

// factValue writes a value of a "k=v; k=v" line, quoted when it would not
// read back (a "; ", a line break, surrounding space, a leading quote).
func factValue(v string) string {
	if v == "" || strings.Contains(v, "; ") || strings.ContainsAny(v, "\n\r") || strings.TrimSpace(v) != v || strings.HasPrefix(v, `"`) {
		return strconv.Quote(v)
	}
	return v
}

// facts lists root's plain (not empty, not object or list) members for
// which keep is true, as "k=v".
func facts(root jsonValue, keep func(k string) bool) []string {
	var parts []string
	for i, k := range root.keys {
		if v := root.vals[i]; keep(k) && !v.empty() && v.kind != 'o' && v.kind != 'a' {
			parts = append(parts, k+"="+factValue(v.text))
		}
	}
	return parts
}

// line joins facts into one line ("" for none).
func line(facts []string) string {
	if len(facts) == 0 {
		return ""
	}
	return strings.Join(facts, "; ") + "\n"
}

// slotFacts are the members of a slot result shown after the days; the
// others describe the search and come first.
var slotFacts = []string{"count", "more_available", "next_start", "stopped_early", "note"}

// renderSlots renders a slot result: key names the list of slots ("slots")
// or of days with slots ("days"). See the top of this file.
func renderSlots(js []byte, key string) (string, bool) {
	root, err := decodeJSON(js)
	if err != nil || root.kind != 'o' {
		return "", false
	}
	list, ok := root.get(key)
	if !ok || list.kind != 'a' {
		return "", false
	}
	var slots []jsonValue
	if key == "days" {
		for _, d := range list.vals {
			s, _ := d.get("slots")
			slots = append(slots, s.vals...)
		}
	} else {
		slots = list.vals
	}
	loc := time.UTC
	if z, ok := root.get("time_zone"); ok && z.text != "" {
		if loc, err = zone(z.text); err != nil {
			return "", false
		}
	}

	// Each slot's locations as "type:value/…"; the most common set is said
	// once, above the days, and a slot offering another set carries it.
	type slot struct {
		t    time.Time
		locs string
	}
	parsed := make([]slot, len(slots))
	counts := map[string]int{}
	for i, s := range slots {
		st, _ := s.get("start_time")
		t, err := time.Parse(time.RFC3339, st.text)
		if err != nil || t.UTC().Format(time.RFC3339) != st.text {
			return "", false
		}
		if lt, ok := s.get("start_time_local"); ok && lt.text != t.In(loc).Format(time.RFC3339) {
			return "", false
		}
		locs, ok := locationsCell(s)
		if !ok {
			return "", false
		}
		parsed[i] = slot{t, locs}
		counts[locs]++
	}
	common, best := "", 0
	for _, s := range parsed {
		if counts[s.locs] > best {
			common, best = s.locs, counts[s.locs]
		}
	}

	var b strings.Builder
	head := facts(root, func(k string) bool { return !slices.Contains(slotFacts, k) })
	if _, ok := root.get("time_zone"); !ok {
		head = append([]string{"time_zone=UTC"}, head...)
	}
	if len(parsed) > 0 {
		head = append(head, "locations="+factValue(common))
	}
	b.WriteString(line(head))
	day := ""
	for _, s := range parsed {
		lt := s.t.In(loc)
		d := lt.Format("2006-01-02 Mon -07:00")
		if d != day {
			if day != "" {
				b.WriteString("\n")
			}
			day = d
			b.WriteString(d + ":")
		}
		b.WriteString(" " + lt.Format("15:04"))
		if lt.Second() != 0 {
			b.WriteString(lt.Format(":05"))
		}
		if s.locs != common {
			b.WriteString("[" + s.locs + "]")
		}
	}
	if day != "" {
		b.WriteString("\n")
	}
	b.WriteString(line(facts(root, func(k string) bool { return slices.Contains(slotFacts, k) })))
	return b.String(), true
}

// locationsCell is a slot's locations as "type:value/type". ok is false when
// a type or value holds a character that would not read back.
func locationsCell(s jsonValue) (string, bool) {
	ls, _ := s.get("locations")
	parts := make([]string, 0, len(ls.vals))
	for _, l := range ls.vals {
		typ, _ := l.get("type")
		val, _ := l.get("value")
		if strings.ContainsAny(typ.text+val.text, " /:[]\n") || typ.text == "" {
			return "", false
		}
		p := typ.text
		if val.text != "" {
			p += ":" + val.text
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "/"), true
}
