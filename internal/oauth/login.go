package oauth

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4/jwt"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// loginCSS is the page's only style sheet, inlined under a CSP nonce.
//
//go:embed login.css
var loginCSS string

// keyCheckTimeout bounds asking OnceHub whether a key is valid.
const keyCheckTimeout = 20 * time.Second

// maxKeyLen bounds what the page accepts as a key before asking OnceHub.
const maxKeyLen = 512

type loginView struct {
	Nonce        string
	Action       string
	Request      string
	ClientName   string
	ClientIDURL  string
	RedirectHost string
	DemoKey      string
	Error        string
}

// codeResponse is the authorization response (RFC 6749 §4.1.2, with the
// issuer of RFC 9207).
type codeResponse struct {
	Code  string `schema:"code"`
	State string `schema:"state,omitempty"`
	Iss   string `schema:"iss"`
}

// serveLogin is the key-entry page: GET shows it for a sealed authorization
// request; POST checks the key with OnceHub and, when OnceHub accepts it,
// sends the browser back to the client with a code (and the client's state).
// The page has no scripts and no external assets. A form is honoured only
// from the browser that was shown it: the page sets a cookie whose value is
// sealed inside the request, and SameSite=Lax keeps it off cross-site posts.
func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		s.showLogin(w, r)
	case http.MethodPost:
		s.submitLogin(w, r)
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// openRequest opens and checks a sealed authorization request.
func (s *Server) openRequest(r *http.Request, sealed string) (*requestClaims, bool) {
	var c requestClaims
	if s.seal.open(kindRequest, sealed, &c) != nil {
		return nil, false
	}
	if c.ValidateWithLeeway(jwt.Expected{Issuer: issuerFrom(r.Context()), Time: s.now()}, 0) != nil || c.Expiry == nil {
		return nil, false
	}
	return &c, true
}

func csrfCookieName(c *requestClaims) string {
	return "oncehub_oauth_" + c.ID[:12]
}

func (s *Server) showLogin(w http.ResponseWriter, r *http.Request) {
	sealed := r.URL.Query().Get("request")
	c, ok := s.openRequest(r, sealed)
	if !ok {
		s.render(w, r, http.StatusBadRequest, loginView{Error: "This sign-in link is invalid or has expired (links last 15 minutes)."})
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name:     csrfCookieName(c),
		Value:    c.ID,
		Path:     PathLogin,
		MaxAge:   int(requestLifetime / time.Second),
		HttpOnly: true,
		Secure:   strings.HasPrefix(c.Issuer, "https://"),
		SameSite: http.SameSiteLaxMode,
	})
	s.render(w, r, http.StatusOK, s.viewFor(c, sealed, ""))
}

func (s *Server) viewFor(c *requestClaims, sealed, problem string) loginView {
	v := loginView{
		Request:      sealed,
		ClientName:   c.ClientName,
		RedirectHost: redirectHost(c.RedirectURI),
		DemoKey:      s.demoKey,
		Error:        problem,
	}
	if strings.HasPrefix(c.ClientID, "https://") || strings.HasPrefix(c.ClientID, "http://") {
		v.ClientIDURL = c.ClientID
	}
	return v
}

