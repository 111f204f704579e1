package oncehub

import (
	"fmt"
	"net/url"
	"strings"
)

// ID prefixes OnceHub uses.
const (
	PrefixBooking         = "BKNG"
	PrefixBookingCalendar = "BKC"
	PrefixBookingPage     = "BP"
	PrefixMasterPage      = "MP"
	PrefixEventType       = "ET"
	PrefixUser            = "USR"
	PrefixTeam            = "TM"
	PrefixContact         = "CTC"
	PrefixWebhook         = "WHK"
	PrefixSMS             = "SMS"
	PrefixAddress         = "ADD"
)

// isID reports whether id has the shape of a OnceHub ID: 2 to 6 capital
// letters, a dash, then 1 to 64 ASCII letters and digits. (Written out rather
// than as a regexp: compiling `[A-Za-z0-9]{1,64}` at start-up cost more than
// every other package-level value of this package together.)
func isID(id string) bool {
	prefix, rest, ok := strings.Cut(id, "-")
	if !ok || len(prefix) < 2 || len(prefix) > 6 || len(rest) < 1 || len(rest) > 64 {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if c := prefix[i]; c < 'A' || c > 'Z' {
			return false
		}
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z') {
			return false
		}
	}
	return true
}

// CheckID validates an object ID before it goes into a URL. arg names the
// argument in errors; prefix ("BKNG", …) is required when non-empty, and may
// list alternatives separated by "|" ("USR|TM").
func CheckID(arg, prefix, id string) error {
	if id == "" {
		return &ArgError{Arg: arg, Msg: "is required"}
	}
	if !isID(id) {
		return &ArgError{Arg: arg, Msg: fmt.Sprintf("%q is not a OnceHub ID; IDs look like %s-XXXXXXXXXX (prefix, dash, letters and digits)", clip(id), examplePrefix(prefix))}
	}
	if prefix == "" {
		return nil
	}
	for _, p := range strings.Split(prefix, "|") {
		if strings.HasPrefix(id, p+"-") {
			return nil
		}
	}
	return &ArgError{Arg: arg, Msg: fmt.Sprintf("%q is not the right kind of ID: expected one starting with %s-", id, strings.ReplaceAll(prefix, "|", "- or "))}
}

// idPath joins a collection path and a validated, escaped ID.
func idPath(collection, arg, prefix, id string, rest ...string) (string, error) {
	if err := CheckID(arg, prefix, id); err != nil {
		return "", err
	}
	p := collection + "/" + url.PathEscape(id)
	for _, r := range rest {
		p += "/" + r
	}
	return p, nil
}

func examplePrefix(prefix string) string {
	if prefix == "" {
		return "PREFIX"
	}
	p, _, _ := strings.Cut(prefix, "|")
	return p
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
