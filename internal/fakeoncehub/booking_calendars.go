package fakeoncehub

// calendarRoutes: not written yet.
func (s *Server) calendarRoutes() {}
