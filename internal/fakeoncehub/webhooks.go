package fakeoncehub

// webhookRoutes: not written yet.
func (s *Server) webhookRoutes() {}
