package tools

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listUsersArgs struct {
	pageArgs
	Email Email  `json:"email,omitempty" jsonschema:"exactly this address"`
	Team  TeamID `json:"team,omitempty" jsonschema:"members of this team (matched here, over all users)"`
	Name  Search `json:"name,omitempty" jsonschema:"part of the first name, last name or email, any case (matched here, over all users)"`
}

func (listUsersArgs) rules() []*jsonschema.Schema {
	return append(pageArgs{}.rules(), exclusive("team", "before"), exclusive("name", "before"))
}

type userIDArgs struct {
	UserID UserID `json:"user_id"`
}

type createUserArgs struct {
	Email     Email      `json:"email"`
	FirstName PersonName `json:"first_name"`
	LastName  PersonName `json:"last_name"`
	RoleName  Role       `json:"role_name,omitempty" default:"\"Member\""`
	Teams     []TeamID   `json:"teams,omitempty" jsonschema:"team IDs (list_teams)" unique:"true"`
}

func (a createUserArgs) request() *oncehub.CreateUserRequest {
	return &oncehub.CreateUserRequest{Email: string(a.Email), FirstName: string(a.FirstName), LastName: string(a.LastName),
		RoleName: string(a.RoleName), Teams: ids(a.Teams)}
}

type updateUserArgs struct {
	UserID    UserID      `json:"user_id"`
	FirstName *PersonName `json:"first_name,omitempty"`
	LastName  *PersonName `json:"last_name,omitempty"`
	RoleName  *Role       `json:"role_name,omitempty"`
	Teams     *[]TeamID   `json:"teams,omitempty" jsonschema:"team IDs; replaces all of the user's teams ([] = none)" unique:"true"`
}

// rules: something to change.
func (updateUserArgs) rules() []*jsonschema.Schema {
	return []*jsonschema.Schema{anyOfRequired("first_name", "last_name", "role_name", "teams")}
}

func (a updateUserArgs) request() *oncehub.UpdateUserRequest {
	r := &oncehub.UpdateUserRequest{FirstName: (*string)(a.FirstName), LastName: (*string)(a.LastName), RoleName: (*string)(a.RoleName)}
	if a.Teams != nil {
		t := ids(*a.Teams)
		r.Teams = &t
	}
	return r
}

