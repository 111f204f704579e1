package tools_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

func TestContactToolAnnotations(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	assertAnnotations(t, env.InProcess(t), map[string][3]bool{
		"list_contacts":  {true, false, true},
		"get_contact":    {true, false, true},
		"create_contact": {false, false, false},
		"update_contact": {false, false, true},
		"delete_contact": {false, true, true},
	})
}

func TestListContactsFiltersByDatesAndRendersCompactItems(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()

	res := testenv.Call(t, ctx, c, "list_contacts", map[string]any{
		"limit": 4, "creation_time_after": "2026-01-01", "creation_time_before": "2026-09-30",
		"last_updated_time_after": "2026-01-02", "last_updated_time_before": "2026-10-31",
	})
	out := testenv.Object(t, res)
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/contacts", req.Path)
	assert.Equal(t, url.Values{"limit": {"100"}, "creation_time.gt": {"2025-12-31"}, "creation_time.lt": {"2026-09-30"},
		"last_updated_time.gt": {"2026-01-01"}, "last_updated_time.lt": {"2026-10-31"}}, req.Query, "a day more each side, trimmed here")
	assert.Empty(t, req.Body)

	items := testenv.Items(t, res)
	require.Len(t, items, 4)
	assert.Equal(t, true, out["has_more"])
	assert.Equal(t, items[3]["id"], out["next_cursor"])
	lo, hi := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC)
	for _, it := range items {
		assert.Regexp(t, `^CTC-`, it["id"])
		assert.NotEmpty(t, it["name"])
		assert.Regexp(t, `@`, it["email"])
		created, err := time.Parse(time.RFC3339, it["creation_time"].(string))
		require.NoError(t, err)
		assert.True(t, created.After(lo) && created.Before(hi), "created %s within the filter", created)
		assert.NotContains(t, it, "custom_fields", "compact items leave out custom fields")
		assert.NotContains(t, it, "has_consent")
	}
	readBack(t, res)

	// detail=full keeps every field, including those the client does not model.
	full := testenv.Items(t, testenv.Call(t, ctx, c, "list_contacts", map[string]any{"limit": 1, "detail": "full"}))
	require.Len(t, full, 1)
	for _, k := range []string{"has_consent", "employees", "terms_of_sevice", "object", "creation_time"} {
		assert.Contains(t, full[0], k)
	}

	// The email filter finds exactly one contact.
	email := items[2]["email"].(string)
	env.Fake.ResetRequests()
	byEmail := testenv.Items(t, testenv.Call(t, ctx, c, "list_contacts", map[string]any{"email": email}))
	require.Len(t, byEmail, 1)
	assert.Equal(t, items[2]["id"], byEmail[0]["id"])
	assert.Equal(t, url.Values{"email": {email}}, env.Fake.Requests()[0].Query)
}

func TestListContactsWalksAllPages(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	out := testenv.Object(t, testenv.Call(t, testenv.KeyCtx(), c, "list_contacts", map[string]any{"max_results": 1000}))
	assert.Len(t, out["items"], 60, "the fake seeds 60 contacts")
	assert.Equal(t, false, out["has_more"])
	assert.Len(t, env.Fake.Requests(), 1)
}

func TestGetContactAndNotFound(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	id := testenv.Items(t, testenv.Call(t, ctx, c, "list_contacts", map[string]any{"limit": 1}))[0]["id"].(string)
	env.Fake.ResetRequests()

	got := testenv.Object(t, testenv.Call(t, ctx, c, "get_contact", map[string]any{"contact_id": id}))
	assert.Equal(t, id, got["id"])
	assert.Equal(t, "contact", got["object"])
	assert.Contains(t, got, "employees", "fields the client does not model are kept")
	req := onlyRequest(t, env)
	assert.Equal(t, "GET", req.Method)
	assert.Equal(t, "/contacts/"+id, req.Path)
	assert.Empty(t, req.Query)

	res := testenv.Call(t, ctx, c, "get_contact", map[string]any{"contact_id": "CTC-NOTFOUND"})
	require.True(t, res.IsError)
	msg := testenv.Text(res)
	assert.Contains(t, msg, "OnceHub error 404")
	assert.Contains(t, msg, "No such contact: 'CTC-NOTFOUND'")
	assert.Contains(t, msg, "[param: id]")
	assert.Regexp(t, `Request-Id: req_\d+`, msg)
}

