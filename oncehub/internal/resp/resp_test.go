package resp

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseURL(t *testing.T) {
	for raw, want := range map[string]Options{
		"redis://127.0.0.1:6380/2":        {Addr: "127.0.0.1:6380", DB: 2},
		"redis://cache":                   {Addr: "cache:6379"},
		"redis://":                        {Addr: "localhost:6379"},
		"redis://:pw@cache:6379/0":        {Addr: "cache:6379", Password: "pw"},
		"redis://alice:p%40ss@cache/1":    {Addr: "cache:6379", Username: "alice", Password: "p@ss", DB: 1},
		"redis://alice@cache":             {Addr: "cache:6379", Username: "alice"},
		"redis://[::1]:7000/":             {Addr: "[::1]:7000"},
		"redis://cache:6379/3/":           {Addr: "cache:6379", DB: 3},
		"redis://cache:6379/3#ignored":    {Addr: "cache:6379", DB: 3},
		"redis://cache:6379//4":           {Addr: "cache:6379", DB: 4},
		"redis://alice:pw@cache:6379/015": {Addr: "cache:6379", Username: "alice", Password: "pw", DB: 15},
	} {
		got, err := ParseURL(raw)
		require.NoError(t, err, raw)
		assert.Equal(t, want, got, raw)
	}

	o, err := ParseURL("rediss://:pw@cache.example:6380")
	require.NoError(t, err)
	require.NotNil(t, o.TLS, "rediss:// is TLS")
	assert.Equal(t, "cache.example", o.TLS.ServerName)
	assert.Equal(t, "cache.example:6380", o.Addr)
}

// A password in the URL never appears in an error, however the URL is wrong.
func TestParseURLErrorsNeverQuoteThePassword(t *testing.T) {
	for _, raw := range []string{
		"http://alice:hunter2@cache:6379",
		"hunter2://cache",
		"redis:alice:hunter2@cache",
		"redis://alice:hunter2@cache:port",
		"redis://alice:hunter2@[::1",
		"redis://alice:hunter2@cache/db",
		"redis://alice:hunter2@cache/-1",
		"redis://alice:hunter2@cache/0/1",
		"redis://alice:hunter2@cache/0?dial_timeout=1s",
		"redis://alice:hunter2@cache/0?password=hunter2",
		"redis://alice:hunter2 @cache",
		"redis://alice:hunter2\x7f@cache",
	} {
		_, err := ParseURL(raw)
		require.Error(t, err, raw)
		assert.NotContains(t, err.Error(), "hunter2", raw)
	}
}

func TestReadReply(t *testing.T) {
	for raw, want := range map[string]any{
		"+OK\r\n":                         "OK",
		":42\r\n":                         int64(42),
		":-7\r\n":                         int64(-7),
		"$3\r\nfoo\r\n":                   "foo",
		"$0\r\n\r\n":                      "",
		"$4\r\na\r\nb\r\n":                "a\r\nb",
		"$-1\r\n":                         nil,
		"*-1\r\n":                         nil,
		"*0\r\n":                          []any{},
		"*2\r\n$1\r\n1\r\n$3\r\n250\r\n":  []any{"1", "250"},
		"*3\r\n:1\r\n*1\r\n+x\r\n$-1\r\n": []any{int64(1), []any{"x"}, nil},
		"*2\r\n-ERR inner\r\n:1\r\n":      []any{Error("ERR inner"), int64(1)},
	} {
		got, err := readReply(bufio.NewReader(strings.NewReader(raw)), 0)
		require.NoError(t, err, "%q", raw)
		assert.Equal(t, want, got, "%q", raw)
	}

	_, err := readReply(bufio.NewReader(strings.NewReader("-NOSCRIPT No matching script\r\n")), 0)
	assert.Equal(t, Error("NOSCRIPT No matching script"), err, "an error reply is an Error")
}

func TestReadReplyRejectsMalformedReplies(t *testing.T) {
	for _, raw := range []string{
		"",                 // nothing
		"+OK",              // no line end
		"+OK\n",            // LF without CR
		"\r\n",             // empty line
		"?what\r\n",        // unknown type
		":12x\r\n",         // bad integer
		"$x\r\n",           // bad length
		"$-2\r\n",          // negative length
		"$99999999999\r\n", // too long
		"$5\r\nfoo\r\n",    // shorter than announced
		"$3\r\nfooXY",      // not ended by CRLF
		"*2\r\n:1\r\n",     // array cut short
		"*99999999\r\n",    // too many elements
		"*1\r\n?\r\n",      // bad element
		strings.Repeat("*1\r\n", maxDepth+1) + ":1\r\n", // nested too deep
		"+" + strings.Repeat("x", 5000) + "\r\n",        // line longer than the buffer
	} {
		_, err := readReply(bufio.NewReader(strings.NewReader(raw)), 0)
		require.Error(t, err, "%q", raw)
		assert.False(t, errors.As(err, new(Error)), "%q is a protocol error, not an error reply: %v", raw, err)
	}
}

