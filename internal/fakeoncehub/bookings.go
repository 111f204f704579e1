package fakeoncehub

import (
	"net/http"
	"time"
)

var bookingTimeFields = []string{"creation_time", "starting_time", "last_updated_time"}

var bookingFilters = []string{"status", "owner", "contact", "booking_calendar", "host", "booking_page", "master_page", "event_type"}

func (s *Server) bookingRoutes() {
	s.handle("GET", "/bookings", func(c *call) {
		expand, ok := c.expandParam(true, "booking_page", "master_page", "event_type", "owner", "contact", "conversation")
		if !ok {
			return
		}
		type bound struct{ gt, lt time.Time }
		var bounds [3]bound
		for i, f := range bookingTimeFields {
			gt, lt, ok := c.dateBounds(f)
			if !ok {
				return
			}
			bounds[i] = bound{gt, lt}
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
			for i, f := range bookingTimeFields {
				keep = keep && inBounds(b[f], bounds[i].gt, bounds[i].lt)
			}
			if keep {
				out = append(out, c.st.expandBooking(b, expand))
			}
		}
		c.page(out)
	})
	s.handle("GET", "/bookings/{id}", func(c *call) {
		id := c.r.PathValue("id")
		expand, ok := c.expandParam(false, "booking_page", "master_page", "event_type", "owner", "contact", "conversation")
		if !ok {
			return
		}
		if red, gone := c.st.deleted[id]; gone {
			c.json(http.StatusOK, red)
			return
		}
		b := find(c.st.bookings, id)
		if b == nil {
			c.notFound("booking", id)
			return
		}
		c.json(http.StatusOK, c.st.expandBooking(b, expand))
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
