package oncehub

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/internal/clip"
)

// User roles.
const (
	RoleAccountOwner  = "Account Owner"
	RoleAdministrator = "Administrator"
	RoleMember        = "Member"
	RoleTeamManager   = "Team Manager"
)

// AssignableRoles lists the roles the API can give a user (never Account Owner).
func AssignableRoles() []string { return []string{RoleAdministrator, RoleMember, RoleTeamManager} }

// User is a member of the OnceHub account.
type User struct {
	Object    string   `json:"object,omitempty"`
	ID        string   `json:"id"`
	FirstName string   `json:"first_name,omitempty"`
	LastName  string   `json:"last_name,omitempty"`
	Email     string   `json:"email,omitempty"`
	Status    string   `json:"status,omitempty"`    // active | invited
	RoleName  string   `json:"role_name,omitempty"` // Account Owner | Administrator | Member | Team Manager
	Timezone  string   `json:"timezone,omitempty"`
	Teams     []string `json:"teams,omitempty"`
	Deleted   bool     `json:"deleted,omitempty"`
	Extra     Extra    `json:"-"`
}

// Name is the user's full name ("" when OnceHub gave none).
func (u User) Name() string {
	return strings.TrimSpace(u.FirstName + " " + u.LastName)
}

// UnmarshalJSON keeps unknown fields in Extra.
func (u *User) UnmarshalJSON(data []byte) error {
	type plain User
	return decodeObject(data, (*plain)(u), &u.Extra)
}

// MarshalJSON writes known and unknown fields.
func (u User) MarshalJSON() ([]byte, error) {
	type plain User
	return encodeObject(plain(u), u.Extra)
}

// UsersService handles the account's users (/users) and their scheduling
// availability.
type UsersService service

// UserListOptions narrows GET /users.
type UserListOptions struct {
	ListOptions
	Email string `url:"email,omitempty"` // exact address
}

// Validate checks the options without sending anything.
func (o UserListOptions) Validate() error {
	if err := o.ListOptions.Validate(); err != nil {
		return err
	}
	if o.Email != "" {
		return checkEmail("email", o.Email)
	}
	return nil
}

func userID(u User) string { return u.ID }

// List returns one page of users.
func (s *UsersService) List(ctx context.Context, opts *UserListOptions) ([]User, *Response, error) {
	o := orZero(opts)
	if err := o.Validate(); err != nil {
		return nil, nil, err
	}
	return s.list(ctx, o)
}

func (s *UsersService) list(ctx context.Context, o UserListOptions) ([]User, *Response, error) {
	return list(ctx, s.client, "/users", o, o.ListOptions, userID)
}

// ListAll walks the users matching opts (see Pager).
func (s *UsersService) ListAll(ctx context.Context, opts *UserListOptions) *Pager[User] {
	o := orZero(opts)
	return newPager(ctx, o.Validate(), o.ListOptions, func(ctx context.Context, page ListOptions) ([]User, *Response, error) {
		o.ListOptions = page
		return s.list(ctx, o)
	}, userID)
}

// Get fetches one user. A deleted user comes back with Deleted set.
func (s *UsersService) Get(ctx context.Context, id string) (User, *Response, error) {
	return get[User](ctx, s.client, "/users/{id}", PrefixUser, id)
}

// CreateUserRequest is the body of POST /users.
type CreateUserRequest struct {
	Email     string   `json:"email"`
	FirstName string   `json:"first_name"`
	LastName  string   `json:"last_name"`
	RoleName  string   `json:"role_name,omitempty"` // AssignableRoles; OnceHub's default is Member
	Teams     []string `json:"teams,omitempty"`     // TM-… IDs
}

// Validate checks the body without sending anything.
func (r CreateUserRequest) Validate() error {
	if err := checkEmail("email", r.Email); err != nil {
		return err
	}
	if err := checkName("first_name", r.FirstName); err != nil {
		return err
	}
	if err := checkName("last_name", r.LastName); err != nil {
		return err
	}
	if r.RoleName != "" {
		if err := checkRole(r.RoleName); err != nil {
			return err
		}
	}
	return checkTeams(r.Teams)
}

// Create adds a user to the account; OnceHub emails them an invitation and
// the new user's status is "invited". Never retried once sent.
func (s *UsersService) Create(ctx context.Context, body *CreateUserRequest) (User, *Response, error) {
	b := orZero(body)
	if err := b.Validate(); err != nil {
		return User{}, nil, err
	}
	var u User
	resp, err := s.client.do(ctx, request{method: "POST", route: "/users", body: b}, &u)
	return u, resp, err
}

