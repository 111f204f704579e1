package fakeoncehub

// userRoutes: not written yet.
func (s *Server) userRoutes() {}
