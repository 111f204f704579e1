package observe

import (
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"time"
)

// The go_* and process_* families client_golang's Go and process collectors
// exported, with the same names, types and help, read when /metrics is
// scraped (never at start).

// valueFamily is a one-sample family read at scrape time; ok false omits it.
type valueFamily struct {
	desc
	value func(w *writer) (v float64, ok bool)
}

func (f valueFamily) write(w *writer) {
	v, ok := f.value(w)
	if !ok {
		return
	}
	w.header(f.desc)
	w.sampleFloat(f.name, "", "", v)
}

// funcFamily writes its own samples after the header.
type funcFamily struct {
	desc
	samples func(w *writer, name string)
}

func (f funcFamily) write(w *writer) {
	w.header(f.desc)
	f.samples(w, f.name)
}

func gauge(name, help string, value func(w *writer) (float64, bool)) family {
	return valueFamily{newDesc(name, help, "gauge"), value}
}

func counter(name, help string, value func(w *writer) (float64, bool)) family {
	return valueFamily{newDesc(name, help, "counter"), value}
}

// mem is a go_memstats_* family read from runtime.ReadMemStats.
func mem(name, typ, help string, field func(m *runtime.MemStats) uint64) family {
	return valueFamily{newDesc("go_memstats_"+name, help, typ), func(w *writer) (float64, bool) {
		return float64(field(w.memStats())), true
	}}
}

// gogcPercent is the GOGC setting as the runtime reads it (100 unless set;
// -1 when "off"). oncehub-mcp never calls debug.SetGCPercent. (Not read via
// runtime/metrics: that package's initialisation costs every start ~1 ms.)
func gogcPercent(*writer) (float64, bool) {
	switch v := os.Getenv("GOGC"); v {
	case "":
		return 100, true
	case "off":
		return -1, true
	default:
		n, err := strconv.Atoi(v)
		if err != nil {
			return 100, true
		}
		return float64(n), true
	}
}

func goFamilies() []family {
	return []family{
		funcFamily{newDesc("go_gc_duration_seconds", "A summary of the wall-time pause (stop-the-world) duration in garbage collection cycles.", "summary"),
			func(w *writer, name string) {
				st := debug.GCStats{PauseQuantiles: make([]time.Duration, 5)}
				debug.ReadGCStats(&st)
				for i, q := range []string{"0", "0.25", "0.5", "0.75", "1"} {
					w.sampleFloat(name, "", `quantile="`+q+`"`, st.PauseQuantiles[i].Seconds())
				}
				w.sampleFloat(name, "_sum", "", st.PauseTotal.Seconds())
				w.sampleUint(name, "_count", "", uint64(st.NumGC))
			}},
		gauge("go_gc_gogc_percent", "Heap size target percentage configured by the user, otherwise 100. This value is set by the GOGC environment variable, and the runtime/debug.SetGCPercent function. Sourced from /gc/gogc:percent.",
			gogcPercent),
		gauge("go_gc_gomemlimit_bytes", "Go runtime memory limit configured by the user, otherwise math.MaxInt64. This value is set by the GOMEMLIMIT environment variable, and the runtime/debug.SetMemoryLimit function. Sourced from /gc/gomemlimit:bytes.",
			func(*writer) (float64, bool) { return float64(debug.SetMemoryLimit(-1)), true }),
		gauge("go_goroutines", "Number of goroutines that currently exist.",
			func(*writer) (float64, bool) { return float64(runtime.NumGoroutine()), true }),
		funcFamily{newDesc("go_info", "Information about the Go environment.", "gauge", "version"),
			func(w *writer, name string) {
				w.sampleUint(name, "", string(appendLabel(nil, "version", runtime.Version())), 1)
			}},
		mem("alloc_bytes", "gauge", "Number of bytes allocated in heap and currently in use. Equals to /memory/classes/heap/objects:bytes.",
			func(m *runtime.MemStats) uint64 { return m.Alloc }),
		mem("alloc_bytes_total", "counter", "Total number of bytes allocated in heap until now, even if released already. Equals to /gc/heap/allocs:bytes.",
			func(m *runtime.MemStats) uint64 { return m.TotalAlloc }),
		mem("buck_hash_sys_bytes", "gauge", "Number of bytes used by the profiling bucket hash table. Equals to /memory/classes/profiling/buckets:bytes.",
			func(m *runtime.MemStats) uint64 { return m.BuckHashSys }),
		mem("frees_total", "counter", "Total number of heap objects frees. Equals to /gc/heap/frees:objects + /gc/heap/tiny/allocs:objects.",
			func(m *runtime.MemStats) uint64 { return m.Frees }),
		mem("gc_sys_bytes", "gauge", "Number of bytes used for garbage collection system metadata. Equals to /memory/classes/metadata/other:bytes.",
			func(m *runtime.MemStats) uint64 { return m.GCSys }),
		mem("heap_alloc_bytes", "gauge", "Number of heap bytes allocated and currently in use, same as go_memstats_alloc_bytes. Equals to /memory/classes/heap/objects:bytes.",
			func(m *runtime.MemStats) uint64 { return m.HeapAlloc }),
		mem("heap_idle_bytes", "gauge", "Number of heap bytes waiting to be used. Equals to /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes.",
			func(m *runtime.MemStats) uint64 { return m.HeapIdle }),
		mem("heap_inuse_bytes", "gauge", "Number of heap bytes that are in use. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes",
			func(m *runtime.MemStats) uint64 { return m.HeapInuse }),
		mem("heap_objects", "gauge", "Number of currently allocated objects. Equals to /gc/heap/objects:objects.",
			func(m *runtime.MemStats) uint64 { return m.HeapObjects }),
		mem("heap_released_bytes", "gauge", "Number of heap bytes released to OS. Equals to /memory/classes/heap/released:bytes.",
			func(m *runtime.MemStats) uint64 { return m.HeapReleased }),
		mem("heap_sys_bytes", "gauge", "Number of heap bytes obtained from system. Equals to /memory/classes/heap/objects:bytes + /memory/classes/heap/unused:bytes + /memory/classes/heap/released:bytes + /memory/classes/heap/free:bytes.",
			func(m *runtime.MemStats) uint64 { return m.HeapSys }),
		valueFamily{newDesc("go_memstats_last_gc_time_seconds", "Number of seconds since 1970 of last garbage collection.", "gauge"),
			func(w *writer) (float64, bool) { return float64(w.memStats().LastGC) / 1e9, true }},
		mem("mallocs_total", "counter", "Total number of heap objects allocated, both live and gc-ed. Semantically a counter version for go_memstats_heap_objects gauge. Equals to /gc/heap/allocs:objects + /gc/heap/tiny/allocs:objects.",
			func(m *runtime.MemStats) uint64 { return m.Mallocs }),
		mem("mcache_inuse_bytes", "gauge", "Number of bytes in use by mcache structures. Equals to /memory/classes/metadata/mcache/inuse:bytes.",
			func(m *runtime.MemStats) uint64 { return m.MCacheInuse }),
		mem("mcache_sys_bytes", "gauge", "Number of bytes used for mcache structures obtained from system. Equals to /memory/classes/metadata/mcache/inuse:bytes + /memory/classes/metadata/mcache/free:bytes.",
			func(m *runtime.MemStats) uint64 { return m.MCacheSys }),
		mem("mspan_inuse_bytes", "gauge", "Number of bytes in use by mspan structures. Equals to /memory/classes/metadata/mspan/inuse:bytes.",
			func(m *runtime.MemStats) uint64 { return m.MSpanInuse }),
		mem("mspan_sys_bytes", "gauge", "Number of bytes used for mspan structures obtained from system. Equals to /memory/classes/metadata/mspan/inuse:bytes + /memory/classes/metadata/mspan/free:bytes.",
			func(m *runtime.MemStats) uint64 { return m.MSpanSys }),
		mem("next_gc_bytes", "gauge", "Number of heap bytes when next garbage collection will take place. Equals to /gc/heap/goal:bytes.",
			func(m *runtime.MemStats) uint64 { return m.NextGC }),
		mem("other_sys_bytes", "gauge", "Number of bytes used for other system allocations. Equals to /memory/classes/other:bytes.",
			func(m *runtime.MemStats) uint64 { return m.OtherSys }),
		mem("stack_inuse_bytes", "gauge", "Number of bytes obtained from system for stack allocator in non-CGO environments. Equals to /memory/classes/heap/stacks:bytes.",
			func(m *runtime.MemStats) uint64 { return m.StackInuse }),
		mem("stack_sys_bytes", "gauge", "Number of bytes obtained from system for stack allocator. Equals to /memory/classes/heap/stacks:bytes + /memory/classes/os-stacks:bytes.",
			func(m *runtime.MemStats) uint64 { return m.StackSys }),
		mem("sys_bytes", "gauge", "Number of bytes obtained from system. Equals to /memory/classes/total:byte.",
			func(m *runtime.MemStats) uint64 { return m.Sys }),
		gauge("go_sched_gomaxprocs_threads", "The current runtime.GOMAXPROCS setting, or the number of operating system threads that can execute user-level Go code simultaneously. Sourced from /sched/gomaxprocs:threads.",
			func(*writer) (float64, bool) { return float64(runtime.GOMAXPROCS(0)), true }),
		gauge("go_threads", "Number of OS threads created.",
			func(*writer) (float64, bool) { n, _ := runtime.ThreadCreateProfile(nil); return float64(n), true }),
	}
}

