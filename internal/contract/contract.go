// Package contract checks HTTP traffic against OnceHub's OpenAPI description:
// every request our client sends and every response the fake gives back. Test
// environments wrap the fake with it, so every test is also a contract test.
package contract

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// EnvVar names the OpenAPI file; when unset, SpecPath looks beside the repository.
const EnvVar = "ONCEHUB_OPENAPI"

// SkipHeader, set on a response by the fake's fault injection, marks a
// deliberately broken answer that is not checked.
const SkipHeader = "X-Fake-Fault"

// specHost is where the router believes the API lives; requests are rewritten
// to it before routing, whatever port the fake listens on.
const specHost = "contract.oncehub.test"

// Off, as the value of $ONCEHUB_OPENAPI, turns the check off (benchmarks
// measure our code, not the validator).
const Off = "off"

// SpecPath returns the OpenAPI file to use, or "" when there is none or the
// check is off: $ONCEHUB_OPENAPI, else ../shared/oncehub/openapi.yaml beside repoRoot.
func SpecPath(repoRoot string) string {
	if p := os.Getenv(EnvVar); p == Off {
		return ""
	} else if p != "" {
		return p
	}
	p := filepath.Join(repoRoot, "..", "shared", "oncehub", "openapi.yaml")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return ""
}

// erratum is a place where OnceHub's own documentation contradicts its OpenAPI
// schema; traffic that follows the documented behaviour is accepted there.
type erratum struct {
	operation string   // "METHOD /path/{template}" as in the spec
	contains  []string // every part must appear in the violation message
	why       string
}

var errata = []erratum{{
	operation: "PATCH /users/{id}/scheduling-availability",
	contains:  []string{"/overrides/", "/working_hours", "got null, want array"},
	why: "the operation's description says to send working_hours: null to remove a date override, " +
		"while its schema types working_hours as a non-null array",
}}

func excused(operation, msg string) bool {
	for _, e := range errata {
		if e.operation != operation {
			continue
		}
		all := true
		for _, part := range e.contains {
			all = all && strings.Contains(msg, part)
		}
		if all {
			return true
		}
	}
	return false
}

// Validator validates traffic against a loaded OpenAPI document.
type Validator struct {
	router routers.Router
	// passed holds the digests of exchanges already found valid: the
	// validator compiles JSON Schemas anew for every response (kin-openapi
	// caches none for OpenAPI 3.1), and tests repeat the same exchanges
	// against identically seeded fakes thousands of times.
	passed sync.Map // [sha256.Size]byte → struct{}
}

var (
	loadOnce sync.Once
	loaded   *Validator
	loadErr  error
	loadedAt string
)

// Load reads and prepares the OpenAPI file once per process.
func Load(path string) (*Validator, error) {
	loadOnce.Do(func() {
		loadedAt = path
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile(path)
		if err != nil {
			loadErr = fmt.Errorf("loading %s: %w", path, err)
			return
		}
		// doc.Validate is skipped on purpose: the published file fails it on an
		// empty-string default of a date-time query parameter.
		doc.Servers = openapi3.Servers{{URL: "http://" + specHost + "/v2"}}
		r, err := gorillamux.NewRouter(doc)
		if err != nil {
			loadErr = fmt.Errorf("routing %s: %w", path, err)
			return
		}
		loaded = &Validator{router: r}
	})
	if loadErr == nil && loadedAt != path {
		return nil, fmt.Errorf("contract: already loaded %s, asked for %s", loadedAt, path)
	}
	return loaded, loadErr
}

// Wrap returns a handler that serves h and reports every contract violation
// (request or response) to report. The response goes through to the client
// as h writes it (streaming, flushes and hijacked connections included) and
// is checked once h returns; hijacked connections and responses marked with
// SkipHeader are not checked.
func (v *Validator) Wrap(h http.Handler, report func(string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))

		tee := &teeWriter{ResponseWriter: w}
		h.ServeHTTP(tee, r)
		if tee.hijacked || w.Header().Get(SkipHeader) != "" {
			return
		}
		if tee.status == 0 {
			tee.status = http.StatusOK
		}
		key := digest(r, body, tee.status, w.Header(), tee.body.Bytes())
		if _, ok := v.passed.Load(key); ok {
			return
		}
		if msg := v.check(r, body, tee.status, w.Header(), tee.body.Bytes()); msg != "" {
			report(msg)
			return
		}
		v.passed.Store(key, struct{}{})
	})
}

// digest identifies an exchange by everything check reads: the request
// line, its content type, whether it carries a key, its body, and the
// response's status, content type, Request-Id presence and body.
func digest(r *http.Request, body []byte, status int, header http.Header, respBody []byte) [sha256.Size]byte {
	h := sha256.New()
	for _, part := range []string{
		r.Method, r.URL.RequestURI(), r.Header.Get("Content-Type"), fmt.Sprint(r.Header.Get("API-Key") != ""), string(body),
		fmt.Sprint(status), header.Get("Content-Type"), fmt.Sprint(header.Get("Request-Id") != ""), string(respBody),
	} {
		fmt.Fprintf(h, "%d:%s", len(part), part)
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// teeWriter passes a response through while keeping a copy of it.
type teeWriter struct {
	http.ResponseWriter
	status   int
	body     bytes.Buffer
	hijacked bool
}

func (t *teeWriter) WriteHeader(code int) {
	if t.status == 0 {
		t.status = code
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *teeWriter) Write(b []byte) (int, error) {
	if t.status == 0 {
		t.status = http.StatusOK
	}
	t.body.Write(b)
	return t.ResponseWriter.Write(b)
}

func (t *teeWriter) Flush() {
	if f, ok := t.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (t *teeWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := t.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("contract: the response writer cannot be hijacked")
	}
	t.hijacked = true
	return hj.Hijack()
}

func (v *Validator) check(r *http.Request, body []byte, status int, header http.Header, respBody []byte) string {
	// An unknown key gets a 401 before routing, exactly as OnceHub does; the
	// request is still checked against the spec.
	probe := r.Clone(context.Background())
	probe.URL.Scheme, probe.URL.Host, probe.Host = "http", specHost, specHost
	probe.RequestURI = ""
	probe.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := v.router.FindRoute(probe)
	if err != nil {
		return fmt.Sprintf("%s %s: not an operation of the OnceHub API: %v", r.Method, r.URL.Path, err)
	}
	opts := &openapi3filter.Options{
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus: true,
		// The spec gives date-time query parameters an empty-string default;
		// filling it in would make every request that omits them invalid.
		SkipSettingDefaults: true,
		MultiError:          false,
	}
	in := &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route, Options: opts}
	operation := route.Method + " " + route.Path
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && !excused(operation, err.Error()) {
		return fmt.Sprintf("request %s %s?%s violates the spec: %v", r.Method, r.URL.Path, r.URL.RawQuery, err)
	}
	if r.Header.Get("API-Key") == "" {
		return fmt.Sprintf("request %s %s carries no API-Key header", r.Method, r.URL.Path)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header, Options: opts}
	out.SetBodyBytes(respBody)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		return fmt.Sprintf("response %d to %s %s violates the spec: %v\nbody: %.600s", status, r.Method, r.URL.Path, err, respBody)
	}
	if header.Get("Request-Id") == "" {
		return fmt.Sprintf("response to %s %s has no Request-Id header", r.Method, r.URL.Path)
	}
	return ""
}
