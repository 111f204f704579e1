// Package oncehub is a client for OnceHub API v2 (https://api.oncehub.com/v2).
//
// One Client (one http.Client, one connection pool) serves every caller. The API
// key is not part of the client: it travels in the context of each call (see
// WithAPIKey), so tenants share the pool but never a key.
//
// The API is grouped by resource, as OnceHub's documentation groups it:
//
//	c, _ := oncehub.New(oncehub.Config{})
//	ctx = oncehub.WithAPIKey(ctx, key)
//	bookings, resp, err := c.Bookings.List(ctx, &oncehub.BookingListOptions{Status: oncehub.BookingScheduled})
//	b, resp, err := c.Bookings.Cancel(ctx, "BKNG-…", &oncehub.CancelRequest{Reason: "ill"})
//	for b, err := range c.Bookings.ListAll(ctx, nil).Items(500) { … }
//
// Every method returns what OnceHub answered besides the body in a *Response
// (Request-Id, rate-limit headers, paging cursors), on success and, when an
// answer arrived, on failure. Failures are a *ParamError (refused before
// anything was sent, naming OnceHub's parameter), an *APIError (OnceHub
// answered with an error) or a *TransportError (no usable answer).
package oncehub

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-querystring/query"
)

// DefaultBaseURL is OnceHub's production API.
const DefaultBaseURL = "https://api.oncehub.com/v2"

// DefaultMaxResponseBytes caps how much of a response body the client reads.
const DefaultMaxResponseBytes = 8 << 20

// Config configures a Client. The zero value (plus a version) is usable.
type Config struct {
	// BaseURL of the API; DefaultBaseURL when empty. Must be https unless the
	// host is loopback (tests, the demo sandbox).
	BaseURL string
	// Timeout bounds one HTTP request (each attempt); 30 s when zero.
	Timeout time.Duration
	// Version goes into the User-Agent header (oncehub-mcp/<version>).
	Version string
	// MaxResponseBytes caps a response body; DefaultMaxResponseBytes when zero.
	MaxResponseBytes int64
	// Transport overrides the HTTP transport (tests, the demo's in-memory fake).
	Transport http.RoundTripper
	// Retry governs retries of requests that failed before or without side effects.
	Retry RetryPolicy
	// Limiter paces requests per account; nil means no pacing.
	Limiter Limiter
	// Observer, when set, is told about every upstream attempt (metrics, logs).
	Observer func(Attempt)
	// Fingerprints labels keys in Attempt and keys the rate limits, the key
	// memory and the cache; one with a random key (this process only) when nil.
	Fingerprints *Fingerprinter
	// MaxRateWait bounds how long one request waits for its turn under the
	// rate limits (Limiter, Budget), besides the call's deadline: a turn
	// further away fails at once with a *RateWaitError. 0: only the deadline.
	MaxRateWait time.Duration
	// Budget, when set, is a limit shared by every account the client
	// serves (OnceHub's per-IP limit), taken after the Limiter's turn.
	Budget Budget
	// Keys, when set, remembers the keys OnceHub rejected (401), which are
	// then refused without a request, and the keys it accepted.
	Keys *KeyMemory
	// Cache, when set, keeps answers to reads of reference data (see Cache).
	Cache *Cache
}

// Attempt describes one upstream HTTP attempt, for metrics and logs. It never
// carries the API key, only its fingerprint.
type Attempt struct {
	Method      string
	Route       string // path with IDs replaced by {id}
	Status      int    // 0 when no response arrived
	RequestID   string
	Duration    time.Duration
	Fingerprint string
	Err         error
	Try         int           // 1 for the first attempt, 2 for the first retry, …
	RateWait    time.Duration // time spent waiting for the rate limits before it
}

// Client talks to OnceHub API v2. It is safe for concurrent use.
type Client struct {
	base      *url.URL
	http      *http.Client
	timeout   time.Duration // of one attempt
	userAgent string
	maxBody   int64
	retry     RetryPolicy
	limiter   Limiter
	budget    Budget
	maxWait   time.Duration // of one request for its turn (Config.MaxRateWait)
	observe   func(Attempt)
	fps       *Fingerprinter
	keys      *KeyMemory
	cache     *Cache

	common service // shared by every service below

	// Services, one per OnceHub resource.
	Bookings         *BookingsService
	BookingCalendars *BookingCalendarsService
	BookingPages     *BookingPagesService
	EventTypes       *EventTypesService
	MasterPages      *MasterPagesService
	Users            *UsersService
	Teams            *TeamsService
	Contacts         *ContactsService
	Webhooks         *WebhooksService
	SMSNotifications *SMSNotificationsService
}

