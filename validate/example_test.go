package validate_test

import (
	"fmt"
	"strings"

	"github.com/odmadmin/odmadmin/validate"
)

func ExampleCheckContact() {
	rec := validate.Contact{
		SubjectKey:   "SS-001",
		FirstName:    "Ada",
		LastName:     strings.Repeat("Д", 36), // 36 Cyrillic letters: 72 bytes, 36 characters
		EmailAddress: "ada@example",           // no dot in the domain
		PhoneNumber:  "+1 555-0100",           // the server wants "+CC DIGITS"
		FullDob:      "1970-02-30",
	}
	for _, f := range validate.CheckContact(rec, validate.Options{}) {
		fmt.Printf("%s: %s: %s\n", f.Field, f.Code, f.Message)
	}
	// Output:
	// lastName: errorCode.lastNameTooLong: last name is 36 characters, over the limit of 35
	// emailAddress: errorCode.invalidEmailAddress: email address is not an address the server accepts: local@domain.tld with ASCII letters, digits and !#$%&'*+/=?^_`{|}~- only
	// phoneNumber: errorCode.invalidPhoneNumber: phone number is not in the form "+CC NUMBER": a plus sign, a 1-3 digit country code, one space and 1-14 digits; it has exactly one form the server takes, given as the suggestion when values are shown
	// fullDob: errorCode.invalidFullDob: full date of birth is not a real calendar date written YYYY-MM-DD
}

func ExampleCheckContact_values() {
	rec := validate.Contact{SubjectKey: "SS<1>"}
	for _, f := range validate.CheckContact(rec, validate.Options{Values: true}) {
		fmt.Printf("%s %s value=%q\n", f.Field, f.Code, f.Value)
	}
	// Output:
	// subjectKey errorCode.participantIDContainsUnsupportedHTMLCharacter value="SS<1>"
}

func ExampleCheckRequest() {
	rec := validate.Contact{SubjectKey: "SS-002", EmailAddress: "ada@example.org", Register: "y"}
	req := validate.Request{
		Caller:  validate.Caller{Role: "site_monitor", SiteOID: "S_SITE1"},
		Study:   &validate.Study{OID: "S_DEMO", Status: "available", Sites: []validate.Site{{OID: "S_SITE1", Status: "available"}}},
		SiteOID: "S_SITE1",
	}
	for _, f := range validate.CheckRequest(rec, req, validate.Options{}) {
		fmt.Printf("%s: %s\n", f.Code, f.Message)
	}
	// Output:
	// errorCode.noSufficientPrivileges: monitors may not add or update participants
	// errorCode.participateNotEnabled: registration was requested, but the Participate module is not active for the study
}

func ExampleCheckUserEdit() {
	before := validate.EditUser{Username: "ada_example", Status: validate.StatusInvited, PrimaryOrganization: "ORG-A"}
	after := before
	after.Username = "ada.example"
	after.Status = validate.StatusCreated
	after.PrimaryOrganization = "ORG-B"
	edit := validate.UserEdit{
		Before:  before,
		After:   after,
		Editor:  validate.Editor{Organizations: []string{"ORG-A"}}, // an Organization Admin
		Profile: validate.ProfileAnjuEDC,
	}
	for _, f := range validate.CheckUserEdit(edit, validate.Options{}) {
		fmt.Printf("%s: %s\n", f.Code, f.Message)
	}
	// Output:
	// userEdit.usernameChanged: the username cannot be changed
	// userEdit.usernameCharacters: the username may contain only ASCII letters, digits and underscores
	// userEdit.invalidStatusTransition: the status cannot make this change; allowed are Created to Invited, Invited to Available or Deactivated, Available to Deactivated, Deactivated to Available
	// userEdit.primaryOrganizationNotShared: the primary organization cannot be changed: the Organization Admin is not assigned to the new primary organization
	// userEdit.primaryOrganizationNotShared: the primary organization cannot be changed: the user is not assigned to the new primary organization
}
