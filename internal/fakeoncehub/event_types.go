package fakeoncehub

// eventTypeRoutes: not written yet.
func (s *Server) eventTypeRoutes() {}
