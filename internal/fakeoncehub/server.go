// Package fakeoncehub is an in-memory OnceHub API v2 that behaves like the
// published spec: seeded data, cursor paging with Link headers, filters,
// expansion, OnceHub's error bodies and a Request-Id on every response. Tests,
// benchmarks and the demo sandbox run the real client against it.
package fakeoncehub

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// TestKey is a key the fake accepts by default; its account is TestAccount.
const (
	TestKey     = "test-key-0123456789"
	TestAccount = "owner@example.com"
)

// Options configures a fake.
type Options struct {
	// Keys maps accepted API keys to account emails; {TestKey: TestAccount} when nil.
	// Each key is its own account with its own data.
	Keys map[string]string
	// NoAPIPlanKeys are keys whose account has no API access (403).
	NoAPIPlanKeys []string
	// Now fixes the clock (seeding, time slots, "past" checks); time.Now when nil.
	Now func() time.Time
	// Seed makes the generated data differ; 1 when zero.
	Seed uint64
	// RecordLimit bounds the requests Requests keeps (the newest): 10,000
	// when zero; a negative value keeps none (RequestCount still counts).
	RecordLimit int
	// MaxObjects bounds what writes add to each account (bookings,
	// contacts, users, webhooks, one-time links, deleted objects): past it
	// the oldest are dropped. 0 leaves them unbounded (tests); the demo
	// sandbox sets it so that its memory stays bounded under load.
	MaxObjects int
	// OwnerCalendar adds the owner-calendar scenario to every account: the
	// account owner's own booking calendar with weekday-morning availability
	// and OwnerBookings bookings owned by them (see owner_calendar.go).
	OwnerCalendar bool
}

// DefaultRecordLimit is how many requests a fake keeps when
// Options.RecordLimit is zero.
const DefaultRecordLimit = 10_000

// Request is one request the fake received.
type Request struct {
	Method    string
	Path      string // without the /v2 prefix
	Query     url.Values
	APIKey    string
	Body      []byte
	RequestID string // the Request-Id header of the answer
}

// Server is the fake API. Mount it with httptest.NewServer(fake); the API base
// URL is then server.URL + "/v2".
type Server struct {
	opts Options
	mux  *http.ServeMux

	mu       sync.Mutex
	accounts map[string]*store // by API key
	requests []Request         // the newest, at most 2×RecordLimit (see record)

	reqSeq atomic.Int64 // requests received (RequestCount)
	faults faults       // injected faults and the rate-limit mode (faults.go)
}

// New returns a fake with seeded data for each key's account.
func New(opts Options) *Server {
	if opts.Keys == nil {
		opts.Keys = map[string]string{TestKey: TestAccount}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.RecordLimit == 0 {
		opts.RecordLimit = DefaultRecordLimit
	}
	s := &Server{opts: opts, mux: http.NewServeMux(), accounts: map[string]*store{}}
	i := uint64(0)
	keys := make([]string, 0, len(opts.Keys))
	for k := range opts.Keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		st := seed(opts.Seed+i, opts.Keys[k], opts.Now())
		if opts.OwnerCalendar {
			st.addOwnerCalendar(opts.Now())
		}
		st.maxObjects = opts.MaxObjects
		s.accounts[k] = st
		i++
	}
	s.routes()
	return s
}

// handle registers an API route (pattern without the /v2 prefix).
func (s *Server) handle(method, pattern string, h func(*call)) {
	s.mux.HandleFunc(method+" /v2"+pattern, func(w http.ResponseWriter, r *http.Request) {
		c := &call{w: w, r: r, s: s}
		s.mu.Lock()
		defer s.mu.Unlock()
		c.st = s.accounts[r.Header.Get("API-Key")]
		h(c)
		if c.st != nil {
			c.st.trim()
		}
	})
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := fmt.Sprintf("req_%06d", s.reqSeq.Add(1))
	w.Header().Set("Request-Id", requestID)
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	key := r.Header.Get("API-Key")
	s.mu.Lock()
	s.record(Request{Method: r.Method, Path: strings.TrimPrefix(r.URL.Path, "/v2"), Query: r.URL.Query(), APIKey: key, Body: body, RequestID: requestID})
	_, known := s.accounts[key]
	s.mu.Unlock()
	if s.serveFault(w, r, key) {
		return
	}
	if !known {
		writeError(w, http.StatusUnauthorized, "authentication_error", "Invalid API key.", "")
		return
	}
	for _, k := range s.opts.NoAPIPlanKeys {
		if k == key {
			writeError(w, http.StatusForbidden, "authentication_error", "Your account plan does not support API access. To use the OnceHub API, you must upgrade to the Enterprise plan.", "")
			return
		}
	}
	if _, pattern := s.mux.Handler(r); pattern == "" {
		writeError(w, http.StatusNotFound, "invalid_request_error", "Unrecognized request URL ("+r.Method+": "+r.URL.Path+").", "")
		return
	}
	s.mux.ServeHTTP(w, r)
}

