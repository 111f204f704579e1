package tools

import (
	"context"
	"fmt"
	"time"
)

type currentTimeArgs struct {
	TimeZone string `json:"time_zone,omitempty" jsonschema:"default UTC"`
}

func (a *currentTimeArgs) validate() error {
	_, err := loadZone("time_zone", a.TimeZone)
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
}

func currentTimeTools(d Deps) []Tool {
	return []Tool{
		define[currentTimeArgs](spec{
			name: "get_current_time", toolset: toolsetAccount, effect: read,
			desc: "Now in UTC and in time_zone: local date, weekday, ISO week, UTC offset. Call it before turning 'today' or " +
				"'next week' into dates.",
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
