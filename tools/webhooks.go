package tools

// webhookTools: not written yet.
func webhookTools(Deps) []Tool { return nil }
