package oncehub

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oncehub-mcp/oncehub-mcp/internal/clip"
)

// ContactStatuses lists the contact statuses OnceHub accepts; it silently
// stores any other value as null.
func ContactStatuses() []string {
	return []string{"Qualified", "Sales qualified", "Marketing qualified", "Disqualified"}
}

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

// ContactsService handles contacts (/contacts).
type ContactsService service

// ContactListOptions narrows GET /contacts.
type ContactListOptions struct {
	ListOptions
	Email           string    `url:"email,omitempty"`
	CreationTime    DateRange `url:"creation_time"`
	LastUpdatedTime DateRange `url:"last_updated_time"`
}

// Validate checks the options without sending anything.
func (o ContactListOptions) Validate() error {
	if err := o.ListOptions.Validate(); err != nil {
		return err
	}
	if o.Email != "" {
		if err := checkEmail("email", o.Email); err != nil {
			return err
		}
	}
	if err := o.CreationTime.validate("creation_time"); err != nil {
		return err
	}
	return o.LastUpdatedTime.validate("last_updated_time")
}

func contactID(c Contact) string { return c.ID }

// List returns one page of contacts.
func (s *ContactsService) List(ctx context.Context, opts *ContactListOptions) ([]Contact, *Response, error) {
	o := orZero(opts)
	if err := o.Validate(); err != nil {
		return nil, nil, err
	}
	return s.list(ctx, o)
}

func (s *ContactsService) list(ctx context.Context, o ContactListOptions) ([]Contact, *Response, error) {
	return list(ctx, s.client, "/contacts", o, o.ListOptions, contactID)
}

// ListAll walks the contacts matching opts (see Pager).
func (s *ContactsService) ListAll(ctx context.Context, opts *ContactListOptions) *Pager[Contact] {
	o := orZero(opts)
	return newPager(ctx, o.Validate(), o.ListOptions, func(ctx context.Context, page ListOptions) ([]Contact, *Response, error) {
		o.ListOptions = page
		return s.list(ctx, o)
	}, contactID)
}

// Get fetches one contact; a deleted one comes back with Deleted set.
func (s *ContactsService) Get(ctx context.Context, id string) (Contact, *Response, error) {
	return get[Contact](ctx, s.client, "/contacts/{id}", PrefixContact, id)
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

// Validate checks the fields of an update (PATCH /contacts/{id}) without
// sending anything: at least one must be set.
func (f ContactFields) Validate() error {
	if f.empty() {
		return paramErr("", "give at least one field to change")
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
		if err := checkID("owner", PrefixUser, *f.Owner); err != nil {
			return err
		}
	}
	if f.Status != nil && !slices.Contains(ContactStatuses(), *f.Status) {
		return paramErr("status", "%q is not a contact status; use one of %s (OnceHub stores any other value as no status)",
			clip.Value(*f.Status), strings.Join(ContactStatuses(), ", "))
	}
	if f.Phone != nil {
		if err := checkPhone("phone", *f.Phone); err != nil {
			return err
		}
	}
	if f.Employees != nil && *f.Employees < 0 {
		return paramErr("employees", "must be 0 or more, got %d", *f.Employees)
	}
	if f.Timezone != nil {
		if err := checkTimeZone("timezone", *f.Timezone); err != nil {
			return err
		}
	}
	for i, cf := range f.CustomFields {
		if strings.TrimSpace(cf.Name) == "" {
			return paramErr(fmt.Sprintf("custom_fields[%d].name", i), "is required: the custom field's mapped name")
		}
	}
	return nil
}

// CreateContactRequest is the body of POST /contacts. FirstName and LastName
// are required, and Email or MobilePhone (OnceHub identifies contacts by them).
type CreateContactRequest struct {
	Email       string `json:"email,omitempty"`
	MobilePhone string `json:"mobile_phone,omitempty"` // E.164
	ContactFields
}

// Validate checks the contact without sending anything.
func (r CreateContactRequest) Validate() error {
	if r.FirstName == nil || strings.TrimSpace(*r.FirstName) == "" {
		return paramErr("first_name", "is required")
	}
	if r.LastName == nil || strings.TrimSpace(*r.LastName) == "" {
		return paramErr("last_name", "is required")
	}
	if r.Email == "" && r.MobilePhone == "" {
		return paramErr("email", "is required (or mobile_phone): OnceHub identifies a contact by email or mobile phone")
	}
	if r.Email != "" {
		if err := checkEmail("email", r.Email); err != nil {
			return err
		}
	}
	if r.MobilePhone != "" {
		if err := checkPhone("mobile_phone", r.MobilePhone); err != nil {
			return err
		}
	}
	return r.ContactFields.validate()
}

// Create adds a contact. A contact with the same email or mobile phone
// already existing is a 409. Never retried once sent.
func (s *ContactsService) Create(ctx context.Context, body *CreateContactRequest) (Contact, *Response, error) {
	b := orZero(body)
	if err := b.Validate(); err != nil {
		return Contact{}, nil, err
	}
	var out Contact
	resp, err := s.client.do(ctx, request{method: "POST", route: "/contacts", body: b}, &out)
	return out, resp, err
}

// Update changes the given fields of a contact (PATCH /contacts/{id}): only
// non-nil fields are sent, and custom fields not named keep their values.
// Email and mobile phone identify a contact and cannot be changed.
func (s *ContactsService) Update(ctx context.Context, id string, fields *ContactFields) (Contact, *Response, error) {
	f := orZero(fields)
	if err := checkID("id", PrefixContact, id); err != nil {
		return Contact{}, nil, err
	}
	if err := f.Validate(); err != nil {
		return Contact{}, nil, err
	}
	var out Contact
	resp, err := s.client.do(ctx, request{method: "PATCH", route: "/contacts/{id}", id: id, body: f}, &out)
	return out, resp, err
}

// Delete deletes a contact.
func (s *ContactsService) Delete(ctx context.Context, id string) (DeletedObject, *Response, error) {
	return del(ctx, s.client, "/contacts/{id}", PrefixContact, id)
}
