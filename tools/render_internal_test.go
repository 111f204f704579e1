package tools

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/readback"
)

// rendered is the text and structuredContent structured() makes of v.
func rendered(t *testing.T, v any) (string, json.RawMessage) {
	t.Helper()
	res := structured(v, "")
	require.False(t, res.IsError)
	require.Len(t, res.Content, 1)
	return res.Content[0].(mcp.TextContent).Text, res.StructuredContent.(json.RawMessage)
}

func TestTableEdgeCasesReadBack(t *testing.T) {
	t.Parallel()

	hard := []map[string]any{
		{"id": "X-1", "object": "thing", "name": `Smith, "Jo"`, "note": "two\nlines", "pad": " leading space", "n": 3, "ok": false,
			"tags": []any{"a", "b"}, "semi": []any{"x;y", "z"}, "objs": []any{map[string]any{"k": "v", "empty": nil}},
			"nested": map[string]any{"inner": map[string]any{"deep": "d"}, "gone": nil}, "bracket": "[not a list]",
			"same": "a; b", "none": nil, "blank": "", "list": []any{}, "quote": `"starts with a quote`, "cr": "a\r\nb"},
		{"id": "X-2", "name": "Plain", "n": 4.5, "ok": true, "tags": []any{"c"}, "same": "a; b", "owner": map[string]any{"id": "USR-1", "object": "user"}},
	}
	for name, v := range map[string]any{
		"hard values": listResult[map[string]any]{Count: 2, HasMore: true, NextCursor: "X-2", StoppedEarly: `Stopped after 2 items because of an error; continue with after="X-2".`, Items: hard},
		"one item":    listResult[map[string]any]{Count: 1, Items: hard[:1]},
		"no items":    listResult[map[string]any]{Items: []map[string]any{}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			text, js := rendered(t, v)
			assert.Equal(t, readback.Table, readback.Check(t, text, js))
			assert.NotContains(t, text, "none")
			assert.NotContains(t, text, "blank")
			assert.NotContains(t, text, "thing", `"object" beside "id" is left out`)
		})
	}
	text, _ := rendered(t, listResult[map[string]any]{Count: 2, Items: hard})
	assert.Contains(t, text, `all items: same="a; b"`, "a value that would not read back is quoted")
	assert.Contains(t, text, "nested.inner.deep", "nested objects are dotted columns")
	assert.Contains(t, text, `"[""x;y"",""z""]"`, "a list whose values hold ; is JSON")
	assert.Contains(t, text, ",a;b\n", "plain lists are joined with ;")
	text, _ = rendered(t, listResult[map[string]any]{Items: []map[string]any{}})
	assert.Equal(t, "no items\ncount=0; has_more=false\n", text)
}

func TestTableLocalTimes(t *testing.T) {
	t.Parallel()

	ny, berlin := "America/New_York", "Europe/Berlin"
	item := func(id, utc, local, zone string) map[string]any {
		m := map[string]any{"id": id, "starting_time": utc, "starting_time_local": local}
		if zone != "" {
			m["time_zone"] = zone
		}
		return m
	}
	cases := []struct {
		name  string
		items []map[string]any
		has   []string
		lacks []string
	}{
		{"one zone, said once",
			[]map[string]any{item("B-1", "2026-12-07T14:00:00Z", "2026-12-07T09:00:00-05:00", ny), item("B-2", "2027-07-01T13:30:00Z", "2027-07-01T09:30:00-04:00", ny)},
			[]string{"all items: time_zone=America/New_York\n", "B-1,2026-12-07 Mon 09:00\n", "B-2,2027-07-01 Thu 09:30\n"}, []string{"Z", "starting_time,"}},
		{"a zone per row",
			[]map[string]any{item("B-1", "2026-12-07T14:00:00Z", "2026-12-07T09:00:00-05:00", ny), item("B-2", "2026-12-07T14:00:00Z", "2026-12-07T15:00:00+01:00", berlin)},
			[]string{"B-1,2026-12-07 Mon 09:00,America/New_York\n", "B-2,2026-12-07 Mon 15:00,Europe/Berlin\n"}, []string{"Z"}},
		// 01:30 on 1 November 2026 happens twice in New York: the wall
		// time alone would not say which, so the column keeps its times.
		{"an ambiguous wall time",
			[]map[string]any{item("B-1", "2026-11-01T06:30:00Z", "2026-11-01T01:30:00-05:00", ny), item("B-2", "2026-12-07T14:00:00Z", "2026-12-07T09:00:00-05:00", ny)},
			[]string{"2026-11-01T06:30:00Z,2026-11-01T01:30:00-05:00"}, nil},
		{"no zone to read a wall time in",
			[]map[string]any{item("B-1", "2026-12-07T14:00:00Z", "2026-12-07T09:00:00-05:00", ""), item("B-2", "2026-12-08T14:00:00Z", "2026-12-08T09:00:00-05:00", "")},
			[]string{"2026-12-07T14:00:00Z,2026-12-07T09:00:00-05:00"}, nil},
		{"a local time that is not the zone's",
			[]map[string]any{item("B-1", "2026-12-07T14:00:00Z", "2026-12-07T09:00:00-05:00", berlin), item("B-2", "2026-12-08T14:00:00Z", "2026-12-08T15:00:00+01:00", berlin)},
			[]string{"2026-12-07T09:00:00-05:00"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			text, js := rendered(t, listResult[map[string]any]{Count: len(tc.items), Items: tc.items})
			readback.Check(t, text, js)
			for _, s := range tc.has {
				assert.Contains(t, text, s)
			}
			for _, s := range tc.lacks {
				assert.NotContains(t, text, s)
			}
		})
	}
}

