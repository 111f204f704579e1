package fakeoncehub

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/mail"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// UserLimit is how many users an account may have (OnceHub's limit for
// purchased accounts); creating one more answers 422.
const UserLimit = 500

var assignableRoles = []string{"Administrator", "Member", "Team Manager"}

var weekdayNames = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}

// badName is what OnceHub refuses in a first or last name.
var badName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[\[\]{}<>*/\\?]`) })

func (s *Server) userRoutes() {
	s.handle("GET", "/users", func(c *call) {
		email := c.r.URL.Query().Get("email")
		var out []obj
		for _, u := range c.st.users {
			if email == "" || strings.EqualFold(u["email"].(string), email) {
				out = append(out, u)
			}
		}
		c.page(out)
	})
	s.handle("GET", "/users/{id}", func(c *call) {
		if u, ok := c.lookup(c.st.users, "user"); ok {
			c.json(http.StatusOK, u)
		}
	})
	s.handle("POST", "/users", createUser)
	s.handle("PATCH", "/users/{id}", updateUser)
	s.handle("DELETE", "/users/{id}", func(c *call) {
		id := c.r.PathValue("id")
		red := c.st.remove(&c.st.users, id, "user")
		if red == nil {
			c.notFound("user", id)
			return
		}
		delete(c.st.availability, id)
		c.json(http.StatusOK, red)
	})
	s.handle("GET", "/users/{id}/scheduling-availability", func(c *call) {
		for name := range c.r.URL.Query() {
			c.badRequest("Received unknown parameter: "+name, name)
			return
		}
		u := c.availabilityUser()
		if u == nil {
			return
		}
		c.json(http.StatusOK, c.st.schedule(u))
	})
	s.handle("PATCH", "/users/{id}/scheduling-availability", updateAvailability)
}

// body reads a JSON object body into fields; false (and a 400 sent) otherwise.
func (c *call) body() (map[string]json.RawMessage, bool) {
	data, _ := io.ReadAll(c.r.Body)
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil || fields == nil {
		c.badRequest("Request body must be a JSON object.", "body")
		return nil, false
	}
	return fields, true
}

// liveUser returns the user named by the path, or sends a 404 and returns nil.
func (c *call) liveUser() obj {
	id := c.r.PathValue("id")
	u := find(c.st.users, id)
	if u == nil {
		c.notFound("user", id)
	}
	return u
}

// availabilityUser is liveUser for the scheduling-availability endpoints,
// whose only documented client error is 400: an unknown user is a 400 there.
func (c *call) availabilityUser() obj {
	id := c.r.PathValue("id")
	u := find(c.st.users, id)
	if u == nil {
		c.badRequest(fmt.Sprintf("No such user: '%s'", id), "id")
	}
	return u
}

func createUser(c *call) {
	fields, ok := c.body()
	if !ok {
		return
	}
	for k := range fields {
		if !slices.Contains([]string{"email", "first_name", "last_name", "role_name", "teams"}, k) {
			c.badRequest("Unsupported fields", k)
			return
		}
	}
	str := map[string]string{}
	for _, k := range []string{"email", "first_name", "last_name", "role_name"} {
		raw, present := fields[k]
		if !present {
			continue
		}
		var v string
		if json.Unmarshal(raw, &v) != nil {
			c.badRequest(fmt.Sprintf("Invalid %s: %s", k, raw), k)
			return
		}
		str[k] = v
	}
	for _, k := range []string{"email", "first_name", "last_name"} {
		if strings.TrimSpace(str[k]) == "" {
			c.badRequest("Required fields are missing.", k)
			return
		}
	}
	if a, err := mail.ParseAddress(str["email"]); err != nil || a.Address != str["email"] {
		c.badRequest(fmt.Sprintf("Invalid email: '%s'", str["email"]), "email")
		return
	}
	for _, k := range []string{"first_name", "last_name"} {
		if badName().MatchString(str[k]) {
			c.badRequest(fmt.Sprintf("Invalid %s: '%s'", k, str[k]), k)
			return
		}
	}
	role := "Member"
	if r, given := str["role_name"]; given {
		if !c.checkRole(r) {
			return
		}
		role = r
	}
	teams := []any{}
	if raw, given := fields["teams"]; given {
		var ok bool
		if teams, ok = c.teamIDs(raw); !ok {
			return
		}
	}
	for _, u := range c.st.users {
		if strings.EqualFold(u["email"].(string), str["email"]) {
			c.badRequest(fmt.Sprintf("Email already exists: '%s'", str["email"]), "email")
			return
		}
	}
	if len(c.st.users) >= UserLimit {
		c.error(http.StatusUnprocessableEntity, "invalid_request_error", "You have reached the user limit for your current plan. To add more users, please upgrade your account.", "")
		return
	}
	zone := "America/Chicago"
	for _, u := range c.st.users {
		if u["role_name"] == "Account Owner" {
			zone = u["timezone"].(string)
		}
	}
	u := obj{"object": "user", "id": c.st.newID("USR"), "first_name": str["first_name"], "last_name": str["last_name"],
		"email": str["email"], "status": "invited", "role_name": role, "timezone": zone, "teams": teams}
	c.st.users = append([]obj{u}, c.st.users...)
	c.st.availability[u["id"].(string)] = weeklySchedule(zone, 0)
	c.json(http.StatusOK, u)
}

func (c *call) checkRole(r string) bool {
	if r == "Account Owner" {
		c.badRequest("The 'Account Owner' role cannot be assigned directly via the API.", "role_name")
		return false
	}
	if !slices.Contains(assignableRoles, r) {
		c.badRequest(fmt.Sprintf("Invalid role name: '%s'", r), "role_name")
		return false
	}
	return true
}

// teamIDs checks a teams array: strings naming existing teams.
func (c *call) teamIDs(raw json.RawMessage) ([]any, bool) {
	var ids []string
	if json.Unmarshal(raw, &ids) != nil || ids == nil {
		c.badRequest("Must be an array of strings.", "teams")
		return nil, false
	}
	var bad []string
	out := []any{}
	for _, id := range ids {
		if find(c.st.teams, id) == nil {
			bad = append(bad, "'"+id+"'")
			continue
		}
		if !slices.Contains(out, any(id)) {
			out = append(out, id)
		}
	}
	if len(bad) > 0 {
		c.badRequest("Invalid team(s): "+strings.Join(bad, ", "), "teams")
		return nil, false
	}
	return out, true
}

func updateUser(c *call) {
	id := c.r.PathValue("id")
	if _, gone := c.st.deleted[id]; gone {
		c.error(http.StatusGone, "invalid_request_error", fmt.Sprintf("User cannot be modified as they have been deleted: '%s'", id), "id")
		return
	}
	u := c.liveUser()
	if u == nil {
		return
	}
	if u["role_name"] == "Account Owner" {
		c.error(http.StatusForbidden, "invalid_request_error", "Cannot update 'Account Owner' user.", "")
		return
	}
	fields, ok := c.body()
	if !ok {
		return
	}
	if len(fields) == 0 {
		c.badRequest("At least one field must be provided to update.", "body")
		return
	}
	for k := range fields {
		if !slices.Contains([]string{"first_name", "last_name", "role_name", "teams"}, k) {
			c.badRequest("Unsupported field", k)
			return
		}
	}
	changes := obj{}
	for _, k := range []string{"first_name", "last_name", "role_name"} {
		raw, present := fields[k]
		if !present {
			continue
		}
		var v string
		if json.Unmarshal(raw, &v) != nil || strings.TrimSpace(v) == "" || badName().MatchString(v) {
			if k == "role_name" {
				c.badRequest(fmt.Sprintf("Invalid role name: '%s'", strings.Trim(string(raw), `"`)), k)
			} else {
				c.badRequest(fmt.Sprintf("Invalid %s: '%s'", strings.ReplaceAll(k, "_", " "), strings.Trim(string(raw), `"`)), k)
			}
			return
		}
		if k == "role_name" && !c.checkRole(v) {
			return
		}
		changes[k] = v
	}
	if raw, present := fields["teams"]; present {
		teams, ok := c.teamIDs(raw)
		if !ok {
			return
		}
		changes["teams"] = teams
	}
	for k, v := range changes {
		u[k] = v
	}
	c.json(http.StatusOK, u)
}

