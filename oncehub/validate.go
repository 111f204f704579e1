package oncehub

import (
	"fmt"
	"net/mail"
	"strings"
)

// isE164 reports whether v is a phone number in E.164 form: +, a country
// code not starting with 0, and 8 to 15 digits in all.
func isE164(v string) bool {
	if len(v) < 1+8 || len(v) > 1+15 || v[0] != '+' || v[1] == '0' {
		return false
	}
	for i := 1; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// CheckPhone checks that v is a phone number in E.164 form.
func CheckPhone(arg, v string) error {
	if !isE164(v) {
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
