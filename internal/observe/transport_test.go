package observe

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Transport(nil) builds its http.Transport on the first request, not at
// start-up, and then keeps using that one transport (and its connections).
func TestDefaultTransportIsBuiltOnFirstRequestAndReused(t *testing.T) {
	var conns int
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns++
		}
	}
	srv.Start()
	defer srv.Close()

	rt := New(nil).Transport(nil).(*roundTripper)
	lazy, ok := rt.next.(*lazyTransport)
	require.True(t, ok, "the default transport is lazy")
	calls := 0
	get := lazy.get
	lazy.get = func() *http.Transport { calls++; return get() }

	c := &http.Client{Transport: rt}
	for range 3 {
		resp, err := c.Get(srv.URL)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		require.NoError(t, resp.Body.Close())
	}
	assert.Equal(t, 3, calls, "every request goes through the lazily built transport")
	assert.Same(t, get(), get(), "built once")
	assert.Equal(t, 1, conns, "requests reuse the transport's keep-alive connection")
	assert.Equal(t, 32, get().MaxIdleConnsPerHost)
}