func TestCreateContactSendsWritableFieldsOnly(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()

	res := testenv.Call(t, ctx, c, "create_contact", map[string]any{
		"first_name": "Carrie", "last_name": "Customer", "email": "carrie.customer@gmail.com",
		"mobile_phone": "+12025550195", "company": "Acme Inc", "job_title": "Executive Assistant",
		"status": "Qualified", "timezone": "America/New_York", "employees": 0, "has_consent": false,
		"terms_of_service": true, "city": "New York",
		"custom_fields": []any{map[string]any{"name": "resume", "value": "https://example.com/resume.pdf"}},
	})
	got := testenv.Object(t, res)
	req := onlyRequest(t, env)
	assert.Equal(t, "POST", req.Method)
	assert.Equal(t, "/contacts", req.Path)
	assert.Empty(t, req.Query)
	assert.JSONEq(t, `{"first_name":"Carrie","last_name":"Customer","email":"carrie.customer@gmail.com",
		"mobile_phone":"+12025550195","company":"Acme Inc","job_title":"Executive Assistant","status":"Qualified",
		"timezone":"America/New_York","employees":0,"has_consent":false,"terms_of_sevice":true,"city":"New York",
		"custom_fields":[{"name":"resume","value":"https://example.com/resume.pdf"}]}`, bodyOf(t, req),
		"exactly the given fields, under OnceHub's names; nothing read-only")

	assert.Regexp(t, `^CTC-[A-Z0-9]{10}$`, got["id"])
	assert.Equal(t, "contact", got["object"])
	assert.Equal(t, "2026-11-23T10:00:00Z", got["creation_time"])
	assert.Equal(t, "Carrie", got["first_name"])
	assert.Equal(t, true, got["terms_of_sevice"])
	assert.Equal(t, []any{map[string]any{"name": "resume", "value": "https://example.com/resume.pdf"}}, got["custom_fields"])
	assert.Regexp(t, `^USR-`, got["owner"], "OnceHub assigns an owner")

	// The same email again: 409 with OnceHub's message.
	dup := testenv.Call(t, ctx, c, "create_contact", map[string]any{"first_name": "C", "last_name": "C", "email": "carrie.customer@gmail.com"})
	require.True(t, dup.IsError)
	msg := testenv.Text(dup)
	assert.Contains(t, msg, "OnceHub error 409")
	assert.Contains(t, msg, "Contact already exists: 'carrie.customer@gmail.com'")
	assert.Contains(t, msg, "[param: email]")

	// The same mobile phone, another email: 409 naming mobile_phone.
	dup = testenv.Call(t, ctx, c, "create_contact", map[string]any{"first_name": "C", "last_name": "C", "mobile_phone": "+12025550195"})
	require.True(t, dup.IsError)
	assert.Contains(t, testenv.Text(dup), "[param: mobile_phone]")

	// A number that is E.164 in form but not a valid number to OnceHub: its 400.
	bad := testenv.Call(t, ctx, c, "create_contact", map[string]any{"first_name": "D", "last_name": "E", "email": "d.e@example.com", "phone": "+91999999"})
	require.True(t, bad.IsError)
	msg = testenv.Text(bad)
	assert.Contains(t, msg, "OnceHub error 400 (invalid_request_error): Invalid phone format: '+91999999'")
	assert.Contains(t, msg, "[param: phone]")
	assert.Len(t, env.Fake.Requests(), 4)
}

