package fakeoncehub

import (
	"fmt"
	"time"
)

// The owner-calendar scenario (Options.OwnerCalendar) gives the account owner
// a booking calendar of their own and a year's worth of meetings on it, so
// that "all my bookings" and "my free mornings for six weeks" are real
// requests against the fake (bench/tokens measures what they cost).
const (
	// OwnerBookings is how many bookings the account owner owns in all.
	OwnerBookings = 137
	// OwnerCalendarName names the owner's calendar.
	OwnerCalendarName = "Intro call with Dana"
	// OwnerZone is the owner's (and the calendar's) time zone.
	OwnerZone = "America/New_York"
	// OwnerWeekBookings is how many of the owner's upcoming meetings fall
	// in the six weeks from OwnerCalendarWeek: 30 weekday mornings of six
	// 30-minute slots leave 180 - 12 = 168 free.
	OwnerWeekBookings = 12
)

// OwnerCalendarWeek is the Monday (00:00 in OwnerZone) that starts the six
// weeks the scenario's upcoming meetings fall in: the first Monday at least
// one full day after now.
func OwnerCalendarWeek(now time.Time) time.Time {
	loc, _ := time.LoadLocation(OwnerZone)
	t := now.In(loc)
	day := time.Date(t.Year(), t.Month(), t.Day()+2, 0, 0, 0, 0, loc)
	for day.Weekday() != time.Monday {
		day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc)
	}
	return day
}

// addOwnerCalendar adds the scenario to a seeded store: a published calendar
// hosted by the account owner (weekdays 09:00-12:00 in OwnerZone, 30
// minutes, zoom), OwnerWeekBookings scheduled meetings in the six weeks from
// OwnerCalendarWeek, and past meetings until the owner owns OwnerBookings.
func (st *store) addOwnerCalendar(now time.Time) {
	now = now.UTC().Truncate(time.Minute)
	r := st.rng
	owner := st.users[0]
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	rule := calendarRule{OwnerZone, weekdays, "09:00", "12:00", 30, []obj{{"type": "virtual", "value": "zoom", "id": nil}}}
	id := st.newID("BKC")
	cal := obj{"object": "booking_calendar", "id": id, "host": owner["id"], "name": OwnerCalendarName,
		"subject": "Intro call", "url": "https://go.oncehub.com/intro-call-with-dana", "published": true, "duration_minutes": rule.duration}
	st.calendars = append([]obj{cal}, st.calendars...)
	st.rules[id] = rule

	owned := 0
	for _, b := range st.bookings {
		if b["owner"] == owner["id"] {
			owned++
		}
	}
	loc, _ := time.LoadLocation(OwnerZone)
	// slotAt is the start of morning slot n (0-5) on day, local.
	slotAt := func(day time.Time, n int) time.Time {
		return time.Date(day.Year(), day.Month(), day.Day(), 9, 30*n, 0, 0, loc)
	}
	weekday := func(day time.Time) time.Time {
		for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
			day = day.AddDate(0, 0, 1)
		}
		return day
	}
	var starts []time.Time
	// Upcoming: one a weekday apart from the second weekday of the window
	// on, at different morning slots, so each takes one slot.
	week := OwnerCalendarWeek(now)
	day := week
	for i := 0; i < OwnerWeekBookings; i++ {
		day = weekday(day.AddDate(0, 0, 2))
		starts = append(starts, slotAt(day, i%6))
	}
	// Past: weekday mornings over the last ten months.
	for len(starts) < OwnerBookings-owned {
		d := weekday(now.In(loc).AddDate(0, 0, -1-r.IntN(300)))
		starts = append(starts, slotAt(d, r.IntN(6)))
	}
	for i, start := range starts {
		contact := st.contacts[r.IntN(len(st.contacts))]
		created := start.Add(-time.Duration(24+r.IntN(24*20)) * time.Hour)
		if created.After(now) {
			created = now.Add(-time.Duration(1+r.IntN(48)) * time.Hour)
		}
		status := "scheduled"
		if start.Before(now) {
			switch p := r.IntN(100); {
			case p < 75:
				status = "completed"
			case p < 85:
				status = "no_show"
			default:
				status = "canceled"
			}
		}
		n := 5000 + i
		name := contact["first_name"].(string) + " " + contact["last_name"].(string)
		b := obj{"object": "booking", "id": st.newID("BKNG"), "tracking_id": fmt.Sprintf("TRK%07d", r.IntN(10000000)),
			"subject": cal["subject"], "status": status, "in_trash": false,
			"creation_time": rfc(created), "starting_time": rfc(start), "customer_timezone": contact["timezone"],
			"last_updated_time": rfc(created.Add(time.Hour)), "duration_minutes": rule.duration,
			"attendees": []any{contact["email"]}, "contact": contact["id"], "conversation": nil, "utm_params": nil,
			"form_submission": obj{"name": name, "email": contact["email"], "phone": contact["phone"], "mobile_phone": "", "note": "",
				"company": contact["company"], "guests": []any{}, "custom_fields": []any{}},
			"ics_url": fmt.Sprintf("https://go.oncehub.com/ics/%d", n), "cancel_url": fmt.Sprintf("https://go.oncehub.com/cancel/%d", n),
			"reschedule_url": fmt.Sprintf("https://go.oncehub.com/reschedule/%d", n), "cancel_reschedule_url": fmt.Sprintf("https://go.oncehub.com/manage/%d", n),
			"payment_information": nil, "custom_fields": []any{},
			"booking_calendar": id, "owner": owner["id"], "master_page": nil, "event_type": nil,
			"virtual_conferencing": obj{"join_url": fmt.Sprintf("https://zoom.example/j/%d", 800000+n)}, "location_description": "zoom",
		}
		if status == "canceled" {
			b["cancel_reschedule_information"] = obj{"reason": "Conflict", "actioned_by": "customer"}
		}
		st.bookings = append(st.bookings, b)
	}
	sortNewestFirst(st.bookings)
}
