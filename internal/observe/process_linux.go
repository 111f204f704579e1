package observe

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// userHZ is the kernel's clock-tick rate for /proc/<pid>/stat times (fixed at
// 100 on Linux for user space, as procfs also assumes).
const userHZ = 100

// readProcStats reads /proc/self and the resource limits.
func readProcStats() *procStats {
	s := &procStats{}
	if b, err := os.ReadFile("/proc/self/stat"); err == nil {
		// Fields after the parenthesised command: state is field 3.
		if i := bytes.LastIndexByte(b, ')'); i >= 0 {
			f := strings.Fields(string(b[i+1:]))
			field := func(n int) float64 {
				if n-3 >= len(f) {
					return 0
				}
				v, _ := strconv.ParseFloat(f[n-3], 64)
				return v
			}
			if len(f) > 24-3 {
				s.statOK = true
				s.cpuSeconds = (field(14) + field(15)) / userHZ
				s.vsize = field(23)
				s.rss = field(24) * float64(os.Getpagesize())
				s.startTime = bootTime() + field(22)/userHZ
			}
		}
	}
	if d, err := os.Open("/proc/self/fd"); err == nil {
		names, err := d.Readdirnames(-1)
		d.Close()
		if err == nil {
			s.fdsOK, s.openFDs = true, float64(len(names))
		}
	}
	var nofile, as syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &nofile) == nil && syscall.Getrlimit(syscall.RLIMIT_AS, &as) == nil {
		s.limitsOK, s.maxFDs, s.maxVsize = true, float64(nofile.Cur), float64(as.Cur)
	}
	if b, err := os.ReadFile("/proc/self/net/netstat"); err == nil {
		s.receiveBytes, s.transmitBytes, s.netOK = ipOctets(string(b))
	}
	return s
}

// bootTime is the "btime" line of /proc/stat (seconds since the epoch).
func bootTime() float64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			t, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return t
		}
	}
	return 0
}

// ipOctets reads InOctets and OutOctets from the IpExt lines of
// /proc/<pid>/net/netstat (a header line of names, then one of values).
func ipOctets(netstat string) (in, out float64, ok bool) {
	var names []string
	for line := range strings.Lines(netstat) {
		rest, found := strings.CutPrefix(line, "IpExt:")
		if !found {
			continue
		}
		if names == nil {
			names = strings.Fields(rest)
			continue
		}
		for i, v := range strings.Fields(rest) {
			if i >= len(names) {
				break
			}
			switch names[i] {
			case "InOctets":
				in, _ = strconv.ParseFloat(v, 64)
				ok = true
			case "OutOctets":
				out, _ = strconv.ParseFloat(v, 64)
			}
		}
		return in, out, ok
	}
	return 0, 0, false
}
