package fakeoncehub

// masterPageRoutes: not written yet.
func (s *Server) masterPageRoutes() {}
