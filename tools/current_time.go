package tools

import (
	"context"
	"fmt"
	"time"
)

type currentTimeArgs struct {
	TimeZone string `json:"time_zone,omitempty" jsonschema:"IANA zone, e.g. Europe/Berlin (default UTC)."`
}

func (a *currentTimeArgs) validate() error {
	_, err := loadZone("time_zone", a.TimeZone)
	return err
}

type currentTimeOutput struct {
	UTC       string `json:"utc" jsonschema:"Now in UTC (RFC 3339)."`
	Local     string `json:"local" jsonschema:"Now in time_zone, with offset."`
	TimeZone  string `json:"time_zone"`
	Date      string `json:"date" jsonschema:"Today in time_zone (YYYY-MM-DD)."`
	Weekday   string `json:"weekday"`
	ISOWeek   string `json:"iso_week" jsonschema:"ISO 8601 week, e.g. 2026-W48."`
	UTCOffset string `json:"utc_offset" jsonschema:"time_zone's offset now, e.g. +05:30."`
	DST       bool   `json:"dst" jsonschema:"Daylight saving time is in effect."`
}

func currentTimeTools(d Deps) []Tool {
	return []Tool{
		define[currentTimeArgs, currentTimeOutput](spec{
			name: "get_current_time", title: "Get the current date and time", toolset: "account", effect: read,
			desc: "Get now in UTC and in time_zone: local date, weekday, ISO week, UTC offset. " +
				"Call it before turning 'today', 'tomorrow' or 'next week' into dates; never guess the date.",
		}, func(_ context.Context, a currentTimeArgs) (any, error) {
			loc, _ := loadZone("time_zone", a.TimeZone)
			if loc == nil {
				loc = time.UTC
			}
			return currentTime(d.now(), loc), nil
		}),
	}
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
