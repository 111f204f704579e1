// Command fakeoncehub serves the fake OnceHub API on a loopback port, for
// scripts (scripts/replicas.sh) and benchmarks that run oncehub-mcp as a
// separate process:
//
//	go run ./internal/fakeoncehub/cmd/fakeoncehub --addr 127.0.0.1:18080
//
// It prints the API base URL (…/v2) on stdout once listening. The accepted
// key is fakeoncehub.TestKey unless --keys names others.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18080", "loopback listen address host:port")
	keys := flag.String("keys", fakeoncehub.TestKey+"="+fakeoncehub.TestAccount, "comma-separated key=account-email pairs the fake accepts")
	flag.Parse()
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !oncehub.IsLoopbackHost(host) {
		fmt.Fprintf(os.Stderr, "fakeoncehub: --addr must be a loopback host:port, got %q\n", *addr)
		os.Exit(2)
	}
	opts := fakeoncehub.Options{Keys: map[string]string{}}
	for _, kv := range strings.Split(*keys, ",") {
		k, email, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok || k == "" || email == "" {
			fmt.Fprintf(os.Stderr, "fakeoncehub: --keys wants key=email pairs, got %q\n", kv)
			os.Exit(2)
		}
		opts.Keys[k] = email
	}
	fake := fakeoncehub.New(opts)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeoncehub:", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The fake records every request for tests; a long-running process
	// forgets them so its memory stays flat.
	go func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				fake.ResetRequests()
			}
		}
	}()
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	fmt.Printf("http://%s/v2\n", ln.Addr())
	if err := srv.Serve(ln); err != nil && err != http.ErrServerClosed {
		fmt.Fprintln(os.Stderr, "fakeoncehub:", err)
		os.Exit(1)
	}
}
