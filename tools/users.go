package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listUsersArgs struct {
	pageArgs
	Email string `json:"email,omitempty" jsonschema:"exact email"`
}

func (a *listUsersArgs) validate() error { return a.pageArgs.validate() }

type userIDArgs struct {
	UserID string `json:"user_id"`
}

type createUserArgs struct {
	Email     string   `json:"email"`
	FirstName string   `json:"first_name"`
	LastName  string   `json:"last_name"`
	RoleName  string   `json:"role_name,omitempty" jsonschema:"Administrator, Member (default) or Team Manager."`
	Teams     []string `json:"teams,omitempty" jsonschema:"TM-… IDs"`
}

func (a createUserArgs) request() *oncehub.CreateUserRequest {
	return &oncehub.CreateUserRequest{Email: a.Email, FirstName: a.FirstName, LastName: a.LastName, RoleName: a.RoleName, Teams: a.Teams}
}

type updateUserArgs struct {
	UserID    string    `json:"user_id"`
	FirstName *string   `json:"first_name,omitempty"`
	LastName  *string   `json:"last_name,omitempty"`
	RoleName  *string   `json:"role_name,omitempty" jsonschema:"Administrator, Member or Team Manager."`
	Teams     *[]string `json:"teams,omitempty" jsonschema:"TM-… IDs; replaces all ([] = none)"`
}

func (a updateUserArgs) request() *oncehub.UpdateUserRequest {
	return &oncehub.UpdateUserRequest{FirstName: a.FirstName, LastName: a.LastName, RoleName: a.RoleName, Teams: a.Teams}
}

// userSummary is the one line that identifies a user to a person.
func userSummary(u oncehub.User) string {
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if name == "" {
		name = "(no name)"
	}
	s := fmt.Sprintf("%s <%s>", name, u.Email)
	if u.RoleName != "" {
		s += ", " + u.RoleName
	}
	return s + " (" + u.ID + ")"
}

// --- scheduling availability ---

type slotLocationArg struct {
	Type  string `json:"type"`
	Value string `json:"value,omitempty"`
	ID    string `json:"id,omitempty"`
}

type timeSlotArg struct {
	StartTime string            `json:"start_time"`
	EndTime   string            `json:"end_time"`
	Locations []slotLocationArg `json:"locations,omitempty"`
}

type weekdayArg struct {
	Day          string        `json:"day" jsonschema:"Monday…Sunday"`
	WorkingHours []timeSlotArg `json:"working_hours" jsonschema:"[] = unavailable"`
}

type overrideArg struct {
	Date         string         `json:"date"`
	WorkingHours *[]timeSlotArg `json:"working_hours,omitempty" jsonschema:"[] = unavailable"`
	Remove       bool           `json:"remove,omitempty"`
}

// The nested argument objects are decoded strictly: a misspelled field must
// not silently become an empty list (which would clear hours or locations).

func (l *slotLocationArg) UnmarshalJSON(data []byte) error {
	type plain slotLocationArg
	return strictDecode(data, (*plain)(l), "location", "type")
}

func (s *timeSlotArg) UnmarshalJSON(data []byte) error {
	type plain timeSlotArg
	return strictDecode(data, (*plain)(s), "working_hours item", "start_time", "end_time")
}

func (d *weekdayArg) UnmarshalJSON(data []byte) error {
	type plain weekdayArg
	return strictDecode(data, (*plain)(d), "weekly item", "day", "working_hours")
}

func (o *overrideArg) UnmarshalJSON(data []byte) error {
	type plain overrideArg
	return strictDecode(data, (*plain)(o), "overrides item", "date")
}