// fakeRedis is a tiny TCP server: reply answers each command with raw RESP
// ("" sends nothing). It records every command and connection.
type fakeRedis struct {
	t     *testing.T
	ln    net.Listener
	reply func(conn int, cmd []string) string

	mu     sync.Mutex
	cmds   [][]string
	conns  []net.Conn
	closed map[int]bool // connections the client closed
}

func newFakeRedis(t *testing.T, reply func(conn int, cmd []string) string) *fakeRedis {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return serveFakeRedis(t, ln, reply)
}

func serveFakeRedis(t *testing.T, ln net.Listener, reply func(conn int, cmd []string) string) *fakeRedis {
	f := &fakeRedis{t: t, ln: ln, reply: reply, closed: map[int]bool{}}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			f.mu.Lock()
			f.conns = append(f.conns, nc)
			id := len(f.conns)
			f.mu.Unlock()
			go f.serve(id, nc)
		}
	}()
	return f
}

func (f *fakeRedis) serve(id int, nc net.Conn) {
	defer nc.Close()
	br := bufio.NewReader(nc)
	for {
		v, err := readReply(br, 0)
		if err != nil {
			f.mu.Lock()
			f.closed[id] = true
			f.mu.Unlock()
			return
		}
		var cmd []string
		for _, a := range v.([]any) {
			cmd = append(cmd, a.(string))
		}
		f.mu.Lock()
		f.cmds = append(f.cmds, cmd)
		f.mu.Unlock()
		if _, err := nc.Write([]byte(f.reply(id, cmd))); err != nil {
			return
		}
	}
}

func (f *fakeRedis) client(o Options) *Client {
	o.Addr = f.ln.Addr().String()
	c := New(o)
	f.t.Cleanup(func() { c.Close() })
	return c
}

func (f *fakeRedis) commands() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([][]string(nil), f.cmds...)
}

func (f *fakeRedis) connections() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.conns)
}

func (f *fakeRedis) hangUp(id int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.conns[id-1].Close()
}

func (f *fakeRedis) wasClosed(id int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed[id]
}

func ctx5s(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestAuthAndSelectOnConnect(t *testing.T) {
	f := newFakeRedis(t, func(int, []string) string { return "+OK\r\n" })
	_, err := f.client(Options{Username: "alice", Password: "pw", DB: 3}).Do(ctx5s(t), "PING")
	require.NoError(t, err)
	_, err = f.client(Options{Password: "pw"}).Do(ctx5s(t), "PING")
	require.NoError(t, err)
	_, err = f.client(Options{}).Do(ctx5s(t), "PING")
	require.NoError(t, err)
	assert.Equal(t, [][]string{
		{"AUTH", "alice", "pw"}, {"SELECT", "3"}, {"PING"},
		{"AUTH", "pw"}, {"PING"},
		{"PING"}, // no password, db 0: nothing before the command
	}, f.commands())
}

const script = "return {ARGV[1], KEYS[1]}"

func TestEvalFallsBackToEvalOnNoscript(t *testing.T) {
	sum := sha1.Sum([]byte(script))
	sha := hex.EncodeToString(sum[:])
	var mu sync.Mutex
	loaded := false
	f := newFakeRedis(t, func(_ int, cmd []string) string {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case cmd[0] == "EVALSHA" && !loaded:
			return "-NOSCRIPT No matching script. Please use EVAL.\r\n"
		case cmd[0] == "EVAL":
			loaded = true
		}
		return "*2\r\n$2\r\n50\r\n$5\r\nrate:\r\n"
	})
	c := f.client(Options{})
	s := NewScript(script)
	for range 2 {
		v, err := c.Eval(ctx5s(t), s, []string{"rate:"}, int64(50))
		require.NoError(t, err)
		assert.Equal(t, []any{"50", "rate:"}, v)
	}
	assert.Equal(t, [][]string{
		{"EVALSHA", sha, "1", "rate:", "50"},
		{"EVAL", script, "1", "rate:", "50"}, // loads it
		{"EVALSHA", sha, "1", "rate:", "50"},
	}, f.commands())
	assert.Equal(t, 1, f.connections(), "an error reply leaves the connection usable")
}

