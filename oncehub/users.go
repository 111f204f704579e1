package oncehub

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"
)

// User roles.
const (
	RoleAccountOwner  = "Account Owner"
	RoleAdministrator = "Administrator"
	RoleMember        = "Member"
	RoleTeamManager   = "Team Manager"
)

// AssignableRoles are the roles the API can give a user (never Account Owner).
var AssignableRoles = []string{RoleAdministrator, RoleMember, RoleTeamManager}

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

// UserFilter narrows GET /users.
type UserFilter struct {
	ListParams
	Email string
}

// Validate checks the filter without sending anything.
func (f UserFilter) Validate() error {
	if err := f.ListParams.Validate(); err != nil {
		return err
	}
	if f.Email != "" {
		return checkEmail("email", f.Email)
	}
	return nil
}

// ListUsers returns one page of users.
func (c *Client) ListUsers(ctx context.Context, f UserFilter) (Page[User], error) {
	if err := f.Validate(); err != nil {
		return Page[User]{}, err
	}
	q := url.Values{}
	setIf(q, "email", f.Email)
	return list(ctx, c, "/users", "/users", q, f.ListParams, func(u User) string { return u.ID })
}

// GetUser fetches one user. A deleted user comes back with Deleted set.
func (c *Client) GetUser(ctx context.Context, id string) (User, error) {
	return get[User](ctx, c, "/users", "user_id", PrefixUser, id, nil)
}

// CreateUserParams is the body of POST /users.
type CreateUserParams struct {
	Email     string   `json:"email"`
	FirstName string   `json:"first_name"`
	LastName  string   `json:"last_name"`
	RoleName  string   `json:"role_name,omitempty"` // AssignableRoles; OnceHub's default is Member
	Teams     []string `json:"teams,omitempty"`     // TM-… IDs
}

// Validate checks the body without sending anything.
func (p CreateUserParams) Validate() error {
	if err := checkEmail("email", p.Email); err != nil {
		return err
	}
	if err := checkName("first_name", p.FirstName); err != nil {
		return err
	}
	if err := checkName("last_name", p.LastName); err != nil {
		return err
	}
	if p.RoleName != "" {
		if err := checkRole(p.RoleName); err != nil {
			return err
		}
	}
	return checkTeams(p.Teams)
}

// CreateUser adds a user to the account; OnceHub emails them an invitation and
// the new user's status is "invited". Never retried once sent.
func (c *Client) CreateUser(ctx context.Context, p CreateUserParams) (User, error) {
	if err := p.Validate(); err != nil {
		return User{}, err
	}
	var u User
	_, err := c.do(ctx, request{method: "POST", path: "/users", route: "/users", body: p}, &u)
	return u, err
}

// UpdateUserParams is the body of PATCH /users/{id}. Nil fields are not sent,
// so they keep their current value.
type UpdateUserParams struct {
	FirstName *string `json:"first_name,omitempty"`
	LastName  *string `json:"last_name,omitempty"`
	RoleName  *string `json:"role_name,omitempty"`
	// Teams replaces the user's team assignments; an empty list removes them all.
	Teams *[]string `json:"teams,omitempty"`
}

// Validate checks the body without sending anything.
func (p UpdateUserParams) Validate() error {
	if p.FirstName == nil && p.LastName == nil && p.RoleName == nil && p.Teams == nil {
		return &ArgError{Arg: "first_name", Msg: "nothing to update: give at least one of first_name, last_name, role_name, teams"}
	}
	if p.FirstName != nil {
		if err := checkName("first_name", *p.FirstName); err != nil {
			return err
		}
	}
	if p.LastName != nil {
		if err := checkName("last_name", *p.LastName); err != nil {
			return err
		}
	}
	if p.RoleName != nil {
		if err := checkRole(*p.RoleName); err != nil {
			return err
		}
	}
	if p.Teams != nil {
		return checkTeams(*p.Teams)
	}
	return nil
}

// UpdateUser changes a user's name, role or teams.
func (c *Client) UpdateUser(ctx context.Context, id string, p UpdateUserParams) (User, error) {
	path, err := idPath("/users", "user_id", PrefixUser, id)
	if err != nil {
		return User{}, err
	}
	if err := p.Validate(); err != nil {
		return User{}, err
	}
	if p.Teams != nil && *p.Teams == nil {
		empty := []string{}
		p.Teams = &empty // send [], not null
	}
	var u User
	_, err = c.do(ctx, request{method: "PATCH", path: path, route: "/users/{id}", body: p}, &u)
	return u, err
}