// schedule returns u's availability in the spec's shape, overrides by date.
func (st *store) schedule(u obj) obj {
	id := u["id"].(string)
	s, ok := st.availability[id]
	if !ok {
		s = obj{"object": "schedule", "timezone": u["timezone"], "weekly": []any{}, "overrides": []any{}}
		st.availability[id] = s
	}
	return s
}

// slotError is a validation failure of an availability body.
type slotError struct {
	status int
	msg    string
	param  string
}

var hhmmPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`) })

// parseSlots validates working_hours (param is its name in errors) and
// returns them in the response shape.
func parseSlots(raw json.RawMessage, param string) ([]any, *slotError) {
	var slots []map[string]json.RawMessage
	if json.Unmarshal(raw, &slots) != nil || slots == nil {
		return nil, &slotError{400, "working_hours must be an array.", param}
	}
	type span struct{ from, to int }
	var spans []span
	out := []any{}
	for _, s := range slots {
		for k := range s {
			if k != "start_time" && k != "end_time" && k != "locations" {
				return nil, &slotError{400, "Received unknown parameter: " + k, param + "." + k}
			}
		}
		var times [2]int
		for i, k := range []string{"start_time", "end_time"} {
			var v string
			if json.Unmarshal(s[k], &v) != nil || !hhmmPattern().MatchString(v) {
				return nil, &slotError{400, fmt.Sprintf("Invalid time format for %s: '%s'. Expected HH:MM", k, strings.Trim(string(s[k]), `"`)), param + "." + k}
			}
			h, m := int(v[0]-'0')*10+int(v[1]-'0'), int(v[3]-'0')*10+int(v[4]-'0')
			if m%15 != 0 {
				return nil, &slotError{400, fmt.Sprintf("%s should be multiple of 15: '%s'", strings.ReplaceAll(k, "_", " "), v), param + "." + k}
			}
			times[i] = h*60 + m
		}
		if times[1] <= times[0] {
			return nil, &slotError{400, "end time should be after start time: '" + hm(times[0]) + "-" + hm(times[1]) + "'", param + ".end_time"}
		}
		for _, o := range spans {
			if times[0] < o.to && o.from < times[1] {
				return nil, &slotError{400, "availability range is overlapping: '" + hm(times[0]) + "-" + hm(times[1]) + "'", param}
			}
		}
		spans = append(spans, span{times[0], times[1]})
		locs, err := parseLocations(s["locations"], param+".locations")
		if err != nil {
			return nil, err
		}
		out = append(out, obj{"start_time": hm(times[0]), "end_time": hm(times[1]), "locations": locs})
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].(obj)["start_time"].(string) < out[j].(obj)["start_time"].(string)
	})
	return out, nil
}