func TestCreateContactMinimalBody(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	got := testenv.Object(t, testenv.Call(t, testenv.KeyCtx(), c, "create_contact", map[string]any{
		"first_name": "Mo", "last_name": "Bile", "mobile_phone": "+447700900123"}))
	assert.JSONEq(t, `{"first_name":"Mo","last_name":"Bile","mobile_phone":"+447700900123"}`, bodyOf(t, env.Fake.Requests()[0]))
	assert.Equal(t, "+447700900123", got["mobile_phone"])
}

func TestUpdateContactSendsOnlyGivenFields(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()
	before := testenv.Items(t, testenv.Call(t, ctx, c, "list_contacts", map[string]any{"limit": 1, "detail": "full"}))[0]
	id := before["id"].(string)
	env.Fake.ResetRequests()

	got := testenv.Object(t, testenv.Call(t, ctx, c, "update_contact", map[string]any{
		"contact_id": id, "job_title": "CTO", "status": "Sales qualified", "has_consent": true,
		"custom_fields": []any{map[string]any{"name": "lead_source", "value": "webinar"}},
	}))
	req := onlyRequest(t, env)
	assert.Equal(t, "PATCH", req.Method)
	assert.Equal(t, "/contacts/"+id, req.Path)
	assert.Empty(t, req.Query)
	assert.JSONEq(t, `{"job_title":"CTO","status":"Sales qualified","has_consent":true,
		"custom_fields":[{"name":"lead_source","value":"webinar"}]}`, bodyOf(t, req))

	assert.Equal(t, "CTO", got["job_title"])
	assert.Equal(t, "Sales qualified", got["status"])
	assert.Equal(t, before["first_name"], got["first_name"], "fields not given keep their values")
	assert.Equal(t, before["email"], got["email"])
	assert.Equal(t, before["creation_time"], got["creation_time"])
	assert.Equal(t, "2026-11-23T10:00:00Z", got["last_updated_time"], "the update bumps last_updated_time")
	assert.NotEqual(t, before["last_updated_time"], got["last_updated_time"])

	// 404 for a contact that does not exist.
	res := testenv.Call(t, ctx, c, "update_contact", map[string]any{"contact_id": "CTC-NOTFOUND", "company": "X"})
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "No such contact: 'CTC-NOTFOUND'")
	assert.Contains(t, testenv.Text(res), "404")

	// 400 for a custom field OnceHub's field library does not have.
	res = testenv.Call(t, ctx, c, "update_contact", map[string]any{"contact_id": id,
		"custom_fields": []any{map[string]any{"name": "shoe_size", "value": 44}}})
	require.True(t, res.IsError)
	msg := testenv.Text(res)
	assert.Contains(t, msg, "OnceHub error 400")
	assert.Contains(t, msg, "Custom field 'shoe_size' does not exist in field library")
	assert.Contains(t, msg, "[param: custom_fields]")
}

