package tools

import (
	"encoding/json"
	"reflect"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

// Argument types. A tool argument's Go type says what it accepts: each type
// below carries its JSON Schema (pattern, format, enum, range, length,
// default) into every tool that uses it, and the same schema validates each
// call (see schema.go and args.go). A field's `jsonschema` tag replaces the
// type's description where the field needs its own words.
//
// To add a constraint, give the argument one of these types, or add a type
// here with its schema in argTypes. An argument needs a description (type or
// tag) unless its name says everything (see selfExplanatory).

// IDs. Each is the object's prefix, a dash, then letters and digits.
type (
	BookingID         string // BKNG-…
	BookingCalendarID string // BKC-…
	BookingPageID     string // BP-…
	MasterPageID      string // MP-…
	EventTypeID       string // ET-…
	UserID            string // USR-…
	TeamID            string // TM-…
	ContactID         string // CTC-…
	WebhookID         string // WHK-…
	AddressID         string // ADD-…
	HostID            string // USR-… or TM-…
	RecipientID       string // CTC-… or USR-…
	Cursor            string // any object ID: a page cursor
)

// Times and dates.
type (
	// When is a date filter or a window bound: YYYY-MM-DD, or an ISO 8601
	// date-time; without an offset it is read in the tool's time_zone.
	When string
	// WindowEnd is When, or a length after the start (P6W, P14D, P1M).
	WindowEnd string
	// DateTime is an RFC 3339 date-time with its offset.
	DateTime string
	// Date is a calendar date, YYYY-MM-DD.
	Date string
	// TimeZone is an IANA time zone name.
	TimeZone string
	// Clock is a 24-hour HH:MM on a quarter hour (availability).
	Clock string
	// ClockRange is HH:MM-HH:MM, 24-hour (a slot's start lies in it).
	ClockRange string
	// Weekday is a day name as OnceHub writes it (Monday … Sunday).
	Weekday string
)

// Counts.
type (
	Limit      int // page size
	MaxResults int // items one call may collect across pages
	MaxSlots   int // slots one search may return
	Employees  int // a contact's company size, as a number
)

// Fixed sets.
type (
	Detail                   string
	BookingStatus            string
	BookingExpand            string
	SMSExpand                string
	ContactStatus            string
	Role                     string
	VideoProvider            string
	LocationType             string
	AvailabilityLocationType string
	WebhookEvent             string
	RecipientType            string
)

// Free text, bounded (OnceHub's API states no lengths; these are generous
// human ones).
type (
	Email       string // an email address
	Phone       string // E.164
	PersonName  string // a first or last name
	FullName    string // a guest's full name
	Text        string // a short text field (company, city, job title…)
	Reason      string // a reason shown to the guest
	Search      string // text matched locally against names
	WebhookName string
	HTTPSURL    string // an https:// URL
	MeetingURL  string // an http(s):// URL of a meeting room
	FieldName   string // a custom field's mapped name
	// AvailabilityValue is an availability location's value: a video
	// provider, or the meeting room's URL.
	AvailabilityValue string
	// LocationValue is a meeting location's value: a video provider, an
	// address ID or an E.164 phone number.
	LocationValue string
	// FormFields are a booking form's other answers by mapped field name: a
	// string, or strings for a multi-select picklist.
	FormFields map[string]any
	// FieldValue is a contact custom field's value: any JSON value.
	FieldValue any
)

// Lengths.
const (
	maxNameLen   = 100
	maxTextLen   = 200
	maxReasonLen = 1000
	maxEmailLen  = 254 // RFC 5321's longest path
	maxURLLen    = 2048
	maxValueLen  = 5000
	maxIDLen     = 71 // a 6-letter prefix, a dash and 64 characters
)

// Patterns. They state the grammar; a date's calendar validity (no 30
// February) and the years 1970-2099 are checked in code (parseWhen).
const (
	dateRE        = `(19|20)\d\d-\d\d-\d\d`
	timeRE        = `T\d\d:\d\d(:\d\d(\.\d+)?)?`
	offsetRE      = `(Z|[+-]\d\d:\d\d)`
	whenRE        = dateRE + `(` + timeRE + offsetRE + `?)?`
	lengthPattern = `P(\d{1,3}M)?(\d{1,3}W)?(\d{1,3}D)?`
	clockRE       = `([01]\d|2[0-3]):[0-5]\d`
	quarterRE     = `([01]\d|2[0-3]):(00|15|30|45)`
	phoneRE       = `^\+[1-9]\d{7,14}$`
	timeZoneRE    = `^(UTC|[A-Za-z]+(/[A-Za-z0-9_+-]+){1,2})$`
)

// argType is an argument type's schema and, for a value that fails its
// pattern or format, what a valid one looks like (for the error message).
type argType struct {
	schema *jsonschema.Schema
	want   string
}

func idType(prefixes, noun string) argType {
	first, _, _ := strings.Cut(prefixes, "|")
	p := prefixes
	if strings.Contains(p, "|") {
		p = "(" + p + ")"
	}
	return argType{
		schema: &jsonschema.Schema{Type: "string", Pattern: "^" + p + "-[A-Za-z0-9]{1,64}$"},
		want:   noun + " (" + strings.ReplaceAll(prefixes, "|", "- or ") + "- then letters and digits, e.g. " + first + "-7G2K9QXW3P); find one with a list_ tool",
	}
}

func enumType(desc string, values ...string) argType {
	e := make([]any, len(values))
	for i, v := range values {
		e[i] = v
	}
	return argType{schema: &jsonschema.Schema{Type: "string", Enum: e, Description: desc}}
}

func intType(desc string, lo, hi int, def int) argType {
	s := &jsonschema.Schema{Type: "integer", Description: desc, Minimum: jsonschema.Ptr(float64(lo))}
	if hi > 0 {
		s.Maximum = jsonschema.Ptr(float64(hi))
	}
	if def > 0 {
		s.Default = json.RawMessage(itoa(def))
	}
	return argType{schema: s}
}

// textType is free text of at most maxLen characters; required text (a
// name) is not empty either.
func textType(desc string, maxLen int, required bool) argType {
	s := &jsonschema.Schema{Type: "string", Description: desc, MaxLength: jsonschema.Ptr(maxLen)}
	if required {
		s.MinLength = jsonschema.Ptr(1)
	}
	return argType{schema: s}
}

// argTypes is every argument type's schema.
var argTypes = map[reflect.Type]argType{
	reflect.TypeFor[BookingID]():         idType(oncehub.PrefixBooking, "a booking ID"),
	reflect.TypeFor[BookingCalendarID](): idType(oncehub.PrefixBookingCalendar, "a booking calendar ID"),
	reflect.TypeFor[BookingPageID]():     idType(oncehub.PrefixBookingPage, "a booking page ID"),
	reflect.TypeFor[MasterPageID]():      idType(oncehub.PrefixMasterPage, "a master page ID"),
	reflect.TypeFor[EventTypeID]():       idType(oncehub.PrefixEventType, "an event type ID"),
	reflect.TypeFor[UserID]():            idType(oncehub.PrefixUser, "a user ID"),
	reflect.TypeFor[TeamID]():            idType(oncehub.PrefixTeam, "a team ID"),
	reflect.TypeFor[ContactID]():         idType(oncehub.PrefixContact, "a contact ID"),
	reflect.TypeFor[WebhookID]():         idType(oncehub.PrefixWebhook, "a webhook ID"),
	reflect.TypeFor[AddressID]():         idType(oncehub.PrefixAddress, "an address ID"),
	reflect.TypeFor[HostID]():            idType(oncehub.PrefixUser+"|"+oncehub.PrefixTeam, "a user or team ID"),
	reflect.TypeFor[RecipientID]():       idType(oncehub.PrefixContact+"|"+oncehub.PrefixUser, "a contact or user ID"),
	reflect.TypeFor[Cursor](): {
		schema: &jsonschema.Schema{Type: "string", Pattern: `^[A-Z]{2,6}-[A-Za-z0-9]{1,64}$`},
		want:   "a page cursor (an object ID such as BKNG-7G2K9QXW3P, from next_cursor or prev_cursor)",
	},

	reflect.TypeFor[When](): {
		schema: &jsonschema.Schema{Type: "string", Pattern: "^" + whenRE + "$",
			Description: "YYYY-MM-DD or ISO 8601 date-time; no offset: in time_zone"},
		want: "a date (2026-12-01) or an ISO 8601 date-time (2026-12-01T09:00, with or without an offset such as +05:30 or Z), years 1970-2099",
	},
	reflect.TypeFor[WindowEnd](): {
		schema: &jsonschema.Schema{Type: "string", Pattern: "^(" + whenRE + "|" + lengthPattern + ")$"},
		want:   "a date (2026-12-01, inclusive), an ISO 8601 date-time, or a length after start such as P6W, P14D or P1M",
	},
	reflect.TypeFor[DateTime](): {
		schema: &jsonschema.Schema{Type: "string", Format: "date-time"},
		want:   "an RFC 3339 date-time with offset, e.g. 2026-12-01T09:00:00+05:30 or 2026-12-01T03:30:00Z",
	},
	reflect.TypeFor[Date](): {
		schema: &jsonschema.Schema{Type: "string", Format: "date"},
		want:   "a date, YYYY-MM-DD (years 1970-2099)",
	},
	reflect.TypeFor[TimeZone](): {
		schema: &jsonschema.Schema{Type: "string", Pattern: timeZoneRE, MaxLength: jsonschema.Ptr(64), Description: "IANA name, e.g. Europe/Berlin"},
		want:   "an IANA time zone name such as Europe/Berlin, America/New_York or UTC (not an abbreviation such as EST, nor an offset)",
	},
	reflect.TypeFor[Clock](): {
		schema: &jsonschema.Schema{Type: "string", Pattern: "^" + quarterRE + "$"},
		want:   "a 24-hour time HH:MM on a quarter hour, e.g. 09:00 or 17:45",
	},
	reflect.TypeFor[ClockRange](): {
		schema: &jsonschema.Schema{Type: "string", Pattern: "^" + clockRE + "-(" + clockRE + "|24:00)$", Description: "HH:MM-HH:MM, 24-hour, in time_zone; the slot starts in it"},
		want:   "a local time range HH:MM-HH:MM, 24-hour, e.g. 09:00-12:00",
	},
	reflect.TypeFor[Weekday](): enumType("", oncehub.Weekdays()...),

	reflect.TypeFor[Limit]():      intType("page size", 1, oncehub.MaxPageSize, 10),
	reflect.TypeFor[MaxResults](): intType("collect this many over pages", 1, maxWalk, 0),
	reflect.TypeFor[MaxSlots]():   intType("", 1, maxMaxSlots, defaultMaxSlots),
	reflect.TypeFor[Employees]():  intType("number of employees", 0, 10_000_000, 0),

	reflect.TypeFor[Detail]():                   withDefault(enumType("full: whole objects", "compact", "full"), `"compact"`),
	reflect.TypeFor[BookingStatus]():            enumType("", oncehub.BookingStatuses()...),
	reflect.TypeFor[BookingExpand]():            enumType("", oncehub.BookingExpandable()...),
	reflect.TypeFor[SMSExpand]():                enumType("", oncehub.SMSExpandable()...),
	reflect.TypeFor[ContactStatus]():            enumType("", oncehub.ContactStatuses()...),
	reflect.TypeFor[Role]():                     enumType("", oncehub.AssignableRoles()...),
	reflect.TypeFor[VideoProvider]():            enumType("", oncehub.VideoProviders()...),
	reflect.TypeFor[LocationType]():             enumType("", oncehub.LocationTypes()...),
	reflect.TypeFor[AvailabilityLocationType](): enumType("", oncehub.AvailabilityLocationTypes()...),
	reflect.TypeFor[WebhookEvent]():             enumType("", oncehub.WebhookEvents()...),
	reflect.TypeFor[RecipientType]():            enumType("", oncehub.RecipientContact, oncehub.RecipientUser),

	reflect.TypeFor[Email](): {
		schema: &jsonschema.Schema{Type: "string", Format: "email", MaxLength: jsonschema.Ptr(maxEmailLen)},
		want:   "an email address, written plainly, e.g. carrie@example.com",
	},
	reflect.TypeFor[Phone](): {
		schema: &jsonschema.Schema{Type: "string", Pattern: phoneRE, Description: "E.164, e.g. +14155550123"},
		want:   "an E.164 phone number: + then the country code and number, digits only, e.g. +12025550195",
	},
	reflect.TypeFor[PersonName]():  textType("", maxNameLen, true),
	reflect.TypeFor[FullName]():    textType("", maxTextLen, true),
	reflect.TypeFor[Text]():        textType("", maxTextLen, false), // "" clears a contact's field
	reflect.TypeFor[Reason]():      textType("shown to the guest", maxReasonLen, false),
	reflect.TypeFor[Search]():      textType("", maxNameLen, true),
	reflect.TypeFor[WebhookName](): textType("unique in the account", maxNameLen, true),
	reflect.TypeFor[FieldName]():   textType("the field's mapped name", maxNameLen, true),
	reflect.TypeFor[HTTPSURL](): {
		schema: &jsonschema.Schema{Type: "string", Format: "uri", Pattern: "^https://", MaxLength: jsonschema.Ptr(maxURLLen)},
		want:   "an https:// URL",
	},
	reflect.TypeFor[MeetingURL](): {
		schema: &jsonschema.Schema{Type: "string", Format: "uri", Pattern: "^https?://", MaxLength: jsonschema.Ptr(maxURLLen)},
		want:   "the meeting room's http(s):// URL",
	},
	reflect.TypeFor[AvailabilityValue](): {
		schema: &jsonschema.Schema{Type: "string", Pattern: `^([a-z_]{1,32}|https?://\S+)$`, MaxLength: jsonschema.Ptr(maxURLLen)},
		want:   "a video provider such as zoom (online_dynamic_link) or the meeting room's http(s):// URL (online_static_link)",
	},
	reflect.TypeFor[RemoveFlag](): {schema: &jsonschema.Schema{Type: "boolean", Const: jsonschema.Ptr[any](true)}},
	reflect.TypeFor[LocationValue](): {
		schema: &jsonschema.Schema{Type: "string", Pattern: `^([a-z_]{1,32}|ADD-[A-Za-z0-9]{1,64}|\+[1-9]\d{7,14})$`},
		want:   "a location value: a video provider such as zoom, an address ID (ADD-…), or an E.164 phone number",
	},
	reflect.TypeFor[FormFields](): {schema: &jsonschema.Schema{
		Type: "object", MaxProperties: jsonschema.Ptr(50),
		Description: "other answers by mapped field name: a string, or strings for a multi-select",
		PropertyNames: &jsonschema.Schema{MinLength: jsonschema.Ptr(1), MaxLength: jsonschema.Ptr(maxNameLen),
			Not: &jsonschema.Schema{Enum: []any{"name", "email", "phone"}}},
		AdditionalProperties: &jsonschema.Schema{
			Types: []string{"string", "array"}, MaxLength: jsonschema.Ptr(maxValueLen),
			Items: &jsonschema.Schema{Type: "string", MaxLength: jsonschema.Ptr(maxValueLen)},
		},
	}},
	reflect.TypeFor[FieldValue](): {schema: &jsonschema.Schema{
		Types: []string{"string", "number", "boolean", "array", "object", "null"}, MaxLength: jsonschema.Ptr(maxValueLen),
	}},
}

func withDefault(a argType, def string) argType {
	a.schema.Default = json.RawMessage(def)
	return a
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// wantByPattern and wantByFormat say what a valid value looks like, for the
// pattern or format a value failed.
var wantByPattern, wantByFormat = func() (map[string]string, map[string]string) {
	p, f := map[string]string{}, map[string]string{}
	for _, a := range argTypes {
		if a.want == "" {
			continue
		}
		if a.schema.Pattern != "" {
			p[a.schema.Pattern] = a.want
		}
		if a.schema.Format != "" {
			f[a.schema.Format] = a.want
		}
	}
	return p, f
}()

// selfExplanatory lists argument names whose meaning the name (and the
// schema's type, pattern or format) carries: they need no description.
// Every other argument has one (TestEveryArgumentIsDescribed).
func selfExplanatory(name string) bool {
	if strings.HasSuffix(name, "_id") {
		return true // an ID, with its pattern
	}
	switch name {
	case "first_name", "last_name", "name", "email", "phone", "mobile_phone", "company", "job_title",
		"street_address", "city", "state", "post_code", "country", "url", "timezone",
		"source", "medium", "campaign", "term", "content", // utm
		"type", "value", "date", "day", "start_time", "end_time", "locations", "working_hours", "status", "role_name":
		return true
	}
	return false
}
