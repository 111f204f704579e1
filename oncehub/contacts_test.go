package oncehub

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckEmailAndPhone(t *testing.T) {
	for _, ok := range []string{"carrie@example.com", "a.b+tag@sub.example.co.uk"} {
		assert.NoError(t, CheckEmail("email", ok), ok)
	}
	for _, bad := range []string{"", "carrie", "carrie@", "john.doe@invalid", "Carrie <c@example.com>", "c@example.com.", "two@@example.com", " c@example.com"} {
		err := CheckEmail("email", bad)
		require.Error(t, err, bad)
		ae, _ := AsArgError(err)
		assert.Equal(t, "email", ae.Arg)
	}
	for _, ok := range []string{"+12025550195", "+447700900123", "+91999999", "+123456789012345"} {
		assert.NoError(t, CheckPhone("phone", ok), ok)
	}
	for _, bad := range []string{"", "12025550195", "+1 202 555 0195", "+1-202-555-0195", "+0123456789", "+1234567", "+1234567890123456"} {
		assert.Error(t, CheckPhone("phone", bad), bad)
	}
}

func TestContactBodiesSendOnlySetFieldsUnderOnceHubNames(t *testing.T) {
	yes, zero, name := true, 0, "Carrie"
	b, err := json.Marshal(NewContact{Email: "c@example.com", ContactFields: ContactFields{
		FirstName: &name, LastName: &name, TermsOfService: &yes, Employees: &zero}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"email":"c@example.com","first_name":"Carrie","last_name":"Carrie","terms_of_sevice":true,"employees":0}`, string(b))

	assert.Error(t, ContactUpdate{}.ValidateUpdate(), "an empty update is refused")
	assert.Error(t, ContactUpdate{CustomFields: []CustomField{}}.ValidateUpdate())
	assert.NoError(t, ContactUpdate{HasConsent: new(bool)}.ValidateUpdate(), "false is a value")
}