func TestDeleteContactConfirmsWithSummaryThenDeletes(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	ids := testenv.Items(t, testenv.Call(t, testenv.KeyCtx(), env.InProcess(t), "list_contacts", map[string]any{"limit": 2}))
	id := ids[0]["id"].(string)
	u := answering(accept)
	c, ctx := connect(t, env, "in-process", testenv.ProtocolLatest, u)
	env.Fake.ResetRequests()

	got := testenv.Object(t, testenv.Call(t, ctx, c, "delete_contact", map[string]any{"contact_id": id}))
	assert.Equal(t, map[string]any{"id": id, "deleted": true, "request_id": requestIDOf(t, env, "DELETE")}, got, "the DELETE's Request-Id")
	q := u.questions()
	require.Len(t, q, 1)
	assert.Contains(t, q[0], id)
	assert.Contains(t, q[0], ids[0]["email"].(string), "the summary names the contact")
	reqs := env.Fake.Requests()
	require.GreaterOrEqual(t, len(reqs), 2, "GET for the confirmation summary, then the DELETE")
	assert.Equal(t, "GET", reqs[0].Method)
	assert.Equal(t, "/contacts/"+id, reqs[0].Path)
	last := reqs[len(reqs)-1]
	assert.Equal(t, "DELETE", last.Method)
	assert.Equal(t, "/contacts/"+id, last.Path)
	assert.Empty(t, last.Query)
	assert.Empty(t, last.Body)
	assert.Equal(t, fakeoncehub.TestKey, last.APIKey)

	// 404 while looking it up: nothing is deleted, and the DELETE is never sent.
	env.Fake.ResetRequests()
	res := testenv.Call(t, ctx, c, "delete_contact", map[string]any{"contact_id": "CTC-NOTFOUND"})
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "No such contact: 'CTC-NOTFOUND'")
	require.Len(t, env.Fake.Requests(), 1)
	assert.Equal(t, "GET", env.Fake.Requests()[0].Method)

	// A client that cannot confirm relies on the host's approval: only the DELETE is sent.
	env.Fake.ResetRequests()
	plain := env.InProcess(t)
	id2 := ids[1]["id"].(string)
	testenv.Object(t, testenv.Call(t, testenv.KeyCtx(), plain, "delete_contact", map[string]any{"contact_id": id2}))
	assert.Equal(t, []string{"DELETE /contacts/" + id2}, methods(env))
}

func TestContactLifecycle(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ctx := testenv.KeyCtx()

	created := testenv.Object(t, testenv.Call(t, ctx, c, "create_contact", map[string]any{
		"first_name": "Lena", "last_name": "Lifecycle", "email": "lena@lifecycle.example"}))
	id := created["id"].(string)

	first := testenv.Items(t, testenv.Call(t, ctx, c, "list_contacts", map[string]any{"limit": 1}))
	require.Len(t, first, 1)
	assert.Equal(t, id, first[0]["id"], "the new contact is first (newest first)")
	assert.Equal(t, "Lena Lifecycle", first[0]["name"])

	updated := testenv.Object(t, testenv.Call(t, ctx, c, "update_contact", map[string]any{"contact_id": id, "last_name": "Changed"}))
	assert.Equal(t, "Changed", updated["last_name"])
	assert.Equal(t, "Lena Changed", testenv.Items(t, testenv.Call(t, ctx, c, "list_contacts", map[string]any{"email": "lena@lifecycle.example"}))[0]["name"])

	deleted := testenv.Object(t, testenv.Call(t, ctx, c, "delete_contact", map[string]any{"contact_id": id}))
	assert.Equal(t, true, deleted["deleted"])

	got := testenv.Object(t, testenv.Call(t, ctx, c, "get_contact", map[string]any{"contact_id": id}))
	assert.Equal(t, map[string]any{"id": id, "object": "contact", "deleted": true}, got)

	assert.Empty(t, testenv.Items(t, testenv.Call(t, ctx, c, "list_contacts", map[string]any{"email": "lena@lifecycle.example"})))
	all := testenv.Items(t, testenv.Call(t, ctx, c, "list_contacts", map[string]any{"max_results": 1000}))
	assert.Len(t, all, 60)
	for _, it := range all {
		assert.NotEqual(t, id, it["id"])
	}

	// Deleting again changes nothing and still succeeds.
	env.Fake.ResetRequests()
	again := testenv.Object(t, testenv.Call(t, ctx, c, "delete_contact", map[string]any{"contact_id": id}))
	assert.Equal(t, map[string]any{"id": id, "deleted": true, "already_deleted": true, "request_id": requestIDOf(t, env, "DELETE")}, again)

	// Updating a deleted contact is a 404.
	res := testenv.Call(t, ctx, c, "update_contact", map[string]any{"contact_id": id, "company": "X"})
	require.True(t, res.IsError)
	assert.Contains(t, testenv.Text(res), "404")
}

