package oncehub

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Contact statuses OnceHub accepts; any other value is silently stored as null.
var ContactStatuses = []string{"Qualified", "Sales qualified", "Marketing qualified", "Disqualified"}

// Contact is a person the account has met or will meet.
type Contact struct {
	Object             string        `json:"object,omitempty"`
	ID                 string        `json:"id"`
	CreationTime       *time.Time    `json:"creation_time,omitempty"`
	LastUpdatedTime    *time.Time    `json:"last_updated_time,omitempty"`
	LastInteractedTime *time.Time    `json:"last_interacted_time,omitempty"`
	Owner              string        `json:"owner,omitempty"`
	Status             *string       `json:"status,omitempty"`
	Email              string        `json:"email,omitempty"`
	FirstName          *string       `json:"first_name,omitempty"`
	LastName           *string       `json:"last_name,omitempty"`
	Company            *string       `json:"company,omitempty"`
	JobTitle           *string       `json:"job_title,omitempty"`
	Phone              *string       `json:"phone,omitempty"`
	MobilePhone        *string       `json:"mobile_phone,omitempty"`
	Timezone           string        `json:"timezone,omitempty"`
	CustomFields       []CustomField `json:"custom_fields,omitempty"`
	Deleted            bool          `json:"deleted,omitempty"`
	Extra              Extra         `json:"-"`
}

// CustomField is one custom field of a contact: its mapped name and value
// (a string, number, boolean, list or object).
type CustomField struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
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

