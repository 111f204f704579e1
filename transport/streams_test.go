package transport_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/transport"
)

// listener is a client of protocol 2026-07-28 whose subscriptions/listen
// stream can be opened and closed.
type listener struct {
	c     *client.Client
	acked chan struct{} // the server acknowledged a stream
	stop  context.CancelFunc
	done  chan error // Listen returned
}

func newListener(t *testing.T, url, key string) *listener {
	t.Helper()
	l := &listener{c: connect(t, url, key, protocolLatest), acked: make(chan struct{}, 16)}
	l.c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == mcp.MethodNotificationSubscriptionsAcknowledged {
			l.acked <- struct{}{}
		}
	})
	return l
}

// open opens a stream and waits until the server acknowledged it, or until
// the server refused it (the error).
func (l *listener) open() error {
	ctx, cancel := context.WithCancel(context.Background())
	l.stop, l.done = cancel, make(chan error, 1)
	go func() { l.done <- l.c.Listen(ctx, mcp.SubscriptionFilter{ToolsListChanged: true}) }()
	select {
	case <-l.acked:
		return nil
	case err := <-l.done:
		cancel()
		return err
	}
}

// close closes the stream and waits for Listen to return (with the
// context's error: the client closed it).
func (l *listener) close() error {
	l.stop()
	return <-l.done
}

// One caller may hold only so many subscriptions/listen streams: one more
// is refused saying how many, other callers and the caller's tool calls are
// not affected, and closing a stream frees a place.
func TestListenStreamsAreBoundedPerCaller(t *testing.T) {
	t.Parallel()

	var mu sync.Mutex
	var rejected []string
	// A server that announces tool list changes: a stream that asks for
	// them stays open until its client closes it. (oncehub-mcp announces
	// none today, so its listen streams end at once; the bound holds
	// either way.)
	s := server.NewMCPServer("test", "1", server.WithToolCapabilities(true))
	s.AddTool(mcp.NewTool("work"), func(ctx context.Context, _ mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		tenant, _ := ctx.Value(tenantKey{}).(string)
		return mcp.NewToolResultText("tenant=" + tenant), nil
	})
	url := serve(t, &workServer{MCPServer: s}, transport.HTTPOptions{Tenant: keyTenant, MaxStreamsPerCaller: 2, OnReject: func(reason string) {
		mu.Lock()
		rejected = append(rejected, reason)
		mu.Unlock()
	}})

	a1, a2, a3 := newListener(t, url, "good-a"), newListener(t, url, "good-a"), newListener(t, url, "good-a")
	require.NoError(t, a1.open())
	defer a1.stop()
	require.NoError(t, a2.open())
	defer a2.stop()

	err := a3.open()
	require.Error(t, err, "a third stream of one caller was opened")
	assert.Contains(t, err.Error(), "at most 2 at once")
	mu.Lock()
	assert.Equal(t, []string{"streams"}, rejected)
	mu.Unlock()

	// Another caller is not affected, nor are the caller's tool calls.
	b := newListener(t, url, "good-b")
	require.NoError(t, b.open())
	defer b.stop()
	res, err := callWork(context.Background(), a3.c, "", 0, false)
	require.NoError(t, err)
	assert.Equal(t, "tenant=good-a", text(res))

	// Closing a stream frees a place. The server learns of the close when
	// it sees the connection end, so the caller may be refused (as above)
	// until then.
	assert.ErrorIs(t, a1.close(), context.Canceled)
	for {
		err := a3.open()
		if err == nil {
			break
		}
		require.Contains(t, err.Error(), "at most 2 at once")
		time.Sleep(10 * time.Millisecond)
	}
	for _, l := range []*listener{a3, a2, b} {
		assert.ErrorIs(t, l.close(), context.Canceled)
	}
}
