package fakeoncehub

// notificationRoutes: not written yet.
func (s *Server) notificationRoutes() {}
