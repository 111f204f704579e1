package tools

import (
	"context"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listSMSArgs struct {
	pageArgs
	detailArg
	CreatedAfter  When          `json:"creation_time_after,omitempty" jsonschema:"sent at or after (UTC without offset)"`
	CreatedBefore When          `json:"creation_time_before,omitempty" jsonschema:"sent before"`
	Recipient     RecipientID   `json:"recipient,omitempty" jsonschema:"sent to this contact or user"`
	RecipientType RecipientType `json:"recipient_type,omitempty" jsonschema:"sent to contacts or to users"`
	Expand        []SMSExpand   `json:"expand,omitempty" jsonschema:"IDs to replace by objects (detail=full)"`

	created timeRange
}

func (a *listSMSArgs) validate() (err error) {
	a.created, err = newTimeRange("creation_time", a.CreatedAfter, a.CreatedBefore, nil)
	return err
}

func (a listSMSArgs) options() *oncehub.SMSListOptions {
	return &oncehub.SMSListOptions{
		ListOptions:   a.pageArgs.options(),
		CreationTime:  a.created.times(),
		Recipient:     string(a.Recipient),
		RecipientType: string(a.RecipientType),
		Expand:        a.expandForNames(ids(a.Expand), "recipient"), // recipient_name, in the same request
	}
}

// keep trims the second the date-time filter widens.
func (a listSMSArgs) keep() func(oncehub.SMSNotification) bool {
	if a.created.isZero() {
		return nil
	}
	return func(s oncehub.SMSNotification) bool { return a.created.contains(s.CreationTime) }
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
		define(spec{
			name: "list_sms_notifications", toolset: toolsetNotifications, effect: read,
			desc: "SMS messages OnceHub sent, newest first: id, status (sent, delivered, failed, rejected), creation_time, " +
				"recipient, delivered_to, message_body.",
		}, func(ctx context.Context, a listSMSArgs) (detailList[smsView, oncehub.SMSNotification], error) {
			return listDetail(ctx, a.pageArgs, a.detailArg, d.Client.SMSNotifications, a.options(), a.keep(), viewSMS)
		}),
	}
}
