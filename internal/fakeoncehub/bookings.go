package fakeoncehub

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

var bookingTimeFields = []string{"creation_time", "starting_time", "last_updated_time"}

var bookingFilters = []string{"status", "owner", "contact", "booking_calendar", "host", "booking_page", "master_page", "event_type"}

func (s *Server) bookingRoutes() {
	s.bookingWriteRoutes()
	s.handle("GET", "/bookings", func(c *call) {
		expand, ok := c.expandParam(true, "booking_page", "master_page", "event_type", "owner", "contact", "conversation")
		if !ok {
			return
		}
		within, ok := c.timeBounds(bookingTimeFields...)
		if !ok {
			return
		}
		q := c.r.URL.Query()
		var out []obj
		for _, b := range c.st.bookings {
			keep := true
			for _, f := range bookingFilters {
				v := q.Get(f)
				if v == "" {
					continue
				}
				field := f
				if f == "host" {
					field = "owner"
				}
				keep = keep && b[field] == v
			}
			if keep && within(b) {
				out = append(out, c.st.expandBooking(b, expand))
			}
		}
		c.page(out)
	})
	s.handle("GET", "/bookings/{id}", func(c *call) {
		expand, ok := c.expandParam(false, "booking_page", "master_page", "event_type", "owner", "contact", "conversation")
		if !ok {
			return
		}
		if b, ok := c.lookup(c.st.bookings, "booking"); ok {
			c.json(http.StatusOK, c.st.expandBooking(b, expand))
		}
	})
}

// expandBooking returns b with the named references replaced by objects.
func (st *store) expandBooking(b obj, fields []string) obj {
	if len(fields) == 0 {
		return b
	}
	out := copyObj(b)
	for _, f := range fields {
		id, _ := b[f].(string)
		if id == "" {
			continue
		}
		var coll []obj
		switch f {
		case "owner":
			coll = st.users
		case "contact":
			coll = st.contacts
		case "booking_page":
			coll = st.bookingPages
		case "master_page":
			coll = st.masterPages
		case "event_type":
			coll = st.eventTypes
		}
		if o := find(coll, id); o != nil {
			out[f] = o
		} else if red, ok := st.deleted[id]; ok {
			out[f] = red
		}
	}
	return out
}

// Booking statuses from which a meeting can still be canceled, rescheduled or
// reassigned: it has not happened and is not canceled.
var bookingUpcoming = map[any]bool{"requested": true, "scheduled": true, "rescheduled": true}

// connectedVideo are the video providers every fake user has connected;
// webex and gotomeeting are not, so a reassignment to them fails like OnceHub's.
var connectedVideo = []string{"google_meet", "microsoft_teams", "zoom"}

// cancelUpcoming ends booking b for cancel and request-reschedule alike:
// 409 unless it is still upcoming, 422 (paidMessage) when it was paid for.
func (c *call) cancelUpcoming(b obj, reason *string, paidMessage string) {
	if !bookingUpcoming[b["status"]] {
		c.error(http.StatusConflict, "invalid_request_error", fmt.Sprintf("Booking cannot be cancelled: '%s'", b["id"]), "id")
		return
	}
	if b["payment_information"] != nil {
		c.error(http.StatusUnprocessableEntity, "invalid_request_error", paidMessage, "")
		return
	}
	c.cancelBooking(b, reason)
	c.json(http.StatusOK, b)
}

