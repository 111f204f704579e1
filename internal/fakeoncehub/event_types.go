package fakeoncehub

import "net/http"

func (s *Server) eventTypeRoutes() {
	s.handle("GET", "/event-types", func(c *call) { c.page(c.st.eventTypes) })
	s.handle("GET", "/event-types/{id}", func(c *call) {
		if et, ok := c.lookup(c.st.eventTypes, "event type"); ok {
			c.json(http.StatusOK, et)
		}
	})
}
