package fakeoncehub

// contactRoutes: not written yet.
func (s *Server) contactRoutes() {}