// procStats is what the process_* families report; a field's ok is false
// when the platform or /proc could not tell.
type procStats struct {
	statOK                            bool
	cpuSeconds, startTime, vsize, rss float64
	fdsOK                             bool
	openFDs                           float64
	limitsOK                          bool
	maxFDs, maxVsize                  float64
	netOK                             bool
	receiveBytes, transmitBytes       float64
}

func processFamilies() []family {
	p := func(ok func(*procStats) bool, v func(*procStats) float64) func(*writer) (float64, bool) {
		return func(w *writer) (float64, bool) {
			s := w.procStats()
			return v(s), ok(s)
		}
	}
	stat := func(s *procStats) bool { return s.statOK }
	fds := func(s *procStats) bool { return s.fdsOK }
	limits := func(s *procStats) bool { return s.limitsOK }
	net := func(s *procStats) bool { return s.netOK }
	return []family{
		counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", p(stat, func(s *procStats) float64 { return s.cpuSeconds })),
		gauge("process_max_fds", "Maximum number of open file descriptors.", p(limits, func(s *procStats) float64 { return s.maxFDs })),
		counter("process_network_receive_bytes_total", "Number of bytes received by the process over the network.", p(net, func(s *procStats) float64 { return s.receiveBytes })),
		counter("process_network_transmit_bytes_total", "Number of bytes sent by the process over the network.", p(net, func(s *procStats) float64 { return s.transmitBytes })),
		gauge("process_open_fds", "Number of open file descriptors.", p(fds, func(s *procStats) float64 { return s.openFDs })),
		gauge("process_resident_memory_bytes", "Resident memory size in bytes.", p(stat, func(s *procStats) float64 { return s.rss })),
		gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", p(stat, func(s *procStats) float64 { return s.startTime })),
		gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", p(stat, func(s *procStats) float64 { return s.vsize })),
		gauge("process_virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes.", p(limits, func(s *procStats) float64 { return s.maxVsize })),
	}
}