func (s *Server) submitLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	if err := r.ParseForm(); err != nil {
		s.render(w, r, http.StatusBadRequest, loginView{Error: "The form could not be read."})
		return
	}
	sealed := r.PostForm.Get("request")
	c, ok := s.openRequest(r, sealed)
	if !ok {
		s.render(w, r, http.StatusBadRequest, loginView{Error: "This sign-in link is invalid or has expired (links last 15 minutes)."})
		return
	}
	if cookie, err := r.Cookie(csrfCookieName(c)); err != nil || cookie.Value != c.ID {
		s.log.Debug("refused authorization form", "reason", "CSRF cookie missing or wrong")
		s.render(w, r, http.StatusForbidden, loginView{Error: "This form was not sent from the page this server showed in this browser. Start again from the app you were connecting."})
		return
	}
	if r.PostForm.Get("action") == "cancel" {
		s.redirectBack(w, r, c, &oidc.Error{ErrorType: oidc.AccessDenied, Description: "the person cancelled"})
		return
	}
	key := strings.TrimSpace(r.PostForm.Get("api_key"))
	switch {
	case key == "":
		s.render(w, r, http.StatusBadRequest, s.viewFor(c, sealed, "Enter your OnceHub API key."))
		return
	case len(key) > maxKeyLen || strings.ContainsFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }):
		s.render(w, r, http.StatusBadRequest, s.viewFor(c, sealed, "That does not look like a OnceHub API key: a key is a single word of letters, digits and punctuation. Paste it again."))
		return
	}
	switch s.keyChecks.allow(r, s.now()) {
	case pacedAddress:
		s.log.Info("authorization page: too many key checks from one address; asking the person to wait")
		w.Header().Set("Retry-After", "60")
		s.render(w, r, http.StatusTooManyRequests, s.viewFor(c, sealed, "Too many keys were checked from your network address just now. Wait a minute, then press Connect again."))
		return
	case pacedServer:
		s.log.Warn("authorization page: too many key checks on this server; asking the person to wait")
		w.Header().Set("Retry-After", "60")
		s.render(w, r, http.StatusTooManyRequests, s.viewFor(c, sealed, "Too many keys were checked on this server just now. Wait a minute, then press Connect again."))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), keyCheckTimeout)
	defer cancel()
	if err := s.checkKey(ctx, key); err != nil {
		status, msg := http.StatusBadGateway, "OnceHub could not be asked about this key just now. Try again in a moment."
		switch {
		case errors.Is(err, ErrKeyRefused):
			status, msg = http.StatusUnauthorized, "OnceHub did not accept this API key. Check that you copied all of it, or create a new key."
		case errors.Is(err, ErrNoAPIAccess):
			status, msg = http.StatusForbidden, "This key belongs to a OnceHub account whose plan has no API access."
		default:
			s.log.Warn("authorization page: could not check a key with OnceHub", "err", err)
		}
		s.log.Info("authorization refused: OnceHub did not accept the key", "key", subject(key), "client", logClientID(c.ClientID), "status", status)
		s.render(w, r, status, s.viewFor(c, sealed, msg))
		return
	}
	now := s.now()
	code, err := s.seal.seal(kindCode, codeClaims{
		Claims: jwt.Claims{
			Issuer: c.Issuer,
			Expiry: jwt.NewNumericDate(now.Add(codeLifetime)),
			ID:     randomID(16),
		},
		ClientID:      c.ClientID,
		RedirectURI:   c.RedirectURI,
		CodeChallenge: c.CodeChallenge,
		Scope:         c.Scope,
		Resource:      c.Resource,
		Grant:         randomID(16),
		Key:           key,
	})
	if err != nil {
		s.render(w, r, http.StatusInternalServerError, s.viewFor(c, sealed, "Something went wrong on this server; try again."))
		return
	}
	http.SetCookie(w, &http.Cookie{Name: csrfCookieName(c), Path: PathLogin, MaxAge: -1})
	s.redirectBack(w, r, c, &codeResponse{Code: code, State: c.State, Iss: c.Issuer})
}