func (s *Server) bookingWriteRoutes() {
	s.handle("POST", "/bookings/{id}/cancel", func(c *call) {
		var body struct {
			Reason    *string `json:"cancellation_reason"`
			SendEmail *bool   `json:"send_cancellation_email"`
		}
		if b := c.bookingForAction(&body); b != nil {
			c.cancelUpcoming(b, body.Reason, "Paid bookings cannot be canceled through this endpoint. Please login to OnceHub and use the Activity Stream to cancel paid bookings.")
		}
	})
	s.handle("POST", "/bookings/{id}/request-reschedule", func(c *call) {
		var body struct {
			Reason *string `json:"reschedule_reason"`
		}
		if b := c.bookingForAction(&body); b != nil {
			c.cancelUpcoming(b, body.Reason, "Paid bookings can only be requested for reschedule in your OnceHub account. Log in and use the activity stream to submit a reschedule request for this booking.")
		}
	})
	s.handle("POST", "/bookings/{id}/reassign", func(c *call) {
		var body struct {
			NewHost  *string `json:"new_host"`
			Location *struct {
				Type  *string `json:"type"`
				Value *string `json:"value"`
			} `json:"location"`
		}
		b := c.bookingForAction(&body)
		if b == nil {
			return
		}
		if body.NewHost == nil || *body.NewHost == "" {
			c.badRequest("Missing required param: new_host.", "new_host")
			return
		}
		if l := body.Location; l != nil && (l.Type == nil || *l.Type != "virtual") {
			c.badRequest("Invalid location type: must be 'virtual'.", "location.type")
			return
		}
		if l := body.Location; l != nil && (l.Value == nil || *l.Value == "") {
			c.badRequest("Missing required param: location.value.", "location.value")
			return
		}
		host := find(c.st.users, *body.NewHost)
		if host == nil {
			c.error(http.StatusNotFound, "invalid_request_error", fmt.Sprintf("No such user: '%s'", *body.NewHost), "new_host")
			return
		}
		switch {
		case host["status"] != "active":
			c.error(http.StatusConflict, "invalid_request_error", "User is inactive.", "new_host")
		case b["owner"] == host["id"]:
			c.error(http.StatusConflict, "invalid_request_error", "Booking cannot be reassigned to the same host.", "new_host")
		case !bookingUpcoming[b["status"]]:
			c.error(http.StatusConflict, "invalid_request_error", "Booking cannot be reassigned in its current status.", "id")
		case body.Location != nil && !slices.Contains(connectedVideo, *body.Location.Value):
			c.error(http.StatusConflict, "invalid_request_error", fmt.Sprintf("Invalid location: '%s' is not connected for this user. Connected video conferencing options: %s.",
				*body.Location.Value, strings.Join(connectedVideo, ", ")), "location.value")
		default:
			b["owner"] = host["id"]
			if body.Location != nil {
				p := *body.Location.Value
				b["virtual_conferencing"] = obj{"join_url": fmt.Sprintf("https://%s.example/j/%s", p, strings.ToLower(b["id"].(string)))}
				b["location_description"] = p
			}
			b["last_updated_time"] = rfc(c.now())
			c.json(http.StatusOK, b)
		}
	})
	s.handle("POST", "/bookings/{id}/no-show", func(c *call) {
		b := c.bookingForAction(nil)
		if b == nil {
			return
		}
		start, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(b["starting_time"]))
		switch b["status"] {
		case "scheduled", "rescheduled", "completed", "no_show":
			if !start.After(c.now()) {
				if b["status"] != "no_show" {
					b["status"] = "no_show"
					b["last_updated_time"] = rfc(c.now())
				}
				c.json(http.StatusOK, b)
				return
			}
		}
		c.error(http.StatusConflict, "invalid_request_error", fmt.Sprintf("Cannot update booking status to no_show: '%s'", b["id"]), "id")
	})
}

// bookingForAction decodes the body into v (when not nil) and finds the
// booking; nil (and the error sent) when the body is not JSON or the booking
// does not exist.
func (c *call) bookingForAction(v any) obj {
	if v != nil && !c.decode(v) {
		return nil
	}
	id := c.r.PathValue("id")
	b := find(c.st.bookings, id)
	if b == nil {
		c.notFound("booking", id)
	}
	return b
}

// cancelBooking marks b canceled by the account's owner.
func (c *call) cancelBooking(b obj, reason *string) {
	info := obj{"actioned_by": "user", "user_id": c.st.users[0]["id"]}
	if reason != nil && *reason != "" {
		info["reason"] = *reason
	}
	b["status"] = "canceled"
	b["cancel_reschedule_information"] = info
	b["last_updated_time"] = rfc(c.now())
}

// PatchBooking sets fields of the booking id in the account of key (tests use
// it to reach states the seed lacks, e.g. a paid booking). It reports whether
// the booking exists.
func (s *Server) PatchBooking(key, id string, fields map[string]any) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.accounts[key]
	if st == nil {
		return false
	}
	b := find(st.bookings, id)
	if b == nil {
		return false
	}
	for k, v := range fields {
		b[k] = v
	}
	return true
}

// Users returns copies of the users of key's account, active and invited
// (tests pick hosts for reassignments from them).
func (s *Server) Users(key string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	if st := s.accounts[key]; st != nil {
		for _, u := range st.users {
			out = append(out, copyObj(u))
		}
	}
	return out
}
