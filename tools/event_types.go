package tools

// eventTypeTools: not written yet.
func eventTypeTools(Deps) []Tool { return nil }