// record keeps r among the newest RecordLimit requests. The oldest half is
// dropped when twice as many are held, so keeping one costs O(1). mu is held.
func (s *Server) record(r Request) {
	limit := s.opts.RecordLimit
	if limit < 0 {
		return
	}
	if len(s.requests) >= 2*limit {
		kept := make([]Request, limit, 2*limit)
		copy(kept, s.requests[len(s.requests)-limit:])
		s.requests = kept
	}
	s.requests = append(s.requests, r)
}

// Requests returns the requests received so far: the newest RecordLimit
// (Options.RecordLimit) of them.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	reqs := s.requests
	if s.opts.RecordLimit >= 0 && len(reqs) > s.opts.RecordLimit {
		reqs = reqs[len(reqs)-s.opts.RecordLimit:]
	}
	return append([]Request(nil), reqs...)
}

// RequestCount is how many requests the fake received, recorded or not.
func (s *Server) RequestCount() int64 { return s.reqSeq.Load() }

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.requests = nil
	s.mu.Unlock()
}

// call is one request being served, with its account's store (mu held).
type call struct {
	w  http.ResponseWriter
	r  *http.Request
	s  *Server
	st *store
}

func (c *call) now() time.Time { return c.s.opts.Now().UTC() }

func (c *call) json(status int, v any) {
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(status)
	_ = json.NewEncoder(c.w).Encode(v)
}

func (c *call) error(status int, typ, msg, param string) { writeError(c.w, status, typ, msg, param) }

func (c *call) badRequest(msg, param string) {
	c.error(http.StatusBadRequest, "invalid_request_error", msg, param)
}

func (c *call) notFound(kind, id string) {
	c.error(http.StatusNotFound, "invalid_request_error", fmt.Sprintf("No such %s: '%s'", kind, id), "id")
}

// lookup finds the object the path's {id} names in coll. A deleted one is
// answered with its redacted form (as OnceHub does), an unknown one with a
// 404 naming kind; false then, the answer being sent.
func (c *call) lookup(coll []obj, kind string) (obj, bool) {
	id := c.r.PathValue("id")
	if red, gone := c.st.deleted[id]; gone {
		c.json(http.StatusOK, red)
		return nil, false
	}
	o := find(coll, id)
	if o == nil {
		c.notFound(kind, id)
		return nil, false
	}
	return o, true
}

// decode reads a JSON body into v; false (and a 400 sent) when it is not JSON.
func (c *call) decode(v any) bool {
	body, _ := io.ReadAll(c.r.Body)
	if len(strings.TrimSpace(string(body))) == 0 {
		return true
	}
	if err := json.Unmarshal(body, v); err != nil {
		c.badRequest("Request body is not valid JSON.", "")
		return false
	}
	return true
}

func writeError(w http.ResponseWriter, status int, typ, msg, param string) {
	body := map[string]any{"type": typ, "message": msg}
	if param != "" {
		body["param"] = param
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// obj is a OnceHub object as JSON-ready data.
type obj = map[string]any

// page serves a list with OnceHub's cursor paging over items (already
// filtered, newest first): limit, after, before, has_more and the Link header.
func (c *call) page(items []obj) {
	q := c.r.URL.Query()
	limit := 10
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			c.badRequest("Limit must be between 1 and 100.", "limit")
			return
		}
		limit = n
	}
	after, before := q.Get("after"), q.Get("before")
	if after != "" && before != "" {
		c.badRequest("You may only specify one of these parameters: after, before.", "after")
		return
	}
	index := func(id string) int {
		for i, it := range items {
			if it["id"] == id {
				return i
			}
		}
		return -1
	}
	var window []obj
	hasMore := false
	startIdx := 0
	switch {
	case after != "":
		i := index(after)
		if i < 0 {
			c.badRequest(fmt.Sprintf("No such object: '%s'", after), "after")
			return
		}
		startIdx = i + 1
		end := min(startIdx+limit, len(items))
		window, hasMore = items[startIdx:end], end < len(items)
	case before != "":
		i := index(before)
		if i < 0 {
			c.badRequest(fmt.Sprintf("No such object: '%s'", before), "before")
			return
		}
		startIdx = max(0, i-limit)
		window, hasMore = items[startIdx:i], startIdx > 0
	default:
		end := min(limit, len(items))
		window, hasMore = items[:end], end < len(items)
	}
	var links []string
	base := *c.r.URL
	link := func(rel, param, id string) {
		v := base.Query()
		v.Del("after")
		v.Del("before")
		v.Set(param, id)
		u := url.URL{Scheme: "https", Host: "api.oncehub.com", Path: base.Path, RawQuery: v.Encode()}
		if c.r.Host != "" {
			u.Scheme, u.Host = "http", c.r.Host
		}
		links = append(links, fmt.Sprintf(`<%s>; rel="%s"`, u.String(), rel))
	}
	if len(window) > 0 {
		if startIdx+len(window) < len(items) {
			link("next", "after", window[len(window)-1]["id"].(string))
		}
		if startIdx > 0 {
			link("previous", "before", window[0]["id"].(string))
		}
	}
	if len(links) > 0 {
		c.w.Header().Set("Link", strings.Join(links, ", "))
	}
	if window == nil {
		window = []obj{}
	}
	c.json(http.StatusOK, obj{"object": "list", "data": window, "has_more": hasMore})
}