// ids converts typed IDs to OnceHub's strings (never nil).
func ids[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
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

// RemoveFlag is an override's remove: true (only true means anything).
type RemoveFlag bool

type slotLocationArg struct {
	Type  AvailabilityLocationType `json:"type"`
	Value AvailabilityValue        `json:"value,omitempty" jsonschema:"online_static_link: the room's URL; online_dynamic_link: the provider, e.g. zoom"`
	ID    AddressID                `json:"id,omitempty" jsonschema:"in_person_by_host: the address ID"`
}

type timeSlotArg struct {
	StartTime Clock             `json:"start_time"`
	EndTime   Clock             `json:"end_time"`
	Locations []slotLocationArg `json:"locations,omitempty"`
}

type weekdayArg struct {
	Day          Weekday       `json:"day"`
	WorkingHours []timeSlotArg `json:"working_hours" jsonschema:"[] = unavailable all day"`
}

type overrideArg struct {
	Date         Date           `json:"date"`
	WorkingHours *[]timeSlotArg `json:"working_hours,omitempty" jsonschema:"the date's hours; [] = unavailable all day"`
	Remove       RemoveFlag     `json:"remove,omitempty" jsonschema:"true: delete the date's override"`
}

// rules: an override gives its hours or is removed.
func (overrideArg) rules() []*jsonschema.Schema {
	return []*jsonschema.Schema{exactlyOne("working_hours", "remove")}
}

type updateAvailabilityArgs struct {
	UserID    UserID        `json:"user_id"`
	Weekly    []weekdayArg  `json:"weekly,omitempty" jsonschema:"days to replace; other days keep their hours" minItems:"1"`
	Overrides []overrideArg `json:"overrides,omitempty" jsonschema:"dates to set or remove; other dates are kept" minItems:"1"`
}

// rules: something to change.
func (updateAvailabilityArgs) rules() []*jsonschema.Schema {
	return []*jsonschema.Schema{anyOfRequired("weekly", "overrides")}
}

func slotsOf(in []timeSlotArg) []oncehub.AvailabilitySpan {
	out := make([]oncehub.AvailabilitySpan, len(in))
	for i, s := range in {
		locs := make([]oncehub.AvailabilityLocation, len(s.Locations))
		for j, l := range s.Locations {
			locs[j] = oncehub.AvailabilityLocation{Type: string(l.Type), Value: string(l.Value), ID: string(l.ID)}
		}
		out[i] = oncehub.AvailabilitySpan{StartTime: string(s.StartTime), EndTime: string(s.EndTime), Locations: locs}
	}
	return out
}

func (a updateAvailabilityArgs) request() *oncehub.UpdateAvailabilityRequest {
	u := &oncehub.UpdateAvailabilityRequest{}
	for _, d := range a.Weekly {
		u.Weekly = append(u.Weekly, oncehub.DayHours{Day: string(d.Day), WorkingHours: slotsOf(d.WorkingHours)})
	}
	for _, o := range a.Overrides {
		ou := oncehub.OverrideUpdate{Date: string(o.Date), Remove: bool(o.Remove)}
		if o.WorkingHours != nil {
			ou.WorkingHours = slotsOf(*o.WorkingHours)
		}
		u.Overrides = append(u.Overrides, ou)
	}
	return u
}

// validate checks the request as the client will, before the user is asked
// to confirm it (hours on quarter hours, in order, not overlapping).
func (a *updateAvailabilityArgs) validate() error {
	for i, o := range a.Overrides {
		if _, _, err := parseWhen(fmt.Sprintf("overrides[%d].date", i), string(o.Date), nil); err != nil {
			return err
		}
	}
	return (&argNames{}).name(a.request().Validate())
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
		define(spec{
			name: "list_users", toolset: toolsetUsers, effect: read,
			desc: "Users: id, name, email, role_name, status (active or invited), timezone, teams. Filter by email, team or name. " +
				"For the person using this, call get_me.",
		}, func(ctx context.Context, a listUsersArgs) (listResult[oncehub.User], error) {
			opts := &oncehub.UserListOptions{ListOptions: a.pageArgs.options(), Email: string(a.Email)}
			if a.Team != "" || a.Name != "" {
				return listMatching(ctx, a.pageArgs, d.Client.Users, opts, func(u oncehub.User) bool {
					return (a.Team == "" || slices.Contains(u.Teams, string(a.Team))) &&
						(a.Name == "" || contains(a.Name, u.FirstName+" "+u.LastName, u.Email))
				}, func(u oncehub.User) string { return u.ID }, identity[oncehub.User])
			}
			return listPage(ctx, a.pageArgs, d.Client.Users, opts, nil, identity[oncehub.User])
		}),
		define(spec{
			name: "get_user", toolset: toolsetUsers, effect: read,
			desc: "One user: name, email, role_name, status, timezone, teams.",
		}, func(ctx context.Context, a userIDArgs) (oncehub.User, error) {
			u, _, err := d.Client.Users.Get(ctx, string(a.UserID))
			return u, err
		}),
		defineWrite(spec{
			name: "create_user", toolset: toolsetUsers, effect: create,
			desc: "Invite a user to the account (status: invited; OnceHub emails them); team IDs come from list_teams.",
		}, func(ctx context.Context, a createUserArgs) (oncehub.User, *oncehub.Response, error) {
			return d.Client.Users.Create(ctx, a.request())
		}),
		defineDestructive(d, spec{
			name: "update_user", toolset: toolsetUsers, effect: destroyIdempotent,
			desc: "Change a user's first_name, last_name, role_name or teams; omitted fields are kept, teams replaces all of " +
				"them. Not the Account Owner. Asks the user to confirm.",
		}, d.describeUserUpdate, func(ctx context.Context, a updateUserArgs) (oncehub.User, *oncehub.Response, error) {
			return d.Client.Users.Update(ctx, string(a.UserID), a.request())
		}),
		defineDestructive(d, spec{
			name: "delete_user", toolset: toolsetUsers, effect: destroyIdempotent,
			desc: "Remove a user from the OnceHub account; cannot be undone.",
		}, func(ctx context.Context, a userIDArgs) (string, error) {
			u, _, err := d.Client.Users.Get(ctx, string(a.UserID))
			if err != nil {
				return "", err
			}
			if u.Deleted {
				return "", &done{result: deletedOutput{ID: u.ID, Deleted: true, AlreadyDeleted: true}}
			}
			return "Delete user " + userSummary(u) + " from the OnceHub account. They can no longer sign in or host meetings.", nil
		}, func(ctx context.Context, a userIDArgs) (deletedOutput, *oncehub.Response, error) {
			return deleteOnce(ctx, string(a.UserID), d.Client.Users.Delete, func(ctx context.Context, id string) (bool, error) {
				u, _, err := d.Client.Users.Get(ctx, id)
				return u.Deleted, err
			})
		}),
		define(spec{
			name: "get_user_availability", toolset: toolsetUsers, effect: read,
			desc: "A user's working hours in their timezone (HH:MM): weekly working_hours with locations, date overrides, " +
				"unavailable_days; the shape update_user_availability takes.",
		}, func(ctx context.Context, a userIDArgs) (scheduleView, error) {
			s, _, err := d.Client.Users.GetAvailability(ctx, string(a.UserID))
			if err != nil {
				return scheduleView{}, err
			}
			return viewSchedule(string(a.UserID), s), nil
		}),
		defineDestructive(d, spec{
			name: "update_user_availability", toolset: toolsetUsers, effect: destroyIdempotent,
			desc: "Replace a user's working hours for the weekly days and dates given (the rest are kept). Times are HH:MM " +
				"in the user's timezone, quarter hours; working_hours [] = unavailable; remove: true deletes an override. " +
				"Asks the user to confirm.",
		}, d.describeAvailabilityUpdate, func(ctx context.Context, a updateAvailabilityArgs) (scheduleView, *oncehub.Response, error) {
			s, resp, err := d.Client.Users.UpdateAvailability(ctx, string(a.UserID), a.request())
			if err != nil {
				return scheduleView{}, resp, err
			}
			return viewSchedule(string(a.UserID), s), resp, nil
		}),
	}
}

