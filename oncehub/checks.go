package oncehub

import (
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/internal/clip"
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

// idRE is the shape of a OnceHub ID: 2 to 6 capital letters, a dash, then 1
// to 64 ASCII letters and digits.
var idRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Z]{2,6}-[A-Za-z0-9]{1,64}$`) })

// isID reports whether id has the shape of a OnceHub ID.
func isID(id string) bool { return idRE().MatchString(id) }

// CheckID reports whether id is a OnceHub ID (safe to put in a URL path)
// starting with prefix ("BKNG", …; "" for any, "USR|TM" for either). The
// error is a *ParamError for the path's "id"; every method that takes an ID
// checks it, so call this only to check one that is not sent yet.
func CheckID(prefix, id string) error { return checkID("id", prefix, id) }

// checkID is CheckID naming param.
func checkID(param, prefix, id string) error {
	if id == "" {
		return paramErr(param, "is required")
	}
	if !isID(id) {
		return paramErr(param, "%q is not a OnceHub ID; IDs look like %s-XXXXXXXXXX (prefix, dash, letters and digits)", clip.Value(id), examplePrefix(prefix))
	}
	if prefix == "" {
		return nil
	}
	for _, p := range strings.Split(prefix, "|") {
		if strings.HasPrefix(id, p+"-") {
			return nil
		}
	}
	return paramErr(param, "%q is not the right kind of ID: expected one starting with %s-", id, strings.ReplaceAll(prefix, "|", "- or "))
}

// checkOptionalID checks an ID filter when one is given.
func checkOptionalID(param, prefix, id string) error {
	if id == "" {
		return nil
	}
	return checkID(param, prefix, id)
}

func examplePrefix(prefix string) string {
	if prefix == "" {
		return "PREFIX"
	}
	p, _, _ := strings.Cut(prefix, "|")
	return p
}

// e164RE is a phone number in E.164 form: +, a country code not starting
// with 0, and 8 to 15 digits in all.
var e164RE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`) })

func checkPhone(param, v string) error {
	if !e164RE().MatchString(v) {
		return paramErr(param, "%q is not an E.164 phone number; write + then the country code and number, digits only, e.g. +12025550195", clip.Value(v))
	}
	return nil
}

// checkEmail checks the syntax of a plain email address (no display name,
// a dotted domain).
func checkEmail(param, v string) error {
	a, err := mail.ParseAddress(v)
	ok := err == nil && a.Address == v && a.Name == ""
	if ok {
		_, domain, _ := strings.Cut(v, "@")
		ok = strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
	}
	if !ok {
		return paramErr(param, "%q is not an email address; write it plainly, e.g. carrie@example.com", clip.Value(v))
	}
	return nil
}

// checkTimeZone checks an IANA time zone name.
func checkTimeZone(param, name string) error {
	if _, err := time.LoadLocation(name); err != nil || name == "" || name == "Local" {
		return paramErr(param, "%q is not an IANA time zone; use a name such as Europe/Berlin, America/New_York or Asia/Kolkata", clip.Value(name))
	}
	return nil
}

func checkName(param, name string) error {
	if strings.TrimSpace(name) == "" {
		return paramErr(param, "must not be empty")
	}
	return nil
}
