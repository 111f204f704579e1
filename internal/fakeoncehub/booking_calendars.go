package fakeoncehub

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const maxSlotWindow = 30 * 24 * time.Hour

func (s *Server) calendarRoutes() {
	s.handle("GET", "/booking-calendars", func(c *call) {
		host := c.r.URL.Query().Get("host")
		var out []obj
		for _, cal := range c.st.calendars {
			if host == "" || cal["host"] == host {
				out = append(out, cal)
			}
		}
		c.page(out)
	})
	s.handle("GET", "/booking-calendars/{id}", func(c *call) {
		if cal, ok := c.lookup(c.st.calendars, "booking calendar"); ok {
			c.json(http.StatusOK, cal)
		}
	})
	s.handle("GET", "/booking-calendars/{id}/time-slots", func(c *call) {
		cal, ok := c.bookableCalendar("Time slots cannot be retrieved from an unpublished booking calendar.",
			"Time slots cannot be retrieved when the host doesn't have a seat assigned.")
		if !ok {
			return
		}
		start, end, ok := c.slotWindow()
		if !ok {
			return
		}
		slots := c.st.slots(cal["id"].(string), start, end, c.now())
		out := make([]obj, len(slots))
		for i, sl := range slots {
			out[i] = obj{"start_time": rfc(sl.start), "locations": sl.locations}
		}
		c.json(http.StatusOK, out)
	})
	s.handle("POST", "/booking-calendars/{id}/schedule", func(c *call) {
		cal, ok := c.bookableCalendar("Meeting cannot be scheduled on an unpublished booking calendar.",
			"Meeting cannot be scheduled when the host doesn't have a seat assigned.")
		if !ok {
			return
		}
		var body struct {
			StartTime     string         `json:"start_time"`
			GuestTimeZone string         `json:"guest_time_zone"`
			BookingForm   map[string]any `json:"booking_form"`
			Location      *struct {
				Type  string  `json:"type"`
				Value *string `json:"value"`
			} `json:"location"`
		}
		if !c.decode(&body) {
			return
		}
		name, _ := body.BookingForm["name"].(string)
		email, _ := body.BookingForm["email"].(string)
		if body.StartTime == "" || body.GuestTimeZone == "" || body.BookingForm == nil || strings.TrimSpace(name) == "" || email == "" {
			param := "booking_form"
			switch {
			case body.StartTime == "":
				param = "start_time"
			case body.GuestTimeZone == "":
				param = "guest_time_zone"
			}
			c.badRequest("Required fields are missing.", param)
			return
		}
		start, err := time.Parse(time.RFC3339Nano, body.StartTime)
		if err != nil {
			c.badRequest("Invalid date format for 'start_time'.", "start_time")
			return
		}
		if _, err := time.LoadLocation(body.GuestTimeZone); err != nil {
			c.badRequest("Invalid time zone.", "guest_time_zone")
			return
		}
		id := cal["id"].(string)
		var slot *timeSlot
		for _, sl := range c.st.slots(id, start, start.Add(time.Minute), c.now()) {
			if sl.start.Equal(start) {
				slot = &sl
				break
			}
		}
		if slot == nil {
			c.badRequest("The selected start time is not available.", "start_time")
			return
		}
		var loc obj
		if body.Location == nil {
			loc = slot.locations[0]
			for _, l := range slot.locations {
				if l["type"] == "virtual" {
					loc = l
					break
				}
			}
		} else {
			value := ""
			if body.Location.Value != nil {
				value = *body.Location.Value
			}
			for _, l := range slot.locations {
				if l["type"] != body.Location.Type {
					continue
				}
				switch body.Location.Type {
				case "virtual":
					if l["value"] == value {
						loc = l
					}
				case "physical":
					if l["id"] == value {
						loc = l
					}
				case "guest_phone":
					if value != "" {
						loc = obj{"type": "guest_phone", "value": value, "id": nil}
					}
				default:
					loc = l
				}
			}
			if loc == nil {
				c.badRequest("The selected location is not available for this time slot.", "location")
				return
			}
		}
		b := c.st.newCalendarBooking(cal, start, body.GuestTimeZone, body.BookingForm, loc, c.now())
		c.json(http.StatusOK, obj{"id": b["id"]})
	})
	s.handle("POST", "/booking-calendars/{id}/one-time-links", func(c *call) {
		id := c.r.PathValue("id")
		cal := find(c.st.calendars, id)
		if cal == nil {
			c.notFound("booking calendar", id)
			return
		}
		if cal["published"] != true {
			c.badRequest(fmt.Sprintf("This booking calendar does not allow creation of one time links: '%s'", id), "id")
			return
		}
		var body struct {
			HideURLParams bool              `json:"hide_url_params"`
			BookingForm   map[string]any    `json:"booking_form"`
			UTMParams     map[string]string `json:"utm_params"`
		}
		if !c.decode(&body) {
			return
		}
		q := url.Values{}
		for k, v := range body.BookingForm {
			switch v := v.(type) {
			case string:
				q.Set(k, v)
			case []any:
				for _, e := range v {
					q.Add(k, fmt.Sprint(e))
				}
			}
		}
		for k, v := range body.UTMParams {
			q.Set("utm_"+k, v)
		}
		c.json(http.StatusOK, c.st.newOneTimeLink("https://oncehub.com/.", 12, body.HideURLParams, q, obj{"booking_calendar": id}, c.now()))
	})
}

