package tools_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

func TestSMSToolAnnotations(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	assertAnnotations(t, env.InProcess(t), map[string][3]bool{"list_sms_notifications": {true, false, true}})
}

func TestListSMSNotificationsSendsDateTimeFiltersAndRendersCompactItems(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()

	res := testenv.Call(t, ctx, c, "list_sms_notifications", map[string]any{
		"creation_time_after": "2026-11-15T00:00:00Z", "creation_time_before": "2026-11-23T12:30:00+02:00",
		"recipient_type": "contact", "limit": 50,
	})
	out := testenv.Object(t, res)
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/notifications/sms", req.Path)
	assert.Equal(t, url.Values{"creation_time.gt": {"2026-11-14T23:59:59Z"}, "creation_time.lt": {"2026-11-23T10:30:00Z"},
		"recipient_type": {"contact"}, "limit": {"100"}, "expand": {"data.recipient"}}, req.Query,
		"date-times go out in UTC, a second early (after includes its time); recipients expanded for their names")

	items := testenv.Items(t, res)
	require.NotEmpty(t, items)
	assert.Equal(t, false, out["has_more"])
	lo := time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)
	for _, it := range items {
		assert.Regexp(t, `^SMS-`, it["id"])
		assert.Equal(t, "contact", it["recipient_type"])
		assert.Regexp(t, `^CTC-`, it["recipient"])
		assert.Contains(t, []any{"sent", "delivered", "failed", "rejected"}, it["status"])
		assert.Regexp(t, `^\+\d+$`, it["delivered_to"])
		assert.NotEmpty(t, it["message_body"])
		created, err := time.Parse(time.RFC3339, it["creation_time"].(string))
		require.NoError(t, err)
		assert.True(t, created.After(lo) && created.Before(testenv.Now.Add(30*time.Minute)), "created %s within the filter", created)
		assert.NotContains(t, it, "details", "compact items flatten details")
		assert.NotEmpty(t, it["recipient_name"], "the recipient's name, from the same request")
	}
}

func TestListSMSNotificationsByRecipientWithExpansion(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	all := testenv.Items(t, testenv.Call(t, ctx, c, "list_sms_notifications", map[string]any{"max_results": 100}))
	require.Len(t, all, 30, "the fake seeds 30 SMS notifications")
	var user string
	for _, it := range all {
		if it["recipient_type"] == "user" {
			user = it["recipient"].(string)
			break
		}
	}
	require.NotEmpty(t, user)
	env.Fake.ResetRequests()

	res := testenv.Call(t, ctx, c, "list_sms_notifications", map[string]any{"recipient": user, "expand": []any{"recipient"}})
	items := testenv.Items(t, res)
	require.NotEmpty(t, items)
	req := onlyRequest(t, env)
	assert.Equal(t, url.Values{"recipient": {user}, "expand": {"data.recipient"}}, req.Query, "list expansion paths start with data.")
	for _, it := range items {
		assert.Equal(t, user, it["recipient"])
		assert.NotEmpty(t, it["recipient_name"], "expanded recipient gives the name")
	}

	full := testenv.Items(t, testenv.Call(t, ctx, c, "list_sms_notifications", map[string]any{
		"recipient": user, "expand": []any{"recipient"}, "detail": "full", "limit": 1}))
	require.Len(t, full, 1)
	rec, ok := full[0]["recipient"].(map[string]any)
	require.True(t, ok, "full detail shows the expanded object: %v", full[0]["recipient"])
	assert.Equal(t, user, rec["id"])
	assert.Equal(t, "user", rec["object"])
	assert.Contains(t, full[0], "details")
}

func TestListSMSNotificationsUnknownCursorIs400(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	res := testenv.Call(t, testenv.KeyCtx(), c, "list_sms_notifications", map[string]any{"after": "SMS-NOPE"})
	require.True(t, res.IsError)
	msg := testenv.Text(res)
	assert.Contains(t, msg, "OnceHub error 400")
	assert.Contains(t, msg, "No such object: 'SMS-NOPE'")
	assert.Contains(t, msg, "[param: after]")
}

func TestSMSToolRejectsBadInputWithoutCallingUpstream(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	bad := []struct {
		args map[string]any
		want string
	}{
		{map[string]any{"creation_time_after": "November"}, `"creation_time_after": "November" is not a date`},
		{map[string]any{"creation_time_before": "2026-11-01 10:00"}, `"creation_time_before"`},
		{map[string]any{"creation_time_after": "2026-11-02T00:00:00Z", "creation_time_before": "2026-11-01T00:00:00Z"}, `"creation_time_after": 2026-11-02T00:00:00Z is not before`},
		{map[string]any{"recipient": "BKNG-ABC"}, `"recipient": "BKNG-ABC" is not a contact or user ID (CTC- or USR- then letters and digits`},
		{map[string]any{"recipient": "ctc 1"}, `"recipient"`},
		{map[string]any{"recipient_type": "customer"}, `"recipient_type": "customer" is not one of the allowed values; use one of contact, user`},
		{map[string]any{"expand": []any{"owner"}}, `"expand[0]": "owner" is not one of the allowed values; use one of recipient`},
		{map[string]any{"expand": []any{"data.recipient"}}, `"expand[0]"`},
		{map[string]any{"limit": 1000}, `"limit"`},
		{map[string]any{"max_results": 10, "before": "SMS-A"}, `"before"`},
		{map[string]any{"detail": "verbose"}, `"detail"`},
		{map[string]any{"status": "failed"}, `"status": is not an argument of this tool`},
	}
	cases := make([]badInput, len(bad))
	for i, b := range bad {
		cases[i] = badInput{"list_sms_notifications", b.args, b.want}
	}
	assertRejected(t, env, c, cases)
}

// A bound with a fraction of a second is kept exactly: OnceHub's filter takes
// whole seconds, so the before bound is sent rounded up, not down (which
// would drop what was sent in that second, before the bound).
func TestListSMSNotificationsBoundWithFractionOfASecond(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	all := testenv.Items(t, testenv.Call(t, ctx, c, "list_sms_notifications", map[string]any{"max_results": 100}))
	require.NotEmpty(t, all)
	sent := all[0]["creation_time"].(string)
	at, err := time.Parse(time.RFC3339, sent)
	require.NoError(t, err)
	require.Zero(t, at.Nanosecond())

	env.Fake.ResetRequests()
	before := at.Format("2006-01-02T15:04:05") + ".5Z"
	items := testenv.Items(t, testenv.Call(t, ctx, c, "list_sms_notifications", map[string]any{
		"creation_time_after": sent, "creation_time_before": before}))
	assert.Contains(t, ids(items), all[0]["id"], "sent at %s, before %s", sent, before)
	assert.Equal(t, at.Add(time.Second).UTC().Format(time.RFC3339), onlyRequest(t, env).Query.Get("creation_time.lt"))
}