// DeleteUser removes a user from the account.
func (c *Client) DeleteUser(ctx context.Context, id string) (DeletedObject, error) {
	path, err := idPath("/users", "user_id", PrefixUser, id)
	if err != nil {
		return DeletedObject{}, err
	}
	var d DeletedObject
	_, err = c.do(ctx, request{method: "DELETE", path: path, route: "/users/{id}"}, &d)
	return d, err
}

func checkEmail(arg, email string) error {
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" {
		return &ArgError{Arg: arg, Msg: fmt.Sprintf("%q is not an email address; give a bare address such as ana@example.com", clip(email))}
	}
	return nil
}

func checkName(arg, name string) error {
	if strings.TrimSpace(name) == "" {
		return &ArgError{Arg: arg, Msg: "must not be empty"}
	}
	return nil
}

func checkRole(role string) error {
	if role == RoleAccountOwner {
		return &ArgError{Arg: "role_name", Msg: "the Account Owner role cannot be assigned through the API; use Administrator, Member or Team Manager"}
	}
	if !slices.Contains(AssignableRoles, role) {
		return &ArgError{Arg: "role_name", Msg: fmt.Sprintf("%q is not a role; use one of %s (case-sensitive)", clip(role), strings.Join(AssignableRoles, ", "))}
	}
	return nil
}

func checkTeams(teams []string) error {
	seen := map[string]bool{}
	for _, t := range teams {
		if err := CheckID("teams", PrefixTeam, t); err != nil {
			return err
		}
		if seen[t] {
			return &ArgError{Arg: "teams", Msg: fmt.Sprintf("%s is listed twice", t)}
		}
		seen[t] = true
	}
	return nil
}

// Weekdays are the day names OnceHub's schedules use (case-sensitive).
var Weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

// Location types of an availability slot.
const (
	AvailabilityInPerson    = "in_person_by_host"   // needs ID (ADD-…)
	AvailabilityDynamicLink = "online_dynamic_link" // Value: the provider, e.g. zoom
	AvailabilityStaticLink  = "online_static_link"  // needs Value: the meeting URL
	AvailabilityGuestPhone  = "phone_by_guest"
)

// AvailabilityLocationTypes lists every availability location type.
var AvailabilityLocationTypes = []string{AvailabilityInPerson, AvailabilityDynamicLink, AvailabilityStaticLink, AvailabilityGuestPhone}

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