// bookableCalendar finds the path's calendar and answers 400 (unknown: the
// only client error the time-slots and schedule operations document), 422
// (unpublished) or 402 (the host has no seat); false when it answered.
func (c *call) bookableCalendar(unpublished, noSeat string) (obj, bool) {
	id := c.r.PathValue("id")
	cal := find(c.st.calendars, id)
	if cal == nil {
		c.badRequest(fmt.Sprintf("No such booking calendar: '%s'", id), "id")
		return nil, false
	}
	if cal["published"] != true {
		c.error(http.StatusUnprocessableEntity, "invalid_request_error", unpublished, "id")
		return nil, false
	}
	if host := find(c.st.users, fmt.Sprint(cal["host"])); host != nil && host["status"] != "active" {
		c.error(http.StatusPaymentRequired, "invalid_request_error", noSeat, "")
		return nil, false
	}
	return cal, true
}

// slotWindow reads start_time/end_time (defaults: now, start + 7 days) and
// answers 400 for a malformed, inverted, too long or past window.
func (c *call) slotWindow() (start, end time.Time, ok bool) {
	q := c.r.URL.Query()
	now := c.now()
	parse := func(name string, def time.Time) (time.Time, bool) {
		v := q.Get(name)
		if v == "" {
			return def, true
		}
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			c.badRequest(fmt.Sprintf("Invalid date format for '%s'.", name), name)
			return time.Time{}, false
		}
		return t, true
	}
	if start, ok = parse("start_time", now); !ok {
		return
	}
	if end, ok = parse("end_time", start.Add(7*24*time.Hour)); !ok {
		return
	}
	switch {
	case start.Before(now):
		c.badRequest("Start time cannot be in the past.", "start_time")
	case !end.After(start):
		c.badRequest("End time must be after the start time.", "end_time")
	case end.Sub(start) > maxSlotWindow:
		c.badRequest("The difference between start_time and end_time must be less than or equal to 30 days.", "end_time")
	default:
		return start, end, true
	}
	return start, end, false
}

type timeSlot struct {
	start     time.Time
	locations []obj
}

// slots computes a calendar's free slots starting in [from, to): its weekly
// rule in its own zone, minus slots overlapping its non-canceled bookings and
// slots that do not start after now.
func (st *store) slots(calID string, from, to, now time.Time) []timeSlot {
	rule, ok := st.rules[calID]
	if !ok {
		return nil
	}
	loc, err := time.LoadLocation(rule.zone)
	if err != nil {
		return nil
	}
	dur := time.Duration(rule.duration) * time.Minute
	type span struct{ from, to time.Time }
	var busy []span
	for _, b := range st.bookings {
		if b["booking_calendar"] != calID || b["status"] == "canceled" {
			continue
		}
		s, err := time.Parse(time.RFC3339Nano, fmt.Sprint(b["starting_time"]))
		if err != nil {
			continue
		}
		busy = append(busy, span{s, s.Add(time.Duration(toInt(b["duration_minutes"])) * time.Minute)})
	}
	clock := func(day time.Time, hhmm string) time.Time {
		var h, m int
		_, _ = fmt.Sscanf(hhmm, "%d:%d", &h, &m)
		return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
	}
	var out []timeSlot
	first := from.In(loc)
	day := time.Date(first.Year(), first.Month(), first.Day()-1, 0, 0, 0, 0, loc)
	for ; !day.After(to.In(loc)); day = time.Date(day.Year(), day.Month(), day.Day()+1, 0, 0, 0, 0, loc) {
		open := false
		for _, wd := range rule.weekdays {
			open = open || wd == day.Weekday()
		}
		if !open {
			continue
		}
		closeAt := clock(day, rule.to)
	slots:
		for t := clock(day, rule.from); !t.Add(dur).After(closeAt); t = t.Add(dur) {
			if t.Before(from) || !t.Before(to) || !t.After(now) {
				continue
			}
			for _, b := range busy {
				if t.Before(b.to) && b.from.Before(t.Add(dur)) {
					continue slots
				}
			}
			out = append(out, timeSlot{start: t.UTC(), locations: rule.locations})
		}
	}
	return out
}

