package fakeoncehub

import (
	"net/http"
	"slices"
)

func (s *Server) teamRoutes() {
	s.handle("GET", "/teams", func(c *call) {
		var member []any
		userID := c.r.URL.Query().Get("user")
		if userID != "" {
			// An unknown or deleted user belongs to no team.
			if u := find(c.st.users, userID); u != nil {
				member, _ = u["teams"].([]any)
			}
		}
		var out []obj
		for _, t := range c.st.teams {
			if userID == "" || slices.Contains(member, t["id"]) {
				out = append(out, t)
			}
		}
		c.page(out)
	})
	s.handle("GET", "/teams/{id}", func(c *call) {
		id := c.r.PathValue("id")
		t := find(c.st.teams, id)
		if t == nil {
			c.notFound("team", id)
			return
		}
		c.json(http.StatusOK, t)
	})
}
