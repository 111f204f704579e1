package fakeoncehub

import "net/http"

func (s *Server) routes() {
	s.handle("GET", "/test", func(c *call) {
		c.json(http.StatusOK, obj{"message": "The API key is valid for account: " + c.st.account})
	})
	s.bookingRoutes()
	s.calendarRoutes()
	s.bookingPageRoutes()
	s.eventTypeRoutes()
	s.masterPageRoutes()
	s.userRoutes()
	s.teamRoutes()
	s.contactRoutes()
	s.webhookRoutes()
	s.notificationRoutes()
}
