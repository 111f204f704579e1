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

func (a listContactsArgs) filter(p oncehub.ListParams) oncehub.ContactFilter {
	return oncehub.ContactFilter{
		ListParams:      p,
		Email:           a.Email,
		CreationTime:    oncehub.DateRange{After: a.CreatedAfter, Before: a.CreatedBefore},
		LastUpdatedTime: oncehub.DateRange{After: a.UpdatedAfter, Before: a.UpdatedBefore},
	}
}

func (a *listContactsArgs) validate() error {
	if err := a.pageArgs.validate(); err != nil {
		return err
	}
	if err := a.detailArg.validate(); err != nil {
		return err
	}
	if a.Email != "" {
		if err := oncehub.CheckEmail("email", a.Email); err != nil {
			return err
		}
	}
	return a.filter(oncehub.ListParams{}).Validate()
}

type contactIDArgs struct {
	ContactID string `json:"contact_id"`
}

func (a *contactIDArgs) validate() error {
	return oncehub.CheckID("contact_id", oncehub.PrefixContact, a.ContactID)
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

func (a createContactArgs) contact() oncehub.NewContact {
	return oncehub.NewContact{Email: a.Email, MobilePhone: a.MobilePhone, ContactFields: a.fields(&a.FirstName, &a.LastName)}
}

func (a *createContactArgs) validate() error { return a.contact().Validate() }

type updateContactArgs struct {
	ContactID string  `json:"contact_id"`
	FirstName *string `json:"first_name,omitempty"`
	LastName  *string `json:"last_name,omitempty"`
	contactFieldArgs
}

func (a *updateContactArgs) validate() error {
	if err := oncehub.CheckID("contact_id", oncehub.PrefixContact, a.ContactID); err != nil {
		return err
	}
	return a.fields(a.FirstName, a.LastName).ValidateUpdate()
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
		c, err := d.Client.GetContact(ctx, id)
		return c.Deleted, err
	}
	return []Tool{
		define[listContactsArgs](spec{
			name: "list_contacts", toolset: "contacts", effect: read,
			desc: "Contacts, newest first: id, name, email, phones, company, status, owner, timezone, times; detail=full adds " +
				"custom_fields and more.",
		}, func(ctx context.Context, a listContactsArgs) (any, error) {
			fetch := func(ctx context.Context, p oncehub.ListParams) (oncehub.Page[oncehub.Contact], error) {
				return d.Client.ListContacts(ctx, a.filter(p))
			}
			return listDetail(ctx, a.pageArgs, a.detailArg, fetch, viewContact)
		}),
		define[contactIDArgs](spec{
			name: "get_contact", toolset: "contacts", effect: read,
			desc: "Every field of one contact, custom_fields included.",
		}, func(ctx context.Context, a contactIDArgs) (any, error) {
			return d.Client.GetContact(ctx, a.ContactID)
		}),
		define[createContactArgs](spec{
			name: "create_contact", toolset: "contacts", effect: create,
			desc: "Add a contact: first_name, last_name, and email or mobile_phone; custom_fields by mapped name. 409 if the " +
				"email or mobile phone exists (see list_contacts).",
		}, func(ctx context.Context, a createContactArgs) (any, error) {
			return d.Client.CreateContact(ctx, a.contact())
		}),
		define[updateContactArgs](spec{
			name: "update_contact", toolset: "contacts", effect: update,
			desc: "Change a contact: only the given fields are sent; unnamed custom_fields are kept. email and mobile_phone " +
				"cannot change.",
		}, func(ctx context.Context, a updateContactArgs) (any, error) {
			return d.Client.UpdateContact(ctx, a.ContactID, a.fields(a.FirstName, a.LastName))
		}),
		defineDestructive[contactIDArgs](d, spec{
			name: "delete_contact", toolset: "contacts", effect: destroyIdempotent,
			desc: "Permanently delete a contact.",
		}, func(ctx context.Context, a contactIDArgs) (string, error) {
			c, err := d.Client.GetContact(ctx, a.ContactID)
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
		}, func(ctx context.Context, a contactIDArgs) (any, error) {
			return deleteOnce(ctx, a.ContactID, d.Client.DeleteContact, isDeleted)
		}),
	}
}
