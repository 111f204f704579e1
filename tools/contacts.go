package tools

import (
	"context"
	"fmt"

	"github.com/google/jsonschema-go/jsonschema"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listContactsArgs struct {
	pageArgs
	detailArg
	Email         Email `json:"email,omitempty" jsonschema:"exactly this address"`
	CreatedAfter  When  `json:"creation_time_after,omitempty" jsonschema:"added at or after (UTC without offset)"`
	CreatedBefore When  `json:"creation_time_before,omitempty" jsonschema:"added before"`
	UpdatedAfter  When  `json:"last_updated_time_after,omitempty" jsonschema:"changed at or after"`
	UpdatedBefore When  `json:"last_updated_time_before,omitempty" jsonschema:"changed before"`

	created, updated timeRange
}

func (a *listContactsArgs) validate() (err error) {
	if a.created, err = newTimeRange("creation_time", a.CreatedAfter, a.CreatedBefore, nil); err != nil {
		return err
	}
	a.updated, err = newTimeRange("last_updated_time", a.UpdatedAfter, a.UpdatedBefore, nil)
	return err
}

func (a listContactsArgs) options() *oncehub.ContactListOptions {
	return &oncehub.ContactListOptions{
		ListOptions:     a.pageArgs.options(),
		Email:           string(a.Email),
		CreationTime:    a.created.dates(),
		LastUpdatedTime: a.updated.dates(),
	}
}

// keep trims what OnceHub's whole-day filters let through.
func (a listContactsArgs) keep() func(oncehub.Contact) bool {
	if a.created.isZero() && a.updated.isZero() {
		return nil
	}
	return func(c oncehub.Contact) bool {
		return a.created.contains(c.CreationTime) && a.updated.contains(c.LastUpdatedTime)
	}
}

type contactIDArgs struct {
	ContactID ContactID `json:"contact_id"`
}

// customFieldArg is one custom field of a contact.
type customFieldArg struct {
	Name  FieldName  `json:"name"`
	Value FieldValue `json:"value" jsonschema:"any JSON value; null clears it"`
}

// contactFieldArgs are the writable contact fields create and update share.
type contactFieldArgs struct {
	Owner          *UserID          `json:"owner,omitempty" jsonschema:"user ID of the contact's owner"`
	Status         *ContactStatus   `json:"status,omitempty"`
	Company        *Text            `json:"company,omitempty"`
	CompanySize    *Text            `json:"company_size,omitempty" jsonschema:"free text, e.g. 50-100"`
	Employees      *Employees       `json:"employees,omitempty"`
	JobTitle       *Text            `json:"job_title,omitempty"`
	Salutation     *Text            `json:"salutation,omitempty" jsonschema:"free text, e.g. Ms."`
	Phone          *Phone           `json:"phone,omitempty"`
	StreetAddress  *Text            `json:"street_address,omitempty"`
	City           *Text            `json:"city,omitempty"`
	State          *Text            `json:"state,omitempty"`
	PostCode       *Text            `json:"post_code,omitempty"`
	Country        *Text            `json:"country,omitempty"`
	Timezone       *TimeZone        `json:"timezone,omitempty"`
	HasConsent     *bool            `json:"has_consent,omitempty" jsonschema:"they consented to their data being kept"`
	TermsOfService *bool            `json:"terms_of_service,omitempty" jsonschema:"they accepted the terms of service"`
	CustomFields   []customFieldArg `json:"custom_fields,omitempty" jsonschema:"by mapped name; fields not named are kept"`
}

// str is an optional typed string as OnceHub's *string.
func str[T ~string](p *T) *string {
	if p == nil {
		return nil
	}
	s := string(*p)
	return &s
}

func (a contactFieldArgs) fields(first, last *string) oncehub.ContactFields {
	f := oncehub.ContactFields{
		FirstName: first, LastName: last, Owner: str(a.Owner), Status: str(a.Status), Company: str(a.Company),
		CompanySize: str(a.CompanySize), JobTitle: str(a.JobTitle), Salutation: str(a.Salutation),
		Phone: str(a.Phone), StreetAddress: str(a.StreetAddress), City: str(a.City), State: str(a.State), PostCode: str(a.PostCode),
		Country: str(a.Country), Timezone: str(a.Timezone), HasConsent: a.HasConsent, TermsOfService: a.TermsOfService,
		Employees: (*int)(a.Employees),
	}
	for _, c := range a.CustomFields {
		f.CustomFields = append(f.CustomFields, oncehub.CustomField{Name: string(c.Name), Value: c.Value})
	}
	return f
}

// validate checks what the schema cannot: a time zone that loads.
func (a contactFieldArgs) validate() error {
	if a.Timezone != nil {
		_, err := loadZone("timezone", string(*a.Timezone))
		return err
	}
	return nil
}

type createContactArgs struct {
	FirstName   PersonName `json:"first_name"`
	LastName    PersonName `json:"last_name"`
	Email       Email      `json:"email,omitempty" jsonschema:"email or mobile_phone identifies the contact"`
	MobilePhone Phone      `json:"mobile_phone,omitempty"`
	contactFieldArgs
}

// rules: OnceHub identifies a contact by email or mobile phone.
func (createContactArgs) rules() []*jsonschema.Schema {
	return []*jsonschema.Schema{anyOfRequired("email", "mobile_phone")}
}

func (a createContactArgs) request() *oncehub.CreateContactRequest {
	first, last := string(a.FirstName), string(a.LastName)
	return &oncehub.CreateContactRequest{Email: string(a.Email), MobilePhone: string(a.MobilePhone), ContactFields: a.fields(&first, &last)}
}

type updateContactArgs struct {
	ContactID ContactID   `json:"contact_id"`
	FirstName *PersonName `json:"first_name,omitempty"`
	LastName  *PersonName `json:"last_name,omitempty"`
	contactFieldArgs
}

// rules: something to change (any field but contact_id).
func (updateContactArgs) rules() []*jsonschema.Schema {
	return []*jsonschema.Schema{{MinProperties: jsonschema.Ptr(2)}}
}

// contactView is the compact form of a contact.
type contactView struct {
	ID              string  `json:"id"`
	Name            string  `json:"name,omitempty"`
	Email           string  `json:"email,omitempty"`
	MobilePhone     *string `json:"mobile_phone,omitempty"`
	Phone           *string `json:"phone,omitempty"`
	Company         *string `json:"company,omitempty"`
	JobTitle        *string `json:"job_title,omitempty"`
	Status          *string `json:"status,omitempty"`
	Owner           string  `json:"owner,omitempty"`
	TimeZone        string  `json:"timezone,omitempty"`
	CreationTime    string  `json:"creation_time,omitempty"`
	LastUpdatedTime string  `json:"last_updated_time,omitempty"`
}

func viewContact(c oncehub.Contact) contactView {
	return contactView{
		ID: c.ID, Name: c.Name(), Email: c.Email, MobilePhone: c.MobilePhone, Phone: c.Phone,
		Company: c.Company, JobTitle: c.JobTitle, Status: c.Status, Owner: c.Owner, TimeZone: c.Timezone,
		CreationTime: utc(c.CreationTime), LastUpdatedTime: utc(c.LastUpdatedTime),
	}
}

func contactTools(d Deps) []Tool {
	isDeleted := func(ctx context.Context, id string) (bool, error) {
		c, _, err := d.Client.Contacts.Get(ctx, id)
		return c.Deleted, err
	}
	return []Tool{
		define(spec{
			name: "list_contacts", toolset: toolsetContacts, effect: read,
			desc: "Contacts, newest first: id, name, email, phones, company, status, owner, timezone, times; detail=full adds " +
				"custom_fields and more.",
		}, func(ctx context.Context, a listContactsArgs) (detailList[contactView, oncehub.Contact], error) {
			return listDetail(ctx, a.pageArgs, a.detailArg, d.Client.Contacts, a.options(), a.keep(), viewContact)
		}),
		define(spec{
			name: "get_contact", toolset: toolsetContacts, effect: read,
			desc: "Every field of one contact, custom_fields included.",
		}, func(ctx context.Context, a contactIDArgs) (oncehub.Contact, error) {
			c, _, err := d.Client.Contacts.Get(ctx, string(a.ContactID))
			return c, err
		}),
		defineWrite(spec{
			name: "create_contact", toolset: toolsetContacts, effect: create,
			desc: "Add a contact: first_name, last_name, and email or mobile_phone; custom_fields by mapped name. 409 if the " +
				"email or mobile phone exists (see list_contacts).",
		}, func(ctx context.Context, a createContactArgs) (oncehub.Contact, *oncehub.Response, error) {
			return d.Client.Contacts.Create(ctx, a.request())
		}),
		defineWrite(spec{
			name: "update_contact", toolset: toolsetContacts, effect: update,
			desc: "Change a contact: only the given fields are sent; unnamed custom_fields are kept. email and mobile_phone " +
				"cannot change.",
		}, func(ctx context.Context, a updateContactArgs) (oncehub.Contact, *oncehub.Response, error) {
			f := a.fields(str(a.FirstName), str(a.LastName))
			return d.Client.Contacts.Update(ctx, string(a.ContactID), &f)
		}),
		defineDestructive(d, spec{
			name: "delete_contact", toolset: toolsetContacts, effect: destroyIdempotent,
			desc: "Permanently delete a contact.",
		}, func(ctx context.Context, a contactIDArgs) (string, error) {
			c, _, err := d.Client.Contacts.Get(ctx, string(a.ContactID))
			if err != nil {
				return "", err
			}
			if c.Deleted {
				return "", &done{result: deletedOutput{ID: c.ID, Deleted: true, AlreadyDeleted: true}}
			}
			name := c.Name()
			if name == "" {
				name = "(no name)"
			}
			who := c.Email
			if who == "" && c.MobilePhone != nil {
				who = *c.MobilePhone
			}
			return fmt.Sprintf("Delete contact %s <%s> (%s) permanently.", name, who, c.ID), nil
		}, func(ctx context.Context, a contactIDArgs) (deletedOutput, *oncehub.Response, error) {
			return deleteOnce(ctx, string(a.ContactID), d.Client.Contacts.Delete, isDeleted)
		}),
	}
}
