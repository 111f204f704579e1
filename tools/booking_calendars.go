package tools

// calendarTools: not written yet.
func calendarTools(Deps) []Tool { return nil }
