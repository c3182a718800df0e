package validate

import (
	"slices"
	"testing"
)

func TestMergeContact(t *testing.T) {
	stored := Contact{SubjectKey: "SS-1", FirstName: "Ada", SecondaryID: "SEC-1", PhoneNumber: "+1 5550100", Register: "y"}
	cases := []struct {
		name, reason string
		update, want Contact
	}{
		{"secondary-absent", "If it is not provided, the existing Secondary ID remains unchanged",
			Contact{SubjectKey: "SS-1", FirstName: "Adele"},
			Contact{SubjectKey: "SS-1", FirstName: "Adele", SecondaryID: "SEC-1", PhoneNumber: "+1 5550100"}},
		{"secondary-given", "If secondaryId (identifier) is included, the Participant's Secondary ID is updated",
			Contact{SubjectKey: "SS-1", SecondaryID: "SEC-2", Register: "n"},
			Contact{SubjectKey: "SS-1", FirstName: "Ada", SecondaryID: "SEC-2", PhoneNumber: "+1 5550100", Register: "n"}},
		{"empty-update", "an update that gives nothing changes nothing but the register switch",
			Contact{}, Contact{SubjectKey: "SS-1", FirstName: "Ada", SecondaryID: "SEC-1", PhoneNumber: "+1 5550100"}},
	}
	for _, tc := range cases {
		if got := MergeContact(stored, tc.update); got != tc.want {
			t.Errorf("%s: %s\ngot  %+v\nwant %+v", tc.name, tc.reason, got, tc.want)
		}
	}
}

func TestCheckUpdate(t *testing.T) {
	r := baseRequest()
	r.Existing = &Participant{SiteOID: "S_SITE1", Contact: Contact{SubjectKey: "SS-1", SecondaryID: "SEC-1", EmailAddress: "ada@example.org"}}
	merged, got := CheckUpdate(Contact{SubjectKey: "SS-1", PhoneNumber: "555-0100"}, r, Options{})
	if merged.SecondaryID != "SEC-1" || merged.EmailAddress != "ada@example.org" || merged.PhoneNumber != "555-0100" {
		t.Errorf("absent fields keep the stored value: got %+v", merged)
	}
	if want := []fc{{"phoneNumber", CodeInvalidPhoneNumber}}; !slices.Equal(codesOf(got), want) {
		t.Errorf("the sent phone number is checked: got %v, want %v", codesOf(got), want)
	}
	// The merged record is what the request rules see: a stored e-mail address makes a
	// move to the study level carry contact data, although the update sends none.
	r.SiteOID = ""
	_, got = CheckUpdate(Contact{SubjectKey: "SS-1"}, r, Options{})
	want := []fc{{"emailAddress", CodeStudyLevelParticipantContactData}, {"secondaryId", CodeStudyLevelParticipantContactData},
		{"siteOID", CodeSiteParticipantToStudyLevel}}
	if !slices.Equal(codesOf(got), want) {
		t.Errorf("Study-level Participants cannot have contact data entered: got %v, want %v", codesOf(got), want)
	}
	// No existing participant: the update adds one and is the result.
	r = baseRequest()
	if merged, _ := CheckUpdate(Contact{SubjectKey: "SS-9"}, r, Options{}); merged.SubjectKey != "SS-9" {
		t.Errorf("add: got %+v", merged)
	}
}

func TestSuggestPhone(t *testing.T) {
	cases := []struct{ in, want, reason string }{
		{"+1 (555) 555-1212", "+1 5555551212", "the country code is set apart; brackets and hyphens go"},
		{"+1-555-555-1212", "+1 5555551212", "hyphens separate the country code"},
		{"+44 20 7946 0000", "+44 2079460000", "spaces inside the number go"},
		{"+1  5555551212", "+1 5555551212", "two spaces become one"},
		{"+15555551212", "", "no separator: country code 1, 15 or 155, ambiguous"},
		{"(555) 555-1212", "", "no plus: the country code is unknown"},
		{"+1 5555551212", "", "already valid: nothing to suggest"},
		{"+1 555 CALL NOW", "", "letters are not a phone number"},
		{"+1234 5555551212", "", "a country code has at most 3 digits"},
		{"+1 555 555 1212 555 5555", "", "over 14 digits the server still refuses"},
	}
	for _, tc := range cases {
		got, ok := SuggestPhone(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("SuggestPhone(%q) = %q, %v; want %q (%s)", tc.in, got, ok, tc.want, tc.reason)
		}
	}
	fs := CheckContact(Contact{PhoneNumber: "+1 (555) 555-1212"}, Options{Values: true})
	if len(fs) != 1 || fs[0].Suggestion != "+1 5555551212" {
		t.Errorf("For a phone number that fails the format, the finding suggests the normalized form: %+v", fs)
	}
	fs = CheckContact(Contact{PhoneNumber: "+1 (555) 555-1212"}, Options{})
	if len(fs) != 1 || fs[0].Suggestion != "" {
		t.Errorf("the suggestion is personal data and needs Options.Values: %+v", fs)
	}
}

func TestFieldName(t *testing.T) {
	for _, tc := range []struct{ in, want, reason string }{
		{"subjectKey", "subjectKey", "API field names stand for themselves"},
		{"identifier", "identifier", "the older name of secondaryId"},
		{"ParticipantID", "subjectKey", "OpenClinica's bulk participant CSV header"},
		{"FirstName", "firstName", "bulk CSV header"},
		{"LastName", "lastName", "bulk CSV header"},
		{"Email Address", "emailAddress", "bulk CSV header, spaces ignored"},
		{"MOBILENUMBER", "phoneNumber", "bulk CSV header, letter case ignored"},
		{"Phone", "", "not a header of either"},
	} {
		got, ok := FieldName(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("FieldName(%q) = %q, %v; want %q (%s)", tc.in, got, ok, tc.want, tc.reason)
		}
	}
}
