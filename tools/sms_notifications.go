package tools

import (
	"context"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/internal/clip"
	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listSMSArgs struct {
	pageArgs
	detailArg
	CreatedAfter  string   `json:"creation_time_after,omitempty" jsonschema:"RFC 3339"`
	CreatedBefore string   `json:"creation_time_before,omitempty" jsonschema:"RFC 3339"`
	Recipient     string   `json:"recipient,omitempty" jsonschema:"CTC-… or USR-…"`
	RecipientType string   `json:"recipient_type,omitempty" jsonschema:"contact or user."`
	Expand        []string `json:"expand,omitempty" jsonschema:"recipient"`

	after, before time.Time
}

func (a *listSMSArgs) validate() error {
	if err := a.pageArgs.validate(); err != nil {
		return err
	}
	if err := a.detailArg.validate(); err != nil {
		return err
	}
	var err error
	if a.after, err = parseDateTime("creation_time_after", a.CreatedAfter); err != nil {
		return err
	}
	a.before, err = parseDateTime("creation_time_before", a.CreatedBefore)
	return err
}

func (a listSMSArgs) options() *oncehub.SMSListOptions {
	return &oncehub.SMSListOptions{
		ListOptions:   a.pageArgs.options(),
		CreationTime:  oncehub.TimeRange{After: a.after, Before: a.before},
		Recipient:     a.Recipient,
		RecipientType: a.RecipientType,
		Expand:        a.expandForNames(a.Expand, "recipient"),
	}
}

// parseDateTime parses an optional RFC 3339 argument.
func parseDateTime(arg, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, argErrorf(arg, "%q is not an RFC 3339 date-time; use e.g. 2026-11-01T00:00:00Z (with Z or an offset)", clip.Value(v))
	}
	return t, nil
}

// smsView is the compact form of an SMS notification.
type smsView struct {
	ID            string `json:"id"`
	Status        string `json:"status"`
	CreationTime  string `json:"creation_time,omitempty"`
	Recipient     string `json:"recipient,omitempty"`
	RecipientType string `json:"recipient_type,omitempty"`
	RecipientName string `json:"recipient_name,omitempty"`
	DeliveredTo   string `json:"delivered_to,omitempty"`
	MessageBody   string `json:"message_body,omitempty"`
	SegmentCount  int    `json:"segment_count,omitempty"`
}

func viewSMS(s oncehub.SMSNotification) smsView {
	v := smsView{ID: s.ID, Status: s.Status, CreationTime: utc(s.CreationTime), Recipient: s.Recipient.ID,
		RecipientType: s.RecipientType, RecipientName: s.RecipientName()}
	if s.Details != nil {
		v.DeliveredTo, v.MessageBody, v.SegmentCount = s.Details.DeliveredTo, s.Details.MessageBody, s.Details.SegmentCount
	}
	return v
}

func notificationTools(d Deps) []Tool {
	return []Tool{
		define[listSMSArgs](spec{
			name: "list_sms_notifications", toolset: toolsetNotifications, effect: read,
			desc: "SMS messages OnceHub sent, newest first: id, status (sent, delivered, failed, rejected), creation_time, " +
				"recipient, delivered_to, message_body.",
		}, func(ctx context.Context, a listSMSArgs) (any, error) {
			return listDetail(ctx, a.pageArgs, a.detailArg, d.Client.SMSNotifications, a.options(), viewSMS)
		}),
	}
}
