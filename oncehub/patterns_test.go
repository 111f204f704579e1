package oncehub

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The ID, phone and HH:MM checks are written out by hand (no regexp to
// compile at start-up). They must accept exactly what these patterns accept.
var (
	idPattern = regexp.MustCompile(`^[A-Z]{2,6}-[A-Za-z0-9]{1,64}$`)
	e164RE    = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)
	hhmmRE    = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])$`)
	samples   = []string{
		"", "-", "A-1", "AB-1", "ABCDEF-x", "ABCDEFG-x", "ab-1", "AB-", "AB--1", "AB-1-2", "BKNG-ABC123",
		"BKNG-" + strings.Repeat("a", 64), "BKNG-" + strings.Repeat("a", 65), "BKNG-é", "BKNG-1\n", "BKNG-1 ", " BKNG-1",
		"Ä-1", "AB-_", "AB-Z9z0", "[A-1", "@@-1", "AZ-{",
		"+", "+1", "+1234567", "+12345678", "+123456789012345", "+1234567890123456", "+0234567890", "+12025550195",
		"12025550195", "+1202555019a", "+1202 5550195", "++12025550195", "+12025550195\n",
		"00:00", "09:00", "17:30", "23:59", "24:00", "19:60", "9:00", "09:0", "09-00", "0a:00", "09:5a", "20:00", "29:00",
		"09:00\n", "/0:00", ":0:00", "09:/0", "09::0",
	}
)

func TestHandWrittenPatternsMatchTheRegexps(t *testing.T) {
	for _, s := range samples {
		assert.Equal(t, idPattern.MatchString(s), isID(s), "isID(%q)", s)
		assert.Equal(t, e164RE.MatchString(s), isE164(s), "isE164(%q)", s)
		m := hhmmRE.FindStringSubmatch(s)
		h, mm, ok := parseHHMM(s)
		if assert.Equal(t, m != nil, ok, "parseHHMM(%q)", s) && ok {
			assert.Equal(t, m[1]+":"+m[2], twoDigits(h)+":"+twoDigits(mm), s)
		}
	}
}

func FuzzHandWrittenPatterns(f *testing.F) {
	for _, s := range samples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if idPattern.MatchString(s) != isID(s) || e164RE.MatchString(s) != isE164(s) {
			t.Fatalf("hand-written check disagrees with the regexp on %q", s)
		}
		if _, _, ok := parseHHMM(s); ok != hhmmRE.MatchString(s) {
			t.Fatalf("parseHHMM disagrees with the regexp on %q", s)
		}
	})
}

func twoDigits(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }
