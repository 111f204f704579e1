package fakeoncehub

// teamRoutes: not written yet.
func (s *Server) teamRoutes() {}
