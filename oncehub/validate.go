package oncehub

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"
)

// e164 is a phone number in E.164 form: +, a country code not starting with
// 0, and 8 to 15 digits in all.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)

// CheckPhone checks that v is a phone number in E.164 form.
func CheckPhone(arg, v string) error {
	if !e164.MatchString(v) {
		return &ArgError{Arg: arg, Msg: fmt.Sprintf("%q is not an E.164 phone number; write + then the country code and number, digits only, e.g. +12025550195", clip(v))}
	}
	return nil
}

// CheckEmail checks the syntax of a plain email address (no display name,
// a dotted domain).
func CheckEmail(arg, v string) error {
	a, err := mail.ParseAddress(v)
	ok := err == nil && a.Address == v && a.Name == ""
	if ok {
		_, domain, _ := strings.Cut(v, "@")
		ok = strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".")
	}
	if !ok {
		return &ArgError{Arg: arg, Msg: fmt.Sprintf("%q is not an email address; write it plainly, e.g. carrie@example.com", clip(v))}
	}
	return nil
}
