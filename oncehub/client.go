// Package oncehub is a client for OnceHub API v2 (https://api.oncehub.com/v2).
//
// One Client (one http.Client, one connection pool) serves every caller. The API
// key is not part of the client: it travels in the context of each call (see
// WithAPIKey), so tenants share the pool but never a key.
package oncehub

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
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
	RateWait    time.Duration // time spent waiting for the rate limiter before it
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
	observe   func(Attempt)
}

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
	base, err := CheckBaseURL(raw)
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
	return &Client{
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
		observe:   cfg.Observer,
	}, nil
}

// CheckBaseURL parses an API base URL and refuses plain HTTP to anything but a
// loopback host.
func CheckBaseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("ONCEHUB_API_URL %q is not an absolute URL", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("ONCEHUB_API_URL must use https (OnceHub rejects plain HTTP); http is allowed only for loopback hosts, got %q", u.Host)
		}
	default:
		return nil, fmt.Errorf("ONCEHUB_API_URL must be an https URL, got scheme %q", u.Scheme)
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

// Fingerprint is a short, non-reversible label for an API key, safe for logs
// and metrics ("key:" + 8 hex digits of its SHA-256).
func Fingerprint(key string) string {
	if key == "" {
		return "none"
	}
	sum := sha256.Sum256([]byte(key))
	return "key:" + hex.EncodeToString(sum[:4])
}

// ErrNoAPIKey is returned (before any request is made) when the call's context
// carries no API key.
var ErrNoAPIKey = errors.New("no OnceHub API key: set ONCEHUB_API_KEY (stdio) or send an API-Key / Authorization: Bearer header (HTTP). " +
	"Create a key in OnceHub under the gear icon → Account Integrations → APIs & Webhooks")

// Response is what a call learned from OnceHub besides the decoded body.
type Response struct {
	Status    int
	RequestID string
	Header    http.Header
}

// request describes one API call.
type request struct {
	method string
	path   string // relative to the base URL, already escaped, e.g. "/bookings/BKNG-1"
	route  string // path pattern for metrics, e.g. "/bookings/{id}"
	query  url.Values
	body   any
	// emptyOK: a 2xx answer with an empty body is success and leaves out as it was.
	emptyOK bool
}

// do sends req with the context's key, retrying only when it is safe, and
// decodes a 2xx JSON body into out (unless out is nil).
func (c *Client) do(ctx context.Context, req request, out any) (*Response, error) {
	key, ok := APIKeyFrom(ctx)
	if !ok {
		return nil, ErrNoAPIKey
	}
	var payload []byte
	if req.body != nil {
		b, err := json.Marshal(req.body)
		if err != nil {
			return nil, fmt.Errorf("encoding %s %s body: %w", req.method, req.route, err)
		}
		payload = b
	}
	u := *c.base
	u.Path = c.base.Path + req.path
	u.RawPath = c.base.EscapedPath() + req.path
	if len(req.query) > 0 {
		u.RawQuery = req.query.Encode()
	}
	fp := Fingerprint(key)

	for attempt := 0; ; attempt++ {
		var waited time.Duration
		if c.limiter != nil {
			start := time.Now()
			if err := c.limiter.Wait(ctx, fp); err != nil {
				return nil, &TransportError{Op: req.method + " " + req.route, Sent: false, Err: err}
			}
			waited = time.Since(start)
		}
		resp, err := c.once(ctx, req, &u, key, fp, payload, out, attempt+1, waited)
		if err == nil {
			return resp, nil
		}
		if apiErr, ok := AsAPIError(err); ok && apiErr.Status == http.StatusTooManyRequests && apiErr.RetryAfter > 0 {
			// Hold back every call for this account, not just this one.
			if p, ok := c.limiter.(Pauser); ok {
				p.Pause(fp, apiErr.RetryAfter)
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

// once performs a single attempt.
func (c *Client) once(ctx context.Context, req request, u *url.URL, key, fp string, payload []byte, out any, try int, waited time.Duration) (*Response, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	// The attempt's deadline covers reading the body too: cancel runs when
	// once returns, after the body is read.
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	tracker := &sentTracker{}
	hreq, err := http.NewRequestWithContext(withSentTracker(ctx, tracker), req.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("building %s %s: %w", req.method, req.route, err)
	}
	hreq.Header.Set("API-Key", key)
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("User-Agent", c.userAgent)
	if payload != nil {
		hreq.Header.Set("Content-Type", "application/json")
	}

	start := time.Now()
	hresp, err := c.http.Do(hreq)
	if err != nil {
		terr := &TransportError{Op: req.method + " " + req.route, Sent: tracker.maybeSent(), Err: scrubURLError(err)}
		c.report(req, try, waited, 0, "", fp, start, terr)
		return nil, terr
	}
	defer hresp.Body.Close()
	resp := &Response{Status: hresp.StatusCode, RequestID: hresp.Header.Get("Request-Id"), Header: hresp.Header}
	if hresp.StatusCode >= 300 && hresp.StatusCode <= 399 {
		terr := &TransportError{Op: req.method + " " + req.route, Sent: true, Status: hresp.StatusCode, RequestID: resp.RequestID,
			Err: fmt.Errorf("OnceHub answered %d with a redirect%s, which is never followed (it could leak the API key or downgrade to plain HTTP); check ONCEHUB_API_URL",
				hresp.StatusCode, redirectTarget(hresp.Header.Get("Location")))}
		c.report(req, try, waited, hresp.StatusCode, resp.RequestID, fp, start, terr)
		return resp, terr
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
		terr := &TransportError{Op: req.method + " " + req.route, Sent: true, Status: hresp.StatusCode, RequestID: resp.RequestID, Err: readErr}
		c.report(req, try, waited, hresp.StatusCode, resp.RequestID, fp, start, terr)
		return resp, terr
	}
	if hresp.StatusCode < 200 || hresp.StatusCode > 299 {
		apiErr := decodeAPIError(hresp, data)
		c.report(req, try, waited, hresp.StatusCode, resp.RequestID, fp, start, apiErr)
		return resp, apiErr
	}
	if out != nil && !(req.emptyOK && len(bytes.TrimSpace(data)) == 0) {
		if err := decodeBody(data, out); err != nil {
			derr := &TransportError{Op: req.method + " " + req.route, Sent: true, Status: hresp.StatusCode, RequestID: resp.RequestID,
				Err: fmt.Errorf("OnceHub sent a response that is not the JSON expected: %w", err)}
			c.report(req, try, waited, hresp.StatusCode, resp.RequestID, fp, start, derr)
			return resp, derr
		}
	}
	c.report(req, try, waited, hresp.StatusCode, resp.RequestID, fp, start, nil)
	return resp, nil
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
	var ue *url.Error
	if errors.As(err, &ue) {
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
