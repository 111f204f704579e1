package oncehub

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const bookingPageJSON = `{"object":"booking_page","id":"BP-1","name":"Ana's page","label":"ana","url":"https://go.oncehub.com/ana","active":true,"timezone":"Europe/Madrid"}`

func TestBookingPagesList(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/booking-pages", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testQuery(t, r, url.Values{"master_page": {"MP-1"}, "event_type": {"ET-1"}, "user": {"USR-1"}, "limit": {"10"}})
		reply(w, 200, `{"object":"list","has_more":false,"data":[`+bookingPageJSON+`]}`)
	})
	got, resp, err := c.BookingPages.List(ctx, &BookingPageListOptions{ListOptions: ListOptions{Limit: 10}, MasterPage: "MP-1", EventType: "ET-1", User: "USR-1"})
	require.NoError(t, err)
	testResponse(t, resp, 200)
	require.Len(t, got, 1)
	assert.Equal(t, BookingPage{Object: "booking_page", ID: "BP-1", Name: "Ana's page", Label: "ana", URL: "https://go.oncehub.com/ana", Active: true, Timezone: "Europe/Madrid", Extra: got[0].Extra}, got[0])
	assert.False(t, resp.HasMore)

	for opts, param := range map[BookingPageListOptions]string{
		{MasterPage: "BP-1"}: "master_page", {EventType: "MP-1"}: "event_type", {User: "TM-1"}: "user",
	} {
		_, _, err := c.BookingPages.List(ctx, &opts)
		assertParamError(t, err, param)
	}
}

func TestBookingPagesGet(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/booking-pages/BP-1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testQuery(t, r, nil)
		reply(w, 200, bookingPageJSON)
	})
	b, resp, err := c.BookingPages.Get(ctx, "BP-1")
	require.NoError(t, err)
	testResponse(t, resp, 200)
	assert.Equal(t, "Ana's page", b.Name)
	assert.True(t, b.Active)
}
