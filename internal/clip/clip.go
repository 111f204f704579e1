// Package clip shortens text for messages: a value quoted in an error, an
// excerpt of an upstream answer. It never splits a UTF-8 character.
package clip

import (
	"strings"
	"unicode/utf8"
)

// String returns s as valid UTF-8 (invalid bytes become U+FFFD), cut to at
// most n bytes on a character boundary, with "…" appended when it was cut.
func String(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	cut := max(n, 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Value is String for a value quoted back in an error message (40 bytes).
func Value(s string) string { return String(s, 40) }
