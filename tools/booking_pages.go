package tools

// bookingPageTools: not written yet.
func bookingPageTools(Deps) []Tool { return nil }
