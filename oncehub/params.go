package oncehub

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// DateRange bounds a date filter (OnceHub's `<field>.gt` / `<field>.lt`
// parameters, which take calendar dates, YYYY-MM-DD, in UTC).
type DateRange struct {
	After  string // <field>.gt, YYYY-MM-DD
	Before string // <field>.lt, YYYY-MM-DD
}

func (r DateRange) validate(field string) error {
	var gt, lt time.Time
	var err error
	if r.After != "" {
		if gt, err = time.Parse(time.DateOnly, r.After); err != nil {
			return &ArgError{Arg: field + "_after", Msg: fmt.Sprintf("%q is not a date; use YYYY-MM-DD, e.g. 2026-01-31", clip(r.After))}
		}
	}
	if r.Before != "" {
		if lt, err = time.Parse(time.DateOnly, r.Before); err != nil {
			return &ArgError{Arg: field + "_before", Msg: fmt.Sprintf("%q is not a date; use YYYY-MM-DD, e.g. 2026-01-31", clip(r.Before))}
		}
	}
	if r.After != "" && r.Before != "" && !gt.Before(lt) {
		return &ArgError{Arg: field + "_after", Msg: fmt.Sprintf("%s is not before %s_before (%s): the range is empty", r.After, field, r.Before)}
	}
	return nil
}

func (r DateRange) apply(q url.Values, field string) {
	if r.After != "" {
		q.Set(field+".gt", r.After)
	}
	if r.Before != "" {
		q.Set(field+".lt", r.Before)
	}
}

// TimeRange bounds a date-time filter (RFC 3339 times).
type TimeRange struct {
	After  time.Time // <field>.gt
	Before time.Time // <field>.lt
}

func (r TimeRange) validate(field string) error {
	if !r.After.IsZero() && !r.Before.IsZero() && !r.After.Before(r.Before) {
		return &ArgError{Arg: field + "_after", Msg: fmt.Sprintf("%s is not before %s_before (%s): the range is empty",
			r.After.UTC().Format(time.RFC3339), field, r.Before.UTC().Format(time.RFC3339))}
	}
	return nil
}

func (r TimeRange) apply(q url.Values, field string) {
	if !r.After.IsZero() {
		q.Set(field+".gt", r.After.UTC().Format(time.RFC3339))
	}
	if !r.Before.IsZero() {
		q.Set(field+".lt", r.Before.UTC().Format(time.RFC3339))
	}
}

func setIf(q url.Values, name, v string) {
	if v != "" {
		q.Set(name, v)
	}
}

// setListExpand asks a list operation to expand fields of each item
// (`expand=data.<field>,…`); nothing is set when fields is empty.
func setListExpand(q url.Values, fields []string) {
	if len(fields) == 0 {
		return
	}
	paths := make([]string, len(fields))
	for i, f := range fields {
		paths[i] = "data." + f
	}
	q.Set("expand", strings.Join(paths, ","))
}

// checkOptionalID validates an optional ID filter.
func checkOptionalID(arg, prefix, id string) error {
	if id == "" {
		return nil
	}
	return CheckID(arg, prefix, id)
}
