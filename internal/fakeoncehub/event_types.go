package fakeoncehub

import "net/http"

func (s *Server) eventTypeRoutes() {
	s.handle("GET", "/event-types", func(c *call) { c.page(c.st.eventTypes) })
	s.handle("GET", "/event-types/{id}", func(c *call) {
		id := c.r.PathValue("id")
		if red, gone := c.st.deleted[id]; gone {
			c.json(http.StatusOK, red)
			return
		}
		et := find(c.st.eventTypes, id)
		if et == nil {
			c.notFound("event type", id)
			return
		}
		c.json(http.StatusOK, et)
	})
}
