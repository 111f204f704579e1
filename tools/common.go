package tools

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/oncehub-mcp/oncehub-mcp/internal/clip"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// maxWalk caps max_results: how many items one call may collect across pages.
const maxWalk = 1000

// pageArgs are the paging arguments of every list tool.
type pageArgs struct {
	Limit      Limit      `json:"limit,omitempty"`
	After      Cursor     `json:"after,omitempty" jsonschema:"a result's next_cursor"`
	Before     Cursor     `json:"before,omitempty" jsonschema:"a result's prev_cursor (back)"`
	MaxResults MaxResults `json:"max_results,omitempty"`
}

// rules: one cursor at a time, and max_results walks forward only.
func (pageArgs) rules() []*jsonschema.Schema {
	return []*jsonschema.Schema{exclusive("after", "before"), exclusive("max_results", "before")}
}

// options are the paging arguments as OnceHub's list options.
func (p pageArgs) options() oncehub.ListOptions {
	return oncehub.ListOptions{Limit: int(p.Limit), After: string(p.After), Before: string(p.Before)}
}

// detailArg chooses compact (default) or full objects in list results.
type detailArg struct {
	Detail Detail `json:"detail,omitempty"`
}

func (d detailArg) full() bool { return d.Detail == "full" }

// expandForNames adds refs, the references whose names the compact view
// shows beside their IDs, to the fields the caller asked OnceHub to expand:
// OnceHub expands them in the same request, so a name costs no extra call.
// detail=full returns OnceHub's objects as asked.
func (d detailArg) expandForNames(asked []string, refs ...string) []string {
	if d.full() {
		return asked
	}
	out := slices.Clone(asked)
	for _, r := range refs {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// listResult is the value list tools return. The paging fields come before
// items so that a host that truncates long text still shows them.
type listResult[V any] struct {
	Count        int    `json:"count" jsonschema:"items in this result (this page, or what max_results collected); not a total"`
	Total        *int   `json:"total,omitempty" jsonschema:"how many match in all; only when this result is the whole list"`
	HasMore      bool   `json:"has_more" jsonschema:"more items exist: continue with after=next_cursor"`
	NextCursor   string `json:"next_cursor,omitempty"`
	PrevCursor   string `json:"prev_cursor,omitempty"`
	StoppedEarly string `json:"stopped_early,omitempty" jsonschema:"an error interrupted paging: the items are real, the rest is missing"`
	Note         string `json:"note,omitempty"`
	Items        []V    `json:"items"`
}

// complete sets Total when the result is the whole list: it started at the
// beginning and nothing more exists.
func (r *listResult[V]) complete(p pageArgs) {
	if !r.HasMore && p.After == "" && p.Before == "" && r.StoppedEarly == "" {
		n := r.Count
		r.Total = &n
	}
}

// lister is a client service that lists T with options O (for example
// d.Client.Bookings: T = oncehub.Booking, O = oncehub.BookingListOptions).
type lister[T, O any] interface {
	List(ctx context.Context, opts *O) ([]T, *oncehub.Response, error)
	ListAll(ctx context.Context, opts *O) *oncehub.Pager[T]
}

// listPage fetches one page, or walks pages up to max_results, and renders
// each item with view. opts carries the filters and p's paging. The result
// always says whether more items exist and, when they do, the cursor to
// continue from. A walk that fails part-way is not an error result: the
// items collected so far come back with has_more, the cursor to continue
// from, and stopped_early saying what went wrong.
func listPage[T, O, V any](ctx context.Context, p pageArgs, s lister[T, O], opts *O, keep func(T) bool, view func(T) V) (listResult[V], error) {
	var res listResult[V]
	var items []T
	if want := int(p.MaxResults); want > 0 || (keep != nil && p.Before == "") {
		// Walk pages: up to max_results items; or, when keep trims what
		// OnceHub's filters let through, until a page's worth is kept.
		walk := want
		if keep != nil {
			walk = maxWalk
			want = cmp.Or(want, int(p.Limit), 10)
		}
		pager := s.ListAll(ctx, opts)
		for it, err := range pager.Items(walk) {
			if err != nil {
				if len(items) == 0 {
					return res, err
				}
				res.StoppedEarly = stoppedEarly(len(items), pager.Cursor(), err)
				logToClient(ctx, mcp.LoggingLevelWarning, "the list stopped early: "+res.StoppedEarly)
				break
			}
			if keep != nil && !keep(it) {
				continue
			}
			items = append(items, it)
			if len(items)%oncehub.MaxPageSize == 0 && p.MaxResults > 0 {
				walkProgress(ctx, len(items), want) // a full page was read
			}
			if len(items) == want {
				break
			}
		}
		if len(items)%oncehub.MaxPageSize != 0 && p.MaxResults > 0 {
			walkProgress(ctx, len(items), want) // the last, shorter page
		}
		res.HasMore, res.NextCursor = pager.HasMore(), pager.Cursor()
	} else {
		page, resp, err := s.List(ctx, opts)
		if err != nil {
			return res, err
		}
		items, res.HasMore, res.NextCursor, res.PrevCursor = page, resp.HasMore, resp.NextCursor, resp.PrevCursor
		if p.Before != "" {
			// OnceHub's has_more looks back (newer items, prev_cursor);
			// ours says what follows, as next_cursor does.
			res.HasMore = res.NextCursor != ""
		}
		if keep != nil {
			items = slices.DeleteFunc(slices.Clone(items), func(it T) bool { return !keep(it) })
		}
	}
	res.Items = make([]V, len(items))
	for i, it := range items {
		res.Items[i] = view(it)
	}
	res.Count = len(items)
	res.complete(p)
	return res, nil
}

// listMatching is listPage for a filter OnceHub does not have: it walks the
// pages from p.After (at most maxWalk items) and keeps the items match
// accepts, up to max_results (or limit, default 10). next_cursor continues
// after the last item returned. note says the filtering was done here.
func listMatching[T, O, V any](ctx context.Context, p pageArgs, s lister[T, O], opts *O, match func(T) bool, id func(T) string, view func(T) V) (listResult[V], error) {
	want := int(p.MaxResults)
	if want == 0 {
		want = int(p.Limit)
	}
	if want == 0 {
		want = 10
	}
	res := listResult[V]{Items: []V{}}
	pager := s.ListAll(ctx, opts)
	scanned := 0
	for it, err := range pager.Items(maxWalk) {
		if err != nil {
			if len(res.Items) == 0 {
				return res, err
			}
			res.StoppedEarly = stoppedEarly(len(res.Items), res.NextCursor, err)
			res.HasMore = true
			break
		}
		scanned++
		if !match(it) {
			continue
		}
		if len(res.Items) == want { // one more match exists
			res.HasMore = true
			break
		}
		res.Items = append(res.Items, view(it))
		res.NextCursor = id(it)
	}
	if !res.HasMore && pager.HasMore() { // the walk reached maxWalk
		res.HasMore, res.NextCursor = true, pager.Cursor()
		res.Note = fmt.Sprintf("Searched the first %d; continue with after=next_cursor to search further.", scanned)
	}
	if !res.HasMore {
		res.NextCursor = ""
	}
	res.Count = len(res.Items)
	res.complete(p)
	if res.Note == "" {
		res.Note = fmt.Sprintf("Filtered here over %d items (OnceHub cannot filter by this).", scanned)
	}
	return res, nil
}

// stoppedEarly says that paging stopped after n items because of err, and
// where to continue.
func stoppedEarly(n int, cursor string, err error) string {
	return fmt.Sprintf("Stopped after %d items because of an error; continue with after=%q. %s", n, cursor, errorMessage(err, false))
}

// detailList is the result of a list tool with the detail argument: a
// list of compact views V (the default) or of whole objects T.
type detailList[V, T any] struct {
	compact *listResult[V]
	full    *listResult[T]
}

// MarshalJSON writes whichever list the call asked for.
func (l detailList[V, T]) MarshalJSON() ([]byte, error) {
	if l.full != nil {
		return json.Marshal(l.full)
	}
	return json.Marshal(l.compact)
}

// renderText renders either list as a table, as listResult does.
func (l detailList[V, T]) renderText(js []byte) (string, bool) { return renderTable(js) }

func (detailList[V, T]) shapeTypes() []reflect.Type {
	return []reflect.Type{reflect.TypeFor[listResult[V]](), reflect.TypeFor[listResult[T]]()}
}

// shape is the list's schema with items of either kind.
func (detailList[V, T]) shape(parts []*jsonschema.Schema) *jsonschema.Schema {
	s := parts[0].CloneSchemas()
	items := *s.Properties["items"]
	items.Items = &jsonschema.Schema{AnyOf: []*jsonschema.Schema{parts[0].Properties["items"].Items, parts[1].Properties["items"].Items}}
	s.Properties["items"] = &items
	return s
}

// walkProgress reports a walk of up to max items that has read got so far
// (pages of oncehub.MaxPageSize, the last one shorter).
func walkProgress(ctx context.Context, got, max int) {
	pages := (got + oncehub.MaxPageSize - 1) / oncehub.MaxPageSize
	reportProgress(ctx, float64(got), float64(max),
		fmt.Sprintf("read %d items in %d pages (up to %d wanted)", got, pages, max))
}

// listDetail is listPage for list tools with the detail argument: items
// rendered with view (compact, the default) or whole (detail=full).
func listDetail[T, O, V any](ctx context.Context, p pageArgs, d detailArg, s lister[T, O], opts *O, keep func(T) bool, view func(T) V) (detailList[V, T], error) {
	if d.full() {
		l, err := listPage(ctx, p, s, opts, keep, identity[T])
		return detailList[V, T]{full: &l}, err
	}
	l, err := listPage(ctx, p, s, opts, keep, view)
	return detailList[V, T]{compact: &l}, err
}

// deletedOutput is the result of delete tools.
type deletedOutput struct {
	ID             string `json:"id"`
	Deleted        bool   `json:"deleted"`
	AlreadyDeleted bool   `json:"already_deleted,omitempty"` // it had been deleted before this call
}

// deleteOnce deletes with del; when OnceHub answers 404 because the object
// was already deleted (get reports it redacted), that is success too.
func deleteOnce(ctx context.Context, id string,
	del func(context.Context, string) (oncehub.DeletedObject, *oncehub.Response, error),
	deleted func(context.Context, string) (bool, error),
) (deletedOutput, *oncehub.Response, error) {
	out, resp, err := del(ctx, id)
	if err == nil {
		return deletedOutput{ID: out.ID, Deleted: out.Deleted}, resp, nil
	}
	if oncehub.IsNotFound(err) {
		if gone, gerr := deleted(ctx, id); gerr == nil && gone {
			return deletedOutput{ID: id, Deleted: true, AlreadyDeleted: true}, resp, nil
		}
	}
	return deletedOutput{}, resp, err
}

// linkOutput is the result of the one-time link tools.
type linkOutput struct {
	ID           string `json:"id"`
	URL          string `json:"url"`
	CreationTime string `json:"creation_time,omitempty"`
}

// identity is the view for full detail.
func identity[T any](v T) T { return v }

// loadZone loads the IANA zone name given as argument arg; nil for "".
func loadZone(arg, name string) (*time.Location, error) {
	if name == "" {
		return nil, nil
	}
	loc, err := zone(name)
	if err != nil || name == "Local" {
		return nil, argErrorf(arg, "%q is not an IANA time zone; use a name such as Europe/Berlin, America/New_York or Asia/Kolkata", clip.Value(name))
	}
	// Legacy names such as EST or MST are fixed offsets without daylight
	// saving time: a model passing EST for New York would be an hour off
	// all summer. Ask for the place instead.
	if !strings.Contains(name, "/") && name != "UTC" {
		return nil, argErrorf(arg, "%q is an abbreviation or legacy zone, not a place; use an IANA name such as America/New_York, Europe/London or UTC", clip.Value(name))
	}
	return loc, nil
}

// localTime renders t in loc (or in the zone named tz when loc is nil) as
// RFC 3339 with offset; "" when neither is known.
func localTime(t *time.Time, loc *time.Location, tz string) string {
	if t == nil {
		return ""
	}
	if loc == nil && tz != "" {
		loc, _ = zone(tz)
	}
	if loc == nil {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

// zones caches time zones by name: time.LoadLocation reads and parses the
// zone's file on every call, which a page of bookings would do per item.
// Only zones that load are kept, so the cache is bounded by the IANA database.
var zones sync.Map // string → *time.Location

// zone is time.LoadLocation, cached.
func zone(name string) (*time.Location, error) {
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	zones.Store(name, loc)
	return loc, nil
}

func utc(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// checkIDArg checks an ID given as argument arg that is not sent right away
// (a prompt's argument, say); a call's IDs are checked by the client.
func checkIDArg(arg, prefix, id string) error {
	if err := oncehub.CheckID(prefix, id); err != nil {
		pe, _ := errors.AsType[*oncehub.ParamError](err)
		return &argError{arg: arg, msg: pe.Message}
	}
	return nil
}
