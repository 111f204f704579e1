package tools

import (
	"reflect"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/internal/clip"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// One grammar for every date and time argument (the When type): a date,
// YYYY-MM-DD, is the start of that day; an ISO 8601 date-time with an offset
// (Z, +05:30) is that instant; one without an offset is read in the tool's
// time_zone (UTC when the tool has none or it is not given).

// Layouts of a date-time, with and without offset (fractions of a second are
// accepted after the seconds by time.Parse).
var (
	offsetLayouts = []string{time.RFC3339, "2006-01-02T15:04Z07:00"}
	localLayouts  = []string{"2006-01-02T15:04:05", "2006-01-02T15:04"}
)

// Years outside this range are refused: they are mistakes (and OnceHub's
// windows would overflow them).
const minYear, maxYear = 1970, 2099

// parseWhen reads v (a When) as an instant; date reports a date without a
// time (its start in loc). loc nil means UTC. "" is the zero time.
func parseWhen(arg, v string, loc *time.Location) (t time.Time, date bool, err error) {
	if v == "" {
		return time.Time{}, false, nil
	}
	if loc == nil {
		loc = time.UTC
	}
	defer func() {
		if err == nil && (t.Year() < minYear || t.Year() > maxYear) {
			err = argErrorf(arg, "%q is outside the years %d-%d", clip.Value(v), minYear, maxYear)
		}
	}()
	if d, err := time.Parse(time.DateOnly, v); err == nil {
		return dayStart(d.Year(), d.Month(), d.Day(), loc), true, nil
	}
	for _, layout := range offsetLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t, false, nil
		}
	}
	for _, layout := range localLayouts {
		if w, err := time.Parse(layout, v); err == nil {
			return wallTime(w, loc), false, nil
		}
	}
	return time.Time{}, false, argErrorf(arg, "%q is not %s", clip.Value(v), argTypes[reflect.TypeFor[When]()].want)
}

// wallTime is the instant at which clocks in loc show w (w's fields, read
// as a wall clock). A time that a change to summer time skips is read the
// length of the jump later (02:30 → 03:30), as clocks and calendars do;
// time.Date picks either side. A time shown twice is the first of the two.
func wallTime(w time.Time, loc *time.Location) time.Time {
	t := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), loc)
	lt := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	if lt.Equal(w) {
		return t
	}
	// In a gap: use the offset in force before the change.
	_, before := t.Zone()
	if lt.After(w) { // t lies after the change
		start, _ := t.ZoneBounds()
		_, before = start.Add(-time.Second).In(loc).Zone()
	}
	return w.Add(-time.Duration(before) * time.Second).In(loc)
}

// dayStart is the first instant of the date y-m-d in loc (time.Date
// normalizes the date): its midnight or, where the clocks skip midnight
// (Santiago, Havana), the moment they jump to, rather than the hour before
// midnight that time.Date may pick.
func dayStart(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	want := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	got := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if got.Equal(want) && t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t
	}
	start, end := t.ZoneBounds()
	switch {
	case got.Before(want) && !end.IsZero(): // the hour before the jump
		return end.In(loc)
	case got.Equal(want) && !start.IsZero(): // the jump's end, or after it
		return start.In(loc)
	}
	return t
}

// addDate is t plus months and days on loc's calendar: from the start of
// a day, the start of the day reached (see dayStart); else AddDate.
func addDate(t time.Time, loc *time.Location, months, days int) time.Time {
	t = t.In(loc)
	y, m, d := t.Date()
	if t.Equal(dayStart(y, m, d, loc)) {
		return dayStart(y, m+time.Month(months), d+days, loc)
	}
	return t.AddDate(0, months, days)
}

// timeRange is a filter [from, to) on a time field, from its *_after
// (inclusive) and *_before (exclusive) arguments; zero ends are open.
type timeRange struct{ from, to time.Time }

// newTimeRange reads field's *_after and *_before arguments in loc and
// checks that the range is not empty.
func newTimeRange(field string, after, before When, loc *time.Location) (timeRange, error) {
	var r timeRange
	var err error
	if r.from, _, err = parseWhen(field+"_after", string(after), loc); err != nil {
		return r, err
	}
	if r.to, _, err = parseWhen(field+"_before", string(before), loc); err != nil {
		return r, err
	}
	if !r.from.IsZero() && !r.to.IsZero() && !r.from.Before(r.to) {
		return r, argErrorf(field+"_after", "%s is not before %s_before (%s): the range is empty",
			r.from.Format(time.RFC3339), field, r.to.Format(time.RFC3339))
	}
	return r, nil
}

func (r timeRange) isZero() bool { return r.from.IsZero() && r.to.IsZero() }

// dates is the range as OnceHub's date filters (UTC dates, both ends
// exclusive), widened to whole days around it; contains trims the rest.
func (r timeRange) dates() oncehub.DateRange {
	var d oncehub.DateRange
	if !r.from.IsZero() {
		d.After = r.from.UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	}
	if !r.to.IsZero() {
		to := r.to.UTC()
		day := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, time.UTC)
		if day.Before(to) {
			day = day.AddDate(0, 0, 1)
		}
		d.Before = day.Format(time.DateOnly)
	}
	return d
}

// times is the range as OnceHub's date-time filters (both ends exclusive,
// whole seconds): from is moved a second earlier so that it is included, and
// to rounded up to its next whole second, not down; contains trims.
func (r timeRange) times() oncehub.TimeRange {
	t := oncehub.TimeRange{Before: r.to}
	if whole := r.to.Truncate(time.Second); !whole.Equal(r.to) {
		t.Before = whole.Add(time.Second)
	}
	if !r.from.IsZero() {
		t.After = r.from.Add(-time.Second)
	}
	return t
}

// contains reports whether t lies in the range (an unknown time does not,
// unless the range is open at both ends).
func (r timeRange) contains(t *time.Time) bool {
	if r.isZero() {
		return true
	}
	if t == nil {
		return false
	}
	return (r.from.IsZero() || !t.Before(r.from)) && (r.to.IsZero() || t.Before(r.to))
}
