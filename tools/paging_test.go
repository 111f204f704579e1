package tools_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/app"
	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
	"github.com/oncehub-mcp/oncehub-mcp/tools"
)

type listOut struct {
	Count        int              `json:"count"`
	HasMore      bool             `json:"has_more"`
	NextCursor   string           `json:"next_cursor"`
	StoppedEarly string           `json:"stopped_early"`
	Items        []map[string]any `json:"items"`
}

func ids(items []map[string]any) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i], _ = it["id"].(string)
	}
	return out
}

// allBookingIDs is every seeded booking ID, newest first, as the fake serves them.
func allBookingIDs(t *testing.T) []string {
	t.Helper()
	env := testenv.New(t)
	var out listOut
	testenv.Structured(t, testenv.Call(t, testenv.KeyCtx(), env.InProcess(t), "list_bookings", map[string]any{"max_results": 1000}), &out)
	require.Len(t, out.Items, 260)
	return ids(out.Items)
}

func TestMaxResultsWalksPagesAndAlwaysSaysWhetherMoreExist(t *testing.T) {
	t.Parallel()

	all := allBookingIDs(t)
	cases := []struct {
		max        int
		wantLimits []string // limit of each upstream request
		wantItems  int
		wantMore   bool
	}{
		{max: 1, wantLimits: []string{"1"}, wantItems: 1, wantMore: true},
		{max: 100, wantLimits: []string{"100"}, wantItems: 100, wantMore: true},
		{max: 250, wantLimits: []string{"100", "100", "50"}, wantItems: 250, wantMore: true},
		{max: 260, wantLimits: []string{"100", "100", "60"}, wantItems: 260, wantMore: false},
		{max: 1000, wantLimits: []string{"100", "100", "100"}, wantItems: 260, wantMore: false},
	}
	for _, tc := range cases {
		t.Run(strconv.Itoa(tc.max), func(t *testing.T) {
			t.Parallel()

			env := testenv.New(t)
			c := env.InProcess(t)
			var out listOut
			testenv.Structured(t, testenv.Call(t, testenv.KeyCtx(), c, "list_bookings", map[string]any{"max_results": tc.max}), &out)

			reqs := env.Fake.Requests()
			require.Len(t, reqs, len(tc.wantLimits))
			for i, r := range reqs {
				assert.Equal(t, "/bookings", r.Path)
				assert.Equal(t, tc.wantLimits[i], r.Query.Get("limit"), "request %d", i+1)
				if i == 0 {
					assert.False(t, r.Query.Has("after"), "the walk starts at the newest item")
				} else {
					assert.Equal(t, all[100*i-1], r.Query.Get("after"), "request %d continues after the last item so far", i+1)
				}
			}
			assert.Equal(t, all[:tc.wantItems], ids(out.Items))
			assert.Equal(t, tc.wantItems, out.Count)
			assert.Equal(t, tc.wantMore, out.HasMore)
			assert.Empty(t, out.StoppedEarly)
			if !tc.wantMore {
				assert.Empty(t, out.NextCursor)
				return
			}
			assert.Equal(t, all[tc.wantItems-1], out.NextCursor)

			// The cursor continues exactly where this result ended.
			var next listOut
			testenv.Structured(t, testenv.Call(t, testenv.KeyCtx(), c, "list_bookings", map[string]any{"max_results": 1000, "after": out.NextCursor}), &next)
			assert.Equal(t, all[tc.wantItems:], ids(next.Items))
			assert.False(t, next.HasMore)
		})
	}
}

func TestMaxResultsWithFiltersAndFullDetail(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	var out listOut
	testenv.Structured(t, testenv.Call(t, testenv.KeyCtx(), c, "list_bookings", map[string]any{
		"max_results": 150, "status": "completed", "detail": "full",
	}), &out)
	for _, r := range env.Fake.Requests() {
		assert.Equal(t, "completed", r.Query.Get("status"), "every page keeps the filters")
	}
	require.NotEmpty(t, out.Items)
	assert.Less(t, out.Count, 150, "fewer completed bookings than max_results")
	assert.False(t, out.HasMore)
	for _, it := range out.Items {
		assert.Equal(t, "completed", it["status"])
		assert.Contains(t, it, "form_submission", "full detail on every page")
	}
}

// failingEnv is a server against a fake OnceHub whose nth upstream request
// fails with a 500 (not retried). It records the requests it saw.
type failingEnv struct {
	mu   sync.Mutex
	seen []*http.Request
	c    *client.Client
}