// service is what every resource's service holds: the client.
type service struct{ client *Client }

// NewTransport returns the HTTP transport the client uses when Config has
// none: http.DefaultTransport's settings, with more idle connections kept per
// host (every call goes to the one API host).
func NewTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	return t
}

// New builds a Client, refusing a base URL that is not HTTPS (unless loopback).
func New(cfg Config) (*Client, error) {
	raw := cfg.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err := parseBaseURL(raw)
	if err != nil {
		return nil, err
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	tr := cfg.Transport
	if tr == nil {
		tr = NewTransport()
	}
	maxBody := cfg.MaxResponseBytes
	if maxBody <= 0 {
		maxBody = DefaultMaxResponseBytes
	}
	version := cfg.Version
	if version == "" {
		version = "dev"
	}
	c := &Client{
		base: base,
		// The timeout of an attempt is a context deadline (see once), not
		// http.Client.Timeout: with a RoundTripper net/http does not know (the
		// metrics wrapper is one), Client.Timeout costs a goroutine, a timer
		// and two channels per request.
		timeout: timeout,
		http: &http.Client{
			Transport: tr,
			// Never follow a redirect: it could downgrade to plain HTTP or carry
			// the API-Key header to another host.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		userAgent: "oncehub-mcp/" + version,
		maxBody:   maxBody,
		retry:     cfg.Retry.withDefaults(),
		limiter:   cfg.Limiter,
		budget:    cfg.Budget,
		maxWait:   cfg.MaxRateWait,
		observe:   cfg.Observer,
		fps:       cfg.Fingerprints,
		keys:      cfg.Keys,
		cache:     cfg.Cache,
	}
	if c.fps == nil {
		c.fps = NewFingerprinter(nil)
	}
	c.common.client = c
	c.Bookings = (*BookingsService)(&c.common)
	c.BookingCalendars = (*BookingCalendarsService)(&c.common)
	c.BookingPages = (*BookingPagesService)(&c.common)
	c.EventTypes = (*EventTypesService)(&c.common)
	c.MasterPages = (*MasterPagesService)(&c.common)
	c.Users = (*UsersService)(&c.common)
	c.Teams = (*TeamsService)(&c.common)
	c.Contacts = (*ContactsService)(&c.common)
	c.Webhooks = (*WebhooksService)(&c.common)
	c.SMSNotifications = (*SMSNotificationsService)(&c.common)
	return c, nil
}

// parseBaseURL parses an API base URL and refuses plain HTTP to anything but a
// loopback host.
func parseBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("base URL %q is not an absolute URL", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("base URL must use https (OnceHub rejects plain HTTP); http is allowed only for loopback hosts, got %q", u.Host)
		}
	default:
		return nil, fmt.Errorf("base URL must be an https URL, got scheme %q", u.Scheme)
	}
	return u, nil
}

// IsLoopbackHost reports whether host is localhost or a loopback IP.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// BaseURL returns the API base URL the client sends requests to.
func (c *Client) BaseURL() string { return c.base.String() }

type apiKeyCtx struct{}

// WithAPIKey returns a context that carries the OnceHub API key for calls made with it.
func WithAPIKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, apiKeyCtx{}, strings.TrimSpace(key))
}

// APIKeyFrom returns the API key carried by ctx.
func APIKeyFrom(ctx context.Context) (string, bool) {
	k, ok := ctx.Value(apiKeyCtx{}).(string)
	return k, ok && k != ""
}

// Fingerprint labels key for logs and metrics with the client's
// Fingerprinter (see Config.Fingerprints); it never reveals the key.
func (c *Client) Fingerprint(key string) string { return c.fps.Fingerprint(key) }

// ErrNoAPIKey is returned (before any request is made) when the call's context
// carries no API key (see WithAPIKey).
var ErrNoAPIKey = errors.New("no OnceHub API key in the call's context")

// ErrMalformedAPIKey is returned (before any request is made) for a key with
// a character that is not visible ASCII: a space, tab or line break inside
// it, or a non-ASCII byte. No OnceHub key has one; it was copied wrongly.
var ErrMalformedAPIKey = errors.New("the OnceHub API key contains a character that is not visible ASCII " +
	"(a space, tab or line break inside it, or a non-ASCII byte); check that it was copied whole and without extra characters")

// checkKey refuses a key with a byte outside visible ASCII (0x21–0x7E).
func checkKey(key string) error {
	for i := 0; i < len(key); i++ {
		if b := key[i]; b < 0x21 || b > 0x7e {
			return ErrMalformedAPIKey
		}
	}
	return nil
}

