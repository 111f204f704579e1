package fakeoncehub

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func firstMember(s *Server) string {
	return s.accounts[TestKey].users[2]["id"].(string) // Lukas Becker, Europe/Berlin
}

func TestAvailabilityPatchValidatesLikeTheSpec(t *testing.T) {
	t.Parallel()

	s := newTestFake(t)
	path := "/users/" + firstMember(s) + "/scheduling-availability"
	slot := func(start, end, locs string) string {
		return `{"start_time":"` + start + `","end_time":"` + end + `","locations":` + locs + `}`
	}
	weekly := func(day, slots string) string {
		return `{"weekly":[{"day":"` + day + `","working_hours":[` + slots + `]}]}`
	}
	cases := []struct {
		name, body string
		status     int
		param, msg string
	}{
		{"overlap", weekly("Monday", slot("09:00", "11:00", "[]")+","+slot("10:00", "12:00", "[]")), 400, "weekly.working_hours", "availability range is overlapping"},
		{"not quarter hour", weekly("Monday", slot("09:05", "11:00", "[]")), 400, "weekly.working_hours.start_time", "start time should be multiple of 15: '09:05'"},
		{"end before start", weekly("Monday", slot("11:00", "09:00", "[]")), 400, "weekly.working_hours.end_time", "end time should be after start time"},
		{"lower-case day", weekly("monday", ""), 400, "weekly.day", "Invalid day: 'monday'"},
		{"duplicate day", `{"weekly":[{"day":"Monday","working_hours":[]},{"day":"Monday","working_hours":[]}]}`, 400, "weekly", "Duplicate entry for day or date: 'Monday'"},
		{"null working hours", `{"weekly":[{"day":"Monday","working_hours":null}]}`, 400, "weekly.working_hours", "cannot be null"},
		{"missing locations", `{"weekly":[{"day":"Monday","working_hours":[{"start_time":"09:00","end_time":"10:00"}]}]}`, 400, "weekly.working_hours.locations", "locations is required"},
		{"dynamic and static", weekly("Monday", slot("09:00", "10:00", `[{"type":"online_dynamic_link","value":"zoom"},{"type":"online_static_link","value":"https://x.example/r"}]`)), 422, "weekly.working_hours.locations", "either online_dynamic_link or online_static_link"},
		{"in person without address", weekly("Monday", slot("09:00", "10:00", `[{"type":"in_person_by_host"}]`)), 400, "weekly.working_hours.locations.id", "id is required"},
		{"past override", `{"overrides":[{"date":"2026-11-22","working_hours":[]}]}`, 400, "overrides.date", "Date cannot be in the past: '2026-11-22'"},
		{"duplicate override", `{"overrides":[{"date":"2026-12-01","working_hours":[]},{"date":"2026-12-01","working_hours":null}]}`, 400, "overrides", "Duplicate entry for day or date: '2026-12-01'"},
		{"unknown field", `{"timezone":"UTC"}`, 400, "timezone", "Received unknown parameter: timezone"},
		{"not an object", `[1]`, 400, "body", "JSON object"},
	}
	for _, tc := range cases {
		// Sequential: every case runs against one fake, checked unchanged below.
		t.Run(tc.name, func(t *testing.T) {
			status, body := do(t, s, "PATCH", path, tc.body)
			assert.Equal(t, tc.status, status)
			assert.Equal(t, "invalid_request_error", body["type"])
			assert.Equal(t, tc.param, body["param"])
			assert.Contains(t, body["message"], tc.msg)
		})
	}
	// None of the rejected bodies changed anything.
	_, sched := do(t, s, "GET", path, "")
	assert.Len(t, sched["weekly"], 5)
	assert.Empty(t, sched["overrides"])
}

