package oncehub

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const contactJSON = `{"object":"contact","id":"CTC-1","email":"carrie@example.com","first_name":"Carrie","last_name":null,
	"mobile_phone":"+12025550195","status":"Qualified","owner":"USR-1","timezone":"America/New_York",
	"custom_fields":[{"name":"shoe_size","value":42}],"street_address":"1 Main St"}`

func testContact(t *testing.T, c Contact) {
	t.Helper()
	assert.Equal(t, "CTC-1", c.ID)
	assert.Equal(t, "Carrie", c.Name(), "a null last name is no name")
	require.NotNil(t, c.MobilePhone)
	assert.Equal(t, "+12025550195", *c.MobilePhone)
	assert.Equal(t, []CustomField{{Name: "shoe_size", Value: 42.0}}, c.CustomFields)
	assert.Contains(t, asJSON(t, c), `"street_address":"1 Main St"`)
}

func TestContactsList(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/contacts", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		testQuery(t, r, url.Values{"email": {"carrie@example.com"}, "creation_time.gt": {"2026-01-01"}, "last_updated_time.lt": {"2026-12-01"}})
		reply(w, 200, `{"object":"list","has_more":false,"data":[`+contactJSON+`]}`)
	})
	got, resp, err := c.Contacts.List(ctx, &ContactListOptions{Email: "carrie@example.com",
		CreationTime: DateRange{After: "2026-01-01"}, LastUpdatedTime: DateRange{Before: "2026-12-01"}})
	require.NoError(t, err)
	testResponse(t, resp, 200)
	require.Len(t, got, 1)
	testContact(t, got[0])

	_, _, err = c.Contacts.List(ctx, &ContactListOptions{Email: "not-an-email"})
	assertParamError(t, err, "email")
	_, _, err = c.Contacts.List(ctx, &ContactListOptions{LastUpdatedTime: DateRange{Before: "2026-13-01"}})
	assertParamError(t, err, "last_updated_time.lt")
}

func TestContactsGet(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/contacts/CTC-1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "GET")
		reply(w, 200, contactJSON)
	})
	got, resp, err := c.Contacts.Get(ctx, "CTC-1")
	require.NoError(t, err)
	testResponse(t, resp, 200)
	testContact(t, got)
}

func TestContactsCreate(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/contacts", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "POST")
		testBody(t, r, `{"email":"carrie@example.com","first_name":"Carrie","last_name":"Customer","terms_of_sevice":true,"employees":0,
			"custom_fields":[{"name":"shoe_size","value":42}]}`)
		reply(w, 201, contactJSON)
	})
	got, resp, err := c.Contacts.Create(ctx, &CreateContactRequest{Email: "carrie@example.com", ContactFields: ContactFields{
		FirstName: ptr("Carrie"), LastName: ptr("Customer"), TermsOfService: ptr(true), Employees: ptr(0),
		CustomFields: []CustomField{{Name: "shoe_size", Value: 42}}}})
	require.NoError(t, err)
	testResponse(t, resp, 201)
	testContact(t, got)
}

func TestContactsUpdate(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/contacts/CTC-1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "PATCH")
		testBody(t, r, `{"company":"Acme","has_consent":false}`)
		reply(w, 200, contactJSON)
	})
	got, resp, err := c.Contacts.Update(ctx, "CTC-1", &ContactFields{Company: ptr("Acme"), HasConsent: ptr(false)})
	require.NoError(t, err)
	testResponse(t, resp, 200)
	testContact(t, got)
}

func TestContactsDelete(t *testing.T) {
	t.Parallel()

	c, mux, ctx := setup(t)
	mux.HandleFunc("/contacts/CTC-1", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, "DELETE")
		testBody(t, r, "")
		reply(w, 200, `{"id":"CTC-1","object":"contact","deleted":true}`)
	})
	d, resp, err := c.Contacts.Delete(ctx, "CTC-1")
	require.NoError(t, err)
	testResponse(t, resp, 200)
	assert.Equal(t, DeletedObject{ID: "CTC-1", Object: "contact", Deleted: true}, d)
}

func TestContactRequestsRefusedInOnceHubTerms(t *testing.T) {
	t.Parallel()

	name := ptr("A")
	named := func(f ContactFields) CreateContactRequest {
		f.FirstName, f.LastName = name, name
		return CreateContactRequest{Email: "a@example.com", ContactFields: f}
	}
	for _, tc := range []struct {
		err   error
		param string
	}{
		{CreateContactRequest{Email: "a@example.com", ContactFields: ContactFields{LastName: name}}.Validate(), "first_name"},
		{CreateContactRequest{Email: "a@example.com", ContactFields: ContactFields{FirstName: name}}.Validate(), "last_name"},
		{CreateContactRequest{ContactFields: ContactFields{FirstName: name, LastName: name}}.Validate(), "email"},
		{CreateContactRequest{Email: "john.doe@invalid", ContactFields: ContactFields{FirstName: name, LastName: name}}.Validate(), "email"},
		{CreateContactRequest{MobilePhone: "555", ContactFields: ContactFields{FirstName: name, LastName: name}}.Validate(), "mobile_phone"},
		{named(ContactFields{Owner: ptr("CTC-1")}).Validate(), "owner"},
		{named(ContactFields{Status: ptr("Hot")}).Validate(), "status"},
		{named(ContactFields{Phone: ptr("0123")}).Validate(), "phone"},
		{named(ContactFields{Employees: ptr(-1)}).Validate(), "employees"},
		{named(ContactFields{Timezone: ptr("EST5")}).Validate(), "timezone"},
		{named(ContactFields{CustomFields: []CustomField{{Name: " "}}}).Validate(), "custom_fields[0].name"},
		{ContactFields{}.Validate(), ""},
		{ContactFields{CustomFields: []CustomField{}}.Validate(), ""},
	} {
		assertParamError(t, tc.err, tc.param)
	}
	assert.NoError(t, ContactFields{HasConsent: new(bool)}.Validate(), "false is a value")
	assert.NoError(t, CreateContactRequest{MobilePhone: "+447700900123", ContactFields: ContactFields{FirstName: name, LastName: name}}.Validate())
}

func TestCheckEmailAndPhone(t *testing.T) {
	t.Parallel()

	for _, ok := range []string{"carrie@example.com", "a.b+tag@sub.example.co.uk"} {
		assert.NoError(t, checkEmail("email", ok), ok)
	}
	for _, bad := range []string{"", "carrie", "carrie@", "john.doe@invalid", "Carrie <c@example.com>", "c@example.com.", "two@@example.com", " c@example.com"} {
		assertParamError(t, checkEmail("email", bad), "email")
	}
	for _, ok := range []string{"+12025550195", "+447700900123", "+91999999", "+123456789012345"} {
		assert.NoError(t, checkPhone("phone", ok), ok)
	}
	for _, bad := range []string{"", "12025550195", "+1 202 555 0195", "+1-202-555-0195", "+0123456789", "+1234567", "+1234567890123456"} {
		assertParamError(t, checkPhone("phone", bad), "phone")
	}
}

func TestContactStatusesIsACopy(t *testing.T) {
	t.Parallel()

	s := ContactStatuses()
	s[0] = "x"
	assert.Equal(t, "Qualified", ContactStatuses()[0])
	_, err := json.Marshal(ContactFields{})
	require.NoError(t, err)
}