func TestEvalReturnsOtherErrorRepliesAsIs(t *testing.T) {
	f := newFakeRedis(t, func(int, []string) string { return "-ERR Error running script\r\n" })
	_, err := f.client(Options{}).Eval(ctx5s(t), NewScript(script), []string{"k"})
	assert.Equal(t, Error("ERR Error running script"), err)
	assert.Len(t, f.commands(), 1, "only NOSCRIPT is retried with EVAL")
}

func TestIdleConnectionsAreReused(t *testing.T) {
	f := newFakeRedis(t, func(int, []string) string { return "+PONG\r\n" })
	c := f.client(Options{})
	for range 5 {
		v, err := c.Do(ctx5s(t), "PING")
		require.NoError(t, err)
		assert.Equal(t, "PONG", v)
	}
	assert.Equal(t, 1, f.connections())
}

// Concurrent commands each get their own connection: the fake answers no
// one until three commands wait at once, which one shared connection could
// never bring about.
func TestConcurrentCommandsDoNotShareAConnection(t *testing.T) {
	var mu sync.Mutex
	waiting, release := 0, make(chan struct{})
	f := newFakeRedis(t, func(int, []string) string {
		mu.Lock()
		if waiting++; waiting == 3 {
			close(release)
		}
		mu.Unlock()
		<-release
		return "+PONG\r\n"
	})
	c := f.client(Options{MaxIdle: 2})
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			_, err := c.Do(ctx5s(t), "PING")
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Equal(t, 3, f.connections())
	assert.Len(t, c.idle, 2, "at most MaxIdle are kept")
	require.Eventually(t, func() bool { return f.wasClosed(1) || f.wasClosed(2) || f.wasClosed(3) },
		5*time.Second, 5*time.Millisecond, "the one over MaxIdle is closed")
}

func TestABrokenConnectionIsClosedNotReused(t *testing.T) {
	f := newFakeRedis(t, func(conn int, cmd []string) string {
		if conn == 1 {
			return "?garbage\r\n"
		}
		return "+PONG\r\n"
	})
	c := f.client(Options{})
	_, err := c.Do(ctx5s(t), "PING")
	require.ErrorContains(t, err, "protocol error")
	require.Eventually(t, func() bool { return f.wasClosed(1) }, 5*time.Second, 5*time.Millisecond)
	_, err = c.Do(ctx5s(t), "PING")
	require.NoError(t, err)
	assert.Equal(t, 2, f.connections())
}

func TestAConnectionClosedByTheServerWhileIdleIsReplaced(t *testing.T) {
	f := newFakeRedis(t, func(int, []string) string { return "+PONG\r\n" })
	c := f.client(Options{})
	_, err := c.Do(ctx5s(t), "PING")
	require.NoError(t, err)
	f.hangUp(1) // as a restarted server or an idle timeout would
	require.Eventually(t, func() bool {
		cn := <-c.idle
		defer func() { c.idle <- cn }()
		return !cn.alive()
	}, 5*time.Second, 5*time.Millisecond, "the hang-up reached the client")
	_, err = c.Do(ctx5s(t), "PING")
	require.NoError(t, err, "the dead idle connection is dropped, not used")
	assert.Equal(t, 2, f.connections())
}

func TestDeadlineAndCancelAbortACommand(t *testing.T) {
	hang := make(chan struct{})
	got := make(chan struct{}, 4)
	f := newFakeRedis(t, func(int, []string) string { got <- struct{}{}; <-hang; return "+PONG\r\n" })
	c := f.client(Options{Timeout: time.Minute})

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Do(ctx, "PING")
	require.Error(t, err)
	assert.ErrorIs(t, err, os.ErrDeadlineExceeded, "the context's deadline bounds the round trip")

	ctx, cancel = context.WithCancel(context.Background())
	go func() { <-got; <-got; cancel() }()
	_, err = c.Do(ctx, "PING")
	assert.ErrorIs(t, err, context.Canceled, "cancelling the context aborts the command")

	assert.Empty(t, c.idle)
	close(hang) // the fake replies, then finds both connections closed
	require.Eventually(t, func() bool { return f.wasClosed(1) && f.wasClosed(2) }, 5*time.Second, 5*time.Millisecond,
		"neither abandoned connection is kept")

	_, err = c.Do(ctx, "PING")
	assert.ErrorIs(t, err, context.Canceled, "a context already done sends nothing")
	assert.Len(t, f.commands(), 2)
}

