package tools

import (
	"context"
	"fmt"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listWebhooksArgs struct {
	pageArgs
}

type webhookIDArgs struct {
	WebhookID WebhookID `json:"webhook_id"`
}

type createWebhookArgs struct {
	Name   WebhookName    `json:"name"`
	URL    HTTPSURL       `json:"url" jsonschema:"where OnceHub posts the events"`
	Events []WebhookEvent `json:"events" jsonschema:"what to send" minItems:"1" unique:"true"`
}

func (a createWebhookArgs) request() *oncehub.CreateWebhookRequest {
	return &oncehub.CreateWebhookRequest{Name: string(a.Name), URL: string(a.URL), Events: ids(a.Events)}
}

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
		w, _, err := d.Client.Webhooks.Get(ctx, id)
		return w.Deleted, err
	}
	return []Tool{
		define(spec{
			name: "list_webhooks", toolset: toolsetWebhooks, effect: read,
			desc: "Webhook subscriptions, newest first: id, name, url, events, creation_time. Signing secrets are never shown.",
		}, func(ctx context.Context, a listWebhooksArgs) (listResult[webhookView], error) {
			opts := a.pageArgs.options()
			return listPage(ctx, a.pageArgs, d.Client.Webhooks, &opts, nil, viewWebhook)
		}),
		define(spec{
			name: "get_webhook", toolset: toolsetWebhooks, effect: read,
			desc: "One webhook subscription: name, url, events, creation_time (never the secret).",
		}, func(ctx context.Context, a webhookIDArgs) (webhookView, error) {
			w, _, err := d.Client.Webhooks.Get(ctx, string(a.WebhookID))
			if err != nil {
				return webhookView{}, err
			}
			return viewWebhook(w), nil
		}),
		defineWrite(spec{
			name: "create_webhook", toolset: toolsetWebhooks, effect: create,
			desc: "Subscribe an https url to OnceHub events under a unique name (409 if taken). Returns its signing secret, shown " +
				"only this once.",
		}, func(ctx context.Context, a createWebhookArgs) (createdWebhook, *oncehub.Response, error) {
			w, resp, err := d.Client.Webhooks.Create(ctx, a.request())
			if err != nil {
				return createdWebhook{}, resp, err
			}
			return createdWebhook{webhookView: viewWebhook(w), Secret: w.Secret, Note: secretNote}, resp, nil
		}),
		defineDestructive(d, spec{
			name: "delete_webhook", toolset: toolsetWebhooks, effect: destroyIdempotent,
			desc: "Delete a webhook subscription; its events stop.",
		}, func(ctx context.Context, a webhookIDArgs) (string, error) {
			w, _, err := d.Client.Webhooks.Get(ctx, string(a.WebhookID))
			if err != nil {
				return "", err
			}
			if w.Deleted {
				return "", &done{result: deletedOutput{ID: w.ID, Deleted: true, AlreadyDeleted: true}}
			}
			return fmt.Sprintf("Delete webhook %q (%s) that sends events to %s.", w.Name, w.ID, w.URL), nil
		}, func(ctx context.Context, a webhookIDArgs) (deletedOutput, *oncehub.Response, error) {
			return deleteOnce(ctx, string(a.WebhookID), d.Client.Webhooks.Delete, isDeleted)
		}),
	}
}
