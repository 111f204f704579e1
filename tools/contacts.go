package tools

// contactTools: not written yet.
func contactTools(Deps) []Tool { return nil }
