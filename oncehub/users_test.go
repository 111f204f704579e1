package oncehub

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/fakeoncehub"
)

func fakeClient(t *testing.T) (*Client, context.Context, *fakeoncehub.Server) {
	t.Helper()
	fake := fakeoncehub.New(fakeoncehub.Options{Now: func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) }})
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return newTestClient(t, srv.URL), WithAPIKey(context.Background(), fakeoncehub.TestKey), fake
}

// The spec documents no body for a successful availability PATCH: an empty
// or null answer is success, and the schedule is read back with a GET.
func TestUpdateUserAvailabilityWithoutResponseBodyReadsScheduleBack(t *testing.T) {
	t.Parallel()

	for _, answer := range []string{"", "null", "{}", " \n"} {
		t.Run(mustQuote(answer), func(t *testing.T) {
			t.Parallel()

			var mu sync.Mutex
			var seen []string
			c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				mu.Lock()
				seen = append(seen, r.Method+" "+r.URL.Path+" "+string(body))
				mu.Unlock()
				w.Header().Set("Content-Type", "application/json")
				if r.Method == http.MethodPatch {
					_, _ = io.WriteString(w, answer)
					return
				}
				_, _ = io.WriteString(w, `{"object":"schedule","timezone":"Europe/Berlin","weekly":[{"day":"Monday","working_hours":[]}],"overrides":[]}`)
			})
			s, resp, err := c.Users.UpdateAvailability(WithAPIKey(context.Background(), "k"), "USR-A1",
				&UpdateAvailabilityRequest{Weekly: []DayHours{{Day: "Monday"}}})
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode, "the update's answer")
			assert.Equal(t, "Europe/Berlin", s.Timezone)
			assert.Equal(t, []DayHours{{Day: "Monday", WorkingHours: []AvailabilitySpan{}}}, s.Weekly)
			assert.Equal(t, []string{
				`PATCH /v2/users/USR-A1/scheduling-availability {"weekly":[{"day":"Monday","working_hours":[]}]}`,
				`GET /v2/users/USR-A1/scheduling-availability `,
			}, seen)
		})
	}
}

func mustQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

// Other calls still refuse an empty 2xx body: it is not the object expected.
func TestEmptyBodyIsStillAnErrorElsewhere(t *testing.T) {
	t.Parallel()

	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {})
	_, _, err := c.Users.Get(WithAPIKey(context.Background(), "k"), "USR-A1")
	te, ok := errors.AsType[*TransportError](err)
	require.True(t, ok, "%v", err)
	assert.ErrorIs(t, err, ErrEmptyAnswer)
	assert.True(t, te.Sent)
}

func TestUsersUpdateSendsOnlyWhatIsGiven(t *testing.T) {
	t.Parallel()

	name := "Andrea"
	var noTeams []string
	cases := []struct {
		p    UpdateUserRequest
		want string
	}{
		{UpdateUserRequest{FirstName: &name}, `{"first_name":"Andrea"}`},
		{UpdateUserRequest{Teams: &noTeams}, `{"teams":[]}`},
	}
	for _, tc := range cases {
		var got string
		c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
			testMethod(t, r, "PATCH")
			assert.Equal(t, "/v2/users/USR-A1", r.URL.Path)
			b, _ := io.ReadAll(r.Body)
			got = string(b)
			_, _ = io.WriteString(w, `{"id":"USR-A1","object":"user"}`)
		})
		u, _, err := c.Users.Update(WithAPIKey(context.Background(), "k"), "USR-A1", &tc.p)
		require.NoError(t, err)
		assert.Equal(t, "USR-A1", u.ID)
		assert.JSONEq(t, tc.want, got)
	}
}

