package tools

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// zone answers like time.LoadLocation, from the cache after the first time,
// and does not keep names that fail to load.
func TestZoneIsCachedLoadLocation(t *testing.T) {
	t.Parallel()

	for _, name := range []string{"Europe/Berlin", "America/New_York", "UTC", ""} {
		want, err := time.LoadLocation(name)
		require.NoError(t, err)
		first, err := zone(name)
		require.NoError(t, err)
		again, err := zone(name)
		require.NoError(t, err)
		assert.Equal(t, want.String(), first.String())
		assert.Same(t, first, again, "%q comes from the cache", name)
	}
	for _, name := range []string{"Mars/Olympus_Mons", "../etc/passwd"} {
		_, err := zone(name)
		assert.Error(t, err)
		_, cached := zones.Load(name)
		assert.False(t, cached, "%q is not cached", name)
	}
}

// BenchmarkLocalTime is the per-item time zone work of a list in compact view.
func BenchmarkLocalTime(b *testing.B) {
	t := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for b.Loop() {
		if localTime(&t, nil, "Australia/Adelaide") == "" {
			b.Fatal("no local time")
		}
	}
}