func newFailingEnv(t *testing.T, failOn int) *failingEnv {
	t.Helper()
	fe := &failingEnv{}
	fake := fakeoncehub.New(fakeoncehub.Options{Now: func() time.Time { return testenv.Now }})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fe.mu.Lock()
		fe.seen = append(fe.seen, r)
		n := len(fe.seen)
		fe.mu.Unlock()
		if n == failOn {
			w.Header().Set("Request-Id", "req_failed")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"type":"api_error","message":"Something went wrong on our side."}`))
			return
		}
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(up.Close)
	a, err := app.Build(app.Config{APIURL: up.URL + "/v2", Timeout: 10 * time.Second}, app.Options{
		Version: "test", Deps: tools.Deps{Now: func() time.Time { return testenv.Now }},
	})
	require.NoError(t, err)
	c, err := client.NewInProcessClient(a.MCP)
	require.NoError(t, err)
	init := mcp.InitializeRequest{}
	init.Params.ClientInfo = mcp.Implementation{Name: "paging-test", Version: "1"}
	_, err = c.Initialize(context.Background(), init)
	require.NoError(t, err)
	fe.c = c
	return fe
}

func (fe *failingEnv) requests() []*http.Request {
	fe.mu.Lock()
	defer fe.mu.Unlock()
	return append([]*http.Request(nil), fe.seen...)
}

func TestWalkFailingOnPage3ReturnsItemsAndWhereItStopped(t *testing.T) {
	t.Parallel()

	all := allBookingIDs(t)
	for _, detail := range []string{"compact", "full"} {
		t.Run(detail, func(t *testing.T) {
			t.Parallel()

			fe := newFailingEnv(t, 3)
			res := testenv.Call(t, testenv.KeyCtx(), fe.c, "list_bookings", map[string]any{"max_results": 300, "detail": detail})
			require.False(t, res.IsError, "a partial walk keeps its items: %s", testenv.Text(res))
			var out listOut
			testenv.Structured(t, res, &out)

			reqs := fe.requests()
			require.Len(t, reqs, 3, "a 500 is not retried and the walk stops")
			assert.Equal(t, all[199], reqs[2].URL.Query().Get("after"))
			assert.Equal(t, fakeoncehub.TestKey, reqs[2].Header.Get("API-Key"))

			assert.Equal(t, all[:200], ids(out.Items), "the two pages that arrived")
			assert.Equal(t, 200, out.Count)
			assert.True(t, out.HasMore, "a walk that stopped early never claims to be complete")
			assert.Equal(t, all[199], out.NextCursor, "continue from the page that failed")
			assert.Contains(t, out.StoppedEarly, "Stopped after 200 items")
			assert.Contains(t, out.StoppedEarly, `after="`+all[199]+`"`)
			assert.Contains(t, out.StoppedEarly, "OnceHub error 500 (api_error): Something went wrong on our side.")
			assert.Contains(t, out.StoppedEarly, "Request-Id: req_failed")
			assert.Contains(t, testenv.Text(res), "stopped_early", "the text copy carries the note too")
			assert.NotContains(t, testenv.Text(res), fakeoncehub.TestKey)

			// Continuing with the cursor picks up exactly where the walk stopped.
			var rest listOut
			testenv.Structured(t, testenv.Call(t, testenv.KeyCtx(), fe.c, "list_bookings", map[string]any{"max_results": 100, "after": out.NextCursor}), &rest)
			assert.Equal(t, all[200:260], ids(rest.Items))
			assert.False(t, rest.HasMore)
		})
	}
}

func TestWalkFailingOnPage1IsAnError(t *testing.T) {
	t.Parallel()

	fe := newFailingEnv(t, 1)
	res := testenv.Call(t, testenv.KeyCtx(), fe.c, "list_bookings", map[string]any{"max_results": 300})
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "OnceHub error 500")
	assert.NotContains(t, testenv.Text(res), "Stopped after")
	assert.Len(t, fe.requests(), 1)
}

func TestSinglePageFailureIsAnError(t *testing.T) {
	t.Parallel()

	fe := newFailingEnv(t, 2)
	first := testenv.Call(t, testenv.KeyCtx(), fe.c, "list_bookings", map[string]any{"limit": 5})
	require.False(t, first.IsError)
	res := testenv.Call(t, testenv.KeyCtx(), fe.c, "list_bookings", map[string]any{"limit": 5})
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "Request-Id: req_failed")
}

// has_more says whether items exist after this page (continue with
// after=next_cursor), also on a page reached with before: the first page,
// reached by paging back, has more after it, and none before it.
func TestPagingBackSaysWhatFollows(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	var first, second, back struct {
		listOut
		PrevCursor string `json:"prev_cursor"`
	}
	testenv.Structured(t, testenv.Call(t, ctx, c, "list_bookings", map[string]any{"limit": 5}), &first)
	require.True(t, first.HasMore)
	testenv.Structured(t, testenv.Call(t, ctx, c, "list_bookings", map[string]any{"limit": 5, "after": first.NextCursor}), &second)
	require.NotEmpty(t, second.PrevCursor)
	testenv.Structured(t, testenv.Call(t, ctx, c, "list_bookings", map[string]any{"limit": 5, "before": second.PrevCursor}), &back)
	assert.Equal(t, ids(first.Items), ids(back.Items), "back to the first page")
	assert.True(t, back.HasMore, "the second page follows")
	assert.Equal(t, first.NextCursor, back.NextCursor)
	assert.Empty(t, back.PrevCursor, "nothing before the first page")

	// A page in the middle, reached backwards, has more after it too.
	var third, middle struct {
		listOut
		PrevCursor string `json:"prev_cursor"`
	}
	testenv.Structured(t, testenv.Call(t, ctx, c, "list_bookings", map[string]any{"limit": 5, "after": second.NextCursor}), &third)
	testenv.Structured(t, testenv.Call(t, ctx, c, "list_bookings", map[string]any{"limit": 5, "before": third.PrevCursor}), &middle)
	assert.Equal(t, ids(second.Items), ids(middle.Items))
	assert.True(t, middle.HasMore)
	assert.Equal(t, second.NextCursor, middle.NextCursor)
	assert.Equal(t, second.PrevCursor, middle.PrevCursor)
}
