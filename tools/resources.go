package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// Resources expose OnceHub objects to hosts that attach context by URI:
// oncehub://users lists users, oncehub://users/{id} is one user, and the {id}
// argument completes from the account's users. They call the same client with
// the request's key, like the tools.

const (
	resourceScheme = "oncehub://"
	// maxResourceItems caps a list resource (it pages up to this many).
	maxResourceItems = 500
	// maxCompletions is the most values one completion may return (MCP's limit).
	maxCompletions = 100
)

// entry is one object of a collection, with the label completions match on.
type entry struct {
	ID    string
	Label string
	Value any
}

// collection is one kind of OnceHub object served as resources.
type collection struct {
	path    string  // "users": oncehub://users and oncehub://users/{id}
	title   string  // "Users"
	noun    string  // "user"
	prefix  string  // ID prefix: "USR"
	toolset Toolset // exposed only when this toolset is
	listed  bool    // oncehub://<path> lists them (bookings: one at a time only)
	// list pages through the newest max items; a failure after some items
	// returns them with the error, more and the cursor to continue from.
	list func(ctx context.Context, max int) (items []entry, more bool, next string, err error)
	get  func(ctx context.Context, id string) (any, error)
}

func (c collection) listURI() string     { return resourceScheme + c.path }
func (c collection) templateURI() string { return resourceScheme + c.path + "/{id}" }

// newCollection adapts a client service's ListAll and Get.
func newCollection[T, O any](c collection,
	listAll func(context.Context, *O) *oncehub.Pager[T],
	get func(context.Context, string) (T, *oncehub.Response, error),
	id func(T) string, label func(T) string,
) collection {
	c.list = func(ctx context.Context, max int) ([]entry, bool, string, error) {
		pager := listAll(ctx, nil)
		var out []entry
		for it, err := range pager.Items(max) {
			if err != nil {
				return out, pager.HasMore(), pager.Cursor(), err
			}
			out = append(out, entry{ID: id(it), Label: label(it), Value: it})
		}
		return out, pager.HasMore(), pager.Cursor(), nil
	}
	c.get = func(ctx context.Context, s string) (any, error) {
		v, _, err := get(ctx, s)
		return v, err
	}
	return c
}

// catalog is every collection served as resources.
type catalog struct {
	collections []collection
	served      map[string]bool // paths registered (the operator's toolsets)
}

func newCatalog(d Deps) *catalog {
	cl := d.Client
	return &catalog{collections: []collection{
		newCollection(collection{path: "bookings", title: "Bookings", noun: "booking", prefix: oncehub.PrefixBooking, toolset: toolsetBookings},
			cl.Bookings.ListAll,
			func(ctx context.Context, id string) (oncehub.Booking, *oncehub.Response, error) {
				return cl.Bookings.Get(ctx, id, nil)
			},
			func(b oncehub.Booking) string { return b.ID },
			func(b oncehub.Booking) string {
				v := viewBooking(b, nil)
				return strings.Join([]string{v.Subject, v.GuestName, v.GuestEmail, v.StartingTime}, " ")
			}),
		newCollection(collection{path: "users", title: "Users", noun: "user", prefix: oncehub.PrefixUser, toolset: toolsetUsers, listed: true},
			cl.Users.ListAll, cl.Users.Get,
			func(u oncehub.User) string { return u.ID },
			func(u oncehub.User) string { return u.FirstName + " " + u.LastName + " " + u.Email }),
		newCollection(collection{path: "event-types", title: "Event types", noun: "event type", prefix: oncehub.PrefixEventType, toolset: toolsetBookingPages, listed: true},
			cl.EventTypes.ListAll, cl.EventTypes.Get,
			func(e oncehub.EventType) string { return e.ID },
			func(e oncehub.EventType) string { return e.Name }),
		newCollection(collection{path: "booking-pages", title: "Booking pages", noun: "booking page", prefix: oncehub.PrefixBookingPage, toolset: toolsetBookingPages, listed: true},
			cl.BookingPages.ListAll, cl.BookingPages.Get,
			func(b oncehub.BookingPage) string { return b.ID },
			func(b oncehub.BookingPage) string { return b.Name + " " + b.Label }),
		newCollection(collection{path: "booking-calendars", title: "Booking calendars", noun: "booking calendar", prefix: oncehub.PrefixBookingCalendar, toolset: toolsetCalendars, listed: true},
			cl.BookingCalendars.ListAll, cl.BookingCalendars.Get,
			func(b oncehub.BookingCalendar) string { return b.ID },
			func(b oncehub.BookingCalendar) string { return b.Name + " " + b.Subject }),
		newCollection(collection{path: "teams", title: "Teams", noun: "team", prefix: oncehub.PrefixTeam, toolset: toolsetUsers, listed: true},
			cl.Teams.ListAll, cl.Teams.Get,
			func(t oncehub.Team) string { return t.ID },
			func(t oncehub.Team) string { return t.Name }),
	}}
}

