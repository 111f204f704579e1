package oncehub

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A list call names each field to expand with OnceHub's data. prefix; a get
// call names it bare. The fake refuses any other spelling.
func TestBookingExpandPaths(t *testing.T) {
	c, ctx, fake := fakeClient(t)
	page, err := c.ListBookings(ctx, BookingFilter{ListParams: ListParams{Limit: 2}, Expand: []string{"owner", "contact"}})
	require.NoError(t, err)
	require.NotEmpty(t, page.Data)
	reqs := fake.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, url.Values{"limit": {"2"}, "expand": {"data.owner,data.contact"}}, reqs[0].Query)
	for _, b := range page.Data {
		require.NotNil(t, b.Owner.Object, "owner expanded on %s", b.ID)
		require.NotNil(t, b.Contact.Object, "contact expanded on %s", b.ID)
		assert.Equal(t, b.Owner.ID, b.Owner.Object.ID)
	}

	fake.ResetRequests()
	b, err := c.GetBooking(ctx, page.Data[0].ID, "owner")
	require.NoError(t, err)
	require.NotNil(t, b.Owner.Object)
	assert.Equal(t, url.Values{"expand": {"owner"}}, fake.Requests()[0].Query)
}
