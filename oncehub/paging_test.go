package oncehub

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pagedBookings serves n bookings BKNG-1 (newest) … BKNG-n as OnceHub pages
// them (after = an ID; a Link header when more follow), failing the request
// numbered failOn (1-based; 0: none) with a 500. It records each request's
// query.
func pagedBookings(t *testing.T, n, failOn int) (*Client, func() []string) {
	t.Helper()
	c, mux, _ := setup(t)
	var mu sync.Mutex
	var queries []string
	mux.HandleFunc("/bookings", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.RawQuery)
		call := len(queries)
		mu.Unlock()
		if call == failOn {
			reply(w, 500, `{"type":"api_error","message":"boom"}`)
			return
		}
		q := r.URL.Query()
		assert.Equal(t, "scheduled", q.Get("status"), "every page keeps the filters")
		limit, _ := strconv.Atoi(q.Get("limit"))
		from := 1
		if a := q.Get("after"); a != "" {
			from, _ = strconv.Atoi(strings.TrimPrefix(a, "BKNG-"))
			from++
		}
		var items []string
		for i := from; i < from+limit && i <= n; i++ {
			items = append(items, fmt.Sprintf(`{"id":"BKNG-%d","object":"booking"}`, i))
		}
		more := from+limit <= n
		if more {
			w.Header().Set("Link", fmt.Sprintf(`<https://api.oncehub.com/v2/bookings?after=BKNG-%d&limit=%d>; rel="next"`, from+limit-1, limit))
		}
		reply(w, 200, fmt.Sprintf(`{"object":"list","has_more":%v,"data":[%s]}`, more, strings.Join(items, ",")))
	})
	return c, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), queries...)
	}
}

func collect(t *testing.T, p *Pager[Booking], max int) ([]string, error) {
	t.Helper()
	var ids []string
	for b, err := range p.Items(max) {
		if err != nil {
			return ids, err
		}
		ids = append(ids, b.ID)
	}
	return ids, nil
}

func TestPagerWalksUpToTheCapAndSaysWhereToContinue(t *testing.T) {
	t.Parallel()

	opts := &BookingListOptions{Status: BookingScheduled}
	cases := []struct {
		max         int
		wantQueries []string
		wantItems   int
		wantMore    bool
	}{
		{1, []string{"limit=1&status=scheduled"}, 1, true},
		{100, []string{"limit=100&status=scheduled"}, 100, true},
		{250, []string{"limit=100&status=scheduled", "after=BKNG-100&limit=100&status=scheduled", "after=BKNG-200&limit=50&status=scheduled"}, 250, true},
		{260, []string{"limit=100&status=scheduled", "after=BKNG-100&limit=100&status=scheduled", "after=BKNG-200&limit=60&status=scheduled"}, 260, false},
		{0, []string{"limit=100&status=scheduled", "after=BKNG-100&limit=100&status=scheduled", "after=BKNG-200&limit=100&status=scheduled"}, 260, false},
	}
	// Checked once every subtest has finished.
	t.Cleanup(func() {
		assert.Equal(t, &BookingListOptions{Status: BookingScheduled}, opts, "the caller's options are not changed")
	})
	for _, tc := range cases {
		t.Run(strconv.Itoa(tc.max), func(t *testing.T) {
			t.Parallel()

			c, queries := pagedBookings(t, 260, 0)
			p := c.Bookings.ListAll(keyCtx(), opts)
			ids, err := collect(t, p, tc.max)
			require.NoError(t, err)
			assert.Equal(t, tc.wantQueries, queries())
			require.Len(t, ids, tc.wantItems)
			assert.Equal(t, "BKNG-1", ids[0])
			assert.Equal(t, tc.wantMore, p.HasMore())
			if tc.wantMore {
				assert.Equal(t, ids[len(ids)-1], p.Cursor())
			} else {
				assert.Empty(t, p.Cursor())
			}
		})
	}
}

func TestPagerStartsAfterTheCursorAndContinues(t *testing.T) {
	t.Parallel()

	c, queries := pagedBookings(t, 30, 0)
	p := c.Bookings.ListAll(keyCtx(), &BookingListOptions{ListOptions: ListOptions{After: "BKNG-10", Limit: 5}, Status: BookingScheduled})
	ids, err := collect(t, p, 3)
	require.NoError(t, err)
	assert.Equal(t, []string{"BKNG-11", "BKNG-12", "BKNG-13"}, ids)
	assert.Equal(t, []string{"after=BKNG-10&limit=3&status=scheduled"}, queries(), "Limit is not the page size: the cap is")
	assert.Equal(t, "BKNG-13", p.Cursor())

	ids, err = collect(t, p, 0)
	require.NoError(t, err)
	assert.Len(t, ids, 17, "a second Items continues where the first stopped")
	assert.Equal(t, "BKNG-14", ids[0])
	assert.False(t, p.HasMore())
}

func TestPagerStoppedByTheCallerMidPage(t *testing.T) {
	t.Parallel()

	c, _ := pagedBookings(t, 30, 0)
	p := c.Bookings.ListAll(keyCtx(), &BookingListOptions{Status: BookingScheduled})
	n := 0
	for _, err := range p.Items(0) {
		require.NoError(t, err)
		if n++; n == 7 {
			break
		}
	}
	assert.True(t, p.HasMore())
	assert.Equal(t, "BKNG-7", p.Cursor(), "continue after the last item taken")
}