// UpdateUserRequest is the body of PATCH /users/{id}. Nil fields are not
// sent, so they keep their current value.
type UpdateUserRequest struct {
	FirstName *string `json:"first_name,omitempty"`
	LastName  *string `json:"last_name,omitempty"`
	RoleName  *string `json:"role_name,omitempty"`
	// Teams replaces the user's team assignments; an empty list removes them all.
	Teams *[]string `json:"teams,omitempty"`
}

// Validate checks the body without sending anything.
func (r UpdateUserRequest) Validate() error {
	if r.FirstName == nil && r.LastName == nil && r.RoleName == nil && r.Teams == nil {
		return paramErr("", "nothing to update: give at least one of first_name, last_name, role_name, teams")
	}
	if r.FirstName != nil {
		if err := checkName("first_name", *r.FirstName); err != nil {
			return err
		}
	}
	if r.LastName != nil {
		if err := checkName("last_name", *r.LastName); err != nil {
			return err
		}
	}
	if r.RoleName != nil {
		if err := checkRole(*r.RoleName); err != nil {
			return err
		}
	}
	if r.Teams != nil {
		return checkTeams(*r.Teams)
	}
	return nil
}

// Update changes a user's name, role or teams.
func (s *UsersService) Update(ctx context.Context, id string, body *UpdateUserRequest) (User, *Response, error) {
	b := orZero(body)
	if err := checkID("id", PrefixUser, id); err != nil {
		return User{}, nil, err
	}
	if err := b.Validate(); err != nil {
		return User{}, nil, err
	}
	if b.Teams != nil && *b.Teams == nil {
		empty := []string{}
		b.Teams = &empty // send [], not null
	}
	var u User
	resp, err := s.client.do(ctx, request{method: "PATCH", route: "/users/{id}", id: id, body: b}, &u)
	return u, resp, err
}

// Delete removes a user from the account.
func (s *UsersService) Delete(ctx context.Context, id string) (DeletedObject, *Response, error) {
	return del(ctx, s.client, "/users/{id}", PrefixUser, id)
}

func checkRole(role string) error {
	if role == RoleAccountOwner {
		return paramErr("role_name", "the Account Owner role cannot be assigned through the API; use Administrator, Member or Team Manager")
	}
	if !slices.Contains(AssignableRoles(), role) {
		return paramErr("role_name", "%q is not a role; use one of %s (case-sensitive)", clip.Value(role), strings.Join(AssignableRoles(), ", "))
	}
	return nil
}

func checkTeams(teams []string) error {
	seen := map[string]bool{}
	for _, t := range teams {
		if err := checkID("teams", PrefixTeam, t); err != nil {
			return err
		}
		if seen[t] {
			return paramErr("teams", "%s is listed twice", t)
		}
		seen[t] = true
	}
	return nil
}

// Weekdays lists the day names OnceHub's schedules use (case-sensitive), Monday first.
func Weekdays() []string {
	return []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
}

// Location types of an availability slot.
const (
	AvailabilityInPerson    = "in_person_by_host"   // needs ID (ADD-…)
	AvailabilityDynamicLink = "online_dynamic_link" // Value: the provider, e.g. zoom
	AvailabilityStaticLink  = "online_static_link"  // needs Value: the meeting URL
	AvailabilityGuestPhone  = "phone_by_guest"
)

// AvailabilityLocationTypes lists every availability location type.
func AvailabilityLocationTypes() []string {
	return []string{AvailabilityInPerson, AvailabilityDynamicLink, AvailabilityStaticLink, AvailabilityGuestPhone}
}

// Schedule is a user's scheduling availability
// (GET /users/{id}/scheduling-availability). Times are wall-clock HH:MM in Timezone.
type Schedule struct {
	Object    string         `json:"object,omitempty"` // "schedule"
	Timezone  string         `json:"timezone,omitempty"`
	Weekly    []DayHours     `json:"weekly"`
	Overrides []DateOverride `json:"overrides"`
	Extra     Extra          `json:"-"`
}

// UnmarshalJSON keeps unknown fields in Extra.
func (s *Schedule) UnmarshalJSON(data []byte) error {
	type plain Schedule
	return decodeObject(data, (*plain)(s), &s.Extra)
}

// MarshalJSON writes known and unknown fields.
func (s Schedule) MarshalJSON() ([]byte, error) {
	type plain Schedule
	return encodeObject(plain(s), s.Extra)
}

// DayHours is one weekday's availability. An empty WorkingHours means
// unavailable all day.
type DayHours struct {
	Day          string             `json:"day"`
	WorkingHours []AvailabilitySpan `json:"working_hours"`
}

// DateOverride replaces the weekly hours on one date.
type DateOverride struct {
	Date         string             `json:"date"` // YYYY-MM-DD
	Day          string             `json:"day,omitempty"`
	WorkingHours []AvailabilitySpan `json:"working_hours"`
}