// strictDecode decodes a JSON object into v refusing unknown fields, and
// requires the named fields to be present and not null.
func strictDecode(data []byte, v any, what string, required ...string) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil || fields == nil {
		return fmt.Errorf("each %s must be an object", what)
	}
	known := argInfoFor(reflect.TypeOf(v).Elem()).names
	for k := range fields {
		if !slices.Contains(known, k) {
			return fmt.Errorf("%s: unknown field %q; valid fields: %s", what, k, strings.Join(known, ", "))
		}
	}
	for _, k := range required {
		if raw, ok := fields[k]; !ok || string(raw) == "null" {
			return fmt.Errorf("%s: %s is required", what, k)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

type updateAvailabilityArgs struct {
	UserID    string        `json:"user_id"`
	Weekly    []weekdayArg  `json:"weekly,omitempty"`
	Overrides []overrideArg `json:"overrides,omitempty"`
}

func slotsOf(in []timeSlotArg) []oncehub.AvailabilitySpan {
	out := make([]oncehub.AvailabilitySpan, len(in))
	for i, s := range in {
		locs := make([]oncehub.AvailabilityLocation, len(s.Locations))
		for j, l := range s.Locations {
			locs[j] = oncehub.AvailabilityLocation(l)
		}
		out[i] = oncehub.AvailabilitySpan{StartTime: s.StartTime, EndTime: s.EndTime, Locations: locs}
	}
	return out
}

func (a updateAvailabilityArgs) request() *oncehub.UpdateAvailabilityRequest {
	u := &oncehub.UpdateAvailabilityRequest{}
	for _, d := range a.Weekly {
		u.Weekly = append(u.Weekly, oncehub.DayHours{Day: d.Day, WorkingHours: slotsOf(d.WorkingHours)})
	}
	for _, o := range a.Overrides {
		ou := oncehub.OverrideUpdate{Date: o.Date, Remove: o.Remove}
		if o.WorkingHours != nil {
			ou.WorkingHours = slotsOf(*o.WorkingHours)
		}
		u.Overrides = append(u.Overrides, ou)
	}
	return u
}

// validate checks what the tool's arguments can say and OnceHub's body
// cannot: an override given both hours and remove, or neither.
func (a *updateAvailabilityArgs) validate() error {
	for i, o := range a.Overrides {
		arg := fmt.Sprintf("overrides[%d]", i)
		switch {
		case o.Remove && o.WorkingHours != nil:
			return argErrorf(arg+".remove", "cannot be combined with working_hours: either remove the override or give its hours")
		case !o.Remove && o.WorkingHours == nil:
			return argErrorf(arg+".working_hours", "is required: give the date's hours, [] for unavailable all day, or remove: true to delete the override")
		}
	}
	return nil
}

// scheduleView is the compact form of a user's availability: the same shape
// update_user_availability takes, plus the days with no hours.
type scheduleView struct {
	UserID          string                 `json:"user_id"`
	Timezone        string                 `json:"timezone"`
	Weekly          []oncehub.DayHours     `json:"weekly"`
	Overrides       []oncehub.DateOverride `json:"overrides"`
	UnavailableDays []string               `json:"unavailable_days,omitempty"`
}

func viewSchedule(userID string, s oncehub.Schedule) scheduleView {
	v := scheduleView{UserID: userID, Timezone: s.Timezone, Weekly: s.Weekly, Overrides: s.Overrides}
	if v.Weekly == nil {
		v.Weekly = []oncehub.DayHours{}
	}
	if v.Overrides == nil {
		v.Overrides = []oncehub.DateOverride{}
	}
	for _, day := range oncehub.Weekdays() {
		i := slices.IndexFunc(s.Weekly, func(d oncehub.DayHours) bool { return d.Day == day })
		if i < 0 || len(s.Weekly[i].WorkingHours) == 0 {
			v.UnavailableDays = append(v.UnavailableDays, day)
		}
	}
	return v
}

func userTools(d Deps) []Tool {
	return []Tool{
		define[listUsersArgs](spec{
			name: "list_users", toolset: toolsetUsers, effect: read,
			desc: "Users: id, name, email, role_name, status (active or invited), timezone, teams. Filter by email to find one person.",
		}, func(ctx context.Context, a listUsersArgs) (any, error) {
			opts := &oncehub.UserListOptions{ListOptions: a.pageArgs.options(), Email: a.Email}
			return listPage(ctx, a.pageArgs, d.Client.Users, opts, identity[oncehub.User])
		}),
		define[userIDArgs](spec{
			name: "get_user", toolset: toolsetUsers, effect: read,
			desc: "One user: name, email, role_name, status, timezone, teams.",
		}, func(ctx context.Context, a userIDArgs) (any, error) {
			u, _, err := d.Client.Users.Get(ctx, a.UserID)
			return u, err
		}),
		defineWrite[createUserArgs](spec{
			name: "create_user", toolset: toolsetUsers, effect: create,
			desc: "Invite a user to the account (status: invited); team IDs come from list_teams.",
		}, func(ctx context.Context, a createUserArgs) (any, *oncehub.Response, error) {
			return d.Client.Users.Create(ctx, a.request())
		}),
		defineWrite[updateUserArgs](spec{
			name: "update_user", toolset: toolsetUsers, effect: update,
			desc: "Change a user's first_name, last_name, role_name or teams (replaces all); omitted fields are kept. Not the " +
				"Account Owner.",
		}, func(ctx context.Context, a updateUserArgs) (any, *oncehub.Response, error) {
			return d.Client.Users.Update(ctx, a.UserID, a.request())
		}),
		defineDestructive[userIDArgs](d, spec{
			name: "delete_user", toolset: toolsetUsers, effect: destroyIdempotent,
			desc: "Remove a user from the OnceHub account; cannot be undone.",
		}, func(ctx context.Context, a userIDArgs) (string, error) {
			u, _, err := d.Client.Users.Get(ctx, a.UserID)
			if err != nil {
				return "", err
			}
			if u.Deleted {
				return "", fmt.Errorf("user %s is already deleted; nothing to do", a.UserID)
			}
			return "Delete user " + userSummary(u) + " from the OnceHub account", nil
		}, func(ctx context.Context, a userIDArgs) (any, *oncehub.Response, error) {
			return d.Client.Users.Delete(ctx, a.UserID)
		}),
		define[userIDArgs](spec{
			name: "get_user_availability", toolset: toolsetUsers, effect: read,
			desc: "A user's working hours in their timezone (HH:MM): weekly working_hours with locations, date overrides, " +
				"unavailable_days; the shape update_user_availability takes.",
		}, func(ctx context.Context, a userIDArgs) (any, error) {
			s, _, err := d.Client.Users.GetAvailability(ctx, a.UserID)
			if err != nil {
				return nil, err
			}
			return viewSchedule(a.UserID, s), nil
		}),
		defineWrite[updateAvailabilityArgs](spec{
			name: "update_user_availability", toolset: toolsetUsers, effect: update,
			desc: "Replace a user's working hours for the weekly days and date overrides given; others are kept. Times are HH:MM " +
				"in the user's timezone, quarter hours; working_hours [] = unavailable; remove: true deletes an override. " +
				"Location types: online_dynamic_link (value: e.g. zoom), online_static_link (value: URL), in_person_by_host " +
				"(id: ADD-…), phone_by_guest.",
		}, func(ctx context.Context, a updateAvailabilityArgs) (any, *oncehub.Response, error) {
			s, resp, err := d.Client.Users.UpdateAvailability(ctx, a.UserID, a.request())
			if err != nil {
				return nil, resp, err
			}
			return viewSchedule(a.UserID, s), resp, nil
		}),
	}
}
