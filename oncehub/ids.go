package oncehub

import (
	"fmt"
	"net/url"
	"regexp"
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

var idPattern = regexp.MustCompile(`^[A-Z]{2,6}-[A-Za-z0-9]{1,64}$`)

// CheckID validates an object ID before it goes into a URL. arg names the
// argument in errors; prefix ("BKNG", …) is required when non-empty, and may
// list alternatives separated by "|" ("USR|TM").
func CheckID(arg, prefix, id string) error {
	if id == "" {
		return &ArgError{Arg: arg, Msg: "is required"}
	}
	if !idPattern.MatchString(id) {
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
