package oauth

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/time/rate"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/secret"
)

func TestPublicAddr(t *testing.T) {
	t.Parallel()

	for addr, public := range map[string]bool{
		"93.184.216.34": true, "2606:2800:220:1::1": true,
		"127.0.0.1": false, "::1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "100.64.0.1": false, "0.0.0.0": false, "::": false, "fe80::1": false,
		"fc00::1": false, "224.0.0.1": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false,
		// IPv4 addresses inside IPv6 ones that a NAT64 gateway or a 6to4
		// relay turns back into IPv4: judged by the IPv4 address.
		"64:ff9b::7f00:1": false, "64:ff9b::a00:1": false, "64:ff9b::a9fe:a9fe": false, "64:ff9b:1::a00:1": false,
		"2002:7f00:1::1": false, "2002:a00:1::1": false, "64:ff9b::5db8:d822": true, "2002:5db8:d822::1": true,
	} {
		assert.Equal(t, public, publicAddr(netip.MustParseAddr(addr)), addr)
	}
}

// In production, a client ID URL that resolves to a loopback address is not
// fetched (the dialer checks the address after DNS), whatever its scheme.
func TestDocumentsAreNotFetchedFromLoopback(t *testing.T) {
	t.Parallel()

	hits := 0
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { hits++ }))
	defer srv.Close()
	s, err := New(Options{Secret: secret.Random(), CheckKey: func(context.Context, string) error { return nil }})
	require.NoError(t, err)
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	for _, u := range []string{srv.URL + "/client.json", fmt.Sprintf("https://localhost:%d/client.json", port),
		fmt.Sprintf("https://[64:ff9b::7f00:1]:%d/client.json", port)} {
		_, err = s.clients.lookup(context.Background(), u)
		require.Error(t, err, u)
		assert.Contains(t, err.Error(), "not public", u)
	}
	assert.Zero(t, hits)
}

// Beyond the process-wide budget the page asks the person to wait and
// OnceHub is not asked, whichever address the checks come from.
func TestKeyChecksArePacedForTheProcess(t *testing.T) {
	t.Parallel()

	checks := 0
	s, err := New(Options{Secret: secret.Random(), CheckKey: func(context.Context, string) error { checks++; return ErrKeyRefused }})
	require.NoError(t, err)
	s.keyChecks.total = rate.NewLimiter(0, 2)
	srv := httptest.NewServer(s.withIssuer(http.HandlerFunc(s.serveLogin)))
	defer srv.Close()
	c := requestClaims{Claims: jwt.Claims{Issuer: srv.URL, Expiry: jwt.NewNumericDate(time.Now().Add(time.Minute)), ID: randomID(16)},
		ClientID: "c", RedirectURI: "http://127.0.0.1:9/cb", CodeChallenge: "x", Resource: srv.URL + "/mcp"}
	sealed, err := s.seal.seal(kindRequest, c)
	require.NoError(t, err)
	var statuses []int
	for i := range 4 {
		// Every check from an address of its own: each address's bucket is
		// full, so only the process's can refuse.
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(10+i))}}
		hc := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+PathLogin, strings.NewReader(url.Values{"request": {sealed}, "api_key": {"some-key"}, "action": {"connect"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: csrfCookieName(&c), Value: c.ID})
		resp, err := hc.Do(req)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
		if resp.StatusCode == http.StatusTooManyRequests {
			assert.Contains(t, string(body), "checked on this server")
		}
	}
	assert.Equal(t, []int{401, 401, 429, 429}, statuses)
	assert.Equal(t, 2, checks)
}