func TestSlotsEdgeCasesReadBack(t *testing.T) {
	t.Parallel()

	ny, _ := time.LoadLocation("America/New_York")
	slot := func(local string, locs ...slotLocationView) slotView {
		at, err := time.Parse(time.RFC3339, local)
		require.NoError(t, err)
		if locs == nil {
			locs = []slotLocationView{{Type: "virtual", Value: "zoom"}}
		}
		return slotView{StartTime: at.UTC().Format(time.RFC3339), StartTimeLocal: at.In(ny).Format(time.RFC3339), Locations: locs}
	}
	// Sunday 14 March 2027: New York's clocks go from 02:00 to 03:00.
	out := availabilityOutput{TimeZone: "America/New_York", WindowStart: "2027-03-13T00:00:00-05:00", WindowEnd: "2027-03-16T00:00:00-04:00",
		Count: 6, MoreAvailable: true, NextStart: "2027-03-15T10:00:00-04:00", Note: "A note; with a semicolon.",
		Days: []availabilityDay{
			{Date: "2027-03-14", Weekday: "Sunday", Slots: []slotView{slot("2027-03-14T01:00:00-05:00"), slot("2027-03-14T01:30:00-05:00"),
				slot("2027-03-14T03:00:00-04:00", slotLocationView{Type: "physical", Value: "ADD-1"}, slotLocationView{Type: "virtual_static"}),
				slot("2027-03-14T03:30:00-04:00", []slotLocationView{}...)}},
			{Date: "2027-03-15", Weekday: "Monday", Slots: []slotView{slot("2027-03-15T09:00:00-04:00"), slot("2027-03-15T09:30:15-04:00")}},
		}}
	text, js := rendered(t, out)
	assert.Equal(t, readback.Slots, readback.Check(t, text, js))
	assert.Equal(t, "time_zone=America/New_York; window_start=2027-03-13T00:00:00-05:00; window_end=2027-03-16T00:00:00-04:00; locations=virtual:zoom\n"+
		"2027-03-14 Sun -05:00: 01:00 01:30\n"+
		"2027-03-14 Sun -04:00: 03:00[physical:ADD-1/virtual_static] 03:30[]\n"+
		"2027-03-15 Mon -04:00: 09:00 09:30:15\n"+
		`count=6; more_available=true; next_start=2027-03-15T10:00:00-04:00; note="A note; with a semicolon."`+"\n", text)

	// No slots: the search line, then the facts.
	text, js = rendered(t, availabilityOutput{TimeZone: "UTC", WindowStart: "a", WindowEnd: "b", Note: "No free slots.", Days: []availabilityDay{}})
	readback.Check(t, text, js)
	assert.Equal(t, "time_zone=UTC; window_start=a; window_end=b\ncount=0; more_available=false; note=No free slots.\n", text)

	// A location that would not read back in a slot line: the result's JSON instead.
	odd := out
	odd.Days = []availabilityDay{{Date: "2027-03-15", Weekday: "Monday", Slots: []slotView{slot("2027-03-15T09:00:00-04:00", slotLocationView{Type: "physical", Value: "1 Main St/Suite 2"})}}}
	text, js = rendered(t, odd)
	readback.CheckJSON(t, text, decodeMap(t, js))
	assert.True(t, strings.HasPrefix(text, "{"))
}

