package oncehub

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
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
	for _, answer := range []string{"", "null", "{}", " \n"} {
		t.Run(mustQuote(answer), func(t *testing.T) {
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
			s, err := c.UpdateUserAvailability(WithAPIKey(context.Background(), "k"), "USR-A1",
				AvailabilityUpdate{Weekly: []DayHours{{Day: "Monday"}}})
			require.NoError(t, err)
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

// Other calls still refuse an empty 2xx body: it is not the JSON expected.
func TestEmptyBodyIsStillAnErrorElsewhere(t *testing.T) {
	c := testClient(t, func(w http.ResponseWriter, r *http.Request) {})
	_, err := c.GetUser(WithAPIKey(context.Background(), "k"), "USR-A1")
	var te *TransportError
	require.ErrorAs(t, err, &te)
	assert.Contains(t, te.Error(), "not the JSON expected")
}

func TestUpdateUserParamsSendOnlyWhatIsGiven(t *testing.T) {
	name := "Andrea"
	var noTeams []string
	cases := []struct {
		p    UpdateUserParams
		want string
	}{
		{UpdateUserParams{FirstName: &name}, `{"first_name":"Andrea"}`},
		{UpdateUserParams{Teams: &noTeams}, `{"teams":[]}`},
	}
	for _, tc := range cases {
		var got string
		c := testClient(t, func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			got = string(b)
			_, _ = io.WriteString(w, `{"id":"USR-A1","object":"user"}`)
		})
		_, err := c.UpdateUser(WithAPIKey(context.Background(), "k"), "USR-A1", tc.p)
		require.NoError(t, err)
		assert.JSONEq(t, tc.want, got)
	}
}

func TestOverrideUpdateMarshalsRemoveAsNull(t *testing.T) {
	b, err := json.Marshal(AvailabilityUpdate{Overrides: []OverrideUpdate{
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
	c, ctx, _ := fakeClient(t)
	page, err := c.ListUsers(ctx, UserFilter{Email: "kenji.tanaka@example.com"})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	id := page.Data[0].ID

	del, err := c.DeleteUser(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, DeletedObject{ID: id, Object: "user", Deleted: true}, del)

	_, err = c.DeleteUser(ctx, id)
	require.True(t, IsNotFound(err), "%v", err)
	apiErr, _ := AsAPIError(err)
	assert.Equal(t, "No such user: '"+id+"'", apiErr.Message)
	assert.Equal(t, "id", apiErr.Param)

	u, err := c.GetUser(ctx, id)
	require.NoError(t, err)
	assert.True(t, u.Deleted)
}

func TestUserAndTeamExtraFieldsAreKept(t *testing.T) {
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