// AvailabilitySpan is one span of availability, HH:MM to HH:MM, with the meeting
// locations offered in it.
type AvailabilitySpan struct {
	StartTime string                 `json:"start_time"`
	EndTime   string                 `json:"end_time"`
	Locations []AvailabilityLocation `json:"locations"`
}

// AvailabilityLocation is where meetings in a slot take place.
type AvailabilityLocation struct {
	Type  string `json:"type"`            // AvailabilityLocationTypes
	Value string `json:"value,omitempty"` // static URL, or a dynamic link's provider
	ID    string `json:"id,omitempty"`    // ADD-… address, for in_person_by_host
}

// UpdateAvailabilityRequest is the body of PATCH /users/{id}/scheduling-availability.
// Each day in Weekly and each date in Overrides is replaced whole; days and
// dates not given keep their hours.
type UpdateAvailabilityRequest struct {
	Weekly    []DayHours       `json:"weekly,omitempty"`
	Overrides []OverrideUpdate `json:"overrides,omitempty"`
}

// OverrideUpdate sets (or, with Remove, deletes) the override of one date.
type OverrideUpdate struct {
	Date string `json:"date"` // YYYY-MM-DD, not in the past
	// WorkingHours for the date; empty means unavailable all day.
	WorkingHours []AvailabilitySpan `json:"-"`
	// Remove deletes the date's override (sent as working_hours: null).
	Remove bool `json:"-"`
}

// MarshalJSON writes working_hours as null to remove, [] for a day off.
func (o OverrideUpdate) MarshalJSON() ([]byte, error) {
	wire := struct {
		Date         string             `json:"date"`
		WorkingHours []AvailabilitySpan `json:"working_hours"`
	}{Date: o.Date}
	if !o.Remove {
		wire.WorkingHours = normalizeSlots(o.WorkingHours)
	}
	return json.Marshal(wire)
}

// Validate checks everything OnceHub checks that does not depend on the
// user's time zone or the current date, without sending anything.
func (u UpdateAvailabilityRequest) Validate() error {
	if len(u.Weekly) == 0 && len(u.Overrides) == 0 {
		return paramErr("", "nothing to update: give weekly days and/or overrides")
	}
	days := map[string]bool{}
	for i, d := range u.Weekly {
		arg := fmt.Sprintf("weekly[%d]", i)
		if !slices.Contains(Weekdays(), d.Day) {
			return paramErr(arg+".day", "%q is not a day; use one of %s (case-sensitive)", clip.Value(d.Day), strings.Join(Weekdays(), ", "))
		}
		if days[d.Day] {
			return paramErr(arg+".day", "%s is given twice; give each day once with all its working_hours", d.Day)
		}
		days[d.Day] = true
		if err := checkSlots(arg+".working_hours", d.WorkingHours); err != nil {
			return err
		}
	}
	dates := map[string]bool{}
	for i, o := range u.Overrides {
		arg := fmt.Sprintf("overrides[%d]", i)
		if _, err := time.Parse(time.DateOnly, o.Date); err != nil {
			return paramErr(arg+".date", "%q is not a date; use YYYY-MM-DD", clip.Value(o.Date))
		}
		if dates[o.Date] {
			return paramErr(arg+".date", "%s is given twice", o.Date)
		}
		dates[o.Date] = true
		if o.Remove && len(o.WorkingHours) > 0 {
			return paramErr(arg+".remove", "cannot be combined with working_hours: either remove the override or give its hours")
		}
		if err := checkSlots(arg+".working_hours", o.WorkingHours); err != nil {
			return err
		}
	}
	return nil
}

func minutesOf(arg, v string) (int, error) {
	h, mm, ok := parseHHMM(v)
	if !ok {
		return 0, paramErr(arg, "%q is not a time; use 24-hour HH:MM, e.g. 09:00 or 17:30", clip.Value(v))
	}
	if mm%15 != 0 {
		return 0, paramErr(arg, "%s is not on a quarter hour; minutes must be 00, 15, 30 or 45", v)
	}
	return h*60 + mm, nil
}