func TestSingleObjectsDropNullsEmptiesAndCopies(t *testing.T) {
	t.Parallel()

	v := map[string]any{"object": "booking", "id": "BKNG-1", "a": nil, "b": "", "c": []any{}, "d": map[string]any{"e": nil},
		"start_time": "2026-12-07T14:00:00Z", "start_time_local": "2026-12-07T14:00:00Z",
		"end_time": "2026-12-07T14:30:00Z", "end_time_local": "2026-12-07T15:30:00+01:00",
		"owner": map[string]any{"object": "user", "id": "USR-1", "first_name": "Dana", "teams": []any{}}, "zero": 0, "no": false}
	text, js := rendered(t, v)
	readback.CheckJSON(t, text, decodeMap(t, js))
	assert.Equal(t, `{"end_time":"2026-12-07T14:30:00Z","end_time_local":"2026-12-07T15:30:00+01:00","id":"BKNG-1","no":false,`+
		`"owner":{"first_name":"Dana","id":"USR-1"},"start_time":"2026-12-07T14:00:00Z","zero":0}`, text)
	// Strings that need escapes keep them; others go out as they are.
	text, js = rendered(t, map[string]any{"id": "X-1", "q": "say \"hi\"\n\u2028 \\ é <b>&", "ctl": "a\tb"})
	readback.CheckJSON(t, text, decodeMap(t, js))
	assert.Contains(t, text, `é <b>&`)
	// A write's request_id stays.
	res := structured(map[string]any{"id": "BKNG-1"}, "req_1")
	assert.Equal(t, `{"id":"BKNG-1","request_id":"req_1"}`, res.Content[0].(mcp.TextContent).Text)
}

func decodeMap(t *testing.T, js json.RawMessage) map[string]any {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(string(js)))
	d.UseNumber()
	var m map[string]any
	require.NoError(t, d.Decode(&m))
	return m
}

// BenchmarkRenderTable measures rendering a 100-booking list's text from its
// JSON (the work structured() adds to a list call).
func BenchmarkRenderTable(b *testing.B) {
	items := make([]bookingView, 100)
	for i := range items {
		items[i] = bookingView{ID: "BKNG-MQ7VA5QD6Q", Status: "scheduled", Subject: "Intro call", StartingTime: "2026-12-25T14:30:00Z",
			StartingTimeLocal: "2026-12-25T09:30:00-05:00", TimeZone: "America/New_York", DurationMinutes: 30, GuestName: "Yusuf Haddad",
			GuestEmail: "yusuf.haddad41@stark.example", Owner: "USR-2PN5URR18K", OwnerName: "Dana Owens", Contact: "CTC-JQD2GT0TSW",
			BookingCalendar: "BKC-4E042TGX2G", Location: "zoom", JoinURL: "https://zoom.example/j/805007"}
	}
	v := listResult[bookingView]{Count: len(items), Items: items}
	js, err := json.Marshal(v)
	require.NoError(b, err)
	for b.Loop() {
		renderText(v, js)
	}
}

// BenchmarkRenderObject measures a single object's compact JSON text (a
// get_booking's).
func BenchmarkRenderObject(b *testing.B) {
	js := []byte(`{"object":"booking","id":"BKNG-MVZPQWQKAN","tracking_id":"TRK2078956","subject":"Intro call","status":"scheduled","creation_time":"2026-12-02T15:07:35.802Z","starting_time":"2026-12-07T14:00:00Z","customer_timezone":"Europe/London","last_updated_time":"2026-12-02T15:07:35.802Z","duration_minutes":30,"virtual_conferencing":{"join_url":"https://zoom.example/j/900382"},"location_description":"zoom","cancel_reschedule_url":"https://go.oncehub.com/manage/382","attendees":["mei.lin@example.com"],"form_submission":{"name":"Mei Lin","email":"mei.lin@example.com","custom_fields":[]},"owner":"USR-2PN5URR18K","contact":"CTC-0YX74XKQSE","booking_calendar":"BKC-4E042TGX2G","ics_url":"https://go.oncehub.com/ics/382","cancel_url":"https://go.oncehub.com/cancel/382","reschedule_url":"https://go.oncehub.com/reschedule/382","custom_fields":[],"payment_information":null,"utm_params":null}`)
	for b.Loop() {
		renderText(nil, js)
	}
}

// FuzzTableReadsBack: whatever the values, a list's text reads back as its
// structured result.
func FuzzTableReadsBack(f *testing.F) {
	f.Add("Smith, Jo", "a; b", `"quoted"`, "x;y")
	f.Add(" lead", "trail ", "[", "\n")
	f.Add("", "all items: x=y", "count=1; has_more=true", "é\u2028")
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		if !utf8.ValidString(a + b + c + d) {
			t.Skip("JSON carries UTF-8 text")
		}
		items := []map[string]any{
			{"id": "X-1", "a": a, "b": b, "list": []any{c, d}, "n": map[string]any{"c": c}},
			{"id": "X-2", "a": a, "b": d, "list": []any{c}, "n": map[string]any{"c": b}},
		}
		text, js := rendered(t, listResult[map[string]any]{Count: 2, HasMore: true, NextCursor: c, StoppedEarly: d, Items: items})
		readback.Check(t, text, js)
	})
}
