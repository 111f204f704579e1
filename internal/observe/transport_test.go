package observe

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Transport(nil) is oncehub's transport, and requests reuse its keep-alive
// connection.
func TestDefaultTransportKeepsConnectionsAlive(t *testing.T) {
	t.Parallel()

	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	rt := New(nil).Transport(nil).(*roundTripper)
	tr, ok := rt.next.(*http.Transport)
	require.True(t, ok)
	assert.Equal(t, 32, tr.MaxIdleConnsPerHost)

	c := &http.Client{Transport: rt}
	for range 3 {
		resp, err := c.Get(srv.URL)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		require.NoError(t, resp.Body.Close())
	}
	assert.Equal(t, int32(1), conns.Load(), "requests reuse the transport's keep-alive connection")
}