// byPath returns the collection served at oncehub://<path>.
func (cat *catalog) byPath(path string) (collection, bool) {
	for _, c := range cat.collections {
		if c.path == path {
			return c, true
		}
	}
	return collection{}, false
}

// register adds the resources and templates of the collections whose toolset
// the operator's filter allows.
func (cat *catalog) register(s *server.MCPServer, f Filter) {
	cat.served = map[string]bool{}
	if h := s.GetHooks(); h != nil {
		h.AddBeforeReadResource(cat.prefetch)
	}
	for _, c := range cat.collections {
		if len(f.Toolsets) > 0 && !slices.Contains(f.Toolsets, c.toolset.Name) {
			continue
		}
		cat.served[c.path] = true
		if c.listed {
			s.AddResource(mcp.NewResource(c.listURI(), c.path,
				mcp.WithResourceTitle(c.title),
				mcp.WithResourceDescription("Every "+c.noun+" in the OnceHub account (up to 500; has_more says if there are more)."),
				mcp.WithMIMEType("application/json"),
			), cat.readList(c))
		}
		s.AddResourceTemplate(mcp.NewResourceTemplate(c.templateURI(), c.noun,
			mcp.WithTemplateTitle("OnceHub "+c.noun),
			mcp.WithTemplateDescription("One "+c.noun+" by ID ("+c.prefix+"-…), every field."),
			mcp.WithTemplateMIMEType("application/json"),
		), cat.readOne(c))
	}
}

// requestNarrowing is a resource middleware refusing reads of collections
// whose toolset the request's narrowing filter (WithRequestFilter) leaves
// out. (resources/list itself is not narrowed per request.)
func (cat *catalog) requestNarrowing(next server.ResourceHandlerFunc) server.ResourceHandlerFunc {
	return func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		if f, ok := requestFilter(ctx); ok && len(f.Toolsets) > 0 {
			rest, _ := strings.CutPrefix(req.Params.URI, resourceScheme)
			path, _, _ := strings.Cut(rest, "/")
			if c, known := cat.byPath(path); known && !slices.Contains(f.Toolsets, c.toolset.Name) {
				return nil, fmt.Errorf("%s is not available: this request is limited to the toolsets %s", req.Params.URI, strings.Join(f.Toolsets, ", "))
			}
		}
		return next(ctx, req)
	}
}

func (cat *catalog) readList(c collection) server.ResourceHandlerFunc {
	return func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		items, more, next, err := c.list(ctx, maxResourceItems)
		res := listResult[any]{HasMore: more, NextCursor: next, Items: make([]any, len(items))}
		if err != nil && len(items) == 0 {
			return nil, resourceError(err)
		} else if err != nil {
			res.StoppedEarly = stoppedEarly(len(items), next, err)
		}
		for i, it := range items {
			res.Items[i] = it.Value
		}
		res.Count = len(items)
		return jsonContents(req.Params.URI, res)
	}
}

func (cat *catalog) readOne(c collection) server.ResourceTemplateHandlerFunc {
	prefix := c.listURI() + "/"
	return func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		if obj := prefetchedObject(req); obj != nil {
			return jsonContents(req.Params.URI, obj)
		}
		id, _ := strings.CutPrefix(req.Params.URI, prefix)
		obj, err := c.get(ctx, id)
		if err != nil {
			return nil, resourceError(err)
		}
		return jsonContents(req.Params.URI, obj)
	}
}