func toInt(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case float64:
		return int(n)
	}
	return 0
}

// newCalendarBooking records a booking scheduled on cal (newest first) and
// returns it. The guest becomes a contact unless one with that email exists.
func (st *store) newCalendarBooking(cal obj, start time.Time, tz string, form map[string]any, loc obj, now time.Time) obj {
	name, _ := form["name"].(string)
	email, _ := form["email"].(string)
	phone, _ := form["phone"].(string)
	var custom []any
	for k, v := range form {
		if k != "name" && k != "email" && k != "phone" {
			custom = append(custom, obj{"name": k, "value": v})
		}
	}
	if custom == nil {
		custom = []any{}
	}
	contact := st.contactFor(name, email, phone, tz, cal["host"], now)
	var ph any
	if phone != "" {
		ph = phone
	}
	n := len(st.bookings) + 1
	id := st.newID("BKNG")
	b := obj{"object": "booking", "id": id, "tracking_id": fmt.Sprintf("TRK%07d", st.rng.IntN(10000000)),
		"subject": cal["subject"], "status": "scheduled", "in_trash": false,
		"creation_time": rfc(now), "starting_time": rfc(start), "customer_timezone": tz, "last_updated_time": rfc(now),
		"duration_minutes": toInt(cal["duration_minutes"]), "attendees": []any{email}, "contact": contact, "conversation": nil, "utm_params": nil,
		"form_submission": obj{"name": name, "email": email, "phone": ph, "mobile_phone": "", "note": "", "company": nil,
			"guests": []any{}, "custom_fields": custom},
		"ics_url": fmt.Sprintf("https://go.oncehub.com/ics/%d", n), "cancel_url": fmt.Sprintf("https://go.oncehub.com/cancel/%d", n),
		"reschedule_url": fmt.Sprintf("https://go.oncehub.com/reschedule/%d", n), "cancel_reschedule_url": fmt.Sprintf("https://go.oncehub.com/manage/%d", n),
		"payment_information": nil, "custom_fields": []any{},
		"booking_calendar": cal["id"], "owner": cal["host"], "master_page": nil, "event_type": nil,
	}
	switch loc["type"] {
	case "virtual":
		b["virtual_conferencing"] = obj{"join_url": fmt.Sprintf("https://%s.example/j/%d", loc["value"], 900000+n)}
		b["location_description"] = fmt.Sprint(loc["value"])
	case "virtual_static":
		b["location_description"] = "Online meeting"
	case "guest_phone":
		b["location_description"] = "Phone call: " + fmt.Sprint(loc["value"])
	default:
		b["location_description"] = "Onsite: 1 Market St, San Francisco"
	}
	st.bookings = append([]obj{b}, st.bookings...)
	return b
}

// contactFor returns the ID of the contact with email, creating it (newest
// first) when there is none.
func (st *store) contactFor(name, email, phone, tz string, owner any, now time.Time) string {
	for _, ct := range st.contacts {
		if strings.EqualFold(fmt.Sprint(ct["email"]), email) {
			return ct["id"].(string)
		}
	}
	first, last, _ := strings.Cut(name, " ")
	var ph any
	if phone != "" {
		ph = phone
	}
	ct := obj{"object": "contact", "id": st.newID("CTC"),
		"creation_time": rfc(now), "last_updated_time": rfc(now), "last_interacted_time": rfc(now),
		"owner": owner, "status": nil, "email": email, "first_name": first, "last_name": last, "company": nil,
		"city": nil, "company_size": nil, "country": nil, "has_consent": false, "job_title": nil,
		"mobile_phone": nil, "phone": ph, "post_code": nil, "salutation": nil, "state": nil, "street_address": nil,
		"terms_of_sevice": false, "timezone": tz, "custom_fields": []any{}}
	st.contacts = append([]obj{ct}, st.contacts...)
	return ct["id"].(string)
}

// newOneTimeLink issues a one-time link (base + an ID of n characters),
// records it with extra fields, and returns the spec's response shape. Unless
// hideParams, the prefill and UTM values ride along as query parameters.
func (st *store) newOneTimeLink(base string, n int, hideParams bool, q url.Values, extra obj, now time.Time) obj {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(idChars[st.rng.IntN(len(idChars))])
	}
	id := b.String()
	link := base + id
	if !hideParams && len(q) > 0 {
		link += "?" + q.Encode()
	}
	out := obj{"id": id, "url": link, "creation_time": now.UTC().Format(time.RFC3339)}
	rec := copyObj(out)
	for k, v := range extra {
		rec[k] = v
	}
	st.oneTimeLinks = append([]obj{rec}, st.oneTimeLinks...)
	return out
}