func TestContactToolsRejectBadInputWithoutCallingUpstream(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	ok := map[string]any{"first_name": "A", "last_name": "B", "email": "a.b@example.com"}
	with := func(k string, v any) map[string]any { return withArg(ok, k, v) }
	assertRejected(t, env, c, []badInput{
		{"list_contacts", map[string]any{"limit": 101}, `"limit": must be between 1 and 100`},
		{"list_contacts", map[string]any{"after": "CTC-A", "before": "CTC-B"}, `"before": cannot be combined with after`},
		{"list_contacts", map[string]any{"creation_time_after": "01/11/2026"}, `"creation_time_after": "01/11/2026" is not a date (2026-12-01) or an ISO 8601 date-time`},
		{"list_contacts", map[string]any{"creation_time_after": "2026-13-01"}, `"creation_time_after": "2026-13-01" is not a date`},
		{"list_contacts", map[string]any{"last_updated_time_after": "2026-12-01", "last_updated_time_before": "2026-11-01"}, `"last_updated_time_after"`},
		{"list_contacts", map[string]any{"email": "not-an-email"}, `"email": "not-an-email" is not an email address`},
		{"list_contacts", map[string]any{"detail": "all"}, `"detail"`},
		{"list_contacts", map[string]any{"name": "Bob"}, `"name": is not an argument of this tool`},
		{"get_contact", map[string]any{}, `"contact_id": is required`},
		{"get_contact", map[string]any{"contact_id": "USR-ABC"}, `(CTC- then letters and digits`},
		{"get_contact", map[string]any{"contact_id": "CTC-1/../x"}, `then letters and digits`},
		{"create_contact", with("first_name", nil), `"first_name": is required`},
		{"create_contact", with("last_name", ""), `"last_name": must not be empty`},
		{"create_contact", with("first_name", "  "), `"first_name": is required`},
		{"create_contact", with("email", nil), `"email": is required unless mobile_phone is given`},
		{"create_contact", with("email", "john.doe@invalid"), `"email": "john.doe@invalid" is not an email address`},
		{"create_contact", with("email", "Carrie <c@example.com>"), `"email"`},
		{"create_contact", with("mobile_phone", "202-555-0195"), `"mobile_phone": "202-555-0195" is not an E.164 phone number`},
		{"create_contact", with("phone", "+0123456789"), `"phone"`},
		{"create_contact", with("status", "Hot lead"), `"status": "Hot lead" is not one of the allowed values; use one of Qualified, Sales qualified`},
		{"create_contact", with("owner", "TM-ABC"), `"owner"`},
		{"create_contact", with("timezone", "EST5EDT-ish"), `"timezone"`},
		{"create_contact", with("employees", -3), `"employees"`},
		{"create_contact", with("employees", "many"), `"employees": must be a whole number`},
		{"create_contact", with("custom_fields", []any{map[string]any{"name": "", "value": 1}}), `"custom_fields[0].name"`},
		{"create_contact", with("id", "CTC-X"), `"id": is not an argument of this tool`},
		{"create_contact", with("creation_time", "2026-01-01T00:00:00Z"), `"creation_time": is not an argument`},
		{"update_contact", map[string]any{"company": "X"}, `"contact_id": is required`},
		{"update_contact", map[string]any{"contact_id": "CTC-ABC"}, `gives nothing to change`},
		{"update_contact", map[string]any{"contact_id": "CTC-ABC", "email": "x@example.com"}, `"email": is not an argument of this tool`},
		{"update_contact", map[string]any{"contact_id": "CTC-ABC", "phone": "12345"}, `"phone"`},
		{"update_contact", map[string]any{"contact_id": "CTC-ABC", "status": "qualified"}, `"status"`},
		{"update_contact", map[string]any{"contact_id": "BKNG-ABC", "company": "X"}, `"contact_id"`},
		{"delete_contact", map[string]any{}, `"contact_id": is required`},
		{"delete_contact", map[string]any{"contact_id": "WHK-ABC"}, `(CTC- then letters and digits`},
	})
}
