package oncehub

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// OnceHub error types (the "type" field of an error body).
const (
	ErrTypeAuthentication = "authentication_error"
	ErrTypeInvalidRequest = "invalid_request_error"
	ErrTypeRateLimit      = "rate_limit_error"
	ErrTypeAPI            = "api_error"
)

// APIError is a non-2xx answer from OnceHub.
type APIError struct {
	Status     int    // HTTP status
	Type       string // OnceHub error type, e.g. invalid_request_error
	Message    string // OnceHub's message
	Param      string // the field at fault, when OnceHub names one
	RequestID  string // the Request-Id response header; OnceHub support asks for it
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "OnceHub answered %d", e.Status)
	if e.Type != "" {
		fmt.Fprintf(&b, " %s", e.Type)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Param != "" {
		fmt.Fprintf(&b, " (param: %s)", e.Param)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [Request-Id: %s]", e.RequestID)
	}
	return b.String()
}

// Problem says what kind of refusal an APIError is, so callers can act on
// it without knowing HTTP status codes.
type Problem int

// Problems, by the status OnceHub answers with.
const (
	ProblemOther         Problem = iota
	ProblemBadRequest            // 400: an argument is wrong (param names it)
	ProblemUnauthorized          // 401: the key is missing or invalid
	ProblemNoAPIAccess           // 403 authentication_error: the plan has no API access
	ProblemForbidden             // 403 otherwise: not allowed for this key or account
	ProblemNoSeat                // 402: the host has no paid seat
	ProblemNotFound              // 404
	ProblemConflict              // 409: conflicts with the current state
	ProblemGone                  // 410: the object was deleted
	ProblemUnprocessable         // 422: not possible in the current configuration
	ProblemRateLimited           // 429
	ProblemUpstream              // 5xx: OnceHub is having trouble
)

// Problem classifies the error.
func (e *APIError) Problem() Problem {
	switch {
	case e.Status == http.StatusBadRequest:
		return ProblemBadRequest
	case e.Status == http.StatusUnauthorized:
		return ProblemUnauthorized
	case e.Status == http.StatusForbidden && e.Type == ErrTypeAuthentication:
		return ProblemNoAPIAccess
	case e.Status == http.StatusForbidden:
		return ProblemForbidden
	case e.Status == http.StatusPaymentRequired:
		return ProblemNoSeat
	case e.Status == http.StatusNotFound:
		return ProblemNotFound
	case e.Status == http.StatusConflict:
		return ProblemConflict
	case e.Status == http.StatusGone:
		return ProblemGone
	case e.Status == http.StatusUnprocessableEntity:
		return ProblemUnprocessable
	case e.Status == http.StatusTooManyRequests:
		return ProblemRateLimited
	case e.Status >= 500:
		return ProblemUpstream
	}
	return ProblemOther
}

// TransportError is a failure to get a usable answer: the request could not be
// sent, the connection broke, or the body could not be read or decoded.
type TransportError struct {
	Op        string // e.g. "POST /booking-calendars/{id}/schedule"
	Sent      bool   // the request may have reached OnceHub
	Status    int    // HTTP status, when a response arrived
	RequestID string
	Err       error
}

func (e *TransportError) Error() string {
	s := fmt.Sprintf("%s: %v", e.Op, e.Err)
	if e.RequestID != "" {
		s += " [Request-Id: " + e.RequestID + "]"
	}
	return s
}

func (e *TransportError) Unwrap() error { return e.Err }

func decodeAPIError(resp *http.Response, body []byte) *APIError {
	e := &APIError{Status: resp.StatusCode, RequestID: resp.Header.Get("Request-Id")}
	var wire struct {
		Type    string `json:"type"`
		Message string `json:"message"`
		Param   string `json:"param"`
	}
	if json.Unmarshal(body, &wire) == nil && (wire.Type != "" || wire.Message != "") {
		e.Type, e.Message, e.Param = clipText(wire.Type, 100), clipText(wire.Message, maxMessageBytes), clipText(wire.Param, 100)
	} else {
		// Not OnceHub's JSON error body (an HTML page from a proxy, say): keep a
		// short, printable excerpt rather than the whole page.
		e.Message = excerpt(body, 200)
		if e.Message == "" {
			e.Message = http.StatusText(resp.StatusCode)
		}
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		e.RetryAfter = parseRetryAfter(ra)
	}
	return e
}

// maxRetryAfter caps a parsed Retry-After (a bogus header must not overflow).
const maxRetryAfter = 24 * time.Hour

func parseRetryAfter(v string) time.Duration {
	if secs, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && secs >= 0 {
		return min(time.Duration(min(secs, int64(maxRetryAfter/time.Second)))*time.Second, maxRetryAfter)
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return min(d, maxRetryAfter)
		}
	}
	return 0
}

// maxMessageBytes caps OnceHub's error message as kept in an APIError.
const maxMessageBytes = 500

func excerpt(body []byte, n int) string {
	s := strings.Join(strings.Fields(string(body)), " ")
	if strings.HasPrefix(s, "<") {
		return "non-JSON error page"
	}
	return clipText(s, n)
}

// clipText makes s valid UTF-8 and cuts it to at most n bytes (plus "…") on
// a character boundary.
func clipText(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// AsAPIError returns the *APIError in err's chain.
func AsAPIError(err error) (*APIError, bool) {
	var e *APIError
	ok := errors.As(err, &e)
	return e, ok
}

func hasStatus(err error, status int) bool {
	e, ok := AsAPIError(err)
	return ok && e.Status == status
}

// IsNotFound reports a 404.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsRateLimited reports a 429.
func IsRateLimited(err error) bool { return hasStatus(err, http.StatusTooManyRequests) }

// IsUnauthorized reports a 401 (missing or invalid key).
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsForbidden reports a 403 (e.g. the plan has no API access).
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// IsConflict reports a 409.
func IsConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

// MaybeSent reports whether a failed request may have reached OnceHub, so that
// repeating it could duplicate a side effect.
func MaybeSent(err error) bool {
	if _, ok := AsAPIError(err); ok {
		return true
	}
	var te *TransportError
	if errors.As(err, &te) {
		return te.Sent
	}
	return false
}
