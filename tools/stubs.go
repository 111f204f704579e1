package tools

// Tool groups still to be written; each moves to its own file.
func calendarTools(Deps) []Tool     { return nil }
func bookingPageTools(Deps) []Tool  { return nil }
func eventTypeTools(Deps) []Tool    { return nil }
func masterPageTools(Deps) []Tool   { return nil }
func userTools(Deps) []Tool         { return nil }
func teamTools(Deps) []Tool         { return nil }
func contactTools(Deps) []Tool      { return nil }
func webhookTools(Deps) []Tool      { return nil }
func notificationTools(Deps) []Tool { return nil }
