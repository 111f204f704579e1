package tools

import (
	"context"
	"fmt"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listWebhooksArgs struct {
	pageArgs
}

func (a *listWebhooksArgs) validate() error { return a.pageArgs.validate() }

type webhookIDArgs struct {
	WebhookID string `json:"webhook_id"`
}

func (a *webhookIDArgs) validate() error {
	return oncehub.CheckID("webhook_id", oncehub.PrefixWebhook, a.WebhookID)
}

type createWebhookArgs struct {
	Name   string   `json:"name"`
	URL    string   `json:"url"`
	Events []string `json:"events" jsonschema:"booking.scheduled, .rescheduled, .reassigned, .canceled_then_rescheduled, .canceled_reschedule_requested, .canceled, .completed, .no_show; conversation.started, .closed, .abandoned"`
}

func (a createWebhookArgs) webhook() oncehub.NewWebhook {
	return oncehub.NewWebhook{Name: a.Name, URL: a.URL, Events: a.Events}
}

func (a *createWebhookArgs) validate() error { return a.webhook().Validate() }

// webhookView is a webhook subscription without its signing secret.
type webhookView struct {
	ID           string   `json:"id"`
	Name         string   `json:"name,omitempty"`
	URL          string   `json:"url,omitempty"`
	Events       []string `json:"events,omitempty"`
	CreationTime string   `json:"creation_time,omitempty"`
	APIVersion   string   `json:"api_version,omitempty"`
	Deleted      bool     `json:"deleted,omitempty"`
}

func viewWebhook(w oncehub.Webhook) webhookView {
	return webhookView{ID: w.ID, Name: w.Name, URL: w.URL, Events: w.Events, CreationTime: w.CreationTime,
		APIVersion: w.APIVersion, Deleted: w.Deleted}
}

// createdWebhook is create_webhook's result: the one place the secret shows.
type createdWebhook struct {
	webhookView
	Secret string `json:"secret"`
	Note   string `json:"note"`
}

const secretNote = "The secret is shown only now: store it where the receiver can read it (not in chat). Verify each delivery's Oncehub-Signature header (t=<unix seconds>,s=<hex>): s must equal the HMAC-SHA256, keyed with the secret, of <t>.<raw request body>; compare in constant time and reject old timestamps."

func webhookTools(d Deps) []Tool {
	isDeleted := func(ctx context.Context, id string) (bool, error) {
		w, err := d.Client.GetWebhook(ctx, id)
		return w.Deleted, err
	}
	return []Tool{
		define[listWebhooksArgs](spec{
			name: "list_webhooks", toolset: "webhooks", effect: read,
			desc: "Webhook subscriptions, newest first: id, name, url, events, creation_time. Signing secrets are never shown.",
		}, func(ctx context.Context, a listWebhooksArgs) (any, error) {
			return listPage(ctx, a.pageArgs, d.Client.ListWebhooks, viewWebhook)
		}),
		define[webhookIDArgs](spec{
			name: "get_webhook", toolset: "webhooks", effect: read,
			desc: "One webhook subscription: name, url, events, creation_time (never the secret).",
		}, func(ctx context.Context, a webhookIDArgs) (any, error) {
			w, err := d.Client.GetWebhook(ctx, a.WebhookID)
			if err != nil {
				return nil, err
			}
			return viewWebhook(w), nil
		}),
		define[createWebhookArgs](spec{
			name: "create_webhook", toolset: "webhooks", effect: create,
			desc: "Subscribe an https url to OnceHub events under a unique name (409 if taken). Returns its signing secret, shown " +
				"only this once.",
		}, func(ctx context.Context, a createWebhookArgs) (any, error) {
			w, err := d.Client.CreateWebhook(ctx, a.webhook())
			if err != nil {
				return nil, err
			}
			return createdWebhook{webhookView: viewWebhook(w), Secret: w.Secret, Note: secretNote}, nil
		}),
		defineDestructive[webhookIDArgs](d, spec{
			name: "delete_webhook", toolset: "webhooks", effect: destroyIdempotent,
			desc: "Delete a webhook subscription; its events stop.",
		}, func(ctx context.Context, a webhookIDArgs) (string, error) {
			w, err := d.Client.GetWebhook(ctx, a.WebhookID)
			if err != nil {
				return "", err
			}
			if w.Deleted {
				return fmt.Sprintf("Webhook %s is already deleted (nothing to do).", w.ID), nil
			}
			return fmt.Sprintf("Delete webhook %q (%s) that sends events to %s.", w.Name, w.ID, w.URL), nil
		}, func(ctx context.Context, a webhookIDArgs) (any, error) {
			return deleteOnce(ctx, a.WebhookID, d.Client.DeleteWebhook, isDeleted)
		}),
	}
}