func TestOverrideUpdateMarshalsRemoveAsNull(t *testing.T) {
	t.Parallel()

	b, err := json.Marshal(UpdateAvailabilityRequest{Overrides: []OverrideUpdate{
		{Date: "2026-12-24", Remove: true},
		{Date: "2026-12-25"},
		{Date: "2026-12-26", WorkingHours: []AvailabilitySpan{{StartTime: "09:00", EndTime: "10:00"}}},
	}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"overrides":[
		{"date":"2026-12-24","working_hours":null},
		{"date":"2026-12-25","working_hours":[]},
		{"date":"2026-12-26","working_hours":[{"start_time":"09:00","end_time":"10:00","locations":[]}]}]}`, string(b))
}

func TestDeleteUserTwiceIsNotFound(t *testing.T) {
	t.Parallel()

	c, ctx, _ := fakeClient(t)
	users, _, err := c.Users.List(ctx, &UserListOptions{Email: "kenji.tanaka@example.com"})
	require.NoError(t, err)
	require.Len(t, users, 1)
	id := users[0].ID

	del, _, err := c.Users.Delete(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, DeletedObject{ID: id, Object: "user", Deleted: true}, del)

	_, resp, err := c.Users.Delete(ctx, id)
	require.True(t, IsNotFound(err), "%v", err)
	apiErr, _ := errors.AsType[*APIError](err)
	assert.Equal(t, "No such user: '"+id+"'", apiErr.Message)
	assert.Equal(t, "id", apiErr.Param)
	assert.Equal(t, apiErr.RequestID, resp.RequestID, "the error's answer comes back too")

	u, _, err := c.Users.Get(ctx, id)
	require.NoError(t, err)
	assert.True(t, u.Deleted)
}

func TestUserAndTeamExtraFieldsAreKept(t *testing.T) {
	t.Parallel()

	var u User
	require.NoError(t, json.Unmarshal([]byte(`{"id":"USR-A","email":"a@example.com","phone":"+1555"}`), &u))
	assert.Equal(t, "a@example.com", u.Email)
	out, err := json.Marshal(u)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"USR-A","email":"a@example.com","phone":"+1555"}`, string(out))

	var tm Team
	require.NoError(t, json.Unmarshal([]byte(`{"id":"TM-A","name":"Sales","color":"blue"}`), &tm))
	out, err = json.Marshal(tm)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"TM-A","name":"Sales","color":"blue"}`, string(out))
}

const userJSON = `{"object":"user","id":"USR-1","first_name":"Ana","last_name":"Lima","email":"ana@example.com",
	"status":"active","role_name":"Administrator","timezone":"Europe/Lisbon","teams":["TM-1"],"phone":"+1555"}`

func TestUsersList(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/users", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testQuery(t, r, url.Values{"email": {"ana@example.com"}, "limit": {"1"}})
		reply(w, 200, `{"object":"list","has_more":false,"data":[`+userJSON+`]}`)
	})
	got, resp, err := c.Users.List(ctx, &UserListOptions{ListOptions: ListOptions{Limit: 1}, Email: "ana@example.com"})
	require.NoError(t, err)
	testResponse(t, resp, 200)
	require.Len(t, got, 1)
	assert.Equal(t, "Administrator", got[0].RoleName)
	assert.Equal(t, []string{"TM-1"}, got[0].Teams)

	_, _, err = c.Users.List(ctx, &UserListOptions{Email: "ana"})
	assertParamError(t, err, "email")
}

func TestUsersGet(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/users/USR-1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		reply(w, 200, userJSON)
	})
	u, resp, err := c.Users.Get(ctx, "USR-1")
	require.NoError(t, err)
	testResponse(t, resp, 200)
	assert.Equal(t, "Europe/Lisbon", u.Timezone)
	assert.Contains(t, asJSON(t, u), `"phone":"+1555"`)
}

func TestUsersCreate(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/users", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "POST")
		testBody(t, r, `{"email":"ana@example.com","first_name":"Ana","last_name":"Lima","role_name":"Team Manager","teams":["TM-1"]}`)
		reply(w, 201, userJSON)
	})
	u, resp, err := c.Users.Create(ctx, &CreateUserRequest{Email: "ana@example.com", FirstName: "Ana", LastName: "Lima", RoleName: RoleTeamManager, Teams: []string{"TM-1"}})
	require.NoError(t, err)
	testResponse(t, resp, 201)
	assert.Equal(t, "USR-1", u.ID)
}

func TestUsersDelete(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/users/USR-1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "DELETE")
		reply(w, 200, `{"id":"USR-1","object":"user","deleted":true}`)
	})
	d, resp, err := c.Users.Delete(ctx, "USR-1")
	require.NoError(t, err)
	testResponse(t, resp, 200)
	assert.Equal(t, DeletedObject{ID: "USR-1", Object: "user", Deleted: true}, d)
}

const scheduleJSON = `{"object":"schedule","timezone":"Europe/Berlin","weekly":[{"day":"Monday","working_hours":[
	{"start_time":"09:00","end_time":"12:00","locations":[{"type":"online_dynamic_link","value":"zoom"}]}]}],
	"overrides":[{"date":"2026-12-24","day":"Thursday","working_hours":[]}]}`

func TestUsersGetAvailability(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/users/USR-1/scheduling-availability", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		reply(w, 200, scheduleJSON)
	})
	s, resp, err := c.Users.GetAvailability(ctx, "USR-1")
	require.NoError(t, err)
	testResponse(t, resp, 200)
	assert.Equal(t, "Europe/Berlin", s.Timezone)
	assert.Equal(t, []DayHours{{Day: "Monday", WorkingHours: []AvailabilitySpan{{StartTime: "09:00", EndTime: "12:00",
		Locations: []AvailabilityLocation{{Type: AvailabilityDynamicLink, Value: "zoom"}}}}}}, s.Weekly)
	assert.Equal(t, []DateOverride{{Date: "2026-12-24", Day: "Thursday", WorkingHours: []AvailabilitySpan{}}}, s.Overrides)
}

func TestUsersUpdateAvailabilityWithScheduleInTheAnswer(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/users/USR-1/scheduling-availability", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "PATCH")
		testBody(t, r, `{"weekly":[{"day":"Monday","working_hours":[{"start_time":"09:00","end_time":"12:00","locations":[]}]}],
			"overrides":[{"date":"2026-12-24","working_hours":null}]}`)
		reply(w, 200, scheduleJSON)
	})
	s, resp, err := c.Users.UpdateAvailability(ctx, "USR-1", &UpdateAvailabilityRequest{
		Weekly:    []DayHours{{Day: "Monday", WorkingHours: []AvailabilitySpan{{StartTime: "09:00", EndTime: "12:00"}}}},
		Overrides: []OverrideUpdate{{Date: "2026-12-24", Remove: true}},
	})
	require.NoError(t, err)
	testResponse(t, resp, 200)
	assert.Equal(t, "Europe/Berlin", s.Timezone, "no second request when the answer is the schedule")
}

func TestUserRequestsRefusedInOnceHubTerms(t *testing.T) {
	t.Parallel()

	ok := CreateUserRequest{Email: "a@example.com", FirstName: "A", LastName: "B"}
	with := func(f func(*CreateUserRequest)) CreateUserRequest { r := ok; f(&r); return r }
	span := func(from, to string) AvailabilitySpan { return AvailabilitySpan{StartTime: from, EndTime: to} }
	for _, tc := range []struct {
		err   error
		param string
	}{
		{with(func(r *CreateUserRequest) { r.Email = "a.example.com" }).Validate(), "email"},
		{with(func(r *CreateUserRequest) { r.FirstName = " " }).Validate(), "first_name"},
		{with(func(r *CreateUserRequest) { r.RoleName = RoleAccountOwner }).Validate(), "role_name"},
		{with(func(r *CreateUserRequest) { r.RoleName = "admin" }).Validate(), "role_name"},
		{with(func(r *CreateUserRequest) { r.Teams = []string{"TM-1", "TM-1"} }).Validate(), "teams"},
		{with(func(r *CreateUserRequest) { r.Teams = []string{"USR-1"} }).Validate(), "teams"},
		{UpdateUserRequest{}.Validate(), ""},
		{UpdateUserRequest{LastName: ptr("")}.Validate(), "last_name"},
		{UpdateAvailabilityRequest{}.Validate(), ""},
		{UpdateAvailabilityRequest{Weekly: []DayHours{{Day: "monday"}}}.Validate(), "weekly[0].day"},
		{UpdateAvailabilityRequest{Weekly: []DayHours{{Day: "Monday"}, {Day: "Monday"}}}.Validate(), "weekly[1].day"},
		{UpdateAvailabilityRequest{Weekly: []DayHours{{Day: "Monday", WorkingHours: []AvailabilitySpan{span("9:00", "10:00")}}}}.Validate(), "weekly[0].working_hours[0].start_time"},
		{UpdateAvailabilityRequest{Weekly: []DayHours{{Day: "Monday", WorkingHours: []AvailabilitySpan{span("09:10", "10:00")}}}}.Validate(), "weekly[0].working_hours[0].start_time"},
		{UpdateAvailabilityRequest{Weekly: []DayHours{{Day: "Monday", WorkingHours: []AvailabilitySpan{span("10:00", "09:00")}}}}.Validate(), "weekly[0].working_hours[0].end_time"},
		{UpdateAvailabilityRequest{Weekly: []DayHours{{Day: "Monday", WorkingHours: []AvailabilitySpan{span("09:00", "11:00"), span("10:00", "12:00")}}}}.Validate(), "weekly[0].working_hours"},
		{UpdateAvailabilityRequest{Weekly: []DayHours{{Day: "Monday", WorkingHours: []AvailabilitySpan{{StartTime: "09:00", EndTime: "10:00",
			Locations: []AvailabilityLocation{{Type: AvailabilityInPerson}}}}}}}.Validate(), "weekly[0].working_hours[0].locations[0].id"},
		{UpdateAvailabilityRequest{Weekly: []DayHours{{Day: "Monday", WorkingHours: []AvailabilitySpan{{StartTime: "09:00", EndTime: "10:00",
			Locations: []AvailabilityLocation{{Type: AvailabilityStaticLink, Value: "meet"}}}}}}}.Validate(), "weekly[0].working_hours[0].locations[0].value"},
		{UpdateAvailabilityRequest{Overrides: []OverrideUpdate{{Date: "24/12/2026"}}}.Validate(), "overrides[0].date"},
		{UpdateAvailabilityRequest{Overrides: []OverrideUpdate{{Date: "2026-12-24", Remove: true, WorkingHours: []AvailabilitySpan{span("09:00", "10:00")}}}}.Validate(), "overrides[0].remove"},
	} {
		assertParamError(t, tc.err, tc.param)
	}
	assert.NoError(t, ok.Validate())
}
