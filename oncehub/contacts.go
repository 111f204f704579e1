package oncehub

import (
	"context"
	"net/url"
	"time"
)

// Contact is a person the account has met or will meet.
type Contact struct {
	Object             string     `json:"object,omitempty"`
	ID                 string     `json:"id"`
	CreationTime       *time.Time `json:"creation_time,omitempty"`
	LastUpdatedTime    *time.Time `json:"last_updated_time,omitempty"`
	LastInteractedTime *time.Time `json:"last_interacted_time,omitempty"`
	Owner              string     `json:"owner,omitempty"`
	Status             *string    `json:"status,omitempty"`
	Email              string     `json:"email,omitempty"`
	FirstName          *string    `json:"first_name,omitempty"`
	LastName           *string    `json:"last_name,omitempty"`
	Company            *string    `json:"company,omitempty"`
	Phone              *string    `json:"phone,omitempty"`
	MobilePhone        *string    `json:"mobile_phone,omitempty"`
	Timezone           string     `json:"timezone,omitempty"`
	Deleted            bool       `json:"deleted,omitempty"`
	Extra              Extra      `json:"-"`
}

// UnmarshalJSON keeps unknown fields in Extra.
func (c *Contact) UnmarshalJSON(data []byte) error {
	type plain Contact
	return decodeObject(data, (*plain)(c), &c.Extra)
}

// MarshalJSON writes known and unknown fields.
func (c Contact) MarshalJSON() ([]byte, error) {
	type plain Contact
	return encodeObject(plain(c), c.Extra)
}

// ContactFilter narrows GET /contacts.
type ContactFilter struct {
	ListParams
	Email           string
	CreationTime    DateRange
	LastUpdatedTime DateRange
}

// Validate checks the filter without sending anything.
func (f ContactFilter) Validate() error {
	if err := f.ListParams.Validate(); err != nil {
		return err
	}
	if err := f.CreationTime.validate("creation_time"); err != nil {
		return err
	}
	return f.LastUpdatedTime.validate("last_updated_time")
}

// ListContacts returns one page of contacts.
func (c *Client) ListContacts(ctx context.Context, f ContactFilter) (Page[Contact], error) {
	if err := f.Validate(); err != nil {
		return Page[Contact]{}, err
	}
	q := url.Values{}
	setIf(q, "email", f.Email)
	f.CreationTime.apply(q, "creation_time")
	f.LastUpdatedTime.apply(q, "last_updated_time")
	return list(ctx, c, "/contacts", "/contacts", q, f.ListParams, func(ct Contact) string { return ct.ID })
}

// GetContact fetches one contact; a deleted one comes back with Deleted set.
func (c *Client) GetContact(ctx context.Context, id string) (Contact, error) {
	return get[Contact](ctx, c, "/contacts", "contact_id", PrefixContact, id, nil)
}