func TestPagerReportsAPartialWalk(t *testing.T) {
	t.Parallel()

	c, queries := pagedBookings(t, 260, 3)
	p := c.Bookings.ListAll(keyCtx(), &BookingListOptions{Status: BookingScheduled})
	ids, err := collect(t, p, 300)
	e, ok := asAPIError(err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, 500, e.Status)
	assert.Len(t, ids, 200, "the items before the failure are kept")
	assert.True(t, p.HasMore())
	assert.Equal(t, "BKNG-200", p.Cursor(), "the failed page's cursor")
	assert.Len(t, queries(), 3, "a 500 is not retried")

	// A failure on the first page leaves nothing to continue from.
	c, _ = pagedBookings(t, 260, 1)
	p = c.Bookings.ListAll(keyCtx(), &BookingListOptions{Status: BookingScheduled})
	ids, err = collect(t, p, 10)
	require.Error(t, err)
	assert.Empty(t, ids)
}

func TestPagerRefusesBadOptionsOnceBeforeSending(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	refuseAll(t, mux)
	for _, tc := range []struct {
		opts  *BookingListOptions
		param string
	}{
		{&BookingListOptions{ListOptions: ListOptions{Before: "BKNG-1"}}, "before"},
		{&BookingListOptions{Status: "done"}, "status"},
		{&BookingListOptions{ListOptions: ListOptions{After: "../x"}}, "after"},
	} {
		_, err := collect(t, c.Bookings.ListAll(ctx, tc.opts), 10)
		assertParamError(t, err, tc.param)
	}
}

// Every service's ListAll walks its own path and keeps its filters.
func TestEveryListAllWalksItsPath(t *testing.T) {
	t.Parallel()

	cases := []struct {
		path, query string
		walk        func(c *Client) (n int, err error)
	}{
		{"/booking-calendars", "host=TM-1", func(c *Client) (int, error) {
			return count(c.BookingCalendars.ListAll(keyCtx(), &BookingCalendarListOptions{Host: "TM-1"}))
		}},
		{"/booking-pages", "user=USR-1", func(c *Client) (int, error) {
			return count(c.BookingPages.ListAll(keyCtx(), &BookingPageListOptions{User: "USR-1"}))
		}},
		{"/event-types", "", func(c *Client) (int, error) { return count(c.EventTypes.ListAll(keyCtx(), nil)) }},
		{"/master-pages", "", func(c *Client) (int, error) { return count(c.MasterPages.ListAll(keyCtx(), nil)) }},
		{"/users", "email=a%40example.com", func(c *Client) (int, error) {
			return count(c.Users.ListAll(keyCtx(), &UserListOptions{Email: "a@example.com"}))
		}},
		{"/teams", "user=USR-1", func(c *Client) (int, error) { return count(c.Teams.ListAll(keyCtx(), &TeamListOptions{User: "USR-1"})) }},
		{"/contacts", "email=a%40example.com", func(c *Client) (int, error) {
			return count(c.Contacts.ListAll(keyCtx(), &ContactListOptions{Email: "a@example.com"}))
		}},
		{"/webhooks", "", func(c *Client) (int, error) { return count(c.Webhooks.ListAll(keyCtx(), nil)) }},
		{"/notifications/sms", "recipient_type=user", func(c *Client) (int, error) {
			return count(c.SMSNotifications.ListAll(keyCtx(), &SMSListOptions{RecipientType: RecipientUser}))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()

			c, mux, _ := setup(t)
			var queries []url.Values
			mux.HandleFunc(tc.path, func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, "GET")
				queries = append(queries, r.URL.Query())
				if len(queries) == 1 {
					reply(w, 200, `{"object":"list","has_more":true,"data":[{"id":"X-1"},{"id":"X-2"}]}`)
					return
				}
				reply(w, 200, `{"object":"list","has_more":false,"data":[{"id":"X-3"}]}`)
			})
			n, err := tc.walk(c)
			require.NoError(t, err)
			assert.Equal(t, 3, n)
			first, err := url.ParseQuery("limit=100&" + tc.query)
			require.NoError(t, err)
			second, err := url.ParseQuery("after=X-2&limit=100&" + tc.query)
			require.NoError(t, err)
			assert.Equal(t, []url.Values{first, second}, queries)
		})
	}
}

func count[T any](p *Pager[T]) (int, error) {
	n := 0
	for _, err := range p.Items(0) {
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func TestParseLinkHeader(t *testing.T) {
	t.Parallel()

	got := parseLinkHeader([]string{`<https://x/v2/bookings?after=B-1>; rel="next", <https://x/v2/bookings?before=B-9>; rel=prev`, `<u>; REL="Next"`})
	assert.Equal(t, map[string]string{"next": "https://x/v2/bookings?after=B-1", "previous": "https://x/v2/bookings?before=B-9"}, got)
	assert.Empty(t, parseLinkHeader([]string{`<`, `>;rel=`, ``}))
}
