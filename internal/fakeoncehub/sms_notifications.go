package fakeoncehub

import (
	"fmt"
	"time"
)

func (s *Server) notificationRoutes() {
	s.handle("GET", "/notifications/sms", func(c *call) {
		expand, ok := c.expandParam(true, "recipient")
		if !ok || !c.boundsFormat(time.RFC3339, "a date-time (RFC 3339, e.g. 2025-11-01T00:00:00Z)", "creation_time") {
			return
		}
		within, ok := c.timeBounds("creation_time")
		if !ok {
			return
		}
		q := c.r.URL.Query()
		recipient, typ := q.Get("recipient"), q.Get("recipient_type")
		if typ != "" && typ != "contact" && typ != "user" {
			c.badRequest(fmt.Sprintf("Invalid string: %s", typ), "recipient_type")
			return
		}
		var out []obj
		for _, m := range c.st.sms {
			if (recipient != "" && m["recipient"] != recipient) || (typ != "" && m["recipient_type"] != typ) ||
				!within(m) {
				continue
			}
			if len(expand) > 0 {
				m = copyObj(m)
				id, _ := m["recipient"].(string)
				coll := c.st.contacts
				if m["recipient_type"] == "user" {
					coll = c.st.users
				}
				if o := find(coll, id); o != nil {
					m["recipient"] = o
				} else if red, ok := c.st.deleted[id]; ok {
					m["recipient"] = red
				}
			}
			out = append(out, m)
		}
		c.page(out)
	})
}
