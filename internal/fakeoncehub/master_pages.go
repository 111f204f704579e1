package fakeoncehub

import (
	"fmt"
	"net/http"
)

func (s *Server) masterPageRoutes() {
	s.handle("GET", "/master-pages", func(c *call) { c.page(c.st.masterPages) })
	s.handle("GET", "/master-pages/{id}", func(c *call) {
		if mp, ok := c.lookup(c.st.masterPages, "master page"); ok {
			c.json(http.StatusOK, mp)
		}
	})
	s.handle("POST", "/master-pages/{id}/one-time-links", func(c *call) {
		id := c.r.PathValue("id")
		if _, gone := c.st.deleted[id]; gone {
			c.badRequest(fmt.Sprintf("This master page is deleted: '%s'", id), "id")
			return
		}
		if find(c.st.masterPages, id) == nil {
			c.notFound("master page", id)
			return
		}
		c.json(http.StatusOK, c.st.newOneTimeLink("https://go.oncehub.com/.", 8, true, nil, obj{"master_page": id}, c.now()))
	})
}
