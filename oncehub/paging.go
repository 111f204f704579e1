package oncehub

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// MaxPageSize is the largest page OnceHub serves.
const MaxPageSize = 100

// ListParams are the cursor-paging parameters every list operation takes.
// The zero value asks for OnceHub's default page (10 items, newest first).
type ListParams struct {
	Limit  int    // 1–100; 0 means OnceHub's default (10)
	After  string // object ID: return the items after it (older)
	Before string // object ID: return the items before it (newer)
}

// Validate checks the paging parameters without sending anything.
func (p ListParams) Validate() error {
	if p.Limit < 0 || p.Limit > MaxPageSize {
		return &ArgError{Arg: "limit", Msg: fmt.Sprintf("must be between 1 and %d, got %d", MaxPageSize, p.Limit)}
	}
	if p.After != "" && p.Before != "" {
		return &ArgError{Arg: "after", Msg: "after and before cannot be used together: use after to page forward, before to page back"}
	}
	if p.After != "" {
		if err := CheckID("after", "", p.After); err != nil {
			return err
		}
	}
	if p.Before != "" {
		if err := CheckID("before", "", p.Before); err != nil {
			return err
		}
	}
	return nil
}

func (p ListParams) apply(q url.Values) {
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	if p.After != "" {
		q.Set("after", p.After)
	}
	if p.Before != "" {
		q.Set("before", p.Before)
	}
}

// Page is one page of a list.
type Page[T any] struct {
	Data       []T
	HasMore    bool   // OnceHub has more items in the paging direction
	NextCursor string // pass as After for the next (older) page; empty when none
	PrevCursor string // pass as Before for the previous (newer) page; empty when none
	RequestID  string
}

type listEnvelope[T any] struct {
	Object  string `json:"object"`
	Data    []T    `json:"data"`
	HasMore bool   `json:"has_more"`
}

// list fetches one page of a list endpoint.
func list[T any](ctx context.Context, c *Client, path, route string, q url.Values, p ListParams, idOf func(T) string) (Page[T], error) {
	if err := p.Validate(); err != nil {
		return Page[T]{}, err
	}
	if q == nil {
		q = url.Values{}
	}
	p.apply(q)
	var env listEnvelope[T]
	resp, err := c.do(ctx, request{method: "GET", path: path, route: route, query: q}, &env)
	if err != nil {
		return Page[T]{}, err
	}
	page := Page[T]{Data: env.Data, HasMore: env.HasMore, RequestID: resp.RequestID}
	if page.Data == nil {
		page.Data = []T{}
	}
	links := ParseLinkHeader(resp.Header.Values("Link"))
	if next, ok := links["next"]; ok {
		page.NextCursor = cursorParam(next, "after")
	}
	if prev, ok := links["previous"]; ok {
		page.PrevCursor = cursorParam(prev, "before")
	}
	// Without a Link header, derive the forward cursor from the envelope.
	if page.NextCursor == "" && env.HasMore && p.Before == "" && len(env.Data) > 0 {
		page.NextCursor = idOf(env.Data[len(env.Data)-1])
	}
	if page.PrevCursor == "" && (p.After != "" || (p.Before != "" && env.HasMore)) && len(env.Data) > 0 {
		page.PrevCursor = idOf(env.Data[0])
	}
	return page, nil
}

func cursorParam(link, name string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return u.Query().Get(name)
}

// ParseLinkHeader parses RFC 8288 Link header values into rel → URL. Malformed
// entries are skipped.
func ParseLinkHeader(values []string) map[string]string {
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

// Walk fetches pages forward from p until max items are collected or the list
// ends. It returns the items, whether more exist, and the cursor to continue
// from (pass it as After). fetch is called with the page parameters to use.
func Walk[T any](ctx context.Context, p ListParams, max int, fetch func(context.Context, ListParams) (Page[T], error)) (items []T, more bool, next string, err error) {
	if max <= 0 {
		return nil, false, "", &ArgError{Arg: "max_results", Msg: "must be at least 1"}
	}
	if p.Before != "" {
		return nil, false, "", &ArgError{Arg: "before", Msg: "cannot be combined with walking several pages; use after (or no cursor)"}
	}
	items = []T{}
	for {
		want := max - len(items)
		p.Limit = min(want, MaxPageSize)
		page, err := fetch(ctx, p)
		if err != nil {
			if len(items) > 0 {
				return items, true, p.After, &PartialError{Collected: len(items), Cursor: p.After, Err: err}
			}
			return nil, false, "", err
		}
		items = append(items, page.Data...)
		if !page.HasMore || page.NextCursor == "" || len(page.Data) == 0 {
			return items, false, "", nil
		}
		if len(items) >= max {
			return items, true, page.NextCursor, nil
		}
		p.After = page.NextCursor
	}
}

// PartialError reports a walk that stopped part-way: Collected items were
// fetched before Err; continue from Cursor.
type PartialError struct {
	Collected int
	Cursor    string
	Err       error
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("stopped after %d items (continue with after=%s): %v", e.Collected, e.Cursor, e.Err)
}

func (e *PartialError) Unwrap() error { return e.Err }

// ArgError is a bad argument caught before anything is sent to OnceHub.
type ArgError struct {
	Arg string // the argument's name, as the tool calls it
	Msg string // what is wrong and how to fix it
}

func (e *ArgError) Error() string { return e.Arg + ": " + e.Msg }

// AsArgError returns the *ArgError in err's chain.
func AsArgError(err error) (*ArgError, bool) {
	var e *ArgError
	ok := errors.As(err, &e)
	return e, ok
}

// get fetches one object by ID from collection (e.g. "/users").
func get[T any](ctx context.Context, c *Client, collection, arg, prefix, id string, q url.Values) (T, error) {
	var out T
	path, err := idPath(collection, arg, prefix, id)
	if err != nil {
		return out, err
	}
	_, err = c.do(ctx, request{method: "GET", path: path, route: collection + "/{id}", query: q}, &out)
	return out, err
}