// AvailabilityUpdate is the body of PATCH /users/{id}/scheduling-availability.
// Each day in Weekly and each date in Overrides is replaced whole; days and
// dates not given keep their hours.
type AvailabilityUpdate struct {
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
func (u AvailabilityUpdate) Validate() error {
	if len(u.Weekly) == 0 && len(u.Overrides) == 0 {
		return &ArgError{Arg: "weekly", Msg: "nothing to update: give weekly days and/or overrides"}
	}
	days := map[string]bool{}
	for i, d := range u.Weekly {
		arg := fmt.Sprintf("weekly[%d]", i)
		if !slices.Contains(Weekdays, d.Day) {
			return &ArgError{Arg: arg + ".day", Msg: fmt.Sprintf("%q is not a day; use one of %s (case-sensitive)", clip(d.Day), strings.Join(Weekdays, ", "))}
		}
		if days[d.Day] {
			return &ArgError{Arg: arg + ".day", Msg: fmt.Sprintf("%s is given twice; give each day once with all its working_hours", d.Day)}
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
			return &ArgError{Arg: arg + ".date", Msg: fmt.Sprintf("%q is not a date; use YYYY-MM-DD", clip(o.Date))}
		}
		if dates[o.Date] {
			return &ArgError{Arg: arg + ".date", Msg: fmt.Sprintf("%s is given twice", o.Date)}
		}
		dates[o.Date] = true
		if o.Remove && len(o.WorkingHours) > 0 {
			return &ArgError{Arg: arg + ".remove", Msg: "cannot be combined with working_hours: either remove the override or give its hours"}
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
		return 0, &ArgError{Arg: arg, Msg: fmt.Sprintf("%q is not a time; use 24-hour HH:MM, e.g. 09:00 or 17:30", clip(v))}
	}
	if mm%15 != 0 {
		return 0, &ArgError{Arg: arg, Msg: fmt.Sprintf("%s is not on a quarter hour; minutes must be 00, 15, 30 or 45", v)}
	}
	return h*60 + mm, nil
}

// parseHHMM reads a 24-hour time "HH:MM" (00:00 to 23:59, two digits each).
func parseHHMM(v string) (h, m int, ok bool) {
	if len(v) != 5 || v[2] != ':' {
		return 0, 0, false
	}
	for _, i := range [4]int{0, 1, 3, 4} {
		if v[i] < '0' || v[i] > '9' {
			return 0, 0, false
		}
	}
	h, m = int(v[0]-'0')*10+int(v[1]-'0'), int(v[3]-'0')*10+int(v[4]-'0')
	return h, m, h < 24 && m < 60
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
			return &ArgError{Arg: sa + ".end_time", Msg: fmt.Sprintf("%s is not after start_time %s", s.EndTime, s.StartTime)}
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
			return &ArgError{Arg: arg, Msg: fmt.Sprintf("%s-%s overlaps %s-%s; slots of one day must not overlap", a.StartTime, a.EndTime, b.StartTime, b.EndTime)}
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
			if err := CheckID(la+".id", PrefixAddress, l.ID); err != nil {
				return err
			}
			if l.Value != "" {
				return &ArgError{Arg: la + ".value", Msg: "is not used for in_person_by_host; give the address ID in id"}
			}
		case AvailabilityStaticLink:
			u, err := url.Parse(l.Value)
			if l.Value == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return &ArgError{Arg: la + ".value", Msg: "online_static_link needs the meeting's URL in value, e.g. https://meet.example.com/room"}
			}
		case AvailabilityDynamicLink, AvailabilityGuestPhone:
			if l.Type == AvailabilityGuestPhone && l.Value != "" {
				return &ArgError{Arg: la + ".value", Msg: "is not used for phone_by_guest"}
			}
		default:
			return &ArgError{Arg: la + ".type", Msg: fmt.Sprintf("%q is not a location type; use one of %s", clip(l.Type), strings.Join(AvailabilityLocationTypes, ", "))}
		}
		if l.ID != "" && l.Type != AvailabilityInPerson {
			return &ArgError{Arg: la + ".id", Msg: "is only used for in_person_by_host"}
		}
		if seen[l.Type] {
			return &ArgError{Arg: la + ".type", Msg: fmt.Sprintf("%s is given twice in one slot", l.Type)}
		}
		seen[l.Type] = true
	}
	if seen[AvailabilityDynamicLink] && seen[AvailabilityStaticLink] {
		return &ArgError{Arg: arg, Msg: "a slot can offer online_dynamic_link or online_static_link, not both"}
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

func (u AvailabilityUpdate) normalized() AvailabilityUpdate {
	out := AvailabilityUpdate{Overrides: u.Overrides}
	for _, d := range u.Weekly {
		out.Weekly = append(out.Weekly, DayHours{Day: d.Day, WorkingHours: normalizeSlots(d.WorkingHours)})
	}
	return out
}

// GetUserAvailability fetches a user's weekly hours and date overrides.
func (c *Client) GetUserAvailability(ctx context.Context, id string) (Schedule, error) {
	path, err := idPath("/users", "user_id", PrefixUser, id, "scheduling-availability")
	if err != nil {
		return Schedule{}, err
	}
	var s Schedule
	_, err = c.do(ctx, request{method: "GET", path: path, route: "/users/{id}/scheduling-availability"}, &s)
	return s, err
}

// UpdateUserAvailability replaces the given days and dates of a user's
// availability and returns the resulting schedule. OnceHub documents no
// response body for this call: when it sends none (or null), the schedule is
// fetched again.
func (c *Client) UpdateUserAvailability(ctx context.Context, id string, u AvailabilityUpdate) (Schedule, error) {
	path, err := idPath("/users", "user_id", PrefixUser, id, "scheduling-availability")
	if err != nil {
		return Schedule{}, err
	}
	if err := u.Validate(); err != nil {
		return Schedule{}, err
	}
	var raw json.RawMessage
	_, err = c.do(ctx, request{method: "PATCH", path: path, route: "/users/{id}/scheduling-availability", body: u.normalized(), emptyOK: true}, &raw)
	if err != nil {
		return Schedule{}, err
	}
	if len(raw) == 0 || string(raw) == "null" {
		return c.GetUserAvailability(ctx, id)
	}
	var s Schedule
	if err := json.Unmarshal(raw, &s); err != nil || s.Weekly == nil {
		// Not a schedule (e.g. {} or a bare acknowledgement): read it back.
		return c.GetUserAvailability(ctx, id)
	}
	return s, nil
}