// Name is the contact's full name ("" when neither part is known).
func (c Contact) Name() string {
	var parts []string
	for _, p := range []*string{c.FirstName, c.LastName} {
		if p != nil && *p != "" {
			parts = append(parts, *p)
		}
	}
	return strings.Join(parts, " ")
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

// ContactFields are the writable fields of a contact that both create and
// update accept. A nil field is not sent. (id, object and the *_time fields
// are read-only and never sent.)
type ContactFields struct {
	FirstName      *string       `json:"first_name,omitempty"`
	LastName       *string       `json:"last_name,omitempty"`
	Owner          *string       `json:"owner,omitempty"`  // USR-…
	Status         *string       `json:"status,omitempty"` // one of ContactStatuses
	Company        *string       `json:"company,omitempty"`
	CompanySize    *string       `json:"company_size,omitempty"`
	Employees      *int          `json:"employees,omitempty"`
	JobTitle       *string       `json:"job_title,omitempty"`
	Salutation     *string       `json:"salutation,omitempty"`
	Phone          *string       `json:"phone,omitempty"` // E.164
	StreetAddress  *string       `json:"street_address,omitempty"`
	City           *string       `json:"city,omitempty"`
	State          *string       `json:"state,omitempty"`
	PostCode       *string       `json:"post_code,omitempty"`
	Country        *string       `json:"country,omitempty"`
	Timezone       *string       `json:"timezone,omitempty"` // IANA
	HasConsent     *bool         `json:"has_consent,omitempty"`
	TermsOfService *bool         `json:"terms_of_sevice,omitempty"` // sic: OnceHub's spelling
	CustomFields   []CustomField `json:"custom_fields,omitempty"`
}

// ValidateUpdate checks the fields of an update without sending anything.
func (f ContactFields) ValidateUpdate() error {
	if f.empty() {
		return &ArgError{Arg: "arguments", Msg: "give at least one field to change"}
	}
	return f.validate()
}

// empty reports that no field is set.
func (f ContactFields) empty() bool {
	b, err := json.Marshal(f)
	return err == nil && string(b) == "{}"
}

func (f ContactFields) validate() error {
	if f.Owner != nil {
		if err := CheckID("owner", PrefixUser, *f.Owner); err != nil {
			return err
		}
	}
	if f.Status != nil && !slices.Contains(ContactStatuses, *f.Status) {
		return &ArgError{Arg: "status", Msg: fmt.Sprintf("%q is not a contact status; use one of %s (OnceHub stores any other value as no status)",
			clip(*f.Status), strings.Join(ContactStatuses, ", "))}
	}
	if f.Phone != nil {
		if err := CheckPhone("phone", *f.Phone); err != nil {
			return err
		}
	}
	if f.Employees != nil && *f.Employees < 0 {
		return &ArgError{Arg: "employees", Msg: fmt.Sprintf("must be 0 or more, got %d", *f.Employees)}
	}
	if f.Timezone != nil {
		if _, err := time.LoadLocation(*f.Timezone); err != nil || *f.Timezone == "" || *f.Timezone == "Local" {
			return &ArgError{Arg: "timezone", Msg: fmt.Sprintf("%q is not an IANA time zone; use a name such as Europe/Berlin or America/New_York", clip(*f.Timezone))}
		}
	}
	for i, cf := range f.CustomFields {
		if strings.TrimSpace(cf.Name) == "" {
			return &ArgError{Arg: fmt.Sprintf("custom_fields[%d].name", i), Msg: "is required: the custom field's mapped name"}
		}
	}
	return nil
}

// NewContact is the body of POST /contacts. FirstName and LastName are
// required, and Email or MobilePhone (OnceHub identifies contacts by them).
type NewContact struct {
	Email       string `json:"email,omitempty"`
	MobilePhone string `json:"mobile_phone,omitempty"` // E.164
	ContactFields
}

// Validate checks the contact without sending anything.
func (n NewContact) Validate() error {
	if n.FirstName == nil || strings.TrimSpace(*n.FirstName) == "" {
		return &ArgError{Arg: "first_name", Msg: "is required"}
	}
	if n.LastName == nil || strings.TrimSpace(*n.LastName) == "" {
		return &ArgError{Arg: "last_name", Msg: "is required"}
	}
	if n.Email == "" && n.MobilePhone == "" {
		return &ArgError{Arg: "email", Msg: "is required (or mobile_phone): OnceHub identifies a contact by email or mobile phone"}
	}
	if n.Email != "" {
		if err := CheckEmail("email", n.Email); err != nil {
			return err
		}
	}
	if n.MobilePhone != "" {
		if err := CheckPhone("mobile_phone", n.MobilePhone); err != nil {
			return err
		}
	}
	return n.ContactFields.validate()
}

// CreateContact adds a contact. A contact with the same email or mobile phone
// already existing is a 409 (IsConflict). Never retried once sent.
func (c *Client) CreateContact(ctx context.Context, n NewContact) (Contact, error) {
	if err := n.Validate(); err != nil {
		return Contact{}, err
	}
	var out Contact
	_, err := c.do(ctx, request{method: "POST", path: "/contacts", route: "/contacts", body: n}, &out)
	return out, err
}

// ContactUpdate is the body of PATCH /contacts/{id}: only non-nil fields are
// sent. Email and mobile phone identify a contact and cannot be changed.
type ContactUpdate = ContactFields

// UpdateContact changes the given fields of a contact; custom fields not
// named keep their values.
func (c *Client) UpdateContact(ctx context.Context, id string, u ContactUpdate) (Contact, error) {
	path, err := idPath("/contacts", "contact_id", PrefixContact, id)
	if err != nil {
		return Contact{}, err
	}
	if err := u.ValidateUpdate(); err != nil {
		return Contact{}, err
	}
	var out Contact
	_, err = c.do(ctx, request{method: "PATCH", path: path, route: "/contacts/{id}", body: u}, &out)
	return out, err
}

// DeleteContact deletes a contact.
func (c *Client) DeleteContact(ctx context.Context, id string) (DeletedObject, error) {
	return del(ctx, c, "/contacts", "contact_id", PrefixContact, id)
}

// del deletes one object by ID from collection.
func del(ctx context.Context, c *Client, collection, arg, prefix, id string) (DeletedObject, error) {
	path, err := idPath(collection, arg, prefix, id)
	if err != nil {
		return DeletedObject{}, err
	}
	var out DeletedObject
	_, err = c.do(ctx, request{method: "DELETE", path: path, route: collection + "/{id}"}, &out)
	return out, err
}