// describeUserUpdate is the confirmation summary of update_user: who, and
// each change from its current value, teams by name.
func (d Deps) describeUserUpdate(ctx context.Context, a updateUserArgs) (string, error) {
	u, _, err := d.Client.Users.Get(ctx, string(a.UserID))
	if err != nil {
		return "", err
	}
	var changes []string
	change := func(what, from, to string) {
		if from != to {
			changes = append(changes, fmt.Sprintf("%s %s → %s", what, orNone(from), orNone(to)))
		}
	}
	if a.FirstName != nil {
		change("first name", u.FirstName, string(*a.FirstName))
	}
	if a.LastName != nil {
		change("last name", u.LastName, string(*a.LastName))
	}
	if a.RoleName != nil {
		change("role", u.RoleName, string(*a.RoleName))
	}
	if a.Teams != nil {
		names := d.teamNames(ctx)
		from, to := teamList(u.Teams, names), teamList(ids(*a.Teams), names)
		change("teams", from, to)
		if len(*a.Teams) == 0 && len(u.Teams) > 0 {
			changes[len(changes)-1] += " (removed from every team)"
		}
	}
	if len(changes) == 0 {
		changes = []string{"nothing changes (the values given are the current ones)"}
	}
	return fmt.Sprintf("Update user %s: %s.", userSummary(u), strings.Join(changes, "; ")), nil
}

// teamNames maps team IDs to names (empty when they cannot be listed).
func (d Deps) teamNames(ctx context.Context) map[string]string {
	names := map[string]string{}
	for t, err := range d.Client.Teams.ListAll(ctx, nil).Items(maxWalk) {
		if err != nil {
			break
		}
		names[t.ID] = t.Name
	}
	return names
}

func teamList(teams []string, names map[string]string) string {
	out := make([]string, len(teams))
	for i, t := range teams {
		out[i] = t
		if n := names[t]; n != "" {
			out[i] = n + " (" + t + ")"
		}
	}
	return strings.Join(out, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// describeAvailabilityUpdate is the confirmation summary of
// update_user_availability: whose hours, in which zone, and each day and
// date replaced.
func (d Deps) describeAvailabilityUpdate(ctx context.Context, a updateAvailabilityArgs) (string, error) {
	u, _, err := d.Client.Users.Get(ctx, string(a.UserID))
	if err != nil {
		return "", err
	}
	zone := u.Timezone
	if zone == "" {
		zone = "their time zone"
	}
	hours := func(spans []timeSlotArg) string {
		if len(spans) == 0 {
			return "unavailable"
		}
		parts := make([]string, len(spans))
		for i, s := range spans {
			parts[i] = string(s.StartTime) + "-" + string(s.EndTime)
		}
		return strings.Join(parts, ", ")
	}
	var changes []string
	for _, w := range a.Weekly {
		changes = append(changes, fmt.Sprintf("%s %s", w.Day, hours(w.WorkingHours)))
	}
	for _, o := range a.Overrides {
		if o.Remove {
			changes = append(changes, fmt.Sprintf("%s back to the weekly hours", o.Date))
		} else {
			changes = append(changes, fmt.Sprintf("%s %s", o.Date, hours(*o.WorkingHours)))
		}
	}
	return fmt.Sprintf("Replace the working hours of %s in %s: %s. Other days and dates keep their hours.",
		userSummary(u), zone, strings.Join(changes, "; ")), nil
}
