package oncehub

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets: run one with `go test -run '^$' -fuzz '^FuzzCheckID$' ./oncehub`
// (scripts/fuzz.sh runs them all briefly). Seeds live in testdata/fuzz/.

func FuzzCheckID(f *testing.F) {
	for _, s := range [][2]string{
		{"BKNG", "BKNG-ABC123"}, {"USR|TM", "TM-1"}, {"", "../users"}, {"BKNG", "BKNG-1?x=y"},
		{"BKNG", "USR-ABC"}, {"", "BKNG-" + strings.Repeat("é", 30)}, {"BP", "BP-%2F"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, prefix, id string) {
		err := checkID("booking_id", prefix, id)
		if err == nil {
			if p, rest, _ := strings.Cut(id, "-"); len(p) < 2 || len(p) > 6 || strings.ToUpper(p) != p || rest == "" || len(rest) > 64 {
				t.Fatalf("accepted %q, which is not an ID", id)
			}
			if url.PathEscape(id) != id || strings.ContainsAny(id, "/?#%.") {
				t.Fatalf("accepted %q, which is not path-safe", id)
			}
			ok := prefix == ""
			for _, p := range strings.Split(prefix, "|") {
				ok = ok || strings.HasPrefix(id, p+"-")
			}
			if !ok {
				t.Fatalf("accepted %q without prefix %q", id, prefix)
			}
			return
		}
		pe, ok := errors.AsType[*ParamError](err)
		if !ok || pe.Param != "booking_id" {
			t.Fatalf("error is not a ParamError naming the parameter: %v", err)
		}
		if utf8.ValidString(id) && utf8.ValidString(prefix) && !utf8.ValidString(err.Error()) {
			t.Fatalf("message is not valid UTF-8: %q", err.Error())
		}
	})
}

func FuzzParseLinkHeader(f *testing.F) {
	for _, s := range []string{
		`<https://api.oncehub.com/v2/bookings?after=BKNG-1&limit=10>; rel="next", <https://api.oncehub.com/v2/bookings?before=BKNG-9>; rel="previous"`,
		`<a,b>; rel="next prev"`, `<x>; rel=next; title="a,b"`, `<`, `>;rel=`, `<u>; REL="Next"`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		links := parseLinkHeader([]string{header})
		for rel, target := range links {
			if rel == "" || rel != strings.ToLower(rel) || strings.ContainsAny(rel, " \t\"") {
				t.Fatalf("bad rel %q", rel)
			}
			if strings.Contains(target, ">") {
				t.Fatalf("target %q runs past its >", target)
			}
			if rel == "prev" {
				t.Fatal("prev is normalised to previous")
			}
		}
		_ = cursorParam(links["next"], "after")
	})
}

func FuzzDecodeAPIError(f *testing.F) {
	f.Add(404, []byte(`{"type":"invalid_request_error","message":"No such booking: 'BKNG-1'","param":"id"}`), "")
	f.Add(429, []byte(`{"type":"rate_limit_error","message":"Too many requests"}`), "3")
	f.Add(502, []byte("<html><body>Bad gateway</body></html>"), "Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add(503, []byte(""), "99999999999999999")
	f.Add(500, []byte(`{"message": 42}`), "-1")
	f.Add(400, []byte(strings.Repeat("é", 150)), "")
	f.Fuzz(func(t *testing.T, status int, body []byte, retryAfter string) {
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		resp.Header.Set("Request-Id", "req_1")
		if retryAfter != "" {
			resp.Header.Set("Retry-After", retryAfter)
		}
		e := decodeAPIError(resp, body)
		if e.Status != status || e.RequestID != "req_1" {
			t.Fatalf("lost status or Request-Id: %+v", e)
		}
		if e.RetryAfter < 0 || e.RetryAfter > maxRetryAfter {
			t.Fatalf("Retry-After %q gave %s", retryAfter, e.RetryAfter)
		}
		if !utf8.ValidString(e.Message) {
			t.Fatalf("message is not valid UTF-8: %q", e.Message)
		}
		if len(e.Message) > maxMessageBytes+len("…") {
			t.Fatalf("message of %d bytes is not capped", len(e.Message))
		}
		if strings.HasPrefix(strings.TrimSpace(string(body)), "<") && e.Message != "non-JSON error page" {
			t.Fatalf("an HTML page leaked into the message: %q", e.Message)
		}
		_ = e.Error()
		if got, ok := errors.AsType[*APIError](error(e)); !ok || got.Status != status {
			t.Fatal("the error is not found as an *APIError")
		}
	})
}

func FuzzDateRange(f *testing.F) {
	for _, s := range [][2]string{
		{"2026-11-23", "2026-12-31"}, {"2026-12-01", "2026-11-01"}, {"yesterday", ""}, {"", "2026-02-30"},
		{"2026-1-5", "2026-01-06"}, {"2026-11-23T10:00:00Z", ""}, {"2026-11-23", "2026-11-23"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, after, before string) {
		r := DateRange{After: after, Before: before}
		err := r.validate("starting_time")
		if err != nil {
			pe, ok := errors.AsType[*ParamError](err)
			if !ok || (pe.Param != "starting_time.gt" && pe.Param != "starting_time.lt") {
				t.Fatalf("not a ParamError naming the parameter: %v", err)
			}
			if utf8.ValidString(after) && utf8.ValidString(before) && !utf8.ValidString(err.Error()) {
				t.Fatalf("message is not valid UTF-8: %q", err.Error())
			}
			return
		}
		var gt, lt time.Time
		var perr error
		if after != "" {
			if gt, perr = time.Parse(time.DateOnly, after); perr != nil {
				t.Fatalf("accepted %q, not a date", after)
			}
		}
		if before != "" {
			if lt, perr = time.Parse(time.DateOnly, before); perr != nil {
				t.Fatalf("accepted %q, not a date", before)
			}
		}
		if after != "" && before != "" && !gt.Before(lt) {
			t.Fatalf("accepted an empty range %q..%q", after, before)
		}
		q := url.Values{}
		if err := r.EncodeValues("starting_time", &q); err != nil {
			t.Fatal(err)
		}
		if q.Get("starting_time.gt") != after || q.Get("starting_time.lt") != before {
			t.Fatalf("query %v does not carry the range", q)
		}
	})
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "3", "120", "-5", "1e9", "Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", " 7 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		d := parseRetryAfter(v)
		if d < 0 || d > maxRetryAfter {
			t.Fatalf("%q gave %s", v, d)
		}
	})
}
