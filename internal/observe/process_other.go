//go:build !linux

package observe

// readProcStats reports nothing off Linux: the process_* families are omitted.
func readProcStats() *procStats { return &procStats{} }
