package tools

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/oncehub-mcp/oncehub-mcp/internal/clip"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// find_available_slots: availability search over any window, in the person's
// time zone. OnceHub's time-slots endpoint takes UTC windows of at most 30 days
// and refuses a start in the past; this tool makes those limits the server's
// problem. The window [start, end) is split into contiguous half-open chunks
// of at most 30 days, fetched one after another (the client's limiter paces
// them); a slot belongs to the chunk its start lies in, and slots are deduped
// by start time, so a seam neither drops nor repeats a slot. Fetching stops as
// soon as one slot more than max_slots has matched (that slot is next_start).

const (
	defaultMaxSlots = 50
	maxMaxSlots     = 500
	// maxSearchDays bounds one search (at most 13 upstream requests).
	maxSearchDays = 366
	// skewMargin shortens the first chunk when it starts at "now": that chunk
	// is sent without start_time (OnceHub's own now, so clock skew cannot make
	// it a past start), and the margin keeps it within 30 days of OnceHub's
	// clock even if that runs behind ours.
	skewMargin = 10 * time.Minute
)

type availabilityArgs struct {
	BookingCalendarID BookingCalendarID `json:"booking_calendar_id"`
	Start             When              `json:"start,omitempty" jsonschema:"default now; a date is its start, and a time without offset is read, in time_zone"`
	End               WindowEnd         `json:"end,omitempty" jsonschema:"a date (inclusive), a date-time, or a length after start (P6W); default P7D. To continue a search, pass its window_end"`
	TimeZone          TimeZone          `json:"time_zone,omitempty" jsonschema:"dates, filters and results in this zone; default UTC"`
	Weekdays          []Weekday         `json:"weekdays,omitempty" jsonschema:"only these days"`
	TimeOfDay         ClockRange        `json:"time_of_day,omitempty"`
	LocationType      LocationType      `json:"location_type,omitempty" jsonschema:"only slots offering this location"`
	MaxSlots          MaxSlots          `json:"max_slots,omitempty" jsonschema:"most slots to return"`

	parsed parsedAvailability
}

// slotFilter is the parsed weekdays, time_of_day and location_type.
type slotFilter struct {
	days     map[time.Weekday]bool // nil: every day
	from, to int                   // minutes after local midnight; from == to: any time
	location string
}

// clockRange is true when the filter has a time-of-day window.
func (f slotFilter) clockRange() bool { return f.from != f.to }

// match reports whether a slot starting at t (in the search zone) passes, and
// returns its locations narrowed to location_type.
func (f slotFilter) match(t time.Time, locs []oncehub.SlotLocation) ([]oncehub.SlotLocation, bool) {
	if f.days != nil && !f.days[t.Weekday()] {
		return nil, false
	}
	if f.clockRange() {
		m := t.Hour()*60 + t.Minute()
		in := m >= f.from && m < f.to
		if f.from > f.to { // wraps past midnight, e.g. 22:00-02:00
			in = m >= f.from || m < f.to
		}
		if !in {
			return nil, false
		}
	}
	if f.location == "" {
		return locs, true
	}
	var out []oncehub.SlotLocation
	for _, l := range locs {
		if l.Type == f.location {
			out = append(out, l)
		}
	}
	return out, len(out) > 0
}

// weekday is the time.Weekday of a Weekday (Monday … Sunday).
func weekday(w Weekday) time.Weekday {
	return time.Weekday((slices.Index(oncehub.Weekdays(), string(w)) + 1) % 7)
}

// parseClockRange reads "09:00-12:00" (the schema checked its form) as
// minutes after midnight; 24:00 may end it.
func parseClockRange(v ClockRange) (from, to int, err error) {
	a, b, _ := strings.Cut(string(v), "-")
	minutes := func(hhmm string) int {
		h, _ := strconv.Atoi(hhmm[:2])
		m, _ := strconv.Atoi(hhmm[3:])
		return h*60 + m
	}
	from, to = minutes(a), minutes(b)
	if from == to || (from == 0 && to == 24*60) {
		if from == to {
			return 0, 0, argErrorf("time_of_day", "%q is empty; give a start and a different end, e.g. 09:00-12:00, or leave it out for any time", clip.Value(string(v)))
		}
		to = 0 // the whole day
	}
	return from, to % (24 * 60), nil
}

var lengthRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^P(?:(\d{1,3})M)?(?:(\d{1,3})W)?(?:(\d{1,3})D)?$`) })

// bound is a parsed start or end: an instant (date: the start of a local
// date), or (end only) a length after the start.
type bound struct {
	t            time.Time
	date         bool
	months, days int
}

func (b bound) isZero() bool { return b == bound{} }

func parseBound(arg, v string, loc *time.Location) (bound, error) {
	if m := lengthRE().FindStringSubmatch(v); m != nil {
		mo, _ := strconv.Atoi(m[1])
		w, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		if b := (bound{months: mo, days: w*7 + d}); !b.isZero() {
			return b, nil
		}
		return bound{}, argErrorf(arg, "%q is an empty length; use e.g. P6W, P14D or P1M", v)
	}
	t, date, err := parseWhen(arg, v, loc)
	return bound{t: t, date: date}, err
}

// resolve turns the bound into an instant: a date end is the end of that
// day (the next local midnight); a length counts from start.
func (b bound) resolve(loc *time.Location, start time.Time, end bool) time.Time {
	switch {
	case !b.t.IsZero() && b.date && end:
		return addDate(b.t, loc, 0, 1)
	case !b.t.IsZero():
		return b.t
	}
	return addDate(start, loc, b.months, b.days)
}

// parsedAvailability holds the arguments once checked.
type parsedAvailability struct {
	loc        *time.Location
	start, end bound
	filter     slotFilter
	max        int
}

func (a *availabilityArgs) validate() (err error) {
	p := &a.parsed
	if p.loc, err = loadZone("time_zone", string(a.TimeZone)); err != nil {
		return err
	}
	if p.loc == nil {
		p.loc = time.UTC
	}
	if p.start, err = parseBound("start", string(a.Start), p.loc); err != nil {
		return err
	}
	if p.start.months != 0 || p.start.days != 0 {
		return argErrorf("start", "%q is a length; start is a date or date-time (a length goes in end)", a.Start)
	}
	if p.end, err = parseBound("end", string(a.End), p.loc); err != nil {
		return err
	}
	if len(a.Weekdays) > 0 {
		p.filter.days = map[time.Weekday]bool{}
		for _, w := range a.Weekdays {
			p.filter.days[weekday(w)] = true
		}
	}
	if a.TimeOfDay != "" {
		if p.filter.from, p.filter.to, err = parseClockRange(a.TimeOfDay); err != nil {
			return err
		}
	}
	p.filter.location = string(a.LocationType)
	p.max = cmp.Or(int(a.MaxSlots), defaultMaxSlots)
	// What can be checked without a clock: a fixed window's order and
	// length, and a length's size (from start, or from any day).
	length := p.end.months != 0 || p.end.days != 0
	if !p.start.isZero() || length {
		s := time.Date(2000, 1, 1, 0, 0, 0, 0, p.loc)
		if !p.start.isZero() {
			s = p.start.resolve(p.loc, time.Time{}, false)
		}
		if !p.end.isZero() {
			return checkSearchWindow(s, p.end.resolve(p.loc, s, true), p.loc, "start")
		}
	}
	return nil
}

func checkSearchWindow(start, end time.Time, loc *time.Location, startName string) error {
	if !end.After(start) {
		return argErrorf("end", "%s is not after %s %s; choose a later end (a date end includes that whole day)",
			end.In(loc).Format(time.RFC3339), startName, start.In(loc).Format(time.RFC3339))
	}
	if end.Sub(start) > maxSearchDays*24*time.Hour+time.Hour { // an hour for DST
		return argErrorf("end", "the window %s → %s is longer than %d days; search at most a year at a time",
			start.In(loc).Format(time.RFC3339), end.In(loc).Format(time.RFC3339), maxSearchDays)
	}
	return nil
}

type availabilityDay struct {
	Date    string     `json:"date"`
	Weekday string     `json:"weekday"`
	Slots   []slotView `json:"slots"`
}

type availabilityOutput struct {
	TimeZone      string            `json:"time_zone"`
	WindowStart   string            `json:"window_start"`
	WindowEnd     string            `json:"window_end" jsonschema:"the search's absolute end: pass it as end when continuing"`
	Count         int               `json:"count" jsonschema:"slots in this result"`
	MoreAvailable bool              `json:"more_available" jsonschema:"more slots in the window: call again with start=next_start, end=window_end"`
	NextStart     string            `json:"next_start,omitempty"`
	StoppedEarly  string            `json:"stopped_early,omitempty"`
	Note          string            `json:"note,omitempty"`
	Days          []availabilityDay `json:"days"`
}

func availabilityTools(d Deps) []Tool {
	return []Tool{
		define(spec{
			name: "find_available_slots", toolset: toolsetCalendars, effect: read,
			desc: "Free slots of a booking calendar over any window, in one call; dates, filters and results in time_zone. " +
				"Returns days [{date, weekday, slots [{start_time, start_time_local, locations}]}]; if more_available, call " +
				"again with start=next_start and end=window_end.",
		}, func(ctx context.Context, a availabilityArgs) (availabilityOutput, error) {
			return findAvailableSlots(ctx, d, string(a.BookingCalendarID), a.parsed)
		}),
	}
}

func findAvailableSlots(ctx context.Context, d Deps, calendarID string, p parsedAvailability) (availabilityOutput, error) {
	loc := p.loc
	now := d.now().UTC()
	local := func(t time.Time) string { return t.In(loc).Format(time.RFC3339) }

	start := now
	if !p.start.isZero() {
		start = p.start.resolve(loc, time.Time{}, false)
	}
	end := addDate(start, loc, 0, 7)
	if !p.end.isZero() {
		end = p.end.resolve(loc, start, true)
	}
	var notes []string
	fromNow := !start.After(now)
	if fromNow {
		if !p.start.isZero() {
			notes = append(notes, fmt.Sprintf("start %s is in the past, so the search starts now (%s).", local(start), local(now)))
		}
		start = now
	}
	startName := "start"
	if fromNow {
		startName = "now,"
	}
	if err := checkSearchWindow(start, end, loc, startName); err != nil {
		return availabilityOutput{}, err
	}

	out := availabilityOutput{TimeZone: loc.String(),
		WindowStart: local(start), WindowEnd: local(end), Days: []availabilityDay{}}
	var found []oncehub.TimeSlot
	seen := map[int64]bool{}
	free := 0 // free slots before the filters, for the advice when none match
	windows := int((end.Sub(start) + oncehub.MaxSlotWindow - 1) / oncehub.MaxSlotWindow)
	searched := 0
	for from := start; from.Before(end) && len(found) <= p.max; {
		to := earliest(from.Add(oncehub.MaxSlotWindow), end)
		reqStart := from
		if fromNow && from.Equal(start) {
			reqStart = time.Time{}
			to = earliest(now.Add(oncehub.MaxSlotWindow-skewMargin), end)
		}
		slots, _, err := d.Client.BookingCalendars.ListTimeSlots(ctx, calendarID, &oncehub.TimeSlotOptions{StartTime: reqStart, EndTime: to})
		if err != nil {
			if from.Equal(start) || ctx.Err() != nil {
				return availabilityOutput{}, err
			}
			out.StoppedEarly = fmt.Sprintf("Searched %s → %s only; OnceHub failed for %s → %s: %s Continue with start=%s and end=%s.",
				local(start), local(from), local(from), local(to), errorMessage(err, false), local(from), local(end))
			out.NextStart = local(from)
			logToClient(ctx, mcp.LoggingLevelWarning, "the slot search stopped early: "+out.StoppedEarly)
			break
		}
		for _, s := range slots {
			// A slot belongs to the chunk its start lies in: nothing at a
			// seam is counted twice, whichever end OnceHub includes.
			if s.StartTime.Before(from) || !s.StartTime.Before(to) || seen[s.StartTime.Unix()] {
				continue
			}
			seen[s.StartTime.Unix()] = true
			free++
			if locs, ok := p.filter.match(s.StartTime.In(loc), s.Locations); ok {
				found = append(found, oncehub.TimeSlot{StartTime: s.StartTime, Locations: locs})
			}
		}
		from = to
		searched++
		if windows > 1 {
			reportProgress(ctx, float64(min(searched, windows)), float64(windows),
				fmt.Sprintf("searched %s → %s: %d matching slots so far", local(start), local(to), len(found)))
		}
	}
	slices.SortFunc(found, func(a, b oncehub.TimeSlot) int { return a.StartTime.Compare(b.StartTime) })
	if len(found) > p.max {
		out.MoreAvailable = true
		out.NextStart = local(found[p.max].StartTime)
		found = found[:p.max]
		notes = append(notes, fmt.Sprintf("More slots: call again with start=%s and end=%s (the same window; a length such as P6W would count from the new start).", out.NextStart, out.WindowEnd))
	}
	day := map[string]int{}
	for _, s := range found {
		lt := s.StartTime.In(loc)
		key := lt.Format(time.DateOnly)
		i, ok := day[key]
		if !ok {
			i = len(out.Days)
			day[key] = i
			out.Days = append(out.Days, availabilityDay{Date: key, Weekday: lt.Weekday().String()})
		}
		out.Days[i].Slots = append(out.Days[i].Slots, viewSlot(s, loc))
	}
	out.Count = len(found)
	switch {
	case out.Count > 0:
	case free > 0:
		notes = append(notes, fmt.Sprintf("%d free slots in the window, none matching the filters; widen or drop weekdays, time_of_day or location_type, or widen the window.", free))
	case out.StoppedEarly == "":
		notes = append(notes, "No free slots in this window; try a later or longer window (end up to a year after start).")
	}
	out.Note = strings.Join(notes, " ")
	return out, nil
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
