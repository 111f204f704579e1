package tools

// notificationTools: not written yet.
func notificationTools(Deps) []Tool { return nil }
