package tools

// teamTools: not written yet.
func teamTools(Deps) []Tool { return nil }