type tenantCtx struct{}

// WithTenant names who the calls made with ctx are for (a fingerprint, never
// a credential), when one client serves several callers: limits they share
// (see Budget) are divided fairly between tenants. Without it, the key's
// fingerprint is the tenant.
func WithTenant(ctx context.Context, tenant string) context.Context {
	return context.WithValue(ctx, tenantCtx{}, tenant)
}

// TenantFrom returns the tenant ctx names (see WithTenant).
func TenantFrom(ctx context.Context) (string, bool) {
	t, ok := ctx.Value(tenantCtx{}).(string)
	return t, ok && t != ""
}

// Response is what OnceHub answered besides the decoded body. It is not an
// *http.Response on purpose: that one's Request carries the API key.
type Response struct {
	StatusCode int
	Header     http.Header
	// RequestID is the Request-Id header; OnceHub support asks for it.
	RequestID string
	// Rate is the rate-limit state OnceHub reported, when it sent the headers.
	Rate Rate

	// Lists only (from the envelope's has_more and the Link header).
	HasMore    bool   // more items exist in the paging direction
	NextCursor string // pass as ListOptions.After for the next (older) page; "" when none
	PrevCursor string // pass as ListOptions.Before for the previous (newer) page; "" when none
}

// Rate is a rate-limit state: RateLimit-* or X-RateLimit-* headers. Zero
// fields were not sent.
type Rate struct {
	Limit     int       // requests allowed in the window
	Remaining int       // requests left in the window
	Reset     time.Time // when the window resets
}

func newResponse(r *http.Response) *Response {
	return &Response{StatusCode: r.StatusCode, Header: r.Header, RequestID: r.Header.Get("Request-Id"), Rate: parseRate(r.Header)}
}

func parseRate(h http.Header) Rate {
	var rate Rate
	for _, prefix := range []string{"RateLimit-", "X-RateLimit-"} {
		limit, err1 := strconv.Atoi(h.Get(prefix + "Limit"))
		remaining, err2 := strconv.Atoi(h.Get(prefix + "Remaining"))
		if err1 != nil && err2 != nil {
			continue
		}
		rate.Limit, rate.Remaining = limit, remaining
		if reset, err := strconv.ParseInt(h.Get(prefix+"Reset"), 10, 64); err == nil && reset >= 0 {
			if prefix == "RateLimit-" || reset < 1e9 { // seconds from now (IETF draft) or a Unix time
				rate.Reset = time.Now().Add(time.Duration(min(reset, 86400)) * time.Second).Truncate(time.Second)
			} else {
				rate.Reset = time.Unix(reset, 0)
			}
		}
		break
	}
	return rate
}

// request describes one API call.
type request struct {
	method string
	route  string // path template relative to the base URL, e.g. "/bookings/{id}/cancel"
	id     string // the {id}, already checked (see checkID)
	opts   any    // query options: a struct with url tags, or nil
	body   any
	// emptyOK: a 2xx answer with an empty body is success and leaves out as it was.
	emptyOK bool
}

// path is the route with its {id} filled in, escaped.
func (r request) path() string {
	if r.id == "" {
		return r.route
	}
	return strings.Replace(r.route, "{id}", url.PathEscape(r.id), 1)
}

// addOptions encodes opts (a struct, or a pointer to one, whose fields carry
// url tags) as a query. This is the one place query options are encoded.
func addOptions(opts any) (url.Values, error) {
	if opts == nil {
		return nil, nil
	}
	return query.Values(opts)
}

// do sends req with the context's key, retrying only when it is safe, and
// decodes a 2xx JSON body into out (unless out is nil). A key OnceHub
// rejected moments ago is refused without a request (Config.Keys), and a
// read of reference data may be answered from the cache (Config.Cache).
func (c *Client) do(ctx context.Context, req request, out any) (*Response, error) {
	key, ok := APIKeyFrom(ctx)
	if !ok {
		return nil, ErrNoAPIKey
	}
	if err := checkKey(key); err != nil {
		return nil, err
	}
	var payload []byte
	if req.body != nil {
		b, err := json.Marshal(req.body)
		if err != nil {
			return nil, fmt.Errorf("encoding %s %s body: %w", req.method, req.route, err)
		}
		payload = b
	}
	q, err := addOptions(req.opts)
	if err != nil {
		return nil, fmt.Errorf("encoding %s %s query: %w", req.method, req.route, err)
	}
	path := req.path()
	u := *c.base
	u.Path = c.base.Path + path
	u.RawPath = c.base.EscapedPath() + path
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	acct := c.fps.Sum(key)
	s := &sending{req: req, u: &u, key: key, acct: acct, fp: labelOf("key:", acct), payload: payload}
	if c.keys != nil {
		if e := c.keys.rejected(acct); e != nil {
			return nil, e
		}
	}
	if c.cache != nil {
		if req.method != http.MethodGet {
			// Whatever the answer, the write may have changed reference data.
			defer c.cache.invalidate(acct)
		} else if c.cache.holds(req.route) {
			return c.cached(ctx, s, out)
		}
	}
	return c.send(ctx, s, func(data []byte) error { return decodeInto(req, data, out) })
}

