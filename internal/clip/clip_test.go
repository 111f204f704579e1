package clip

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestString(t *testing.T) {
	t.Parallel()

	cases := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 40, "short"},
		{strings.Repeat("a", 41), 40, strings.Repeat("a", 40) + "…"},
		{strings.Repeat("a", 39) + "é", 40, strings.Repeat("a", 39) + "…"}, // é is 2 bytes: not split
		{"ab\xffcd", 40, "ab\uFFFDcd"},
		{"日本語", 4, "日…"},
		{"x", 0, "…"},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, String(tc.in, tc.n), "%q", tc.in)
	}
	assert.Equal(t, String(strings.Repeat("é", 30), 40), Value(strings.Repeat("é", 30)))
}

func FuzzString(f *testing.F) {
	f.Add("BKNG-"+strings.Repeat("é", 30), 40)
	f.Add("\xff\xfe", 1)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 1000 {
			return
		}
		got := String(s, n)
		if !utf8.ValidString(got) {
			t.Fatalf("String(%q, %d) = %q is not valid UTF-8", s, n, got)
		}
		if body := strings.TrimSuffix(got, "…"); len(body) > n && body != strings.ToValidUTF8(s, "\uFFFD") {
			t.Fatalf("String(%q, %d) = %q is longer than %d bytes", s, n, got, n)
		}
	})
}