// hhmmRE is a 24-hour time "HH:MM" (00:00 to 23:59, two digits each).
var hhmmRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])$`) })

// parseHHMM reads a 24-hour time "HH:MM".
func parseHHMM(v string) (h, m int, ok bool) {
	sub := hhmmRE().FindStringSubmatch(v)
	if sub == nil {
		return 0, 0, false
	}
	h, _ = strconv.Atoi(sub[1])
	m, _ = strconv.Atoi(sub[2])
	return h, m, true
}

func checkSlots(arg string, slots []AvailabilitySpan) error {
	type span struct {
		from, to int
		i        int
	}
	spans := make([]span, 0, len(slots))
	for i, s := range slots {
		sa := fmt.Sprintf("%s[%d]", arg, i)
		from, err := minutesOf(sa+".start_time", s.StartTime)
		if err != nil {
			return err
		}
		to, err := minutesOf(sa+".end_time", s.EndTime)
		if err != nil {
			return err
		}
		if to <= from {
			return paramErr(sa+".end_time", "%s is not after start_time %s", s.EndTime, s.StartTime)
		}
		if err := checkLocations(sa+".locations", s.Locations); err != nil {
			return err
		}
		spans = append(spans, span{from, to, i})
	}
	slices.SortFunc(spans, func(a, b span) int { return a.from - b.from })
	for k := 1; k < len(spans); k++ {
		if spans[k].from < spans[k-1].to {
			a, b := slots[spans[k-1].i], slots[spans[k].i]
			return paramErr(arg, "%s-%s overlaps %s-%s; slots of one day must not overlap", a.StartTime, a.EndTime, b.StartTime, b.EndTime)
		}
	}
	return nil
}

func checkLocations(arg string, locs []AvailabilityLocation) error {
	seen := map[string]bool{}
	for i, l := range locs {
		la := fmt.Sprintf("%s[%d]", arg, i)
		switch l.Type {
		case AvailabilityInPerson:
			if err := checkID(la+".id", PrefixAddress, l.ID); err != nil {
				return err
			}
			if l.Value != "" {
				return paramErr(la+".value", "is not used for in_person_by_host; give the address ID in id")
			}
		case AvailabilityStaticLink:
			u, err := url.Parse(l.Value)
			if l.Value == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return paramErr(la+".value", "online_static_link needs the meeting's URL in value, e.g. https://meet.example.com/room")
			}
		case AvailabilityDynamicLink, AvailabilityGuestPhone:
			if l.Type == AvailabilityGuestPhone && l.Value != "" {
				return paramErr(la+".value", "is not used for phone_by_guest")
			}
		default:
			return paramErr(la+".type", "%q is not a location type; use one of %s", clip.Value(l.Type), strings.Join(AvailabilityLocationTypes(), ", "))
		}
		if l.ID != "" && l.Type != AvailabilityInPerson {
			return paramErr(la+".id", "is only used for in_person_by_host")
		}
		if seen[l.Type] {
			return paramErr(la+".type", "%s is given twice in one slot", l.Type)
		}
		seen[l.Type] = true
	}
	if seen[AvailabilityDynamicLink] && seen[AvailabilityStaticLink] {
		return paramErr(arg, "a slot can offer online_dynamic_link or online_static_link, not both")
	}
	return nil
}

// normalizeSlots returns slots with nil lists made empty (OnceHub requires
// working_hours and locations to be arrays, never null).
func normalizeSlots(slots []AvailabilitySpan) []AvailabilitySpan {
	out := make([]AvailabilitySpan, len(slots))
	for i, s := range slots {
		if s.Locations == nil {
			s.Locations = []AvailabilityLocation{}
		}
		out[i] = s
	}
	return out
}

func (u UpdateAvailabilityRequest) normalized() UpdateAvailabilityRequest {
	out := UpdateAvailabilityRequest{Overrides: u.Overrides}
	for _, d := range u.Weekly {
		out.Weekly = append(out.Weekly, DayHours{Day: d.Day, WorkingHours: normalizeSlots(d.WorkingHours)})
	}
	return out
}

// GetAvailability fetches a user's weekly hours and date overrides.
func (s *UsersService) GetAvailability(ctx context.Context, id string) (Schedule, *Response, error) {
	return get[Schedule](ctx, s.client, "/users/{id}/scheduling-availability", PrefixUser, id)
}

// UpdateAvailability replaces the given days and dates of a user's
// availability and returns the resulting schedule. OnceHub documents no
// response body for this call: when it sends none (or not a schedule), the
// schedule is fetched again; the *Response is the update's either way.
func (s *UsersService) UpdateAvailability(ctx context.Context, id string, body *UpdateAvailabilityRequest) (Schedule, *Response, error) {
	b := orZero(body)
	if err := checkID("id", PrefixUser, id); err != nil {
		return Schedule{}, nil, err
	}
	if err := b.Validate(); err != nil {
		return Schedule{}, nil, err
	}
	var raw json.RawMessage
	resp, err := s.client.do(ctx, request{method: "PATCH", route: "/users/{id}/scheduling-availability", id: id, body: b.normalized(), emptyOK: true}, &raw)
	if err != nil {
		return Schedule{}, resp, err
	}
	var sched Schedule
	if len(raw) > 0 && string(raw) != "null" && json.Unmarshal(raw, &sched) == nil && sched.Weekly != nil {
		return sched, resp, nil
	}
	// No body, or not a schedule (e.g. {} or a bare acknowledgement): read it back.
	sched, _, err = s.GetAvailability(ctx, id)
	return sched, resp, err
}
