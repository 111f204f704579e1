//go:build unix

package app_test

import (
	"syscall"
	"time"
)

// processCPU is this process's user+system CPU time so far (all threads:
// the garbage collector's included).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