// sending is one request being sent, with everything its attempts share.
type sending struct {
	req     request
	u       *url.URL
	key     string
	acct    [sha256.Size]byte // the key's HMAC (Fingerprinter.Sum)
	fp      string            // the key's label
	payload []byte
}

// send makes the attempts of s, retrying only when it is safe; sink takes
// the body of a 2xx answer (an error from it fails the attempt).
func (c *Client) send(ctx context.Context, s *sending, sink func([]byte) error) (*Response, error) {
	req := s.req
	for attempt := 0; ; attempt++ {
		waited, err := c.waitTurn(ctx, s.fp)
		if err != nil {
			return nil, &TransportError{Op: req.method + " " + req.route, Sent: false, Err: err}
		}
		resp, err := c.once(ctx, s, sink, attempt+1, waited)
		if c.keys != nil && resp != nil {
			c.keys.record(s.acct, err)
		}
		if err == nil {
			return resp, nil
		}
		if apiErr, ok := errors.AsType[*APIError](err); ok && apiErr.Status == http.StatusTooManyRequests && apiErr.RetryAfter > 0 {
			// Hold back every call for this account, not just this one.
			if p, ok := c.limiter.(Pauser); ok {
				p.Pause(s.fp, apiErr.RetryAfter)
			}
			// A long pause is not the per-account limit's (a second at most):
			// the shared budget (OnceHub's per-IP limit) is spent.
			if p, ok := c.budget.(BudgetPauser); ok && apiErr.RetryAfter > budgetPauseOver {
				p.Pause(apiErr.RetryAfter)
			}
		}
		wait, retry := c.retry.shouldRetry(ctx, req.method, attempt, err)
		if !retry {
			return resp, err
		}
		if sleepCtx(ctx, wait) != nil {
			return resp, err
		}
	}
}

// budgetPauseOver is the shortest Retry-After taken to mean that the shared
// budget, not the account's rate, is spent.
const budgetPauseOver = 5 * time.Second

// waitTurn waits for the request's turn under the per-account limit, then
// under the shared budget, within Config.MaxRateWait and ctx's deadline.
func (c *Client) waitTurn(ctx context.Context, fp string) (time.Duration, error) {
	if c.limiter == nil && c.budget == nil {
		return 0, nil
	}
	start := time.Now()
	wctx := ctx
	if c.maxWait > 0 {
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, c.maxWait)
		defer cancel()
	}
	if c.limiter != nil {
		if err := c.limiter.Wait(wctx, fp); err != nil {
			return 0, err
		}
	}
	if c.budget != nil {
		tenant, ok := TenantFrom(ctx)
		if !ok {
			tenant = fp
		}
		if err := c.budget.Take(wctx, tenant); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

// once performs a single attempt; sink takes the body of a 2xx answer.
func (c *Client) once(ctx context.Context, s *sending, sink func([]byte) error, try int, waited time.Duration) (*Response, error) {
	req, fp := s.req, s.fp
	var body io.Reader
	if s.payload != nil {
		body = bytes.NewReader(s.payload)
	}
	// The attempt's deadline covers reading the body too: cancel runs when
	// once returns, after the body is read.
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	tracker := &sentTracker{}
	op := req.method + " " + req.route
	hreq, err := http.NewRequestWithContext(withSentTracker(ctx, tracker), req.method, s.u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("building %s: %w", op, err)
	}
	hreq.Header.Set("API-Key", s.key)
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("User-Agent", c.userAgent)
	if s.payload != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}

	start := time.Now()
	hresp, err := c.http.Do(hreq)
	if err != nil {
		terr := &TransportError{Op: op, Sent: tracker.maybeSent(), Err: scrubURLError(err)}
		c.report(req, try, waited, 0, "", fp, start, terr)
		return nil, terr
	}
	defer hresp.Body.Close()
	resp := newResponse(hresp)
	fail := func(err error) (*Response, error) {
		c.report(req, try, waited, hresp.StatusCode, resp.RequestID, fp, start, err)
		return resp, err
	}
	if hresp.StatusCode >= 300 && hresp.StatusCode <= 399 {
		return fail(&TransportError{Op: op, Sent: true, Status: hresp.StatusCode, RequestID: resp.RequestID,
			Err: &redirectError{status: hresp.StatusCode, target: redirectTarget(hresp.Header.Get("Location"))}})
	}
	var data []byte
	var readErr error
	if hresp.ContentLength > c.maxBody {
		readErr = fmt.Errorf("response body of %d bytes is larger than the %d-byte cap", hresp.ContentLength, c.maxBody)
	} else {
		data, readErr = io.ReadAll(io.LimitReader(hresp.Body, c.maxBody+1))
		if readErr == nil && int64(len(data)) > c.maxBody {
			readErr = fmt.Errorf("response body larger than the %d-byte cap", c.maxBody)
		}
	}
	if readErr != nil {
		return fail(&TransportError{Op: op, Sent: true, Status: hresp.StatusCode, RequestID: resp.RequestID, Err: readErr})
	}
	if hresp.StatusCode < 200 || hresp.StatusCode > 299 {
		return fail(decodeAPIError(hresp, data))
	}
	if err := sink(data); err != nil {
		return fail(&TransportError{Op: op, Sent: true, Status: hresp.StatusCode, RequestID: resp.RequestID, Err: err})
	}
	c.report(req, try, waited, hresp.StatusCode, resp.RequestID, fp, start, nil)
	return resp, nil
}

