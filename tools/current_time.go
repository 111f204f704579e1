package tools

import (
	"context"
	"fmt"
	"time"
)

type currentTimeArgs struct {
	TimeZone TimeZone `json:"time_zone,omitempty" jsonschema:"default: the account owner's (get_me)"`

	loc *time.Location
}

func (a *currentTimeArgs) validate() (err error) {
	a.loc, err = loadZone("time_zone", string(a.TimeZone))
	return err
}

type currentTimeOutput struct {
	UTC       string `json:"utc"`
	Local     string `json:"local"`
	TimeZone  string `json:"time_zone"`
	Date      string `json:"date"`
	Weekday   string `json:"weekday"`
	ISOWeek   string `json:"iso_week"`
	UTCOffset string `json:"utc_offset"`
	DST       bool   `json:"dst"`
	Note      string `json:"note,omitempty"`
}

func currentTimeTools(d Deps) []Tool {
	return []Tool{
		define(spec{
			name: "get_current_time", toolset: toolsetAccount, effect: read,
			desc: "Now in UTC and in time_zone (default: the account owner's): local date, weekday, ISO week, UTC offset. " +
				"Call it before turning 'today' or 'next week' into dates.",
		}, func(ctx context.Context, a currentTimeArgs) (currentTimeOutput, error) {
			loc, note := a.loc, ""
			if loc == nil {
				loc, note = d.ownerZone(ctx)
			}
			out := currentTime(d.now(), loc)
			out.Note = note
			return out, nil
		}),
	}
}

// ownerZone is the account owner's time zone (see Deps.me), or UTC with a
// note saying why when it cannot be known.
func (d Deps) ownerZone(ctx context.Context) (*time.Location, string) {
	me, err := d.me(ctx)
	if err != nil {
		return time.UTC, "In UTC: the account owner's time zone could not be read (" + errorMessage(err, false) + ")."
	}
	loc, err := zone(me.TimeZone)
	if me.TimeZone == "" || err != nil {
		return time.UTC, fmt.Sprintf("In UTC: the account owner (%s) has no usable time zone in OnceHub.", me.Email)
	}
	return loc, fmt.Sprintf("In the time zone of the account owner, %s; pass time_zone for another.", me.Name)
}

func currentTime(now time.Time, loc *time.Location) currentTimeOutput {
	local := now.In(loc)
	year, week := local.ISOWeek()
	return currentTimeOutput{
		UTC:       now.UTC().Format(time.RFC3339),
		Local:     local.Format(time.RFC3339),
		TimeZone:  loc.String(),
		Date:      local.Format(time.DateOnly),
		Weekday:   local.Weekday().String(),
		ISOWeek:   fmt.Sprintf("%04d-W%02d", year, week),
		UTCOffset: local.Format("-07:00"),
		DST:       local.IsDST(),
	}
}
