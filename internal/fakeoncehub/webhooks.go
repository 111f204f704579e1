package fakeoncehub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// webhookEvents are the events a subscription may name.
var webhookEvents = []string{
	"booking.scheduled", "booking.rescheduled", "booking.reassigned",
	"booking.canceled_then_rescheduled", "booking.canceled_reschedule_requested",
	"booking.canceled", "booking.completed", "booking.no_show",
	"conversation.started", "conversation.closed", "conversation.abandoned",
}

func (s *Server) webhookRoutes() {
	s.handle("GET", "/webhooks", func(c *call) { c.page(c.st.webhooks) })
	s.handle("POST", "/webhooks", func(c *call) {
		var body struct {
			Name   *string  `json:"name"`
			URL    *string  `json:"url"`
			Events []string `json:"events"`
		}
		var raw obj
		if !c.decode(&raw) || !c.onlyFields(raw, []string{"name", "url", "events"}) {
			return
		}
		if !remarshal(raw, &body) {
			c.badRequest("Request body has fields of the wrong type.", "")
			return
		}
		if body.Name == nil || strings.TrimSpace(*body.Name) == "" {
			c.badRequest("name is required", "name")
			return
		}
		if body.URL == nil {
			c.badRequest("url is required", "url")
			return
		}
		if u, err := url.Parse(*body.URL); err != nil || u.Scheme != "https" || u.Host == "" {
			c.badRequest(fmt.Sprintf("Invalid URL: '%s'. Webhook URLs must use https.", *body.URL), "url")
			return
		}
		if len(body.Events) == 0 {
			c.badRequest("events is required", "events")
			return
		}
		for _, e := range body.Events {
			ok := false
			for _, known := range webhookEvents {
				ok = ok || known == e
			}
			if !ok {
				c.badRequest(fmt.Sprintf("Invalid event: '%s'", e), "events")
				return
			}
		}
		for _, w := range c.st.webhooks {
			if w["name"] == *body.Name {
				c.error(http.StatusConflict, "invalid_request_error",
					fmt.Sprintf("A webhook subscription with this name already exists: '%s'", *body.Name), "name")
				return
			}
		}
		events := make([]any, len(body.Events))
		for i, e := range body.Events {
			events[i] = e
		}
		w := obj{"object": "webhook", "id": c.st.newID("WHK"), "api_version": "v2", "name": *body.Name, "url": *body.URL,
			"events": events, "creation_time": rfc(c.now()),
			"secret": fmt.Sprintf("%016x%016x", c.st.rng.Uint64(), c.st.rng.Uint64())}
		c.st.webhooks = append([]obj{w}, c.st.webhooks...)
		// The spec documents 200 (not 201) for a created webhook.
		c.json(http.StatusOK, w)
	})
	s.handle("GET", "/webhooks/{id}", func(c *call) {
		if w, ok := c.lookup(c.st.webhooks, "webhook"); ok {
			c.json(http.StatusOK, w)
		}
	})
	s.handle("DELETE", "/webhooks/{id}", func(c *call) {
		id := c.r.PathValue("id")
		red := c.st.remove(&c.st.webhooks, id, "webhook")
		if red == nil {
			c.notFound("webhook", id)
			return
		}
		c.json(http.StatusOK, red)
	})
}

// remarshal converts decoded JSON into a typed struct; false on a type mismatch.
func remarshal(v any, out any) bool {
	b, err := json.Marshal(v)
	return err == nil && json.Unmarshal(b, out) == nil
}
