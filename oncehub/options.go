package oncehub

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/internal/clip"
)

// DateRange bounds a date filter: OnceHub's `<field>.gt` and `<field>.lt`
// parameters, which take calendar dates (YYYY-MM-DD, in UTC). Tag the field
// with the filter's name, e.g. `url:"starting_time"`.
type DateRange struct {
	After  string // <field>.gt, YYYY-MM-DD
	Before string // <field>.lt, YYYY-MM-DD
}

// EncodeValues sets <key>.gt and <key>.lt (go-querystring's query.Encoder).
func (r DateRange) EncodeValues(key string, v *url.Values) error {
	if r.After != "" {
		v.Set(key+".gt", r.After)
	}
	if r.Before != "" {
		v.Set(key+".lt", r.Before)
	}
	return nil
}

func (r DateRange) validate(field string) error {
	var gt, lt time.Time
	var err error
	if r.After != "" {
		if gt, err = time.Parse(time.DateOnly, r.After); err != nil {
			return paramErr(field+".gt", "%q is not a date; use YYYY-MM-DD, e.g. 2026-01-31", clip.Value(r.After))
		}
	}
	if r.Before != "" {
		if lt, err = time.Parse(time.DateOnly, r.Before); err != nil {
			return paramErr(field+".lt", "%q is not a date; use YYYY-MM-DD, e.g. 2026-01-31", clip.Value(r.Before))
		}
	}
	if r.After != "" && r.Before != "" && !gt.Before(lt) {
		return paramErr(field+".gt", "%s is not before the end of the range, %s: the range is empty", r.After, r.Before)
	}
	return nil
}

// TimeRange bounds a date-time filter (`<field>.gt`, `<field>.lt`), sent
// as RFC 3339 times in UTC.
type TimeRange struct {
	After  time.Time // <field>.gt
	Before time.Time // <field>.lt
}

// EncodeValues sets <key>.gt and <key>.lt (go-querystring's query.Encoder).
func (r TimeRange) EncodeValues(key string, v *url.Values) error {
	if !r.After.IsZero() {
		v.Set(key+".gt", r.After.UTC().Format(time.RFC3339))
	}
	if !r.Before.IsZero() {
		v.Set(key+".lt", r.Before.UTC().Format(time.RFC3339))
	}
	return nil
}

func (r TimeRange) validate(field string) error {
	if !r.After.IsZero() && !r.Before.IsZero() && !r.After.Before(r.Before) {
		return paramErr(field+".gt", "%s is not before the end of the range, %s: the range is empty",
			r.After.UTC().Format(time.RFC3339), r.Before.UTC().Format(time.RFC3339))
	}
	return nil
}

// ListExpand names fields of each item of a list to expand. OnceHub wants
// them as paths into the list (`expand=data.owner,data.contact`); this type
// writes them so.
type ListExpand []string

// EncodeValues sets key to the comma-separated data.<field> paths.
func (e ListExpand) EncodeValues(key string, v *url.Values) error {
	if len(e) == 0 {
		return nil
	}
	paths := make([]string, len(e))
	for i, f := range e {
		paths[i] = "data." + f
	}
	v.Set(key, strings.Join(paths, ","))
	return nil
}

// checkExpand refuses a field that allowed does not list.
func checkExpand(fields, allowed []string) error {
	for _, f := range fields {
		if !slices.Contains(allowed, f) {
			return paramErr("expand", "%q cannot be expanded; use any of %s", clip.Value(f), strings.Join(allowed, ", "))
		}
	}
	return nil
}

// orZero returns *p, or the zero T when p is nil: the options a method
// works on (a copy, so the caller's struct is never changed).
func orZero[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
