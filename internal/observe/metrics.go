package observe

import (
	"math"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// A small metrics implementation covering exactly what oncehub-mcp exports:
// counters, a gauge and histograms, with or without labels, written in the
// Prometheus text exposition format 0.0.4. It replaces client_golang, whose
// package initialisation (protobuf, procfs, expvar) every start paid for even
// in stdio mode, where /metrics is never served (issue #7).
//
// Recording is lock-free (atomics); a labelled child is found under a read
// lock in a map keyed by a fixed-size array, so recording never allocates once
// the child exists.

// contentType is the media type of the text exposition format.
const contentType = "text/plain; version=0.0.4; charset=utf-8"

// maxLabels is the most labels a vec may have (the key is a fixed array so
// that lookups do not allocate).
const maxLabels = 3

// Counter is a monotonically increasing count.
type Counter struct{ v atomic.Uint64 }

// Inc adds one.
func (c *Counter) Inc() { c.v.Add(1) }

// Gauge is a value that goes up and down.
type Gauge struct{ v atomic.Int64 }

// Inc adds one.
func (g *Gauge) Inc() { g.v.Add(1) }

// Dec subtracts one.
func (g *Gauge) Dec() { g.v.Add(-1) }

// Histogram counts observations into fixed buckets and sums them.
type Histogram struct {
	upper  []float64       // bucket upper bounds, ascending; shared by a vec's children
	counts []atomic.Uint64 // per bucket (not cumulative); the last is above every bound (+Inf)
	sum    atomic.Uint64   // float64 bits
}

func newHistogram(upper []float64) *Histogram {
	return &Histogram{upper: upper, counts: make([]atomic.Uint64, len(upper)+1)}
}

// Observe records v.
func (h *Histogram) Observe(v float64) {
	i := 0
	for i < len(h.upper) && !(v <= h.upper[i]) {
		i++
	}
	h.counts[i].Add(1)
	for {
		old := h.sum.Load()
		if h.sum.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

// desc is what the exposition says about a metric family.
type desc struct {
	name, help, typ string
	labels          []string // as passed to WithLabelValues
	order           []int    // indexes into labels, sorted by label name (the output order)
}

func newDesc(name, help, typ string, labels ...string) desc {
	if len(labels) > maxLabels {
		panic("observe: too many labels for " + name)
	}
	order := make([]int, len(labels))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(labels[a], labels[b]) })
	return desc{name: name, help: help, typ: typ, labels: labels, order: order}
}

type labelKey [maxLabels]string

// child is one labelled series of a vec.
type child[T any] struct {
	labels string // rendered `a="x",b="y"`, in output order
	sortBy labelKey
	m      *T
}

// vec holds the labelled children of one metric family.
type vec[T any] struct {
	desc
	make func() *T

	mu       sync.RWMutex
	children map[labelKey]*child[T]
}

func (v *vec[T]) with(values ...string) *T {
	if len(values) != len(v.labels) {
		panic("observe: " + v.name + ": want " + strconv.Itoa(len(v.labels)) + " label values, got " + strconv.Itoa(len(values)))
	}
	var k labelKey
	copy(k[:], values)
	v.mu.RLock()
	c := v.children[k]
	v.mu.RUnlock()
	if c != nil {
		return c.m
	}
	return v.add(k)
}

func (v *vec[T]) add(k labelKey) *T {
	v.mu.Lock()
	defer v.mu.Unlock()
	if c := v.children[k]; c != nil {
		return c.m
	}
	for i := range v.labels {
		k[i] = strings.Clone(k[i]) // do not keep a caller's larger buffer alive
	}
	c := &child[T]{m: v.make()}
	var b []byte
	for j, i := range v.order {
		if j > 0 {
			b = append(b, ',')
		}
		b = appendLabel(b, v.labels[i], k[i])
		c.sortBy[j] = k[i]
	}
	c.labels = string(b)
	if v.children == nil {
		v.children = make(map[labelKey]*child[T])
	}
	v.children[k] = c
	return c.m
}

// sorted returns the children ordered by their label values (output order).
func (v *vec[T]) sorted() []*child[T] {
	v.mu.RLock()
	cs := make([]*child[T], 0, len(v.children))
	for _, c := range v.children {
		cs = append(cs, c)
	}
	v.mu.RUnlock()
	slices.SortFunc(cs, func(a, b *child[T]) int { return slices.Compare(a.sortBy[:], b.sortBy[:]) })
	return cs
}

// CounterVec is a family of counters partitioned by labels.
type CounterVec struct{ v vec[Counter] }

func newCounterVec(name, help string, labels ...string) *CounterVec {
	return &CounterVec{vec[Counter]{desc: newDesc(name, help, "counter", labels...), make: func() *Counter { return new(Counter) }}}
}

// WithLabelValues returns the counter for these label values (in the order
// the labels were declared), creating it on first use.
func (cv *CounterVec) WithLabelValues(values ...string) *Counter { return cv.v.with(values...) }

// HistogramVec is a family of histograms partitioned by labels.
type HistogramVec struct{ v vec[Histogram] }

func newHistogramVec(name, help string, buckets []float64, labels ...string) *HistogramVec {
	checkBuckets(name, buckets)
	return &HistogramVec{vec[Histogram]{desc: newDesc(name, help, "histogram", labels...), make: func() *Histogram { return newHistogram(buckets) }}}
}

// WithLabelValues returns the histogram for these label values (in the order
// the labels were declared), creating it on first use.
func (hv *HistogramVec) WithLabelValues(values ...string) *Histogram { return hv.v.with(values...) }

func checkBuckets(name string, buckets []float64) {
	if !slices.IsSorted(buckets) || len(slices.Compact(slices.Clone(buckets))) != len(buckets) {
		panic("observe: " + name + ": buckets must be strictly ascending")
	}
}

// A family writes one metric family (HELP, TYPE and samples).
type family interface {
	familyName() string
	write(w *writer)
}

type counterFamily struct {
	desc
	c *Counter
}

type gaugeFamily struct {
	desc
	g *Gauge
}

type histogramFamily struct {
	desc
	h *Histogram
}

func (d desc) familyName() string { return d.name }

func (f counterFamily) write(w *writer) {
	w.header(f.desc)
	w.sampleUint(f.name, "", "", f.c.v.Load())
}

func (f gaugeFamily) write(w *writer) {
	w.header(f.desc)
	w.sampleFloat(f.name, "", "", float64(f.g.v.Load()))
}

func (f histogramFamily) write(w *writer) {
	w.header(f.desc)
	w.histogram(f.name, "", f.h)
}

func (cv *CounterVec) familyName() string { return cv.v.name }

func (cv *CounterVec) write(w *writer) {
	cv.v.write(w, func(labels string, c *Counter) { w.sampleUint(cv.v.name, "", labels, c.v.Load()) })
}

func (hv *HistogramVec) familyName() string { return hv.v.name }

func (hv *HistogramVec) write(w *writer) {
	hv.v.write(w, func(labels string, h *Histogram) { w.histogram(hv.v.name, labels, h) })
}

// write writes the family's header and then each child's samples, in label
// order. A vec without children writes nothing, not even HELP and TYPE (as
// client_golang did).
func (v *vec[T]) write(w *writer, samples func(labels string, m *T)) {
	cs := v.sorted()
	if len(cs) == 0 {
		return
	}
	w.header(v.desc)
	for _, c := range cs {
		samples(c.labels, c.m)
	}
}

// writer builds the text exposition. It also holds what runtime and process
// families read once per scrape and share.
type writer struct {
	b    []byte
	mem  *runtime.MemStats
	proc *procStats // nil until read; ok false when unavailable
}

func (w *writer) memStats() *runtime.MemStats {
	if w.mem == nil {
		w.mem = new(runtime.MemStats)
		runtime.ReadMemStats(w.mem)
	}
	return w.mem
}

func (w *writer) procStats() *procStats {
	if w.proc == nil {
		w.proc = readProcStats()
	}
	return w.proc
}

func (w *writer) header(d desc) {
	w.b = append(w.b, "# HELP "...)
	w.b = append(w.b, d.name...)
	w.b = append(w.b, ' ')
	w.b = appendEscaped(w.b, d.help, false)
	w.b = append(w.b, "\n# TYPE "...)
	w.b = append(w.b, d.name...)
	w.b = append(w.b, ' ')
	w.b = append(w.b, d.typ...)
	w.b = append(w.b, '\n')
}

// series writes `name+suffix{labels}` followed by a space.
func (w *writer) series(name, suffix, labels string) {
	w.b = append(w.b, name...)
	w.b = append(w.b, suffix...)
	if labels != "" {
		w.b = append(w.b, '{')
		w.b = append(w.b, labels...)
		w.b = append(w.b, '}')
	}
	w.b = append(w.b, ' ')
}

func (w *writer) sampleUint(name, suffix, labels string, v uint64) {
	w.series(name, suffix, labels)
	w.b = strconv.AppendUint(w.b, v, 10)
	w.b = append(w.b, '\n')
}

func (w *writer) sampleFloat(name, suffix, labels string, v float64) {
	w.series(name, suffix, labels)
	w.b = appendFloat(w.b, v)
	w.b = append(w.b, '\n')
}

// histogram writes the cumulative buckets (ending with +Inf), _sum and
// _count. _count is the +Inf bucket, so the two always agree.
func (w *writer) histogram(name, labels string, h *Histogram) {
	var cum uint64
	for i := range h.counts {
		cum += h.counts[i].Load()
		le := "+Inf"
		if i < len(h.upper) {
			le = string(appendFloat(nil, h.upper[i]))
		}
		w.b = append(w.b, name...)
		w.b = append(w.b, "_bucket{"...)
		if labels != "" {
			w.b = append(w.b, labels...)
			w.b = append(w.b, ',')
		}
		w.b = append(w.b, `le="`...)
		w.b = append(w.b, le...)
		w.b = append(w.b, `"} `...)
		w.b = strconv.AppendUint(w.b, cum, 10)
		w.b = append(w.b, '\n')
	}
	w.sampleFloat(name, "_sum", labels, math.Float64frombits(h.sum.Load()))
	w.sampleUint(name, "_count", labels, cum)
}

func appendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsInf(v, 1):
		return append(b, "+Inf"...)
	case math.IsInf(v, -1):
		return append(b, "-Inf"...)
	case math.IsNaN(v):
		return append(b, "NaN"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

func appendLabel(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, `="`...)
	b = appendEscaped(b, value, true)
	return append(b, '"')
}

// appendEscaped escapes a HELP text (\ and newline) or, with quote, a label
// value (\, " and newline), as the text format requires.
func appendEscaped(b []byte, s string, quote bool) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b = append(b, `\\`...)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '"' && quote:
			b = append(b, `\"`...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// registry is the ordered set of families one Observer exports.
type registry struct {
	families []family // sorted by name
}

func (r *registry) register(fs ...family) {
	r.families = append(r.families, fs...)
	slices.SortFunc(r.families, func(a, b family) int { return strings.Compare(a.familyName(), b.familyName()) })
	for i := 1; i < len(r.families); i++ {
		if r.families[i].familyName() == r.families[i-1].familyName() {
			panic("observe: duplicate metric " + r.families[i].familyName())
		}
	}
}

func (r *registry) ServeHTTP(rw http.ResponseWriter, _ *http.Request) {
	w := writer{b: make([]byte, 0, 16<<10)}
	for _, f := range r.families {
		f.write(&w)
	}
	rw.Header().Set("Content-Type", contentType)
	rw.Header().Set("Content-Length", strconv.Itoa(len(w.b)))
	_, _ = rw.Write(w.b)
}
