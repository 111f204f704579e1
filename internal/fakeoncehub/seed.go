package fakeoncehub

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// store is one account's data. Collections are kept newest first.
type store struct {
	account string
	rng     *rand.Rand

	users, teams, calendars, bookingPages, masterPages, eventTypes []obj
	contacts, bookings, webhooks, sms                              []obj
	// availability is each user's weekly scheduling availability.
	availability map[string]obj
	// rules is each booking calendar's weekly availability (the fake's own
	// model, from which time slots are computed).
	rules map[string]calendarRule
	// deleted holds redacted objects by ID, for GET after DELETE.
	deleted map[string]obj
	// oneTimeLinks issued, newest first.
	oneTimeLinks []obj
	// maxObjects bounds what writes add (Options.MaxObjects); 0: unbounded.
	maxObjects int
}

// trim drops the oldest objects of each collection writes grow, and
// deleted objects, beyond maxObjects (every list is newest first).
func (st *store) trim() {
	n := st.maxObjects
	if n <= 0 {
		return
	}
	for _, coll := range []*[]obj{&st.bookings, &st.contacts, &st.users, &st.webhooks, &st.oneTimeLinks} {
		if len(*coll) > n {
			*coll = append([]obj(nil), (*coll)[:n]...)
		}
	}
	for id := range st.deleted {
		if len(st.deleted) <= n {
			break
		}
		delete(st.deleted, id)
	}
}

// calendarRule is a booking calendar's availability: weekly hours in its zone.
type calendarRule struct {
	zone      string
	weekdays  []time.Weekday
	from, to  string // "09:00", "17:00" local
	duration  int    // minutes
	locations []obj
}

const idChars = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"

func (st *store) newID(prefix string) string {
	var b strings.Builder
	b.WriteString(prefix + "-")
	for i := 0; i < 10; i++ {
		b.WriteByte(idChars[st.rng.IntN(len(idChars))])
	}
	return b.String()
}

