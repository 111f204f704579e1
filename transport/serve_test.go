package transport_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/transport"
)

// start runs ServeHTTP on a loopback port and returns its base URL, the
// function that starts shutdown, and the channel ServeHTTP's result arrives on.
func start(t *testing.T, ws *workServer, o transport.HTTPOptions) (string, context.CancelFunc, <-chan error) {
	t.Helper()
	o.Addr = "127.0.0.1:0"
	o.ContextFunc = tenantContext
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ready := make(chan net.Addr, 1)
	errc := make(chan error, 1)
	go func() { errc <- transport.ServeHTTP(ctx, transport.NewHTTPHandler(ws.MCPServer, o), o, ready) }()
	select {
	case addr := <-ready:
		return "http://" + addr.String(), cancel, errc
	case err := <-errc:
		t.Fatalf("ServeHTTP: %v", err)
	}
	return "", nil, nil
}

// waitClosed waits until the listener refuses connections: shutdown began.
func waitClosed(t *testing.T, url string) {
	t.Helper()
	host := url[len("http://"):]
	require.Eventually(t, func() bool {
		c, err := net.DialTimeout("tcp", host, time.Second)
		if err != nil {
			return true
		}
		c.Close()
		return false
	}, 10*time.Second, 5*time.Millisecond)
}

func TestGracefulShutdownFinishesInFlightCalls(t *testing.T) {
	t.Parallel()

	ws := newWorkServer()
	url, shutdown, errc := start(t, ws, transport.HTTPOptions{ShutdownTimeout: 30 * time.Second})
	c := connect(t, url, "key-A", protocol2025)
	type result struct {
		res *mcp.CallToolResult
		err error
	}
	out := make(chan result, 1)
	go func() {
		res, err := callWork(context.Background(), c, "", 0, true)
		out <- result{res, err}
	}()
	<-ws.started

	shutdown() // what SIGTERM does in main
	waitClosed(t, url)
	select {
	case err := <-errc:
		t.Fatalf("ServeHTTP returned before the in-flight call finished: %v", err)
	default:
	}
	close(ws.release)
	r := <-out
	require.NoError(t, r.err)
	assert.Equal(t, "tenant=key-A", text(r.res))
	require.NoError(t, <-errc)
	assert.Zero(t, ws.cancelled.Load())
}

func TestShutdownCutsOffCallsPastTheDeadline(t *testing.T) {
	t.Parallel()

	ws := newWorkServer()
	url, shutdown, errc := start(t, ws, transport.HTTPOptions{ShutdownTimeout: 50 * time.Millisecond})
	c := connect(t, url, "key-A", protocol2025)
	out := make(chan error, 1)
	go func() {
		_, err := callWork(context.Background(), c, "", 0, true)
		out <- err
	}()
	<-ws.started
	shutdown()
	err := <-errc
	require.Error(t, err)
	assert.Contains(t, err.Error(), "did not finish within 50ms")
	require.Error(t, <-out, "the held call was cut off")
	require.Eventually(t, func() bool { return ws.cancelled.Load() == 1 }, 10*time.Second, 5*time.Millisecond,
		"the handler's context ended")
}

// A session's call still running at the deadline is cut off like any other:
// answered on its stream that the server stopped, and its context ended
// before ServeHTTP returns. With Redis too, where a dropped connection does
// not end a session's call (the client may resume its stream elsewhere).
func TestShutdownCutsOffSessionCallsPastTheDeadline(t *testing.T) {
	t.Parallel()

	for _, shared := range []bool{false, true} {
		t.Run(fmt.Sprintf("redis=%v", shared), func(t *testing.T) {
			t.Parallel()

			so := sessionOpts()
			if shared {
				so.Redis = redisClient(t)
			}
			ws := newWorkServer()
			t.Cleanup(func() { close(ws.release) }) // a call the server failed to end
			url, shutdown, errc := start(t, ws, transport.HTTPOptions{ShutdownTimeout: 50 * time.Millisecond, Sessions: so})
			var progress atomic.Int32
			c := sessionClient(t, url, "key-A", protocol2025, nil, nil)
			c.OnNotification(func(n mcp.JSONRPCNotification) {
				if n.Method == "notifications/progress" {
					progress.Add(1)
				}
			})
			out := make(chan error, 1)
			go func() {
				_, err := callWork(context.Background(), c, "tok", 1, true)
				out <- err
			}()
			callCtx := <-ws.holding
			<-ws.started
			shutdown()
			err := <-errc
			require.Error(t, err)
			assert.Contains(t, err.Error(), "1 calls were answered that the server stopped")
			assert.Error(t, callCtx.Err(), "the call's context ended before the server returned")
			err = <-out
			require.Error(t, err)
			assert.Contains(t, err.Error(), "The server stopped", "the answer came on the call's stream")
			assert.Equal(t, int32(1), progress.Load(), "the answer was an event stream")
		})
	}
}

func TestServesTLS(t *testing.T) {
	t.Parallel()

	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	ws := newWorkServer()
	o := transport.HTTPOptions{TLSCertFile: certFile, TLSKeyFile: keyFile}
	url, _, _ := start(t, ws, o)
	url = "https://" + url[len("http://"):]

	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := hc.Get(url + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)
	assert.NotNil(t, resp.TLS)

	// Plain HTTP to the TLS port is refused.
	resp, err = http.Get("http" + url[len("https"):] + "/healthz")
	if err == nil {
		resp.Body.Close()
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	}
}

func TestTLSNeedsCertAndKey(t *testing.T) {
	t.Parallel()

	ws := newWorkServer()
	for _, o := range []transport.HTTPOptions{
		{Addr: "127.0.0.1:0", TLSCertFile: "cert.pem"},
		{Addr: "127.0.0.1:0", TLSKeyFile: "key.pem"},
	} {
		err := transport.ServeHTTP(context.Background(), transport.NewHTTPHandler(ws.MCPServer, o), o, nil)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "both")
	}
	o := transport.HTTPOptions{Addr: "127.0.0.1:0", TLSCertFile: "missing.pem", TLSKeyFile: "missing.pem"}
	err := transport.ServeHTTP(context.Background(), transport.NewHTTPHandler(ws.MCPServer, o), o, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "loading TLS certificate")
}

func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kder, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600))
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// A client that never finishes its request headers (slowloris) is cut off
// after ReadHeaderTimeout instead of holding a connection for ever.
func TestSlowHeadersAreCutOff(t *testing.T) {
	t.Parallel()

	ws := newWorkServer()
	url, _, _ := start(t, ws, transport.HTTPOptions{ReadHeaderTimeout: 50 * time.Millisecond})
	conn, err := net.Dial("tcp", url[len("http://"):])
	require.NoError(t, err)
	defer conn.Close()
	_, err = conn.Write([]byte("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")) // and nothing more
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	_, err = io.ReadAll(conn)
	require.NoError(t, err, "the server closed the connection (a read deadline error means it kept waiting)")
}
