package tools_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/oncehub-mcp/oncehub-mcp/internal/testenv"
)

func TestGetCurrentTime(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	// Checked once every subtest has finished.
	t.Cleanup(func() { assert.Empty(t, env.Fake.Requests(), "the time comes from the server's clock, not OnceHub") })
	// The clock is fixed at testenv.Now: Monday 2026-11-23 10:00 UTC.
	cases := []struct {
		zone string
		want map[string]any
	}{
		{"UTC", map[string]any{"utc": "2026-11-23T10:00:00Z", "local": "2026-11-23T10:00:00Z", "time_zone": "UTC",
			"date": "2026-11-23", "weekday": "Monday", "iso_week": "2026-W48", "utc_offset": "+00:00", "dst": false}},
		// Southern summer: daylight saving time and a half-hour offset.
		{"Australia/Adelaide", map[string]any{"utc": "2026-11-23T10:00:00Z", "local": "2026-11-23T20:30:00+10:30", "time_zone": "Australia/Adelaide",
			"date": "2026-11-23", "weekday": "Monday", "iso_week": "2026-W48", "utc_offset": "+10:30", "dst": true}},
		{"Asia/Kolkata", map[string]any{"utc": "2026-11-23T10:00:00Z", "local": "2026-11-23T15:30:00+05:30", "time_zone": "Asia/Kolkata",
			"date": "2026-11-23", "weekday": "Monday", "iso_week": "2026-W48", "utc_offset": "+05:30", "dst": false}},
		// Northern winter: New York is back on standard time.
		{"America/New_York", map[string]any{"utc": "2026-11-23T10:00:00Z", "local": "2026-11-23T05:00:00-05:00", "time_zone": "America/New_York",
			"date": "2026-11-23", "weekday": "Monday", "iso_week": "2026-W48", "utc_offset": "-05:00", "dst": false}},
		// Already tomorrow.
		{"Pacific/Kiritimati", map[string]any{"utc": "2026-11-23T10:00:00Z", "local": "2026-11-24T00:00:00+14:00", "time_zone": "Pacific/Kiritimati",
			"date": "2026-11-24", "weekday": "Tuesday", "iso_week": "2026-W48", "utc_offset": "+14:00", "dst": false}},
		// Still yesterday.
		{"Pacific/Pago_Pago", map[string]any{"utc": "2026-11-23T10:00:00Z", "local": "2026-11-22T23:00:00-11:00", "time_zone": "Pacific/Pago_Pago",
			"date": "2026-11-22", "weekday": "Sunday", "iso_week": "2026-W47", "utc_offset": "-11:00", "dst": false}},
	}
	for _, tc := range cases {
		t.Run(tc.zone, func(t *testing.T) {
			t.Parallel()

			args := map[string]any{}
			if tc.zone != "" {
				args["time_zone"] = tc.zone
			}
			res := testenv.Call(t, testenv.KeyCtx(), c, "get_current_time", args)
			assert.Equal(t, tc.want, testenv.Object(t, res))
		})
	}
}

// Without time_zone, the time is in the account owner's zone (who get_me
// says the key belongs to); the lookup is kept for a while, per key.
func TestGetCurrentTimeDefaultsToTheAccountOwnersZone(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	want := map[string]any{"utc": "2026-11-23T10:00:00Z", "local": "2026-11-23T05:00:00-05:00", "time_zone": "America/New_York",
		"date": "2026-11-23", "weekday": "Monday", "iso_week": "2026-W48", "utc_offset": "-05:00", "dst": false,
		"note": "In the time zone of the account owner, Dana Owens; pass time_zone for another."}
	assert.Equal(t, want, testenv.Object(t, testenv.Call(t, testenv.KeyCtx(), c, "get_current_time", nil)))
	var got []string
	for _, r := range env.Fake.Requests() {
		got = append(got, r.Method+" "+r.Path)
	}
	assert.Equal(t, []string{"GET /test", "GET /users"}, got, "the key's owner, as get_me finds them")

	env.Fake.ResetRequests()
	assert.Equal(t, want, testenv.Object(t, testenv.Call(t, testenv.KeyCtx(), c, "get_current_time", nil)))
	me := testenv.Object(t, testenv.Call(t, testenv.KeyCtx(), c, "get_me", nil))
	assert.Equal(t, "America/New_York", me["timezone"])
	assert.Empty(t, env.Fake.Requests(), "known for a while: no new lookup, for get_me either")

	// Without a key (nothing to look up) the time is in UTC, and says why.
	out := testenv.Object(t, testenv.Call(t, context.Background(), c, "get_current_time", nil))
	assert.Equal(t, "UTC", out["time_zone"])
	assert.Contains(t, out["note"], "In UTC: the account owner's time zone could not be read")
}

func TestGetCurrentTimeRejectsBadZones(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	c := env.InProcess(t)
	for _, zone := range []any{"EST5EDT-ish", "EST", "CET", "Local", "Mars/Olympus", 5} {
		res := testenv.Call(t, testenv.KeyCtx(), c, "get_current_time", map[string]any{"time_zone": zone})
		require.True(t, res.IsError, "%v", zone)
		assert.Contains(t, testenv.Text(res), `Invalid argument "time_zone"`)
	}
	assert.Empty(t, env.Fake.Requests())
}

func TestGetCurrentTimeIsAReadOnlyAccountTool(t *testing.T) {
	t.Parallel()

	env := testenv.New(t)
	var found bool
	for _, tl := range env.App.Tools {
		if tl.Def.Name != "get_current_time" {
			continue
		}
		found = true
		assert.Equal(t, "account", tl.Toolset.Name)
		a := tl.Def.Annotations
		assert.True(t, *a.ReadOnlyHint)
		assert.False(t, *a.DestructiveHint)
		assert.True(t, *a.IdempotentHint)
	}
	assert.True(t, found)
}
