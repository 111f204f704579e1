package oncehub

import (
	"context"
	"iter"
	"net/url"
	"strings"
)

// MaxPageSize is the largest page OnceHub serves.
const MaxPageSize = 100

// ListOptions are the cursor-paging parameters every list operation takes.
// The zero value asks for OnceHub's default page (10 items, newest first).
type ListOptions struct {
	Limit  int    `url:"limit,omitempty"`  // 1–100; 0 means OnceHub's default (10)
	After  string `url:"after,omitempty"`  // object ID: return the items after it (older)
	Before string `url:"before,omitempty"` // object ID: return the items before it (newer)
}

// Validate checks the paging parameters without sending anything.
func (o ListOptions) Validate() error {
	if o.Limit < 0 || o.Limit > MaxPageSize {
		return paramErr("limit", "must be between 1 and %d, got %d", MaxPageSize, o.Limit)
	}
	if o.After != "" && o.Before != "" {
		return paramErr("after", "after and before cannot be used together: use after to page forward, before to page back")
	}
	if err := checkOptionalID("after", "", o.After); err != nil {
		return err
	}
	return checkOptionalID("before", "", o.Before)
}

type listEnvelope[T any] struct {
	Object  string `json:"object"`
	Data    []T    `json:"data"`
	HasMore bool   `json:"has_more"`
}

// list fetches one page of the list at route. opts (already validated) is
// the whole query; page is its paging part.
func list[T any](ctx context.Context, c *Client, route string, opts any, page ListOptions, id func(T) string) ([]T, *Response, error) {
	var env listEnvelope[T]
	resp, err := c.do(ctx, request{method: "GET", route: route, opts: opts}, &env)
	if err != nil {
		return nil, resp, err
	}
	items := env.Data
	if items == nil {
		items = []T{}
	}
	resp.HasMore = env.HasMore
	links := parseLinkHeader(resp.Header.Values("Link"))
	if next, ok := links["next"]; ok {
		resp.NextCursor = cursorParam(next, "after")
	}
	if prev, ok := links["previous"]; ok {
		resp.PrevCursor = cursorParam(prev, "before")
	}
	// Without a Link header, derive the cursors from the envelope.
	if resp.NextCursor == "" && env.HasMore && page.Before == "" && len(items) > 0 {
		resp.NextCursor = id(items[len(items)-1])
	}
	if resp.PrevCursor == "" && (page.After != "" || (page.Before != "" && env.HasMore)) && len(items) > 0 {
		resp.PrevCursor = id(items[0])
	}
	return items, resp, nil
}

// Pager walks a list forward, page after page, from ListOptions.After (or
// from the newest item). Every service with a List method has a ListAll that
// returns one:
//
//	pager := c.Bookings.ListAll(ctx, &oncehub.BookingListOptions{Status: "completed"})
//	for b, err := range pager.Items(250) {
//		if err != nil { … } // items already yielded are real; continue later from pager.Cursor()
//	}
//	if pager.HasMore() { next := pager.Cursor() }
//
// The options are validated once, before the first page. Pages are as large
// as OnceHub allows (MaxPageSize), the last one no larger than the cap needs;
// ListOptions.Limit is not used, and Before cannot be (a pager walks forward).
type Pager[T any] struct {
	ctx   context.Context
	err   error // the options' refusal, yielded by the first iteration
	fetch func(ctx context.Context, page ListOptions) ([]T, *Response, error)
	id    func(T) string
	after string // where the next page starts
	more  bool
}

func newPager[T any](ctx context.Context, err error, start ListOptions, fetch func(context.Context, ListOptions) ([]T, *Response, error), id func(T) string) *Pager[T] {
	if err == nil && start.Before != "" {
		err = paramErr("before", "cannot be used to walk a list, which goes forward: start from after (or from the newest item)")
	}
	return &Pager[T]{ctx: ctx, err: err, fetch: fetch, id: id, after: start.After, more: err == nil}
}

// Items yields the list's items in order, fetching pages as needed, up to max
// items (max <= 0: every item). A failure ends the iteration: it is yielded
// with the zero T, and HasMore and Cursor then say where to continue from.
// Calling Items again continues where the last iteration stopped.
func (p *Pager[T]) Items(max int) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if p.err != nil {
			yield(zero, p.err)
			return
		}
		n := 0
		for p.more {
			limit := MaxPageSize
			if max > 0 {
				if n >= max {
					return
				}
				limit = min(max-n, MaxPageSize)
			}
			items, resp, err := p.fetch(p.ctx, ListOptions{Limit: limit, After: p.after})
			if err != nil {
				yield(zero, err)
				return
			}
			p.more = resp.HasMore && resp.NextCursor != "" && len(items) > 0
			for i, it := range items {
				n++
				if !yield(it, nil) {
					p.after = p.id(it)
					p.more = p.more || i < len(items)-1
					return
				}
			}
			p.after = resp.NextCursor
		}
	}
}

// HasMore reports whether items remain after the last one Items yielded.
func (p *Pager[T]) HasMore() bool { return p.more }

// Cursor is where the list continues (pass it as ListOptions.After); "" when
// the list has ended.
func (p *Pager[T]) Cursor() string {
	if !p.more {
		return ""
	}
	return p.after
}

func cursorParam(link, name string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return u.Query().Get(name)
}

// parseLinkHeader parses RFC 8288 Link header values into rel → URL. Malformed
// entries are skipped.
func parseLinkHeader(values []string) map[string]string {
	out := map[string]string{}
	for _, v := range values {
		for _, part := range splitLinks(v) {
			part = strings.TrimSpace(part)
			if !strings.HasPrefix(part, "<") {
				continue
			}
			end := strings.Index(part, ">")
			if end < 0 {
				continue
			}
			target := part[1:end]
			for _, param := range strings.Split(part[end+1:], ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(param), "=")
				if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
					continue
				}
				for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(val), `"`)) {
					if strings.ContainsAny(rel, "\"<>,;=") {
						continue // not a relation type: a malformed header
					}
					rel = strings.ToLower(rel)
					if rel == "prev" {
						rel = "previous"
					}
					if _, dup := out[rel]; !dup {
						out[rel] = target
					}
				}
			}
		}
	}
	return out
}

// splitLinks splits a Link header on the commas between link-values (commas
// inside <…> or quotes do not count).
func splitLinks(s string) []string {
	var parts []string
	depth, quoted, start := 0, false, 0
	for i, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '<':
			depth++
		case r == '>':
			if depth > 0 {
				depth--
			}
		case r == ',' && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}
