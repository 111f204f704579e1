package tools

// masterPageTools: not written yet.
func masterPageTools(Deps) []Tool { return nil }
