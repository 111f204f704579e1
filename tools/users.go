package tools

// userTools: not written yet.
func userTools(Deps) []Tool { return nil }