// ErrEmptyAnswer is in the chain of the error for a 2xx answer without the
// object it should carry: an empty body or JSON null. For a write, the
// change may have been made all the same.
var ErrEmptyAnswer = errors.New("OnceHub answered with success but without the expected object (an empty or null body)")

// decodeInto decodes the body of a 2xx answer to req into out (nothing when
// out is nil). An empty or null body is an error unless req.emptyOK.
func decodeInto(req request, data []byte, out any) error {
	if out == nil {
		return nil
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		if req.emptyOK {
			return nil
		}
		return ErrEmptyAnswer
	}
	if err := decodeBody(data, out); err != nil {
		return fmt.Errorf("OnceHub sent a response that is not the JSON expected: %w", err)
	}
	return nil
}

// decodeBody decodes a response body into out. An object decoded by its own
// UnmarshalJSON (every OnceHub object type: see decodeObject) is handed the
// body directly: json.Unmarshal would first scan the whole body to validate
// it, and the method's own json.Unmarshal scans it again.
func decodeBody(data []byte, out any) error {
	if u, ok := out.(json.Unmarshaler); ok {
		if i := skipSpace(data, 0); i < len(data) && data[i] == '{' {
			return u.UnmarshalJSON(data)
		}
	}
	return json.Unmarshal(data, out)
}

func (c *Client) report(req request, try int, waited time.Duration, status int, requestID, fp string, start time.Time, err error) {
	if c.observe == nil {
		return
	}
	c.observe(Attempt{Method: req.method, Route: req.route, Status: status, RequestID: requestID,
		Duration: time.Since(start), Fingerprint: fp, Err: err, Try: try, RateWait: waited})
}

// scrubURLError drops the URL from a *url.Error (it carries query values such as
// contact emails) while keeping the cause chain for errors.Is/As.
func scrubURLError(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return ue.Err
	}
	return err
}

// redirectTarget names where a redirect pointed (scheme and host only: the
// path and query may carry data).
func redirectTarget(loc string) string {
	u, err := url.Parse(loc)
	if err != nil || u.Host == "" {
		return ""
	}
	return " to " + u.Scheme + "://" + u.Host
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// get fetches the object at route ("/users/{id}") with the given ID.
func get[T any](ctx context.Context, c *Client, route, prefix, id string) (T, *Response, error) {
	var out T
	if err := checkID("id", prefix, id); err != nil {
		return out, nil, err
	}
	resp, err := c.do(ctx, request{method: "GET", route: route, id: id}, &out)
	return out, resp, err
}

// del deletes the object at route ("/contacts/{id}") with the given ID.
func del(ctx context.Context, c *Client, route, prefix, id string) (DeletedObject, *Response, error) {
	var out DeletedObject
	if err := checkID("id", prefix, id); err != nil {
		return out, nil, err
	}
	resp, err := c.do(ctx, request{method: "DELETE", route: route, id: id}, &out)
	return out, resp, err
}
