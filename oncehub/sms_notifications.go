package oncehub

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// SMSExpandable lists the SMS notification fields `expand` accepts.
var SMSExpandable = []string{"recipient"}

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

// SMSFilter narrows GET /notifications/sms. Empty fields are not sent.
type SMSFilter struct {
	ListParams
	CreationTime  TimeRange // date-times
	Recipient     string    // CTC-… or USR-…
	RecipientType string    // contact | user
	Expand        []string  // see SMSExpandable
}

// Validate checks the filter without sending anything.
func (f SMSFilter) Validate() error {
	if err := f.ListParams.Validate(); err != nil {
		return err
	}
	if err := f.CreationTime.validate("creation_time"); err != nil {
		return err
	}
	if err := checkOptionalID("recipient", PrefixContact+"|"+PrefixUser, f.Recipient); err != nil {
		return err
	}
	switch f.RecipientType {
	case "", RecipientContact, RecipientUser:
	default:
		return &ArgError{Arg: "recipient_type", Msg: fmt.Sprintf("%q is not a recipient type; use contact or user", clip(f.RecipientType))}
	}
	return checkExpand(f.Expand, SMSExpandable)
}

func (f SMSFilter) query() url.Values {
	q := url.Values{}
	f.CreationTime.apply(q, "creation_time")
	setIf(q, "recipient", f.Recipient)
	setIf(q, "recipient_type", f.RecipientType)
	setListExpand(q, f.Expand)
	return q
}

// ListSMSNotifications returns one page of SMS notifications, newest first.
func (c *Client) ListSMSNotifications(ctx context.Context, f SMSFilter) (Page[SMSNotification], error) {
	if err := f.Validate(); err != nil {
		return Page[SMSNotification]{}, err
	}
	return list(ctx, c, "/notifications/sms", "/notifications/sms", f.query(), f.ListParams, func(s SMSNotification) string { return s.ID })
}
