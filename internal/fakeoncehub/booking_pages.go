package fakeoncehub

import (
	"net/http"
	"slices"
	"strings"
)

func (s *Server) bookingPageRoutes() {
	s.handle("GET", "/booking-pages", func(c *call) {
		q := c.r.URL.Query()
		mp, et, user := q.Get("master_page"), q.Get("event_type"), q.Get("user")
		var out []obj
		for i, bp := range c.st.bookingPages {
			l := c.st.pageLinks(i, bp)
			if (mp == "" || l.masterPage == mp) && (et == "" || slices.Contains(l.eventTypes, et)) && (user == "" || l.user == user) {
				out = append(out, bp)
			}
		}
		c.page(out)
	})
	s.handle("GET", "/booking-pages/{id}", func(c *call) {
		if bp, ok := c.lookup(c.st.bookingPages, "booking page"); ok {
			c.json(http.StatusOK, bp)
		}
	})
}

// pageLinks are a booking page's associations, which the spec's object does
// not carry: its owner, its master page and its event types.
type pageLinks struct {
	user, masterPage string
	eventTypes       []string
}

// pageLinks models the associations of the i-th booking page: the user whose
// name is its label, master page i mod 2, and event types i and i+1 (mod 4).
func (st *store) pageLinks(i int, bp obj) pageLinks {
	var l pageLinks
	for _, u := range st.users {
		label, _ := u["first_name"].(string)
		last, _ := u["last_name"].(string)
		if strings.ToLower(label+"-"+last) == bp["label"] {
			l.user = u["id"].(string)
		}
	}
	if n := len(st.masterPages); n > 0 {
		l.masterPage = st.masterPages[i%n]["id"].(string)
	}
	if n := len(st.eventTypes); n > 0 {
		l.eventTypes = []string{st.eventTypes[i%n]["id"].(string), st.eventTypes[(i+1)%n]["id"].(string)}
	}
	return l
}