func rfc(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// find returns the object with id in coll, or nil.
func find(coll []obj, id string) obj {
	for _, o := range coll {
		if o["id"] == id {
			return o
		}
	}
	return nil
}

// remove deletes the object with id from coll and records it as deleted.
func (st *store) remove(coll *[]obj, id, object string) obj {
	for i, o := range *coll {
		if o["id"] == id {
			*coll = append((*coll)[:i:i], (*coll)[i+1:]...)
			red := obj{"id": id, "object": object, "deleted": true}
			st.deleted[id] = red
			return red
		}
	}
	return nil
}

var firstNames = []string{"Olivia", "Liam", "Emma", "Noah", "Ava", "Mateo", "Sofia", "Arjun", "Mei", "Yusuf", "Chloe", "Kwame", "Ingrid", "Diego", "Hana", "Tomás", "Zara", "Elif", "Rohan", "Amara"}
var lastNames = []string{"Smith", "Nguyen", "Müller", "Okafor", "Rossi", "Kowalski", "Patel", "Silva", "Kim", "Haddad", "Johansson", "Dubois", "Mensah", "Ivanova", "Reyes"}
var companies = []string{"Acme Corp", "Globex", "Initech", "Umbrella Health", "Stark Logistics", "Wayne Analytics", "Hooli", "Vandelay Imports"}

func seed(seedValue uint64, account string, now time.Time) *store {
	now = now.UTC().Truncate(time.Minute)
	st := &store{
		account:      account,
		rng:          rand.New(rand.NewPCG(seedValue, 0x0ce4b)),
		availability: map[string]obj{},
		rules:        map[string]calendarRule{},
		deleted:      map[string]obj{},
	}
	r := st.rng

	// Teams and users.
	teamNames := []string{"Sales", "Customer Success", "Onboarding"}
	teams := make([]obj, len(teamNames))
	for i, n := range teamNames {
		teams[i] = obj{"object": "team", "id": st.newID("TM"), "name": n}
	}
	type person struct{ first, last, role, zone, status string }
	people := []person{
		{"Dana", "Owens", "Account Owner", "America/New_York", "active"},
		{"Priya", "Raman", "Administrator", "Asia/Kolkata", "active"},
		{"Lukas", "Becker", "Member", "Europe/Berlin", "active"},
		{"Maria", "Garcia", "Team Manager", "America/Los_Angeles", "active"},
		{"Kenji", "Tanaka", "Member", "Asia/Tokyo", "active"},
		{"Aisha", "Bello", "Member", "Australia/Adelaide", "invited"},
	}
	users := make([]obj, len(people))
	for i, p := range people {
		email := strings.ToLower(p.first+"."+p.last) + "@example.com"
		if i == 0 {
			email = account
		}
		ut := []any{teams[i%len(teams)]["id"]}
		if i == 1 {
			ut = append(ut, teams[2]["id"])
		}
		users[i] = obj{"object": "user", "id": st.newID("USR"), "first_name": p.first, "last_name": p.last,
			"email": email, "status": p.status, "role_name": p.role, "timezone": p.zone, "teams": ut}
		st.availability[users[i]["id"].(string)] = weeklySchedule(p.zone, i)
	}
	st.users, st.teams = users, teams

	// Booking calendars, each with weekly availability in its own zone.
	type calDef struct {
		name, subject string
		host          int
		published     bool
		rule          calendarRule
	}
	video := func(p string) obj { return obj{"type": "virtual", "value": p, "id": nil} }
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	cals := []calDef{
		{"Sales discovery call", "Discovery call with Priya", 1, true, calendarRule{"Asia/Kolkata", weekdays, "09:00", "17:00", 30, []obj{video("zoom"), video("google_meet")}}},
		{"Product support session", "Support session", 2, true, calendarRule{"Europe/Berlin", []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday}, "10:00", "16:00", 45,
			[]obj{video("microsoft_teams"), {"type": "guest_phone", "value": nil, "id": nil}}}},
		{"Onboarding workshop", "Onboarding workshop", 3, true, calendarRule{"America/Los_Angeles", []time.Weekday{time.Tuesday, time.Thursday}, "13:00", "17:00", 60,
			[]obj{{"type": "physical", "value": nil, "id": "ADD-SF0001"}, {"type": "virtual_static", "value": nil, "id": nil}}}},
		{"Partner consult", "Partner consult", 5, true, calendarRule{"Australia/Adelaide", weekdays, "09:00", "12:30", 30, []obj{video("webex")}}},
		{"Executive briefing (draft)", "Executive briefing", 0, false, calendarRule{"America/New_York", weekdays, "10:00", "12:00", 60, []obj{video("zoom")}}},
	}
	for _, cd := range cals {
		id := st.newID("BKC")
		st.calendars = append(st.calendars, obj{"object": "booking_calendar", "id": id, "host": users[cd.host]["id"],
			"name": cd.name, "subject": cd.subject, "url": "https://go.oncehub.com/" + strings.ReplaceAll(strings.ToLower(cd.name), " ", "-"),
			"published": cd.published, "duration_minutes": cd.rule.duration})
		st.rules[id] = cd.rule
	}

	// Classic product: event types, master pages, booking pages.
	for _, n := range []string{"Demo", "Consultation", "Follow-up", "Quarterly review"} {
		st.eventTypes = append(st.eventTypes, obj{"object": "event_type", "id": st.newID("ET"), "name": n, "description": n + " meeting"})
	}
	for _, n := range []string{"Sales team", "Support team"} {
		slug := strings.ToLower(strings.ReplaceAll(n, " ", "-"))
		st.masterPages = append(st.masterPages, obj{"object": "master_page", "id": st.newID("MP"), "name": n, "label": slug, "url": "https://go.oncehub.com/" + slug, "active": true})
	}
	for i, u := range users[:5] {
		label := strings.ToLower(u["first_name"].(string) + "-" + u["last_name"].(string))
		st.bookingPages = append(st.bookingPages, obj{"object": "booking_page", "id": st.newID("BP"),
			"name": u["first_name"].(string) + " " + u["last_name"].(string), "label": label, "url": "https://go.oncehub.com/" + label,
			"active": i != 4, "timezone": u["timezone"]})
	}

	// Contacts.
	zones := []string{"America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Adelaide", "America/Chicago", "Europe/Paris", "Asia/Singapore"}
	statuses := []any{"Qualified", "Sales qualified", "Marketing qualified", "Disqualified", nil}
	for i := 0; i < 60; i++ {
		first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		created := now.Add(-time.Duration(400-i*6) * 24 * time.Hour).Add(time.Duration(r.IntN(600)) * time.Minute)
		company := companies[r.IntN(len(companies))]
		st.contacts = append(st.contacts, obj{"object": "contact", "id": st.newID("CTC"),
			"creation_time": rfc(created), "last_updated_time": rfc(created.Add(72 * time.Hour)), "last_interacted_time": nil,
			"owner": users[r.IntN(len(users))]["id"], "status": statuses[r.IntN(len(statuses))],
			"email":      fmt.Sprintf("%s.%s%d@%s.example", strings.ToLower(asciiFold(first)), strings.ToLower(asciiFold(last)), i, strings.ToLower(strings.Fields(company)[0])),
			"first_name": first, "last_name": last, "company": company, "city": nil, "company_size": nil, "country": nil,
			"employees": 10 + r.IntN(5000), "has_consent": r.IntN(2) == 0, "job_title": nil, "mobile_phone": nil,
			"phone": fmt.Sprintf("+1555%07d", r.IntN(10000000)), "post_code": nil, "salutation": nil, "state": nil, "street_address": nil,
			"terms_of_sevice": true, "timezone": zones[r.IntN(len(zones))], "custom_fields": []any{}})
	}

	// Bookings: 260, in every status, from calendars and classic pages.
	for i := 0; i < 260; i++ {
		contact := st.contacts[r.IntN(len(st.contacts))]
		start := now.Add(time.Duration(r.IntN(24*105)-24*60) * time.Hour).Truncate(30 * time.Minute)
		created := start.Add(-time.Duration(24+r.IntN(24*20)) * time.Hour)
		if created.After(now) {
			created = now.Add(-time.Duration(1+r.IntN(48)) * time.Hour)
		}
		var status string
		switch p := r.IntN(100); {
		case start.After(now) && p < 70:
			status = "scheduled"
		case start.After(now) && p < 80:
			status = "rescheduled"
		case start.After(now) && p < 88:
			status = "requested"
		case start.After(now):
			status = "canceled"
		case p < 65:
			status = "completed"
		case p < 80:
			status = "no_show"
		default:
			status = "canceled"
		}
		b := obj{"object": "booking", "id": st.newID("BKNG"), "tracking_id": fmt.Sprintf("TRK%07d", r.IntN(10000000)),
			"status": status, "in_trash": false, "creation_time": rfc(created), "starting_time": rfc(start),
			"customer_timezone": contact["timezone"], "last_updated_time": rfc(created.Add(time.Hour)),
			"attendees": []any{contact["email"]}, "contact": contact["id"], "conversation": nil, "utm_params": nil,
			"form_submission": obj{"name": contact["first_name"].(string) + " " + contact["last_name"].(string), "email": contact["email"],
				"phone": contact["phone"], "mobile_phone": "", "note": "", "company": contact["company"], "guests": []any{}, "custom_fields": []any{}},
			"ics_url": "https://go.oncehub.com/ics/" + fmt.Sprint(i), "cancel_url": "https://go.oncehub.com/cancel/" + fmt.Sprint(i),
			"reschedule_url": "https://go.oncehub.com/reschedule/" + fmt.Sprint(i), "cancel_reschedule_url": "https://go.oncehub.com/manage/" + fmt.Sprint(i),
			"payment_information": nil, "custom_fields": []any{},
		}
		// Fields the spec does not allow to be null are left out when empty.
		if i%5 == 4 { // classic product
			bp := st.bookingPages[r.IntN(len(st.bookingPages))]
			et := st.eventTypes[r.IntN(len(st.eventTypes))]
			b["booking_page"], b["master_page"], b["event_type"] = bp["id"], st.masterPages[r.IntN(2)]["id"], et["id"]
			b["subject"], b["duration_minutes"] = et["name"], 30
			b["owner"] = users[r.IntN(5)]["id"]
			b["location_description"] = "Phone call"
		} else {
			cal := st.calendars[r.IntN(4)]
			rule := st.rules[cal["id"].(string)]
			b["booking_calendar"], b["subject"], b["duration_minutes"] = cal["id"], cal["subject"], rule.duration
			b["owner"] = cal["host"]
			b["master_page"], b["event_type"] = nil, nil
			loc := rule.locations[0]
			if loc["type"] == "virtual" {
				b["virtual_conferencing"] = obj{"join_url": fmt.Sprintf("https://%s.example/j/%d", loc["value"], 100000+i)}
				b["location_description"] = fmt.Sprint(loc["value"])
			} else {
				b["location_description"] = "Onsite: 1 Market St, San Francisco"
			}
		}
		if status == "canceled" {
			b["cancel_reschedule_information"] = obj{"reason": "Conflict", "actioned_by": "customer"}
		}
		st.bookings = append(st.bookings, b)
	}
	sortNewestFirst(st.bookings)
	sortNewestFirst(st.contacts)

	// Webhooks.
	for i, n := range []string{"CRM sync", "Slack alerts", "Data warehouse"} {
		st.webhooks = append(st.webhooks, obj{"object": "webhook", "id": st.newID("WHK"), "api_version": "v2", "name": n,
			"url": fmt.Sprintf("https://hooks.example.com/oncehub/%d", i), "events": []any{"booking.scheduled", "booking.canceled"},
			"creation_time": rfc(now.Add(-time.Duration(90-i*20) * 24 * time.Hour)), "secret": fmt.Sprintf("whsec_%016x", r.Uint64())})
	}
	reverse(st.webhooks)

	// SMS notifications.
	smsStatus := []string{"sent", "delivered", "delivered", "failed", "rejected"}
	for i := 0; i < 30; i++ {
		toContact := i%3 != 0
		var recipient any
		typ := "contact"
		if toContact {
			recipient = st.contacts[r.IntN(len(st.contacts))]["id"]
		} else {
			recipient, typ = users[r.IntN(len(users))]["id"], "user"
		}
		st.sms = append(st.sms, obj{"object": "notification", "id": st.newID("SMS"), "type": "sms",
			"status": smsStatus[r.IntN(len(smsStatus))], "creation_time": rfc(now.Add(-time.Duration(i*17+1) * time.Hour)),
			"recipient": recipient, "recipient_type": typ,
			"details": obj{"delivered_to": fmt.Sprintf("+1555%07d", r.IntN(10000000)), "message_body": "Reminder: your meeting starts in 1 hour.", "segment_count": 1}})
	}
	return st
}

