package fakeoncehub

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wantError checks an error answer's status and OnceHub's {type, message, param}.
func wantError(t *testing.T, status int, body map[string]any, wantStatus int, msg, param string) {
	t.Helper()
	assert.Equal(t, wantStatus, status)
	assert.Equal(t, "invalid_request_error", body["type"])
	assert.Equal(t, msg, body["message"])
	if param == "" {
		assert.NotContains(t, body, "param")
	} else {
		assert.Equal(t, param, body["param"])
	}
}

func TestFakeContactCreateValidatesLikeOnceHub(t *testing.T) {
	t.Parallel()

	s := newTestFake(t)
	cases := []struct {
		body, msg, param string
		status           int
	}{
		{`{"last_name":"B","email":"a@b.example"}`, "first_name is required", "first_name", 400},
		{`{"first_name":"A","email":"a@b.example"}`, "last_name is required", "last_name", 400},
		{`{"first_name":"A","last_name":"B"}`, "At least one of 'email' or 'mobile_phone' is required.", "email", 400},
		{`{"first_name":"A","last_name":"B","email":"john.doe@invalid"}`, "Invalid email format: 'john.doe@invalid'", "email", 400},
		{`{"first_name":"A","last_name":"B","mobile_phone":"+91999999"}`, "Invalid phone format: '+91999999'", "mobile_phone", 400},
		{`{"first_name":"A","last_name":"B","email":"a@b.example","id":"CTC-MINE"}`, "Unsupported fields", "id", 400},
		{`{"first_name":"A","last_name":"B","email":"a@b.example","creation_time":"2026-01-01T00:00:00Z"}`, "Unsupported fields", "creation_time", 400},
		{`{"first_name":"A","last_name":"B","email":"a@b.example","timezone":"Mars/Base"}`, "Invalid timezone: 'Mars/Base'", "timezone", 400},
		{`not json`, "Request body is not valid JSON.", "", 400},
	}
	for _, tc := range cases {
		status, body := do(t, s, "POST", "/contacts", tc.body)
		wantError(t, status, body, tc.status, tc.msg, tc.param)
	}

	// An unknown status is stored as null, as OnceHub documents; defaults fill the rest.
	status, ct := do(t, s, "POST", "/contacts", `{"first_name":"A","last_name":"B","email":"a@b.example","status":"Hot"}`)
	require.Equal(t, http.StatusCreated, status)
	assert.Nil(t, ct["status"])
	assert.Equal(t, "2026-11-23T10:00:00.000Z", ct["creation_time"])
	assert.Equal(t, ct["creation_time"], ct["last_updated_time"])
	for _, k := range []string{"object", "id", "owner", "email", "employees", "has_consent", "terms_of_sevice", "timezone", "custom_fields", "last_interacted_time", "mobile_phone"} {
		assert.Contains(t, ct, k)
	}
	status, body := do(t, s, "POST", "/contacts", `{"first_name":"A","last_name":"B","email":"A@B.example"}`)
	wantError(t, status, body, 409, "Contact already exists: 'A@B.example'", "email")
}

func TestFakeContactPatchRules(t *testing.T) {
	t.Parallel()

	s := newTestFake(t)
	_, list := do(t, s, "GET", "/contacts?limit=1", "")
	id := list["data"].([]any)[0].(map[string]any)["id"].(string)
	cases := []struct{ body, msg, param string }{
		{`{}`, "At least one field must be provided to update.", "body"},
		{`{"email":"new@x.example"}`, "Identifier fields (email, mobile_phone) cannot be updated via this endpoint", "email"},
		{`{"mobile_phone":"+12025550195"}`, "Identifier fields (email, mobile_phone) cannot be updated via this endpoint", "mobile_phone"},
		{`{"phone":"+91999999"}`, "Invalid phone format: '+91999999'", "phone"},
		{`{"timezone":"Invalid/Timezone"}`, "Invalid timezone: 'Invalid/Timezone'", "timezone"},
		{`{"custom_fields":[{"name":"unknown_field","value":1}]}`, "Custom field 'unknown_field' does not exist in field library", "custom_fields"},
		{`{"favourite_colour":"blue"}`, "Unsupported fields", "favourite_colour"},
		{`{"owner":"USR-NOBODY"}`, "No such user: 'USR-NOBODY'", "owner"},
	}
	for _, tc := range cases {
		status, body := do(t, s, "PATCH", "/contacts/"+id, tc.body)
		wantError(t, status, body, 400, tc.msg, tc.param)
	}

	// Custom fields merge by name.
	status, _ := do(t, s, "PATCH", "/contacts/"+id, `{"custom_fields":[{"name":"resume","value":"a"},{"name":"budget","value":5}]}`)
	require.Equal(t, 200, status)
	_, ct := do(t, s, "PATCH", "/contacts/"+id, `{"custom_fields":[{"name":"resume","value":"b"}]}`)
	assert.Equal(t, []any{map[string]any{"name": "resume", "value": "b"}, map[string]any{"name": "budget", "value": float64(5)}}, ct["custom_fields"])
	assert.Equal(t, "2026-11-23T10:00:00.000Z", ct["last_updated_time"])

	status, body := do(t, s, "PATCH", "/contacts/CTC-NOTFOUND", `{"company":"X"}`)
	wantError(t, status, body, 404, "No such contact: 'CTC-NOTFOUND'", "id")
	status, body = do(t, s, "DELETE", "/contacts/CTC-NOTFOUND", "")
	wantError(t, status, body, 404, "No such contact: 'CTC-NOTFOUND'", "id")

	status, del := do(t, s, "DELETE", "/contacts/"+id, "")
	assert.Equal(t, 200, status)
	assert.Equal(t, map[string]any{"id": id, "object": "contact", "deleted": true}, del)
	status, body = do(t, s, "PATCH", "/contacts/"+id, `{"company":"X"}`)
	wantError(t, status, body, 404, "No such contact: '"+id+"'", "id")
}

func TestFakeContactListBoundsAreDates(t *testing.T) {
	t.Parallel()

	s := newTestFake(t)
	status, body := do(t, s, "GET", "/contacts?creation_time.gt=2026-01-01T00:00:00Z", "")
	wantError(t, status, body, 400, "Invalid date format for 'creation_time.gt': expected a date (YYYY-MM-DD).", "creation_time.gt")
	status, body = do(t, s, "GET", "/contacts?last_updated_time.gt=2026-02-01&last_updated_time.lt=2026-01-01", "")
	wantError(t, status, body, 400, "'last_updated_time.gt' must be earlier than 'last_updated_time.lt'.", "last_updated_time.gt")
	status, body = do(t, s, "GET", "/contacts?creation_time.gt=2026-01-01&limit=100", "")
	assert.Equal(t, 200, status)
	assert.Equal(t, "list", body["object"])
	for _, it := range body["data"].([]any) {
		assert.Greater(t, it.(map[string]any)["creation_time"], "2026-01-01")
	}
}
