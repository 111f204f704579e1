package oncehub

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/internal/clip"
)

// SMSExpandable lists the SMS notification fields `expand` accepts.
func SMSExpandable() []string { return []string{"recipient"} }

// SMS recipient types.
const (
	RecipientContact = "contact"
	RecipientUser    = "user"
)

// SMSNotification is a text message OnceHub sent (GET /notifications/sms).
type SMSNotification struct {
	Object        string      `json:"object,omitempty"`
	ID            string      `json:"id"`
	Type          string      `json:"type,omitempty"`
	Status        string      `json:"status,omitempty"` // sent | delivered | failed | rejected
	CreationTime  *time.Time  `json:"creation_time,omitempty"`
	Recipient     Ref[Object] `json:"recipient,omitzero"`       // CTC-… or USR-…; the object when expanded
	RecipientType string      `json:"recipient_type,omitempty"` // contact | user
	Details       *SMSDetail  `json:"details,omitempty"`
	Extra         Extra       `json:"-"`
}

// RecipientName is the expanded recipient's full name, or "" when the
// recipient was not expanded (or was deleted).
func (s SMSNotification) RecipientName() string {
	if s.Recipient.Object == nil {
		return ""
	}
	var parts []string
	for _, k := range []string{"first_name", "last_name"} {
		var v string
		if raw, ok := (*s.Recipient.Object)[k]; ok && json.Unmarshal(raw, &v) == nil && v != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " ")
}

// SMSDetail says where an SMS went and what it said.
type SMSDetail struct {
	DeliveredTo  string `json:"delivered_to,omitempty"`
	MessageBody  string `json:"message_body,omitempty"`
	SegmentCount int    `json:"segment_count,omitempty"`
	Extra        Extra  `json:"-"`
}

// UnmarshalJSON keeps unknown fields in Extra.
func (s *SMSNotification) UnmarshalJSON(data []byte) error {
	type plain SMSNotification
	return decodeObject(data, (*plain)(s), &s.Extra)
}

// MarshalJSON writes known and unknown fields.
func (s SMSNotification) MarshalJSON() ([]byte, error) {
	type plain SMSNotification
	return encodeObject(plain(s), s.Extra)
}

// UnmarshalJSON keeps unknown fields in Extra.
func (d *SMSDetail) UnmarshalJSON(data []byte) error {
	type plain SMSDetail
	return decodeObject(data, (*plain)(d), &d.Extra)
}

// MarshalJSON writes known and unknown fields.
func (d SMSDetail) MarshalJSON() ([]byte, error) {
	type plain SMSDetail
	return encodeObject(plain(d), d.Extra)
}

// SMSNotificationsService handles the SMS messages OnceHub sent
// (/notifications/sms).
type SMSNotificationsService service

// SMSListOptions narrows GET /notifications/sms. Empty fields are not sent.
type SMSListOptions struct {
	ListOptions
	CreationTime  TimeRange  `url:"creation_time"`
	Recipient     string     `url:"recipient,omitempty"`      // CTC-… or USR-…
	RecipientType string     `url:"recipient_type,omitempty"` // RecipientContact or RecipientUser
	Expand        ListExpand `url:"expand"`                   // see SMSExpandable
}

// Validate checks the options without sending anything.
func (o SMSListOptions) Validate() error {
	if err := o.ListOptions.Validate(); err != nil {
		return err
	}
	if err := o.CreationTime.validate("creation_time"); err != nil {
		return err
	}
	if err := checkOptionalID("recipient", PrefixContact+"|"+PrefixUser, o.Recipient); err != nil {
		return err
	}
	switch o.RecipientType {
	case "", RecipientContact, RecipientUser:
	default:
		return paramErr("recipient_type", "%q is not a recipient type; use contact or user", clip.Value(o.RecipientType))
	}
	return checkExpand(o.Expand, SMSExpandable())
}

func smsID(s SMSNotification) string { return s.ID }

// List returns one page of SMS notifications, newest first.
func (s *SMSNotificationsService) List(ctx context.Context, opts *SMSListOptions) ([]SMSNotification, *Response, error) {
	o := orZero(opts)
	if err := o.Validate(); err != nil {
		return nil, nil, err
	}
	return s.list(ctx, o)
}

func (s *SMSNotificationsService) list(ctx context.Context, o SMSListOptions) ([]SMSNotification, *Response, error) {
	return list(ctx, s.client, "/notifications/sms", o, o.ListOptions, smsID)
}

// ListAll walks the SMS notifications matching opts, newest first (see Pager).
func (s *SMSNotificationsService) ListAll(ctx context.Context, opts *SMSListOptions) *Pager[SMSNotification] {
	o := orZero(opts)
	return newPager(ctx, o.Validate(), o.ListOptions, func(ctx context.Context, page ListOptions) ([]SMSNotification, *Response, error) {
		o.ListOptions = page
		return s.list(ctx, o)
	}, smsID)
}