func TestAvailabilityOverrideTodayInTheUsersZoneIsAccepted(t *testing.T) {
	t.Parallel()

	s := newTestFake(t)
	// 2026-11-23 10:00 UTC is already 2026-11-23 in Berlin: today is allowed.
	status, body := do(t, s, "PATCH", "/users/"+firstMember(s)+"/scheduling-availability", `{"overrides":[{"date":"2026-11-23","working_hours":[]}]}`)
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, []any{map[string]any{"date": "2026-11-23", "day": "Monday", "working_hours": []any{}}}, body["overrides"])
}

func TestAvailabilityGetRejectsUnknownParametersAndUsers(t *testing.T) {
	t.Parallel()

	s := newTestFake(t)
	status, body := do(t, s, "GET", "/users/"+firstMember(s)+"/scheduling-availability?start_date=2026-01-01", "")
	assert.Equal(t, 400, status)
	assert.Equal(t, "Received unknown parameter: start_date", body["message"])
	assert.Equal(t, "start_date", body["param"])

	status, body = do(t, s, "GET", "/users/USR-NOPE/scheduling-availability", "")
	assert.Equal(t, 400, status, "the spec documents only 400 for an unknown user here")
	assert.Equal(t, "No such user: 'USR-NOPE'", body["message"])
}

func TestUserCreateAndUpdateValidation(t *testing.T) {
	t.Parallel()

	s := newTestFake(t)
	cases := []struct {
		method, path, body string
		status             int
		param, msg         string
	}{
		{"POST", "/users", `{"first_name":"A","last_name":"B"}`, 400, "email", "Required fields are missing."},
		{"POST", "/users", `{"email":"a@example.com","first_name":"A","last_name":"B","phone":"1"}`, 400, "phone", "Unsupported fields"},
		{"POST", "/users", `{"email":"a@example.com","first_name":"A","last_name":"B","role_name":"Super Admin"}`, 400, "role_name", "Invalid role name: 'Super Admin'"},
		{"POST", "/users", `{"email":"a@example.com","first_name":"A","last_name":"B","role_name":"Account Owner"}`, 400, "role_name", "cannot be assigned"},
		{"PATCH", "/users/" + firstMember(s), `{}`, 400, "body", "At least one field must be provided to update."},
		{"PATCH", "/users/" + firstMember(s), `{"email":"x@example.com"}`, 400, "email", "Unsupported field"},
		{"PATCH", "/users/" + firstMember(s), `{"first_name":""}`, 400, "first_name", "Invalid first name: ''"},
		{"PATCH", "/users/" + firstMember(s), `{"teams":"TM-A"}`, 400, "teams", "Must be an array of strings."},
		{"PATCH", "/users/USR-NOTFOUND", `{"first_name":"A"}`, 404, "id", "No such user: 'USR-NOTFOUND'"},
	}
	for _, tc := range cases {
		status, body := do(t, s, tc.method, tc.path, tc.body)
		assert.Equal(t, tc.status, status, tc.body)
		assert.Equal(t, tc.param, body["param"], tc.body)
		assert.Contains(t, body["message"], tc.msg, tc.body)
	}

	status, created := do(t, s, "POST", "/users", `{"email":"new@example.com","first_name":"New","last_name":"User"}`)
	require.Equal(t, 200, status)
	assert.Equal(t, "Member", created["role_name"], "Member by default")
	assert.Equal(t, "invited", created["status"])
	assert.Equal(t, []any{}, created["teams"])
	_, sched := do(t, s, "GET", "/users/"+created["id"].(string)+"/scheduling-availability", "")
	assert.Equal(t, "schedule", sched["object"], "a new user has a schedule")
}

func TestTeamsFilterByUnknownUserIsEmpty(t *testing.T) {
	t.Parallel()

	s := newTestFake(t)
	status, body := do(t, s, "GET", "/teams?user=USR-NOPE", "")
	assert.Equal(t, 200, status)
	assert.Equal(t, []any{}, body["data"])
	assert.Equal(t, false, body["has_more"])
}