// dateBounds applies `<field>.gt` / `<field>.lt` date (YYYY-MM-DD) or
// date-time filters; false (and a 400 sent) when malformed or inverted.
func (c *call) dateBounds(field string) (gt, lt time.Time, ok bool) {
	q := c.r.URL.Query()
	parse := func(name string) (time.Time, bool) {
		v := q.Get(name)
		if v == "" {
			return time.Time{}, true
		}
		for _, layout := range []string{time.DateOnly, time.RFC3339Nano} {
			if t, err := time.Parse(layout, v); err == nil {
				return t, true
			}
		}
		c.badRequest(fmt.Sprintf("Invalid date format for '%s'.", name), name)
		return time.Time{}, false
	}
	if gt, ok = parse(field + ".gt"); !ok {
		return
	}
	if lt, ok = parse(field + ".lt"); !ok {
		return
	}
	if !gt.IsZero() && !lt.IsZero() && gt.After(lt) {
		c.badRequest(fmt.Sprintf("'%s.gt' must be earlier than '%s.lt'.", field, field), field+".gt")
		return gt, lt, false
	}
	return gt, lt, true
}

// timeBounds reads the `.gt` / `.lt` filters of every field (see dateBounds)
// and returns a test that an object lies within all of them; false (and a 400
// sent) when one is malformed or inverted.
func (c *call) timeBounds(fields ...string) (within func(obj) bool, ok bool) {
	type bound struct {
		field  string
		gt, lt time.Time
	}
	bounds := make([]bound, len(fields))
	for i, f := range fields {
		gt, lt, ok := c.dateBounds(f)
		if !ok {
			return nil, false
		}
		bounds[i] = bound{f, gt, lt}
	}
	return func(o obj) bool {
		for _, b := range bounds {
			if !inBounds(o[b.field], b.gt, b.lt) {
				return false
			}
		}
		return true
	}, true
}

// inBounds reports whether the RFC 3339 time value v lies within (gt, lt).
func inBounds(v any, gt, lt time.Time) bool {
	if gt.IsZero() && lt.IsZero() {
		return true
	}
	s, _ := v.(string)
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return false
	}
	return (gt.IsZero() || t.After(gt)) && (lt.IsZero() || t.Before(lt))
}

// expandParam returns the fields named in ?expand=, without a "data." prefix
// (list calls) and checked against allowed; false (and a 400 sent) otherwise.
func (c *call) expandParam(list bool, allowed ...string) ([]string, bool) {
	v := c.r.URL.Query().Get("expand")
	if v == "" {
		return nil, true
	}
	var out []string
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		if list {
			if !strings.HasPrefix(f, "data.") {
				c.badRequest(fmt.Sprintf("Expansion path '%s' must start with 'data.' on list requests.", f), "expand")
				return nil, false
			}
			f = strings.TrimPrefix(f, "data.")
		}
		ok := false
		for _, a := range allowed {
			ok = ok || a == f
		}
		if !ok {
			c.badRequest(fmt.Sprintf("This property cannot be expanded (%s).", f), "expand")
			return nil, false
		}
		out = append(out, f)
	}
	return out, true
}

// copyObj returns a shallow copy of o (so expansion never changes the store).
func copyObj(o obj) obj {
	out := make(obj, len(o))
	for k, v := range o {
		out[k] = v
	}
	return out
}