// redirectBack sends the browser to the client's redirect URI with response
// (a code, or an error) and the client's state.
func (s *Server) redirectBack(w http.ResponseWriter, r *http.Request, c *requestClaims, response any) {
	if e, ok := response.(*oidc.Error); ok {
		e.State = c.State
	}
	to, err := op.AuthResponseURL(c.RedirectURI, oidc.ResponseTypeCode, oidc.ResponseModeQuery, response, oidc.NewEncoder())
	if err != nil {
		s.render(w, r, http.StatusInternalServerError, loginView{Error: "The app's redirect address cannot be used."})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, v loginView) {
	v.Nonce = randomID(16)
	v.Action = PathLogin
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'nonce-"+v.Nonce+"'; base-uri 'none'; frame-ancestors 'none'")
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	_, _ = io.WriteString(w, v.html())
}

// html renders the page. Every value from a request or a client is escaped
// with html.EscapeString and placed only in element text or a double-quoted
// attribute. The page is built by hand rather than with html/template: a
// template's reflective method calls make the linker keep every exported
// method of every type in the binary, about 9 MB of it (the reason
// internal/app avoids text/template too).
func (v loginView) html() string {
	e := html.EscapeString
	title := "Cannot connect to OnceHub"
	if v.Request != "" {
		title = "Connect " + v.ClientName + " to OnceHub"
	}
	var b strings.Builder
	b.WriteString("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n" +
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" +
		"<meta name=\"referrer\" content=\"no-referrer\">\n")
	fmt.Fprintf(&b, "<title>%s</title>\n<style nonce=\"%s\">\n%s</style>\n</head>\n<body>\n<main>\n", e(title), e(v.Nonce), loginCSS)
	if v.Request == "" {
		fmt.Fprintf(&b, "<h1>Cannot connect to OnceHub</h1>\n<p class=\"error\" role=\"alert\">%s</p>\n"+
			"<p class=\"fine\">Start again from the app you were connecting.</p>\n</main>\n</body>\n</html>\n", e(v.Error))
		return b.String()
	}
	fmt.Fprintf(&b, "<h1>Connect to OnceHub</h1>\n<p class=\"who\"><span class=\"client\">%s</span> wants to use your OnceHub account through this oncehub-mcp server.\n"+
		"After you connect, your browser goes back to <span class=\"host\">%s</span>.</p>\n", e(v.ClientName), e(v.RedirectHost))
	if v.ClientIDURL != "" {
		fmt.Fprintf(&b, "<p class=\"fine\">Client ID: <span class=\"host\">%s</span></p>\n", e(v.ClientIDURL))
	}
	if v.DemoKey != "" {
		fmt.Fprintf(&b, "<p class=\"note\" role=\"note\">Demo sandbox: nothing is sent to OnceHub. The demo key <code>%s</code> is filled in below; it is the only key the sandbox accepts.</p>\n", e(v.DemoKey))
	}
	described := "key-help"
	if v.Error != "" {
		fmt.Fprintf(&b, "<p class=\"error\" role=\"alert\" id=\"key-error\">%s</p>\n", e(v.Error))
		described = "key-error key-help"
	}
	fmt.Fprintf(&b, "<form method=\"post\" action=\"%s\">\n<input type=\"hidden\" name=\"request\" value=\"%s\">\n"+
		"<label for=\"api_key\">OnceHub API key</label>\n"+
		"<input id=\"api_key\" name=\"api_key\" type=\"password\" autocomplete=\"off\" autocapitalize=\"off\" spellcheck=\"false\" required aria-describedby=\"%s\"",
		e(v.Action), e(v.Request), described)
	if v.Error != "" {
		b.WriteString(" aria-invalid=\"true\"")
	}
	if v.DemoKey != "" {
		fmt.Fprintf(&b, " value=\"%s\"", e(v.DemoKey))
	}
	b.WriteString(">\n<p id=\"key-help\" class=\"help\">In OnceHub, click the gear icon → <em>Account Integrations</em> → <em>APIs &amp; Webhooks</em> to create a key " +
		"(OnceHub shows a key only once, when it is created). The key is checked with OnceHub, then kept only sealed inside the tokens this server issues; the app never sees it.</p>\n" +
		"<div class=\"actions\">\n<button type=\"submit\" name=\"action\" value=\"connect\">Connect</button>\n" +
		"<button type=\"submit\" name=\"action\" value=\"cancel\" class=\"secondary\" formnovalidate>Cancel</button>\n</div>\n</form>\n" +
		"<p class=\"fine\">Connect only apps you trust: the app can do whatever this key allows in your OnceHub account until you disconnect it or delete the key in OnceHub.</p>\n" +
		"</main>\n</body>\n</html>\n")
	return b.String()
}
