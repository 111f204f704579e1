package tools

import (
	"context"
	"fmt"

	"github.com/oncehub-mcp/oncehub-mcp/oncehub"
)

type listContactsArgs struct {
	pageArgs
	detailArg
	Email         string `json:"email,omitempty" jsonschema:"Exact email address."`
	CreatedAfter  string `json:"creation_time_after,omitempty"`
	CreatedBefore string `json:"creation_time_before,omitempty"`
	UpdatedAfter  string `json:"last_updated_time_after,omitempty"`
	UpdatedBefore string `json:"last_updated_time_before,omitempty"`
}

func (a listContactsArgs) options() *oncehub.ContactListOptions {
	return &oncehub.ContactListOptions{
		ListOptions:     a.pageArgs.options(),
		Email:           a.Email,
		CreationTime:    oncehub.DateRange{After: a.CreatedAfter, Before: a.CreatedBefore},
		LastUpdatedTime: oncehub.DateRange{After: a.UpdatedAfter, Before: a.UpdatedBefore},
	}
}

func (a *listContactsArgs) validate() error {
	if err := a.pageArgs.validate(); err != nil {
		return err
	}
	return a.detailArg.validate()
}

type contactIDArgs struct {
	ContactID string `json:"contact_id"`
}

// contactFieldArgs are the writable contact fields create and update share.
type contactFieldArgs struct {
	Owner          *string               `json:"owner,omitempty"`
	Status         *string               `json:"status,omitempty" jsonschema:"Qualified, Sales qualified, Marketing qualified or Disqualified."`
	Company        *string               `json:"company,omitempty"`
	CompanySize    *string               `json:"company_size,omitempty"`
	Employees      *int                  `json:"employees,omitempty"`
	JobTitle       *string               `json:"job_title,omitempty"`
	Salutation     *string               `json:"salutation,omitempty"`
	Phone          *string               `json:"phone,omitempty"`
	StreetAddress  *string               `json:"street_address,omitempty"`
	City           *string               `json:"city,omitempty"`
	State          *string               `json:"state,omitempty"`
	PostCode       *string               `json:"post_code,omitempty"`
	Country        *string               `json:"country,omitempty"`
	Timezone       *string               `json:"timezone,omitempty"`
	HasConsent     *bool                 `json:"has_consent,omitempty"`
	TermsOfService *bool                 `json:"terms_of_service,omitempty"`
	CustomFields   []oncehub.CustomField `json:"custom_fields,omitempty"`
}

func (a contactFieldArgs) fields(first, last *string) oncehub.ContactFields {
	return oncehub.ContactFields{
		FirstName: first, LastName: last, Owner: a.Owner, Status: a.Status, Company: a.Company,
		CompanySize: a.CompanySize, Employees: a.Employees, JobTitle: a.JobTitle, Salutation: a.Salutation,
		Phone: a.Phone, StreetAddress: a.StreetAddress, City: a.City, State: a.State, PostCode: a.PostCode,
		Country: a.Country, Timezone: a.Timezone, HasConsent: a.HasConsent, TermsOfService: a.TermsOfService,
		CustomFields: a.CustomFields,
	}
}

type createContactArgs struct {
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	Email       string `json:"email,omitempty"`
	MobilePhone string `json:"mobile_phone,omitempty"`
	contactFieldArgs
}

func (a createContactArgs) request() *oncehub.CreateContactRequest {
	return &oncehub.CreateContactRequest{Email: a.Email, MobilePhone: a.MobilePhone, ContactFields: a.fields(&a.FirstName, &a.LastName)}
}

type updateContactArgs struct {
	ContactID string  `json:"contact_id"`
	FirstName *string `json:"first_name,omitempty"`
	LastName  *string `json:"last_name,omitempty"`
	contactFieldArgs
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
		define[listContactsArgs](spec{
			name: "list_contacts", toolset: toolsetContacts, effect: read,
			desc: "Contacts, newest first: id, name, email, phones, company, status, owner, timezone, times; detail=full adds " +
				"custom_fields and more.",
		}, func(ctx context.Context, a listContactsArgs) (any, error) {
			return listDetail(ctx, a.pageArgs, a.detailArg, d.Client.Contacts, a.options(), viewContact)
		}),
		define[contactIDArgs](spec{
			name: "get_contact", toolset: toolsetContacts, effect: read,
			desc: "Every field of one contact, custom_fields included.",
		}, func(ctx context.Context, a contactIDArgs) (any, error) {
			c, _, err := d.Client.Contacts.Get(ctx, a.ContactID)
			return c, err
		}),
		defineWrite[createContactArgs](spec{
			name: "create_contact", toolset: toolsetContacts, effect: create,
			desc: "Add a contact: first_name, last_name, and email or mobile_phone; custom_fields by mapped name. 409 if the " +
				"email or mobile phone exists (see list_contacts).",
		}, func(ctx context.Context, a createContactArgs) (any, *oncehub.Response, error) {
			return d.Client.Contacts.Create(ctx, a.request())
		}),
		defineWrite[updateContactArgs](spec{
			name: "update_contact", toolset: toolsetContacts, effect: update,
			desc: "Change a contact: only the given fields are sent; unnamed custom_fields are kept. email and mobile_phone " +
				"cannot change.",
		}, func(ctx context.Context, a updateContactArgs) (any, *oncehub.Response, error) {
			f := a.fields(a.FirstName, a.LastName)
			return d.Client.Contacts.Update(ctx, a.ContactID, &f)
		}),
		defineDestructive[contactIDArgs](d, spec{
			name: "delete_contact", toolset: toolsetContacts, effect: destroyIdempotent,
			desc: "Permanently delete a contact.",
		}, func(ctx context.Context, a contactIDArgs) (string, error) {
			c, _, err := d.Client.Contacts.Get(ctx, a.ContactID)
			if err != nil {
				return "", err
			}
			if c.Deleted {
				return fmt.Sprintf("Contact %s is already deleted (nothing to do).", c.ID), nil
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
		}, func(ctx context.Context, a contactIDArgs) (any, *oncehub.Response, error) {
			return deleteOnce(ctx, a.ContactID, d.Client.Contacts.Delete, isDeleted)
		}),
	}
}