func parseLocations(raw json.RawMessage, param string) ([]any, *slotError) {
	var locs []map[string]json.RawMessage
	if json.Unmarshal(raw, &locs) != nil || locs == nil {
		return nil, &slotError{400, "locations is required and must be an array.", param}
	}
	seen := map[string]bool{}
	out := []any{}
	for _, l := range locs {
		var typ, id, value string
		for k, v := range l {
			var s string
			if json.Unmarshal(v, &s) != nil {
				return nil, &slotError{400, "Invalid value for " + k, param + "." + k}
			}
			switch k {
			case "type":
				typ = s
			case "id":
				id = s
			case "value":
				value = s
			default:
				return nil, &slotError{400, "Received unknown parameter: " + k, param + "." + k}
			}
		}
		switch typ {
		case "in_person_by_host":
			if !strings.HasPrefix(id, "ADD-") {
				return nil, &slotError{400, "id is required for in_person_by_host: '" + id + "'", param + ".id"}
			}
		case "online_static_link":
			if !strings.HasPrefix(value, "https://") && !strings.HasPrefix(value, "http://") {
				return nil, &slotError{400, "value must be a URL for online_static_link: '" + value + "'", param + ".value"}
			}
		case "online_dynamic_link", "phone_by_guest":
		default:
			return nil, &slotError{400, "Invalid location type: '" + typ + "'", param + ".type"}
		}
		if seen[typ] {
			return nil, &slotError{400, "Duplicate location type: '" + typ + "'", param + ".type"}
		}
		seen[typ] = true
		loc := obj{"type": typ, "value": nil, "id": nil}
		if value != "" {
			loc["value"] = value
		}
		if id != "" {
			loc["id"] = id
		}
		out = append(out, loc)
	}
	if seen["online_dynamic_link"] && seen["online_static_link"] {
		return nil, &slotError{http.StatusUnprocessableEntity, "You can set either online_dynamic_link or online_static_link", param}
	}
	return out, nil
}