// weeklySchedule is a user's scheduling availability in the spec's shape.
func weeklySchedule(zone string, variant int) obj {
	days := []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}
	var weekly []any
	for i, d := range days {
		hours := []any{obj{"start_time": "09:00", "end_time": "12:00", "locations": []any{obj{"type": "online_dynamic_link", "value": "zoom", "id": nil}}}}
		if (i+variant)%2 == 0 {
			hours = append(hours, obj{"start_time": "13:00", "end_time": "17:00", "locations": []any{obj{"type": "online_dynamic_link", "value": "google_meet", "id": nil}}})
		}
		weekly = append(weekly, obj{"day": d, "working_hours": hours})
	}
	return obj{"object": "schedule", "timezone": zone, "weekly": weekly, "overrides": []any{}}
}

func sortNewestFirst(items []obj) {
	sort.SliceStable(items, func(i, j int) bool {
		return items[i]["creation_time"].(string) > items[j]["creation_time"].(string)
	})
}

func reverse(items []obj) {
	for i, j := 0, len(items)-1; i < j; i, j = i+1, j-1 {
		items[i], items[j] = items[j], items[i]
	}
}

func asciiFold(s string) string {
	return strings.NewReplacer("ü", "u", "á", "a", "ó", "o", "é", "e", "í", "i", "ñ", "n").Replace(s)
}
