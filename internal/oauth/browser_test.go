package oauth_test

import (
	"bytes"
	"context"
	"flag"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testdeps"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite docs/oauth-authorize.png from the browser test")

// chromium starts headless Debian chromium (testdeps) for chromedp.
func chromium(t *testing.T) context.Context {
	t.Helper()
	bin := testdeps.Chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin))
	for _, f := range testdeps.ChromiumFlags {
		name, value, hasValue := strings.Cut(strings.TrimPrefix(f, "--"), "=")
		if hasValue {
			opts = append(opts, chromedp.Flag(name, value))
		} else {
			opts = append(opts, chromedp.Flag(name, true))
		}
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return ctx
}

// The key-entry page in a real browser: it names the client and where the
// browser goes next, labels its field; a wrong key shows an error on the
// page and no code reaches the client; the right key sends the browser back
// to the client with a code and the client's state, which redeem tokens.
func TestAuthorizePageInChromium(t *testing.T) {
	t.Parallel()

	ctx := chromium(t)
	s := newServer(t)

	got := make(chan url.Values, 4)
	client := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.URL.Query()
		_, _ = w.Write([]byte("<!doctype html><title>client</title><p id=back>Back at the client</p>"))
	}))
	t.Cleanup(client.Close)
	redirect := client.URL + "/callback"
	reg := register(t, s.URL, map[string]any{"client_name": "MCP Inspector", "redirect_uris": []string{redirect}})
	f := newFlow(s.URL, reg.ClientID, "", redirect)

	require.NoError(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(860, 760),
		chromedp.Navigate(f.authURL()),
		chromedp.WaitVisible(`#api_key`),
	))
	loc, err := chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(loc, s.URL+"/oauth/login?"), loc)
	text, err := chromedp.Run(ctx, chromedp.Text(`main`))
	require.NoError(t, err)
	assert.Contains(t, text, "MCP Inspector")
	assert.Contains(t, text, strings.TrimPrefix(client.URL, "http://"), "the page names the redirect host")
	assert.Contains(t, text, "APIs & Webhooks", "the page says where to find a key")
	label, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('label[for=api_key]').textContent`))
	require.NoError(t, err)
	assert.Equal(t, "OnceHub API key", label)
	scripts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.scripts.length`))
	require.NoError(t, err)
	assert.Zero(t, scripts, "the page works without JavaScript")

	// Wrong key: an error on the page, nothing for the client.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(`#api_key`, "wrong-key-0000000000"),
		chromedp.Click(`button[value=connect]`),
		chromedp.WaitVisible(`[role=alert]`),
	))
	alert, err := chromedp.Run(ctx, chromedp.Text(`[role=alert]`))
	require.NoError(t, err)
	assert.Contains(t, alert, "OnceHub did not accept this API key")
	invalid, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('api_key').getAttribute('aria-invalid')`))
	require.NoError(t, err)
	assert.Equal(t, "true", invalid)
	loc, err = chromedp.Run(ctx, chromedp.Location())
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(loc, s.URL), "still on the server's page: %s", loc)
	select {
	case q := <-got:
		t.Fatalf("the client was called after a wrong key: %v", q)
	default:
	}
	errorShot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	checkPNG(t, errorShot)

	// Right key: back to the client with a code and the state.
	_, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('api_key').value = ''`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(`#api_key`, fakeoncehub.TestKey),
		chromedp.Click(`button[value=connect]`),
		chromedp.WaitVisible(`#back`),
	))
	var q url.Values
	select {
	case q = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("the browser was not sent back to the client")
	}
	assert.Equal(t, f.state, q.Get("state"))
	assert.Equal(t, s.URL, q.Get("iss"))
	require.NotEmpty(t, q.Get("code"))
	tok, err := f.exchange(context.Background(), q.Get("code"))
	require.NoError(t, err)
	res := listBookings(t, s.URL, tok.AccessToken)
	require.False(t, res.IsError, testenv.Text(res))
	assertNoSecretsLogged(t, s.logs.String(), fakeoncehub.TestKey, "wrong-key-0000000000", q.Get("code"), tok.AccessToken, tok.RefreshToken)
}

// The screenshot in the README: the page as a person sees it when the MCP
// Inspector asks to connect (written to docs/ with -update).
func TestAuthorizePageScreenshot(t *testing.T) {
	t.Parallel()

	ctx := chromium(t)
	s := newServer(t, withPublicURL("https://mcp.example.com"))
	reg := register(t, s.URL, map[string]any{"client_name": "MCP Inspector", "redirect_uris": []string{"http://localhost:6274/oauth/callback"}})
	f := newFlow(s.URL, reg.ClientID, "", "http://localhost:6274/oauth/callback")
	f.resource = "https://mcp.example.com/mcp"
	// The page is requested from the test server directly (the public URL
	// only names it), so the browser follows the relative redirect there.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(860, 700),
		chromedp.Navigate(f.authURL()),
		chromedp.WaitVisible(`#api_key`),
		chromedp.Focus(`#api_key`),
	))
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	checkPNG(t, shot)
	path := filepath.Join(testenv.RepoRoot(), "docs", "oauth-authorize.png")
	if *update {
		require.NoError(t, os.WriteFile(path, shot, 0o644))
		t.Logf("wrote %s", path)
		return
	}
	_, err = os.Stat(path)
	assert.NoError(t, err, "docs/oauth-authorize.png is missing: run go test ./internal/oauth -run TestAuthorizePageScreenshot -update")
}

func checkPNG(t *testing.T, b []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Greater(t, img.Bounds().Dx(), 400)
	assert.Greater(t, img.Bounds().Dy(), 300)
}
