package oncehub

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// WebhookEvents lists the events a webhook subscription can receive.
var WebhookEvents = []string{
	"booking.scheduled", "booking.rescheduled", "booking.reassigned",
	"booking.canceled_then_rescheduled", "booking.canceled_reschedule_requested",
	"booking.canceled", "booking.completed", "booking.no_show",
	"conversation.started", "conversation.closed", "conversation.abandoned",
}

// Webhook is a webhook subscription. Secret signs deliveries (the
// Oncehub-Signature header); treat it as a credential.
type Webhook struct {
	Object       string   `json:"object,omitempty"`
	ID           string   `json:"id"`
	APIVersion   string   `json:"api_version,omitempty"`
	Name         string   `json:"name,omitempty"`
	URL          string   `json:"url,omitempty"`
	Events       []string `json:"events,omitempty"`
	CreationTime string   `json:"creation_time,omitempty"`
	Secret       string   `json:"secret,omitempty"`
	Deleted      bool     `json:"deleted,omitempty"`
	Extra        Extra    `json:"-"`
}

// UnmarshalJSON keeps unknown fields in Extra.
func (w *Webhook) UnmarshalJSON(data []byte) error {
	type plain Webhook
	return decodeObject(data, (*plain)(w), &w.Extra)
}

// MarshalJSON writes known and unknown fields.
func (w Webhook) MarshalJSON() ([]byte, error) {
	type plain Webhook
	return encodeObject(plain(w), w.Extra)
}

// ListWebhooks returns one page of webhook subscriptions.
func (c *Client) ListWebhooks(ctx context.Context, p ListParams) (Page[Webhook], error) {
	return list(ctx, c, "/webhooks", "/webhooks", nil, p, func(w Webhook) string { return w.ID })
}

// GetWebhook fetches one webhook subscription.
func (c *Client) GetWebhook(ctx context.Context, id string) (Webhook, error) {
	return get[Webhook](ctx, c, "/webhooks", "webhook_id", PrefixWebhook, id, nil)
}

// NewWebhook is the body of POST /webhooks.
type NewWebhook struct {
	Name   string   `json:"name"`   // unique in the account
	URL    string   `json:"url"`    // https
	Events []string `json:"events"` // from WebhookEvents
}

// Validate checks the subscription without sending anything.
func (n NewWebhook) Validate() error {
	if strings.TrimSpace(n.Name) == "" {
		return &ArgError{Arg: "name", Msg: "is required"}
	}
	if n.URL == "" {
		return &ArgError{Arg: "url", Msg: "is required"}
	}
	u, err := url.Parse(n.URL)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return &ArgError{Arg: "url", Msg: fmt.Sprintf("%q is not an https URL; OnceHub delivers webhooks only to https://host/path", clip(n.URL))}
	}
	if len(n.Events) == 0 {
		return &ArgError{Arg: "events", Msg: "give at least one event: " + strings.Join(WebhookEvents, ", ")}
	}
	seen := map[string]bool{}
	for _, e := range n.Events {
		if !slices.Contains(WebhookEvents, e) {
			return &ArgError{Arg: "events", Msg: fmt.Sprintf("%q is not a webhook event; use any of %s", clip(e), strings.Join(WebhookEvents, ", "))}
		}
		if seen[e] {
			return &ArgError{Arg: "events", Msg: fmt.Sprintf("%q is listed twice", e)}
		}
		seen[e] = true
	}
	return nil
}

// CreateWebhook subscribes url to events. The result carries the signing
// secret. A duplicate name is a 409 (IsConflict). Never retried once sent.
func (c *Client) CreateWebhook(ctx context.Context, n NewWebhook) (Webhook, error) {
	if err := n.Validate(); err != nil {
		return Webhook{}, err
	}
	var out Webhook
	_, err := c.do(ctx, request{method: "POST", path: "/webhooks", route: "/webhooks", body: n}, &out)
	return out, err
}

// DeleteWebhook deletes a webhook subscription.
func (c *Client) DeleteWebhook(ctx context.Context, id string) (DeletedObject, error) {
	return del(ctx, c, "/webhooks", "webhook_id", PrefixWebhook, id)
}
