package fakeoncehub

// bookingPageRoutes: not written yet.
func (s *Server) bookingPageRoutes() {}