// A missing object answers resources/read with MCP's "resource not found"
// (-32002; InvalidParams from protocol 2026-07-28 on), not an internal
// error. mcp-go v1.2.1 gives that code only when no resource or template
// matches the URI, and a template handler's error is always -32603. So a
// hook looks the object up before mcp-go matches the URI: when OnceHub has
// no such object (404, or an ID that cannot be one) it renames the URI to
// one no template matches, and mcp-go answers not found, naming it; an
// object found is handed to the template's handler, which does not ask
// again.

// prefetchKey carries the object in the request's _meta (as a Go value of
// an unexported type: nothing a client sends can pass for it).
const prefetchKey = "oncehub-mcp/prefetched"

type prefetched struct{ obj any }

// prefetch is a BeforeReadResource hook for oncehub://<path>/<id>.
func (cat *catalog) prefetch(ctx context.Context, _ any, req *mcp.ReadResourceRequest) {
	rest, ok := strings.CutPrefix(req.Params.URI, resourceScheme)
	path, id, one := strings.Cut(rest, "/")
	c, known := cat.byPath(path)
	if !ok || !one || !known || !cat.served[path] || id == "" || strings.Contains(id, "/") {
		return
	}
	if f, ok := requestFilter(ctx); ok && len(f.Toolsets) > 0 && !slices.Contains(f.Toolsets, c.toolset.Name) {
		return // the handler's middleware refuses it
	}
	obj, err := c.get(ctx, id)
	var pe *oncehub.ParamError
	switch {
	case oncehub.IsNotFound(err) || errors.As(err, &pe):
		req.Params.URI = fmt.Sprintf("%s (no such %s: %s)", req.Params.URI, c.noun, errorMessage(err, false))
	case err == nil:
		if req.Params.Meta == nil {
			req.Params.Meta = &mcp.Meta{}
		}
		if req.Params.Meta.AdditionalFields == nil {
			req.Params.Meta.AdditionalFields = map[string]any{}
		}
		req.Params.Meta.AdditionalFields[prefetchKey] = prefetched{obj}
	}
	// Any other failure: the handler asks again and reports it.
}

// prefetchedObject is the object prefetch found for req (nil if none).
func prefetchedObject(req mcp.ReadResourceRequest) any {
	if req.Params.Meta == nil {
		return nil
	}
	if p, ok := req.Params.Meta.AdditionalFields[prefetchKey].(prefetched); ok {
		return p.obj
	}
	return nil
}

func jsonContents(uri string, v any) ([]mcp.ResourceContents, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return []mcp.ResourceContents{mcp.TextResourceContents{URI: uri, MIMEType: "application/json", Text: string(data)}}, nil
}

// resourceError turns err into the message a resource or prompt read fails
// with: the same words as a tool's error result.
func resourceError(err error) error { return errors.New(errorMessage(err, false)) }

// CompleteResourceArgument completes the {id} of oncehub://<path>/{id}.
func (cat *catalog) CompleteResourceArgument(ctx context.Context, uri string, arg mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	path, ok := strings.CutPrefix(uri, resourceScheme)
	path, ok2 := strings.CutSuffix(path, "/{id}")
	c, known := cat.byPath(path)
	if !ok || !ok2 || !known || arg.Name != "id" {
		return &mcp.Completion{Values: []string{}}, nil
	}
	return cat.completeID(ctx, c, arg.Value), nil
}

// completeID suggests IDs of c whose ID starts with value or whose label
// (name, email, subject) contains it, from the newest 100. Completion fails
// soft: an upstream error gives no suggestions.
func (cat *catalog) completeID(ctx context.Context, c collection, value string) *mcp.Completion {
	items, more, _, err := c.list(ctx, oncehub.MaxPageSize)
	if err != nil {
		return &mcp.Completion{Values: []string{}}
	}
	want := strings.ToLower(strings.TrimSpace(value))
	values := []string{}
	for _, it := range items {
		if want == "" || strings.HasPrefix(strings.ToLower(it.ID), want) || strings.Contains(strings.ToLower(it.Label), want) {
			values = append(values, it.ID)
		}
	}
	out := &mcp.Completion{Values: values, HasMore: more}
	if !more {
		out.Total = len(values)
	}
	if len(values) > maxCompletions {
		out.Values, out.HasMore = values[:maxCompletions], true
	}
	return out
}
