// Package testdeps starts the real programs some tests need (redis-server,
// nginx, chromium) on loopback. A program that is not installed makes the
// test skip with a message saying how to install it, except in CI (the CI
// environment variable is set, as .ci/run does), where it fails the test: CI
// installs every such program and must run every such test.
//
// It imports nothing of the project, so any package's tests can use it.
package testdeps

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// InCI reports whether tests run in CI, where missing programs are failures.
func InCI() bool { return os.Getenv("CI") != "" }

// Slow skips the test under go test -short: it builds the binary or the
// container image, or runs a real program (chromium, node, nginx,
// redis-server). Command and everything built on it (Redis, StartNginx,
// Chromium, JSModules) and testenv.Binary call it, so such tests inherit it;
// the full go test ./... (README, CI) runs them all.
func Slow(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipped with -short: builds or runs a real program")
	}
}

// Command returns the path of the program name (looked up in PATH, then in
// the extra paths given); when it is missing the test skips outside CI and
// fails in CI. install says how to get it (for example "apt-get install -y nginx").
// Under -short the test skips (Slow).
func Command(t testing.TB, name, install string, extra ...string) string {
	t.Helper()
	Slow(t)
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, p := range extra {
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p
		}
	}
	Missing(t, fmt.Sprintf("%s is not installed; install it with: %s", name, install))
	return ""
}

// Missing skips the test outside CI and fails it in CI, with msg.
func Missing(t testing.TB, msg string) {
	t.Helper()
	if InCI() {
		t.Fatalf("%s (required in CI)", msg)
	}
	t.Skip(msg)
}

// FreePort returns a TCP port free on 127.0.0.1 at the time of the call.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("no free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// WaitTCP waits until addr accepts connections.
func WaitTCP(t testing.TB, addr string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not accept connections within %s: %v", addr, within, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Redis starts a throwaway redis-server (no persistence) on a free loopback
// port for the test and returns its URL (redis://127.0.0.1:port/0).
func Redis(t testing.TB) string {
	t.Helper()
	bin := Command(t, "redis-server", "apt-get install -y redis-server")
	port := FreePort(t)
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting redis-server: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	WaitTCP(t, fmt.Sprintf("127.0.0.1:%d", port), 10*time.Second)
	return fmt.Sprintf("redis://127.0.0.1:%d/0", port)
}

// Nginx is a running nginx in front of some backends.
type Nginx struct {
	// URL is the balancer's base URL (http://127.0.0.1:port): requests are
	// spread round-robin over the backends, except that a request carrying
	// the header X-Test-Backend: N (1-based) goes to backend N. Every answer
	// carries X-Upstream with the address of the backend that served it.
	URL string
	// Dir holds the configuration and nginx's logs (kept for the test's life).
	Dir string
}

// StartNginx serves backends (host:port each) behind nginx on a free loopback
// port, with streaming (SSE) passed through unbuffered.
func StartNginx(t testing.TB, backends ...string) *Nginx {
	t.Helper()
	if len(backends) == 0 {
		t.Fatal("StartNginx needs at least one backend")
	}
	bin := Command(t, "nginx", "apt-get install -y nginx", "/usr/sbin/nginx")
	dir := t.TempDir()
	port := FreePort(t)
	var servers, routes strings.Builder
	for i, b := range backends {
		fmt.Fprintf(&servers, "    server %s;\n", b)
		fmt.Fprintf(&routes, "    %q %s;\n", fmt.Sprint(i+1), b)
	}
	conf := fmt.Sprintf(`worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 512; }
http {
  access_log %[1]s/access.log;
  client_body_temp_path %[1]s/tmp-body;
  proxy_temp_path %[1]s/tmp-proxy;
  fastcgi_temp_path %[1]s/tmp-fastcgi;
  uwsgi_temp_path %[1]s/tmp-uwsgi;
  scgi_temp_path %[1]s/tmp-scgi;
  upstream backends {
%[2]s  }
  map $http_x_test_backend $chosen {
    default backends;
%[3]s  }
  server {
    listen 127.0.0.1:%[4]d;
    location / {
      proxy_pass http://$chosen;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_read_timeout 300s;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`, dir, servers.String(), routes.String(), port)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-e", filepath.Join(dir, "error.log"), "-p", dir, "-c", path, "-g", "daemon off;")
	// Output to a file, not a pipe: nginx's worker processes inherit it, and
	// a pipe held open by a worker would keep Wait from returning.
	outPath := filepath.Join(dir, "nginx.out")
	outFile, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer outFile.Close()
	cmd.Stdout, cmd.Stderr = outFile, outFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting nginx: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		// SIGTERM is nginx's fast shutdown: the master stops its workers, then exits.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = c.Close()
			break
		}
		select {
		case <-exited:
			deadline = time.Time{}
		default:
		}
		if time.Now().After(deadline) {
			logs, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			out, _ := os.ReadFile(outPath)
			t.Fatalf("nginx did not start: %v\n%s\n%s", err, out, logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return &Nginx{URL: "http://" + addr, Dir: dir}
}

// Chromium returns the path of Debian's chromium for headless browser tests.
func Chromium(t testing.TB) string {
	t.Helper()
	return Command(t, "chromium", "apt-get install -y chromium", "/usr/bin/chromium")
}

// ChromiumFlags are the flags headless Chromium needs on these machines (as
// root, in a closed network): no sandbox, no GPU, and none of the background
// connections that a closed network refuses.
var ChromiumFlags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
}

// Backend is a tiny HTTP server for checking the balancer itself.
func backendForTest(t testing.TB, name string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(name)) })}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return l.Addr().String()
}

// JSModules returns the directory of the project's JavaScript test packages
// (testdata/js: the MCP TypeScript SDK, the MCP Apps bridge), found from the
// test's working directory upwards, and the path of node. Without node or an
// installed node_modules (npm ci --prefix testdata/js) the test skips
// outside CI and fails in CI.
func JSModules(t testing.TB) (dir, node string) {
	t.Helper()
	node = Command(t, "node", "apt-get install -y nodejs npm")
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		js := filepath.Join(d, "testdata", "js")
		if _, err := os.Stat(filepath.Join(js, "package.json")); err == nil {
			if _, err := os.Stat(filepath.Join(js, "node_modules")); err != nil {
				Missing(t, "the JavaScript test packages are not installed; run: npm ci --prefix "+js)
			}
			return js, node
		}
		if filepath.Dir(d) == d {
			t.Fatal("testdata/js/package.json not found above " + wd)
		}
	}
}
