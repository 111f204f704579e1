package app

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// Demo sandbox account: the key the server uses for every demo call and the
// account it belongs to. Neither is a real OnceHub credential.
const (
	DemoKey     = "demo-sandbox-key"
	DemoAccount = "demo@example.com"
)

// demoMaxObjects bounds each collection the demo's writes grow.
const demoMaxObjects = 500

// demoUpstream is the built-in fake OnceHub served on a loopback listener
// inside the process. Its data is seeded on the first request, so starting
// the server costs only a listener.
type demoUpstream struct {
	ln     net.Listener
	srv    *http.Server
	apiURL string

	once sync.Once
	fake *fakeoncehub.Server
}

// startDemo serves a fake OnceHub on 127.0.0.1 (a random port) and returns it.
// now is the fake's clock (time.Now when nil).
func startDemo(now func() time.Time) (*demoUpstream, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("demo sandbox: %w", err)
	}
	d := &demoUpstream{ln: ln, apiURL: "http://" + ln.Addr().String() + "/v2"}
	d.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			d.Fake(now).ServeHTTP(w, r)
		}),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() { _ = d.srv.Serve(ln) }()
	return d, nil
}

// Fake returns the fake, seeding it on first use.
func (d *demoUpstream) Fake(now func() time.Time) *fakeoncehub.Server {
	d.once.Do(func() {
		d.fake = fakeoncehub.New(fakeoncehub.Options{
			Keys: map[string]string{DemoKey: DemoAccount},
			Now:  now,
			// A sandbox serves whoever reaches it, for as long as it runs:
			// it records no requests and keeps what writes add bounded.
			RecordLimit: -1,
			MaxObjects:  demoMaxObjects,
		})
	})
	return d.fake
}

func (d *demoUpstream) close() error {
	err := d.srv.Close()
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// checkLoopback refuses any demo upstream that is not a loopback address: the
// demo must never reach the real API.
func checkLoopback(apiURL string) error {
	u, err := url.Parse(apiURL)
	if err != nil || u.Scheme != "http" || !oncehub.IsLoopbackHost(u.Hostname()) {
		return fmt.Errorf("demo sandbox upstream %q is not a loopback address", apiURL)
	}
	return nil
}
