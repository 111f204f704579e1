package oncehub

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSMSNotificationsList(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/notifications/sms", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testQuery(t, r, url.Values{
			"creation_time.gt": {"2026-11-01T00:00:00Z"}, "creation_time.lt": {"2026-11-02T00:00:00Z"},
			"recipient": {"CTC-1"}, "recipient_type": {"contact"}, "expand": {"data.recipient"},
		})
		reply(w, 200, `{"object":"list","has_more":false,"data":[{"object":"sms_notification","id":"SMS-1","status":"delivered",
			"creation_time":"2026-11-01T12:00:00Z","recipient":{"id":"CTC-1","object":"contact","first_name":"Ana","last_name":"Lima"},
			"recipient_type":"contact","details":{"delivered_to":"+12025550195","message_body":"Reminder","segment_count":1}}]}`)
	})
	got, resp, err := c.SMSNotifications.List(ctx, &SMSListOptions{
		CreationTime: TimeRange{After: time.Date(2026, 11, 1, 1, 0, 0, 0, time.FixedZone("CET", 3600)), Before: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)},
		Recipient:    "CTC-1", RecipientType: RecipientContact, Expand: ListExpand{"recipient"},
	})
	require.NoError(t, err)
	testResponse(t, resp, 200)
	require.Len(t, got, 1)
	s := got[0]
	assert.Equal(t, "delivered", s.Status)
	assert.Equal(t, "Ana Lima", s.RecipientName())
	require.NotNil(t, s.Details)
	assert.Equal(t, "+12025550195", s.Details.DeliveredTo)
	assert.Equal(t, 1, s.Details.SegmentCount)
}

func TestSMSListOptionsRefusedInOnceHubTerms(t *testing.T) {
	t.Parallel()

	now := time.Now()
	assertParamError(t, SMSListOptions{CreationTime: TimeRange{After: now, Before: now}}.Validate(), "creation_time.gt")
	assertParamError(t, SMSListOptions{Recipient: "BKNG-1"}.Validate(), "recipient")
	assertParamError(t, SMSListOptions{RecipientType: "customer"}.Validate(), "recipient_type")
	assertParamError(t, SMSListOptions{Expand: ListExpand{"owner"}}.Validate(), "expand")
}
