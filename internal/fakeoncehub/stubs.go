package fakeoncehub

// Resource routes still to be written; each moves to its own file.
func (s *Server) calendarRoutes()     {}
func (s *Server) bookingPageRoutes()  {}
func (s *Server) eventTypeRoutes()    {}
func (s *Server) masterPageRoutes()   {}
func (s *Server) userRoutes()         {}
func (s *Server) teamRoutes()         {}
func (s *Server) contactRoutes()      {}
func (s *Server) webhookRoutes()      {}
func (s *Server) notificationRoutes() {}
