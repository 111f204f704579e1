package oncehub

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/internal/clip"
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
	Status     int           // HTTP status
	Type       string        // OnceHub error type, e.g. invalid_request_error
	Message    string        // OnceHub's message
	Param      string        // the parameter at fault, when OnceHub names one
	RequestID  string        // the Request-Id response header; OnceHub support asks for it
	RetryAfter time.Duration // the Retry-After header (429, 503), when sent
	// Remembered is set when this is OnceHub's earlier answer to the same
	// key, remembered (see KeyMemory): nothing was sent this time, and the
	// key is not sent again before Remembered.
	Remembered time.Time
}

// Error renders the error as OnceHub sent it:
//
//	OnceHub error 404 (invalid_request_error): No such booking: 'BKNG-1' [param: id] [Request-Id: req_1]
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "OnceHub error %d", e.Status)
	if e.Type != "" {
		fmt.Fprintf(&b, " (%s)", e.Type)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.Param != "" {
		fmt.Fprintf(&b, " [param: %s]", e.Param)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [Request-Id: %s]", e.RequestID)
	}
	if !e.Remembered.IsZero() {
		fmt.Fprintf(&b, " [OnceHub's answer to this key a moment ago; not sent again for %s]", max(time.Second, time.Until(e.Remembered).Round(time.Second)))
	}
	return b.String()
}

// ParamError is a parameter refused before anything was sent to OnceHub.
// Param is OnceHub's name for it: a query parameter ("limit",
// "starting_time.gt"), a body field ("booking_form.email",
// "weekly[0].working_hours[1].end_time"), or "id" for the ID in the path;
// "" when the request as a whole is at fault (nothing to update).
type ParamError struct {
	Param   string
	Message string // what is wrong and how to fix it
}

func (e *ParamError) Error() string {
	if e.Param == "" {
		return e.Message
	}
	return e.Param + ": " + e.Message
}

func paramErr(param, format string, args ...any) *ParamError {
	return &ParamError{Param: param, Message: fmt.Sprintf(format, args...)}
}

// TransportError is a failure to get a usable answer: the request could not be
// sent, the connection broke, the answer was a redirect, or the body could not
// be read or decoded.
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

// ErrRedirect is in the chain of the error for a redirect, which the client
// never follows (it could carry the API key to another host or downgrade to
// plain HTTP): the base URL is probably wrong.
var ErrRedirect = errors.New("OnceHub answered with a redirect, which is never followed")

type redirectError struct {
	status int
	target string // " to https://host", or ""
}

func (e *redirectError) Error() string {
	return fmt.Sprintf("OnceHub answered %d with a redirect%s, which is never followed (it could leak the API key or downgrade to plain HTTP)", e.status, e.target)
}

func (e *redirectError) Is(target error) bool { return target == ErrRedirect }

// IsNotFound reports a 404 from OnceHub.
func IsNotFound(err error) bool {
	e, ok := errors.AsType[*APIError](err)
	return ok && e.Status == http.StatusNotFound
}

// IsTimeout reports a network timeout anywhere in err's chain (a dial, a
// TLS handshake or a read that took too long).
func IsTimeout(err error) bool {
	ne, ok := errors.AsType[net.Error](err)
	return ok && ne.Timeout()
}

// MaybeSent reports whether a failed request may have reached OnceHub, so that
// repeating it could duplicate a side effect.
func MaybeSent(err error) bool {
	if e, ok := errors.AsType[*APIError](err); ok {
		return e.Remembered.IsZero()
	}
	if te, ok := errors.AsType[*TransportError](err); ok {
		return te.Sent
	}
	return false
}

// isConnectionFailure reports a connection that broke before a whole response
// arrived (reset, closed, cut off mid-body).
func isConnectionFailure(err error) bool {
	switch {
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	}
	op, ok := errors.AsType[*net.OpError](err)
	return ok && !op.Timeout()
}

func decodeAPIError(resp *http.Response, body []byte) *APIError {
	e := &APIError{Status: resp.StatusCode, RequestID: resp.Header.Get("Request-Id")}
	var wire struct {
		Type    string `json:"type"`
		Message string `json:"message"`
		Param   string `json:"param"`
	}
	if json.Unmarshal(body, &wire) == nil && (wire.Type != "" || wire.Message != "") {
		e.Type, e.Message, e.Param = clip.String(wire.Type, 100), clip.String(wire.Message, maxMessageBytes), clip.String(wire.Param, 100)
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

// parseRetryAfter reads a Retry-After header: delay-seconds (any number of
// digits: one too large for an integer is the cap, not an error) or an
// HTTP date. Anything else, or a time already past, is 0.
func parseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v != "" && strings.Trim(v, "0123456789") == "" {
		secs, err := strconv.ParseInt(v, 10, 64)
		if err != nil || secs > int64(maxRetryAfter/time.Second) { // only ErrRange: digits are all there is
			return maxRetryAfter
		}
		return time.Duration(secs) * time.Second
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
	return clip.String(s, n)
}
