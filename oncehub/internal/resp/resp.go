// Package resp is the small Redis client the shared rate limiter needs:
// RESP2 over TCP or TLS, AUTH and SELECT on connect, EVALSHA falling back to
// EVAL, context deadlines and cancellation, and a few idle connections kept
// for reuse. It does not do pipelining, pub/sub, RESP3, unix sockets,
// Sentinel, Cluster or retries: a failed command is the caller's to handle.
package resp

import (
	"bufio"
	"context"
	"crypto/sha1"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options says where and how to connect.
type Options struct {
	Addr     string // host:port
	Username string // sent with AUTH when Password is set
	Password string
	DB       int         // SELECTed on connect when not 0
	TLS      *tls.Config // nil: plain TCP
	// Timeout bounds a dial, and a command whose context has no deadline;
	// 1 s when zero.
	Timeout time.Duration
	// MaxIdle is how many idle connections are kept for reuse; 4 when zero.
	MaxIdle int
}

// ParseURL reads redis://[[user]:password@]host[:port][/db], or rediss://
// for TLS (host defaults to localhost, port to 6379, db to 0). Its errors
// never repeat the URL, which may hold a password.
func ParseURL(raw string) (Options, error) {
	u, err := url.Parse(raw)
	if err != nil { // url.Error would quote the URL, password included
		return Options{}, errors.New("not a valid URL (percent-encode reserved characters in the user name and password)")
	}
	if (u.Scheme != "redis" && u.Scheme != "rediss") || u.Opaque != "" {
		return Options{}, errors.New("the URL must look like redis://[user:password@]host:port[/db] (rediss:// for TLS)")
	}
	if u.RawQuery != "" {
		return Options{}, errors.New("URL options (?...) are not supported")
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = "6379"
	}
	o := Options{Addr: net.JoinHostPort(host, port)}
	if u.User != nil {
		o.Username = u.User.Username()
		o.Password, _ = u.User.Password()
	}
	if path := strings.Trim(u.Path, "/"); path != "" {
		if o.DB, err = strconv.Atoi(path); err != nil || o.DB < 0 {
			return Options{}, errors.New("the URL path must be a database number, as in redis://host:6379/0")
		}
	}
	if u.Scheme == "rediss" {
		o.TLS = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	return o, nil
}

// Error is an error reply from Redis. It leaves the connection usable.
type Error string

func (e Error) Error() string { return string(e) }

// Client sends commands to one Redis server. It is safe for concurrent use:
// each command takes an idle connection or dials a new one, and a connection
// that saw anything but a complete reply is closed, never reused.
type Client struct {
	o      Options
	idle   chan *conn
	mu     sync.Mutex // guards closed and sends on idle
	closed bool
}

// New returns a client; it connects on the first command.
func New(o Options) *Client {
	if o.Timeout <= 0 {
		o.Timeout = time.Second
	}
	if o.MaxIdle <= 0 {
		o.MaxIdle = 4
	}
	return &Client{o: o, idle: make(chan *conn, o.MaxIdle)}
}

// Do sends one command and returns its reply: a string (simple or bulk), an
// int64, a []any, or nil (null bulk or array). An error reply is an Error.
func (c *Client) Do(ctx context.Context, args ...any) (any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	cn, err := c.get(ctx)
	if err != nil {
		return nil, err
	}
	v, err := cn.roundTrip(ctx, c.o.Timeout, args)
	var reply Error
	if err != nil && !errors.As(err, &reply) {
		cn.nc.Close()
		return nil, err
	}
	c.put(cn)
	return v, err
}

// Script is a Lua script run by its SHA1 digest.
type Script struct {
	src string
	sha func() string
}

// NewScript returns src as a Script. Its SHA-1 is computed on first use:
// scripts are package-level variables, and start-up should not pay for a
// hash that only a Redis-backed limiter needs.
func NewScript(src string) *Script {
	return &Script{src: src, sha: sync.OnceValue(func() string {
		sum := sha1.Sum([]byte(src))
		return hex.EncodeToString(sum[:])
	})}
}

// Eval runs s with EVALSHA, and with EVAL (which caches it) when Redis does
// not know the script yet.
func (c *Client) Eval(ctx context.Context, s *Script, keys []string, args ...any) (any, error) {
	cmd := make([]any, 0, 3+len(keys)+len(args))
	cmd = append(cmd, "EVALSHA", s.sha(), len(keys))
	for _, k := range keys {
		cmd = append(cmd, k)
	}
	cmd = append(cmd, args...)
	v, err := c.Do(ctx, cmd...)
	if e, ok := err.(Error); ok && strings.HasPrefix(string(e), "NOSCRIPT") {
		cmd[0], cmd[1] = "EVAL", s.src
		return c.Do(ctx, cmd...)
	}
	return v, err
}

// Close closes the idle connections; commands under way finish, and their
// connections are closed then.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for {
		select {
		case cn := <-c.idle:
			cn.nc.Close()
		default:
			return nil
		}
	}
}

func (c *Client) get(ctx context.Context) (*conn, error) {
	for {
		select {
		case cn := <-c.idle:
			if cn.alive() {
				return cn, nil
			}
			cn.nc.Close() // closed by the server (restart, idle timeout) while idle
		default:
			return c.dial(ctx)
		}
	}
}

