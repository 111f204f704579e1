package oncehub

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIDPhoneAndClockShapes(t *testing.T) {
	t.Parallel()

	for s, want := range map[string]bool{
		"BKNG-ABC123": true, "AB-1": true, "ABCDEF-x": true, "AB-Z9z0": true, "BKNG-" + strings.Repeat("a", 64): true,
		"": false, "-": false, "A-1": false, "ABCDEFG-x": false, "ab-1": false, "AB-": false, "AB--1": false, "AB-1-2": false,
		"BKNG-" + strings.Repeat("a", 65): false, "BKNG-é": false, "BKNG-1\n": false, "BKNG-1 ": false, " BKNG-1": false,
		"Ä-1": false, "AB-_": false, "[A-1": false, "AZ-{": false, "BKNG-1/..": false,
	} {
		assert.Equal(t, want, isID(s), "isID(%q)", s)
	}
	for s, want := range map[string]bool{
		"+12345678": true, "+123456789012345": true, "+12025550195": true,
		"": false, "+": false, "+1234567": false, "+1234567890123456": false, "+0234567890": false, "12025550195": false,
		"+1202555019a": false, "+1202 5550195": false, "++12025550195": false, "+12025550195\n": false,
	} {
		assert.Equal(t, want, checkPhone("phone", s) == nil, "checkPhone(%q)", s)
	}
	for s, want := range map[string][2]int{"00:00": {0, 0}, "09:05": {9, 5}, "17:30": {17, 30}, "23:59": {23, 59}} {
		h, m, ok := parseHHMM(s)
		assert.True(t, ok, s)
		assert.Equal(t, want, [2]int{h, m}, s)
	}
	for _, s := range []string{"", "24:00", "19:60", "9:00", "09:0", "09-00", "0a:00", "29:00", "09:00\n", "09::0"} {
		_, _, ok := parseHHMM(s)
		assert.False(t, ok, s)
	}
}
