package fakeoncehub

import (
	"fmt"
	"net/http"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"time"
)

var contactTimeFields = []string{"creation_time", "last_updated_time"}

// contactWritable are the fields POST and PATCH accept (email and
// mobile_phone only on POST: they identify the contact).
var contactWritable = []string{"first_name", "last_name", "owner", "status", "city", "company_size", "company", "country",
	"employees", "has_consent", "job_title", "phone", "post_code", "salutation", "state", "street_address",
	"terms_of_sevice", "timezone", "custom_fields"}

var contactStatuses = []string{"Qualified", "Sales qualified", "Marketing qualified", "Disqualified"}

// contactCustomFields is the fake account's field library.
var contactCustomFields = []string{"resume", "linkedin_profile", "lead_source", "budget"}

// A stricter number plan than bare E.164 syntax: the fake wants 10-15 digits.
var fakePhone = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\+[1-9][0-9]{9,14}$`) })

func (s *Server) contactRoutes() {
	s.handle("GET", "/contacts", func(c *call) {
		if !c.boundsFormat(time.DateOnly, "a date (YYYY-MM-DD)", contactTimeFields...) {
			return
		}
		within, ok := c.timeBounds(contactTimeFields...)
		if !ok {
			return
		}
		email := c.r.URL.Query().Get("email")
		var out []obj
		for _, ct := range c.st.contacts {
			if (email == "" || strings.EqualFold(fmt.Sprint(ct["email"]), email)) && within(ct) {
				out = append(out, ct)
			}
		}
		c.page(out)
	})
	s.handle("POST", "/contacts", func(c *call) {
		var body obj
		if !c.decode(&body) {
			return
		}
		if !c.onlyFields(body, append([]string{"email", "mobile_phone"}, contactWritable...)) {
			return
		}
		for _, f := range []string{"first_name", "last_name"} {
			if v, _ := body[f].(string); strings.TrimSpace(v) == "" {
				c.badRequest(f+" is required", f)
				return
			}
		}
		email, _ := body["email"].(string)
		mobile, _ := body["mobile_phone"].(string)
		if email == "" && mobile == "" {
			c.badRequest("At least one of 'email' or 'mobile_phone' is required.", "email")
			return
		}
		if email != "" && !validEmail(email) {
			c.badRequest(fmt.Sprintf("Invalid email format: '%s'", email), "email")
			return
		}
		if !c.contactValues(body) {
			return
		}
		for _, ct := range c.st.contacts {
			if email != "" && strings.EqualFold(fmt.Sprint(ct["email"]), email) {
				c.error(http.StatusConflict, "invalid_request_error", fmt.Sprintf("Contact already exists: '%s'", email), "email")
				return
			}
			if mobile != "" && ct["mobile_phone"] == mobile {
				c.error(http.StatusConflict, "invalid_request_error", fmt.Sprintf("Contact already exists: '%s'", mobile), "mobile_phone")
				return
			}
		}
		now := rfc(c.now())
		owner := c.st.users[0]
		ct := obj{"object": "contact", "id": c.st.newID("CTC"), "creation_time": now, "last_updated_time": now,
			"last_interacted_time": nil, "owner": owner["id"], "status": nil, "city": nil, "company_size": nil, "company": nil,
			"country": nil, "email": email, "employees": 1, "first_name": nil, "has_consent": false, "job_title": nil,
			"last_name": nil, "mobile_phone": nil, "phone": nil, "post_code": nil, "salutation": nil, "state": nil,
			"street_address": nil, "terms_of_sevice": false, "timezone": owner["timezone"], "custom_fields": []any{}}
		if mobile != "" {
			ct["mobile_phone"] = mobile
		}
		applyContact(ct, body)
		c.st.contacts = append([]obj{ct}, c.st.contacts...)
		c.json(http.StatusCreated, ct)
	})
	s.handle("GET", "/contacts/{id}", func(c *call) {
		if ct, ok := c.lookup(c.st.contacts, "contact"); ok {
			c.json(http.StatusOK, ct)
		}
	})
	s.handle("PATCH", "/contacts/{id}", func(c *call) {
		id := c.r.PathValue("id")
		ct := find(c.st.contacts, id)
		if ct == nil {
			c.notFound("contact", id)
			return
		}
		var body obj
		if !c.decode(&body) {
			return
		}
		if len(body) == 0 {
			c.badRequest("At least one field must be provided to update.", "body")
			return
		}
		for _, f := range []string{"email", "mobile_phone"} {
			if _, ok := body[f]; ok {
				c.badRequest("Identifier fields (email, mobile_phone) cannot be updated via this endpoint", f)
				return
			}
		}
		if !c.onlyFields(body, contactWritable) || !c.contactValues(body) {
			return
		}
		applyContact(ct, body)
		ct["last_updated_time"] = rfc(c.now())
		c.json(http.StatusOK, ct)
	})
	s.handle("DELETE", "/contacts/{id}", func(c *call) {
		id := c.r.PathValue("id")
		red := c.st.remove(&c.st.contacts, id, "contact")
		if red == nil {
			c.notFound("contact", id)
			return
		}
		c.json(http.StatusOK, red)
	})
}

// onlyFields sends a 400 naming the first field of body not in allowed.
func (c *call) onlyFields(body obj, allowed []string) bool {
	for k := range body {
		ok := false
		for _, a := range allowed {
			ok = ok || a == k
		}
		if !ok {
			c.badRequest("Unsupported fields", k)
			return false
		}
	}
	return true
}

// contactValues checks the formats of writable contact fields in body.
func (c *call) contactValues(body obj) bool {
	for _, f := range []string{"mobile_phone", "phone"} {
		if v, ok := body[f]; ok {
			if s, _ := v.(string); !fakePhone().MatchString(s) {
				c.badRequest(fmt.Sprintf("Invalid phone format: '%v'", v), f)
				return false
			}
		}
	}
	if v, ok := body["timezone"]; ok {
		s, _ := v.(string)
		if _, err := time.LoadLocation(s); err != nil || s == "" || s == "Local" {
			c.badRequest(fmt.Sprintf("Invalid timezone: '%v'", v), "timezone")
			return false
		}
	}
	if v, ok := body["owner"]; ok {
		if s, _ := v.(string); find(c.st.users, s) == nil {
			c.badRequest(fmt.Sprintf("No such user: '%v'", v), "owner")
			return false
		}
	}
	if v, ok := body["custom_fields"]; ok {
		list, isList := v.([]any)
		if !isList {
			c.badRequest("custom_fields must be an array", "custom_fields")
			return false
		}
		for _, it := range list {
			m, _ := it.(map[string]any)
			name, _ := m["name"].(string)
			known := false
			for _, n := range contactCustomFields {
				known = known || n == name
			}
			if !known {
				c.badRequest(fmt.Sprintf("Custom field '%s' does not exist in field library", name), "custom_fields")
				return false
			}
		}
	}
	return true
}

// applyContact writes body's fields into ct: custom fields are merged by name,
// an unknown status becomes null (as OnceHub does).
func applyContact(ct, body obj) {
	for k, v := range body {
		switch k {
		case "status":
			s, _ := v.(string)
			ok := false
			for _, st := range contactStatuses {
				ok = ok || st == s
			}
			if !ok {
				v = nil
			}
		case "custom_fields":
			merged, _ := ct["custom_fields"].([]any)
			merged = append([]any(nil), merged...)
			for _, it := range v.([]any) {
				m := it.(map[string]any)
				replaced := false
				for i, old := range merged {
					if om, _ := old.(map[string]any); om["name"] == m["name"] {
						merged[i], replaced = obj{"name": m["name"], "value": m["value"]}, true
					}
				}
				if !replaced {
					merged = append(merged, obj{"name": m["name"], "value": m["value"]})
				}
			}
			v = merged
		}
		ct[k] = v
	}
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	_, domain, _ := strings.Cut(s, "@")
	return strings.Contains(domain, ".")
}

// boundsFormat sends a 400 unless every `<field>.gt|lt` present parses with
// layout (the spec types contact bounds as dates, SMS bounds as date-times).
func (c *call) boundsFormat(layout, what string, fields ...string) bool {
	q := c.r.URL.Query()
	for _, f := range fields {
		for _, name := range []string{f + ".gt", f + ".lt"} {
			v := q.Get(name)
			if v == "" {
				continue
			}
			if _, err := time.Parse(layout, v); err != nil {
				c.badRequest(fmt.Sprintf("Invalid date format for '%s': expected %s.", name, what), name)
				return false
			}
		}
	}
	return true
}