func (c *Client) put(cn *conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		cn.nc.Close()
		return
	}
	select {
	case c.idle <- cn:
	default:
		cn.nc.Close()
	}
}

func (c *Client) dial(ctx context.Context) (*conn, error) {
	d := net.Dialer{Timeout: c.o.Timeout}
	nc, err := d.DialContext(ctx, "tcp", c.o.Addr)
	if err != nil {
		return nil, err
	}
	if c.o.TLS != nil {
		tc := tls.Client(nc, c.o.TLS)
		hctx, cancel := context.WithTimeout(ctx, c.o.Timeout)
		err = tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			nc.Close()
			return nil, err
		}
		nc = tc
	}
	cn := &conn{nc: nc, br: bufio.NewReader(nc), bw: bufio.NewWriter(nc)}
	if c.o.Password != "" {
		args := []any{"AUTH", c.o.Password}
		if c.o.Username != "" {
			args = []any{"AUTH", c.o.Username, c.o.Password}
		}
		if _, err := cn.roundTrip(ctx, c.o.Timeout, args); err != nil {
			nc.Close()
			return nil, fmt.Errorf("redis AUTH: %w", err)
		}
	}
	if c.o.DB != 0 {
		if _, err := cn.roundTrip(ctx, c.o.Timeout, []any{"SELECT", c.o.DB}); err != nil {
			nc.Close()
			return nil, fmt.Errorf("redis SELECT %d: %w", c.o.DB, err)
		}
	}
	return cn, nil
}

type conn struct {
	nc net.Conn
	br *bufio.Reader
	bw *bufio.Writer
}

// alive says whether an idle connection is still open with nothing unread.
func (cn *conn) alive() bool {
	// The last command's deadline has likely passed; a past deadline fails
	// even a peek.
	return cn.br.Buffered() == 0 && cn.nc.SetDeadline(time.Time{}) == nil && !peerGone(cn.nc)
}

var errCanceled = errors.New("redis command abandoned: context canceled")

// roundTrip writes one command and reads its reply within ctx's deadline (or
// timeout); cancelling ctx aborts it. Any error but an Error leaves cn unusable.
func (cn *conn) roundTrip(ctx context.Context, timeout time.Duration, args []any) (any, error) {
	dl, ok := ctx.Deadline()
	if !ok {
		dl = time.Now().Add(timeout)
	}
	if err := cn.nc.SetDeadline(dl); err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { _ = cn.nc.SetDeadline(time.Unix(1, 0)) })
	fmt.Fprintf(cn.bw, "*%d\r\n", len(args))
	for _, a := range args {
		var s string
		switch a := a.(type) {
		case string:
			s = a
		case []byte:
			s = string(a)
		default:
			s = fmt.Sprint(a)
		}
		fmt.Fprintf(cn.bw, "$%d\r\n%s\r\n", len(s), s)
	}
	err := cn.bw.Flush()
	var v any
	if err == nil {
		v, err = readReply(cn.br, 0)
	}
	if !stop() { // ctx ended during the command: its deadline may be poisoned
		if err == nil || errors.As(err, new(Error)) {
			return nil, errCanceled
		}
		return nil, fmt.Errorf("%w (%w)", err, ctx.Err())
	}
	return v, err
}

// Limits on what a reply may make us allocate.
const (
	maxBulk  = 16 << 20
	maxArray = 1 << 16
	maxDepth = 8
)

// readReply reads one RESP2 reply.
func readReply(br *bufio.Reader, depth int) (any, error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, errors.New("redis protocol error: reply line too long")
		}
		return nil, err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return nil, fmt.Errorf("redis protocol error: malformed line %q", truncate(line))
	}
	kind, body := line[0], string(line[1:len(line)-2])
	switch kind {
	case '+':
		return body, nil
	case '-':
		return nil, Error(body)
	case ':':
		n, err := strconv.ParseInt(body, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("redis protocol error: bad integer %q", truncate(line))
		}
		return n, nil
	case '$', '*':
		n, err := strconv.Atoi(body)
		if err != nil || n < -1 || (kind == '$' && n > maxBulk) || (kind == '*' && (n > maxArray || depth >= maxDepth)) {
			return nil, fmt.Errorf("redis protocol error: bad length in %q", truncate(line))
		}
		if n == -1 {
			return nil, nil
		}
		if kind == '$' {
			buf := make([]byte, n+2)
			if _, err := io.ReadFull(br, buf); err != nil {
				return nil, err
			}
			if buf[n] != '\r' || buf[n+1] != '\n' {
				return nil, errors.New("redis protocol error: bulk string not ended by CRLF")
			}
			return string(buf[:n]), nil
		}
		arr := make([]any, n)
		for i := range arr {
			v, err := readReply(br, depth+1)
			var e Error
			if errors.As(err, &e) {
				v, err = e, nil // an error element; the stream is still in step
			}
			if err != nil {
				return nil, err
			}
			arr[i] = v
		}
		return arr, nil
	}
	return nil, fmt.Errorf("redis protocol error: unknown reply type in %q", truncate(line))
}

func truncate(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}