func hm(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) }

func updateAvailability(c *call) {
	u := c.availabilityUser()
	if u == nil {
		return
	}
	fields, ok := c.body()
	if !ok {
		return
	}
	for k := range fields {
		if k != "weekly" && k != "overrides" {
			c.badRequest("Received unknown parameter: "+k, k)
			return
		}
	}
	fail := func(e *slotError) { c.error(e.status, "invalid_request_error", e.msg, e.param) }

	weekly := map[string][]any{}
	if raw, given := fields["weekly"]; given {
		var days []map[string]json.RawMessage
		if json.Unmarshal(raw, &days) != nil || days == nil {
			c.badRequest("weekly must be an array.", "weekly")
			return
		}
		for _, d := range days {
			var day string
			if json.Unmarshal(d["day"], &day) != nil || !slices.Contains(weekdayNames, day) {
				c.badRequest("Invalid day: '"+strings.Trim(string(d["day"]), `"`)+"'", "weekly.day")
				return
			}
			if _, dup := weekly[day]; dup {
				c.badRequest("Duplicate entry for day or date: '"+day+"'", "weekly")
				return
			}
			wh, present := d["working_hours"]
			if !present || string(wh) == "null" {
				c.badRequest("working_hours is required and cannot be null: '"+day+"'", "weekly.working_hours")
				return
			}
			slots, err := parseSlots(wh, "weekly.working_hours")
			if err != nil {
				fail(err)
				return
			}
			weekly[day] = slots
		}
	}

	zone, _ := time.LoadLocation(fmt.Sprint(u["timezone"]))
	if zone == nil {
		zone = time.UTC
	}
	today := c.now().In(zone).Format(time.DateOnly)
	type override struct {
		slots  []any
		remove bool
		day    string
	}
	overrides := map[string]override{}
	if raw, given := fields["overrides"]; given {
		var items []map[string]json.RawMessage
		if json.Unmarshal(raw, &items) != nil || items == nil {
			c.badRequest("overrides must be an array.", "overrides")
			return
		}
		for _, it := range items {
			var date string
			_ = json.Unmarshal(it["date"], &date)
			d, err := time.Parse(time.DateOnly, date)
			if err != nil {
				c.badRequest("Invalid date format: '"+date+"'. Expected format: YYYY-MM-DD", "overrides.date")
				return
			}
			if date < today {
				c.badRequest("Date cannot be in the past: '"+date+"'", "overrides.date")
				return
			}
			if _, dup := overrides[date]; dup {
				c.badRequest("Duplicate entry for day or date: '"+date+"'", "overrides")
				return
			}
			wh, present := it["working_hours"]
			if !present {
				c.badRequest("working_hours is required: '"+date+"'", "overrides.working_hours")
				return
			}
			if string(wh) == "null" {
				overrides[date] = override{remove: true}
				continue
			}
			slots, serr := parseSlots(wh, "overrides.working_hours")
			if serr != nil {
				fail(serr)
				return
			}
			overrides[date] = override{slots: slots, day: d.Weekday().String()}
		}
	}

	// Apply: replace the given days and dates, keep the rest.
	s := c.st.schedule(u)
	days := map[string]any{}
	for _, d := range s["weekly"].([]any) {
		days[d.(obj)["day"].(string)] = d
	}
	for day, slots := range weekly {
		days[day] = obj{"day": day, "working_hours": slots}
	}
	newWeekly := []any{}
	for _, name := range weekdayNames {
		if d, ok := days[name]; ok {
			newWeekly = append(newWeekly, d)
		}
	}
	dates := map[string]any{}
	for _, o := range s["overrides"].([]any) {
		dates[o.(obj)["date"].(string)] = o
	}
	for date, o := range overrides {
		if o.remove {
			delete(dates, date)
			continue
		}
		dates[date] = obj{"date": date, "day": o.day, "working_hours": o.slots}
	}
	keys := make([]string, 0, len(dates))
	for k := range dates {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	newOverrides := []any{}
	for _, k := range keys {
		newOverrides = append(newOverrides, dates[k])
	}
	updated := obj{"object": "schedule", "timezone": s["timezone"], "weekly": newWeekly, "overrides": newOverrides}
	c.st.availability[u["id"].(string)] = updated
	c.json(http.StatusOK, updated)
}
