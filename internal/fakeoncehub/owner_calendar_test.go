package fakeoncehub

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The scenario holds whatever day it is seeded on: the owner owns
// OwnerBookings bookings, and the six weeks from OwnerCalendarWeek leave 168
// free weekday-morning slots on their calendar.
func TestOwnerCalendarScenario(t *testing.T) {
	t.Parallel()

	for _, now := range []time.Time{
		testNow, // a Monday
		time.Date(2027, 3, 12, 23, 30, 0, 0, time.UTC), // a Friday evening before a clock change
		time.Date(2027, 10, 30, 4, 0, 0, 0, time.UTC),  // a Saturday
	} {
		t.Run(now.Format(time.RFC3339), func(t *testing.T) {
			t.Parallel()

			s := New(Options{Now: func() time.Time { return now }, OwnerCalendar: true})
			st := s.accounts[TestKey]
			owner := st.users[0]["id"]
			owned := 0
			for _, b := range st.bookings {
				if b["owner"] == owner {
					owned++
				}
			}
			assert.Equal(t, OwnerBookings, owned)
			cal := st.calendars[0]
			require.Equal(t, OwnerCalendarName, cal["name"])
			assert.Equal(t, owner, cal["host"])
			week := OwnerCalendarWeek(now)
			assert.Equal(t, time.Monday, week.Weekday())
			assert.True(t, week.After(now.Add(24*time.Hour)), "a full day ahead")
			slots := st.slots(cal["id"].(string), week, week.AddDate(0, 0, 42), now)
			assert.Len(t, slots, 30*6-OwnerWeekBookings)
		})
	}
	plain := New(Options{Now: func() time.Time { return testNow }})
	assert.NotEqual(t, OwnerCalendarName, plain.accounts[TestKey].calendars[0]["name"], "the scenario is opt-in")
}