func TestCloseClosesIdleConnections(t *testing.T) {
	f := newFakeRedis(t, func(int, []string) string { return "+PONG\r\n" })
	c := f.client(Options{})
	_, err := c.Do(ctx5s(t), "PING")
	require.NoError(t, err)
	require.NoError(t, c.Close())
	require.Eventually(t, func() bool { return f.wasClosed(1) }, 5*time.Second, 5*time.Millisecond)
}

// rediss:// speaks TLS, verifying the server's certificate and name, and
// reuses its connections as plain ones.
func TestTLS(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), DNSNames: []string{"localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
	})
	require.NoError(t, err)
	f := serveFakeRedis(t, ln, func(int, []string) string { return "+PONG\r\n" })
	port := ln.Addr().(*net.TCPAddr).Port

	o, err := ParseURL(fmt.Sprintf("rediss://localhost:%d", port))
	require.NoError(t, err)
	_, err = New(o).Do(ctx5s(t), "PING")
	require.Error(t, err, "a certificate we do not trust is refused")

	roots := x509.NewCertPool()
	roots.AddCert(cert)
	o.TLS.RootCAs = roots
	c := New(o)
	defer c.Close()
	for range 3 {
		v, err := c.Do(ctx5s(t), "PING")
		require.NoError(t, err)
		assert.Equal(t, "PONG", v)
	}
	assert.Equal(t, 2, f.connections(), "the refused one, then one reused")
}

// Neither a refused dial nor a refused AUTH repeats the password.
func TestConnectErrorsNeverQuoteThePassword(t *testing.T) {
	f := newFakeRedis(t, func(int, []string) string {
		return "-WRONGPASS invalid username-password pair or user is disabled.\r\n"
	})
	o, err := ParseURL("redis://alice:hunter2@" + f.ln.Addr().String() + "/1")
	require.NoError(t, err)
	_, err = New(o).Do(ctx5s(t), "PING")
	require.ErrorContains(t, err, "WRONGPASS")
	assert.NotContains(t, err.Error(), "hunter2")

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	o, err = ParseURL("redis://alice:hunter2@" + addr)
	require.NoError(t, err)
	_, err = New(o).Do(ctx5s(t), "PING")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
}

// Against a real redis-server with ACL users: AUTH user password, SELECT,
// and a wrong password refused without being quoted.
func TestRealRedisAuthAndSelect(t *testing.T) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not installed; install it with: apt-get install -y redis-server")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "--port", fmt.Sprint(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
		"--requirepass", "defaultpw", "--user", "alice", "on", ">alicepw", "~*", "&*", "+@all")
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })

	dial := func(url string) *Client {
		o, err := ParseURL(url)
		require.NoError(t, err)
		c := New(o)
		t.Cleanup(func() { c.Close() })
		return c
	}
	alice := dial(fmt.Sprintf("redis://alice:alicepw@127.0.0.1:%d/5", port))
	require.Eventually(t, func() bool { _, err := alice.Do(ctx5s(t), "PING"); return err == nil },
		10*time.Second, 20*time.Millisecond, "redis-server did not start")
	_, err = alice.Do(ctx5s(t), "SET", "k", "in db 5")
	require.NoError(t, err)
	v, err := alice.Do(ctx5s(t), "CLIENT", "INFO")
	require.NoError(t, err)
	assert.Contains(t, v, " db=5 ")
	assert.Contains(t, v, " user=alice ")

	def := dial(fmt.Sprintf("redis://:defaultpw@127.0.0.1:%d/5", port))
	v, err = def.Do(ctx5s(t), "GET", "k")
	require.NoError(t, err)
	assert.Equal(t, "in db 5", v, "password only: AUTH as the default user")
	v, err = dial(fmt.Sprintf("redis://:defaultpw@127.0.0.1:%d", port)).Do(ctx5s(t), "GET", "k")
	require.NoError(t, err)
	assert.Nil(t, v, "db 0 by default")

	_, err = dial(fmt.Sprintf("redis://alice:hunter2@127.0.0.1:%d/5", port)).Do(ctx5s(t), "PING")
	require.ErrorContains(t, err, "WRONGPASS")
	assert.NotContains(t, err.Error(), "hunter2")
}
