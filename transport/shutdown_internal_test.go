package transport

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// At the shutdown deadline the stop path answers a call from another
// goroutine while the call's handler may still be writing: they must never
// touch the same header map or ResponseWriter at once (go test -race says
// when they do), and the handler's later writes are dropped.
func TestTheStopPathSharesNothingWithTheHandler(t *testing.T) {
	t.Parallel()

	rec := httptest.NewRecorder()
	sw := &stopWriter{w: rec}
	stopped := jsonrpcError(7, stoppedCode, DefaultStoppedMessage, map[string]any{"reason": "server_stopped"})
	var wg sync.WaitGroup
	wg.Add(2)
	var answered bool
	go func() { // shutdown's abort
		defer wg.Done()
		answered = sw.stop(stopped)
	}()
	go func() { // the handler, starting its own answer meanwhile
		defer wg.Done()
		sw.Header().Set("Content-Type", "text/event-stream")
		sw.Header().Set("X-Handler", "1")
	}()
	wg.Wait()
	sw.WriteHeader(http.StatusAccepted)
	_, err := sw.Write([]byte("event: message\ndata: {}\n\n"))
	sw.finish()

	require.True(t, answered, "nothing was written when the deadline passed: the stop path answers")
	assert.ErrorIs(t, err, errStopped, "the handler's later writes are dropped")
	res := rec.Result() // the header as it was sent
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
	assert.Empty(t, res.Header.Get("X-Handler"), "none of the handler's headers reach the stopped answer")
	assert.Equal(t, strconv.Itoa(rec.Body.Len()), res.Header.Get("Content-Length"))
	want, _ := json.Marshal(stopped)
	assert.JSONEq(t, string(want), rec.Body.String())
}

// The handler's headers still reach the client when it answers first,
// including when it sets some and returns without writing.
func TestTheHandlersHeadersReachTheClient(t *testing.T) {
	t.Parallel()

	rec := httptest.NewRecorder()
	sw := &stopWriter{w: rec}
	sw.Header().Set("Content-Type", "text/event-stream")
	sw.WriteHeader(http.StatusOK)
	_, err := sw.Write([]byte("event: message\ndata: {}\n\n"))
	require.NoError(t, err)
	assert.True(t, sw.stop(jsonrpcError(7, stoppedCode, "stopped", nil)), "a stream gets the answer as a last event")
	sw.finish()
	assert.Equal(t, "text/event-stream", rec.Result().Header.Get("Content-Type"))
	assert.Contains(t, rec.Body.String(), `"code":-32001`)

	rec = httptest.NewRecorder()
	sw = &stopWriter{w: rec}
	sw.Header().Set("Retry-After", "1")
	sw.finish() // the handler returned without writing: net/http answers 200 with its headers
	assert.Equal(t, "1", rec.Result().Header.Get("Retry-After"))
	assert.False(t, sw.stop(jsonrpcError(7, stoppedCode, "stopped", nil)), "a finished request is net/http's again")
}

// A handler that flushes before writing (an SSE stream opened, nothing sent
// yet) sends its own headers, and the stop path then knows the answer is a
// stream.
func TestAFlushSendsTheHandlersHeaders(t *testing.T) {
	t.Parallel()

	rec := httptest.NewRecorder()
	sw := &stopWriter{w: rec}
	sw.Header().Set("Content-Type", "text/event-stream")
	sw.Flush()
	assert.Equal(t, "text/event-stream", rec.Result().Header.Get("Content-Type"))
	assert.True(t, sw.stop(jsonrpcError(7, stoppedCode, "stopped", nil)), "a stream gets the answer as a last event")
	sw.finish()
	assert.Contains(t, rec.Body.String(), "event: message")
	assert.Contains(t, rec.Body.String(), `"code":-32001`)
}
