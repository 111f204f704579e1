package oncehub

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/oncehub-mcp/oncehub-mcp/internal/clip"
)

// WebhookEvents lists the events a webhook subscription can receive.
func WebhookEvents() []string {
	return []string{
		"booking.scheduled", "booking.rescheduled", "booking.reassigned",
		"booking.canceled_then_rescheduled", "booking.canceled_reschedule_requested",
		"booking.canceled", "booking.completed", "booking.no_show",
		"conversation.started", "conversation.closed", "conversation.abandoned",
	}
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

// WebhooksService handles webhook subscriptions (/webhooks).
type WebhooksService service

func webhookID(w Webhook) string { return w.ID }

// List returns one page of webhook subscriptions.
func (s *WebhooksService) List(ctx context.Context, opts *ListOptions) ([]Webhook, *Response, error) {
	o := orZero(opts)
	if err := o.Validate(); err != nil {
		return nil, nil, err
	}
	return list(ctx, s.client, "/webhooks", o, o, webhookID)
}

// ListAll walks every webhook subscription (see Pager).
func (s *WebhooksService) ListAll(ctx context.Context, opts *ListOptions) *Pager[Webhook] {
	o := orZero(opts)
	return newPager(ctx, o.Validate(), o, func(ctx context.Context, page ListOptions) ([]Webhook, *Response, error) {
		return list(ctx, s.client, "/webhooks", page, page, webhookID)
	}, webhookID)
}

// Get fetches one webhook subscription.
func (s *WebhooksService) Get(ctx context.Context, id string) (Webhook, *Response, error) {
	return get[Webhook](ctx, s.client, "/webhooks/{id}", PrefixWebhook, id)
}

// CreateWebhookRequest is the body of POST /webhooks.
type CreateWebhookRequest struct {
	Name   string   `json:"name"`   // unique in the account
	URL    string   `json:"url"`    // https
	Events []string `json:"events"` // from WebhookEvents
}

// Validate checks the subscription without sending anything.
func (r CreateWebhookRequest) Validate() error {
	if strings.TrimSpace(r.Name) == "" {
		return paramErr("name", "is required")
	}
	if r.URL == "" {
		return paramErr("url", "is required")
	}
	u, err := url.Parse(r.URL)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil {
		return paramErr("url", "%q is not an https URL; OnceHub delivers webhooks only to https://host/path", clip.Value(r.URL))
	}
	events := WebhookEvents()
	if len(r.Events) == 0 {
		return paramErr("events", "give at least one event: %s", strings.Join(events, ", "))
	}
	seen := map[string]bool{}
	for _, e := range r.Events {
		if !slices.Contains(events, e) {
			return paramErr("events", "%q is not a webhook event; use any of %s", clip.Value(e), strings.Join(events, ", "))
		}
		if seen[e] {
			return paramErr("events", "%q is listed twice", e)
		}
		seen[e] = true
	}
	return nil
}

// Create subscribes a URL to events. The result carries the signing secret.
// A duplicate name is a 409. Never retried once sent.
func (s *WebhooksService) Create(ctx context.Context, body *CreateWebhookRequest) (Webhook, *Response, error) {
	b := orZero(body)
	if err := b.Validate(); err != nil {
		return Webhook{}, nil, err
	}
	var out Webhook
	resp, err := s.client.do(ctx, request{method: "POST", route: "/webhooks", body: b}, &out)
	return out, resp, err
}

// Delete deletes a webhook subscription.
func (s *WebhooksService) Delete(ctx context.Context, id string) (DeletedObject, *Response, error) {
	return del(ctx, s.client, "/webhooks/{id}", PrefixWebhook, id)
}
