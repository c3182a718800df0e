package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestContactsRequestContext runs odmadmin contacts with the request context given on the
// command line; each case's reason quotes the OpenClinica participant API.
func TestContactsRequestContext(t *testing.T) {
	const rec = "subjectKey,firstName,register\nSS-1,Ada,\nSS-2,Alan,\n"
	for _, tc := range []struct {
		args   []string
		in     string
		code   int
		want   []string // codes in the text output, in order
		reason string
	}{
		{[]string{"--study", "S_DEMO", "--site", "S_SITE1", "--role", "Data Manager"}, rec, 0, nil,
			"a Data Manager adding Participants at a site"},
		{[]string{"--study", "S_DEMO", "--role", "CRC"}, "subjectKey\nSS-1\n", 1,
			[]string{"errorCode.studyLevelParticipantNotVisible"},
			"CRCs and Investigators cannot see study-level Participants"},
		{[]string{"--study", "S_DEMO", "--site", "S_SITE1", "--role", "CRC (TEST)"}, rec, 0, nil,
			"an OpenClinica 4 custom role such as CRC (TEST) acts as its base role"},
		{[]string{"--study", "S_DEMO", "--site", "S_SITE1", "--role", "Lead Nurse", "--custom-role", "Lead Nurse=CRC"}, rec, 0, nil,
			"the caller can give the mapping of custom roles"},
		{[]string{"--study", "S_DEMO", "--site", "S_SITE1", "--role", "Site Monitor"}, "subjectKey\nSS-1\n", 1,
			[]string{"errorCode.noSufficientPrivileges"}, "Monitors (study-level and site-level) cannot call this endpoint"},
		{[]string{"--study", "S_DEMO", "--site", "S_SITE2", "--role", "CRC", "--caller-site", "S_SITE1"}, "subjectKey\nSS-1\n", 1,
			[]string{"errorCode.participantNotAtCallerSite"}, "Site-level users can perform this action only for Participants at their own site"},
		{[]string{"--study", "S_DEMO", "--site", "S_SITE1", "--role", "CRC", "--register", "y"}, "subjectKey\nSS-1\n", 1,
			[]string{"errorCode.participateNotEnabled"}, "The OpenClinica Participate module must be active for the study to register Participants"},
		{[]string{"--study", "S_DEMO", "--site", "S_SITE1", "--role", "CRC", "--register", "y", "--participate"}, "subjectKey,register\nSS-1,\nSS-2,n\n", 0, nil,
			"register=y with Participate active; a record's own register wins"},
		{[]string{"--study", "S_DEMO", "--site", "S_SITE1", "--role", "CRC", "--cap", "2", "--enrolled", "1"}, rec, 1,
			[]string{"errorCode.participantsEnrollmentCapReached"}, "The pre-set Participant enrollment limit has reached: the second record is over it"},
		{[]string{"--study", "S_DEMO", "--site", "S_SITE1", "--site-status", "locked", "--role", "CRC"}, "subjectKey\nSS-1\n", 1,
			[]string{"errorCode.siteNotAvailable"}, "errorCode.siteNotAvailable: the site is not in Available status"},
		{[]string{"--study", "S_DEMO", "--site", "S_SITE1", "--role", "CRC", "--id-method", "Manual Entry"}, "firstName\nAda\n", 1,
			[]string{"errorCode.participantIDRequired"}, "Participant ID Method set to Manual Entry: the ID is entered"},
		{[]string{"--study", "S_DEMO", "--site", "S_SITE1"}, "subjectKey\nSS-1\n", 1,
			[]string{"errorCode.noRoleSetUp"}, "errorCode.noRoleSetUp: the user has no role assigned for the given study/site"},
		{[]string{"--role", "CRC"}, rec, 2, nil, "a context flag without --study is a usage error"},
		{[]string{"--study", "S", "--register", "maybe"}, rec, 2, nil, "--register is y or n"},
		{[]string{"--study", "S", "--custom-role", "CRC (TEST)"}, rec, 2, nil, "--custom-role is NAME=BASE"},
	} {
		code, out, stderr := runCmd(strings.NewReader(tc.in), append([]string{"contacts", "--format", "text"}, tc.args...)...)
		if code != tc.code {
			t.Errorf("%s: contacts %q: exit %d, want %d\n%s%s", tc.reason, tc.args, code, tc.code, out, stderr)
			continue
		}
		var got []string
		for _, m := range regexp.MustCompile(`(?m): error (errorCode\.\S+): `).FindAllStringSubmatch(out, -1) {
			got = append(got, m[1])
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: contacts %q: codes %v, want %v\n%s", tc.reason, tc.args, got, tc.want, out)
		}
	}
}

// TestContactsBulkCSV reads OpenClinica's bulk participant CSV headers.
func TestContactsBulkCSV(t *testing.T) {
	in := "ParticipantID,FirstName,LastName,EmailAddress,MobileNumber\nSS-1,Ada,Example,ada@example.org,+1 (555) 555-1212\nSS-2,Alan,Sample,alan@example.org,+44 2071234567\n"
	code, out, stderr := runCmd(strings.NewReader(in), "contacts", "--format", "text", "--values")
	// Row 2 (the header is row 1), the column as the header names it.
	want := `<stdin>:2:MobileNumber: error errorCode.invalidPhoneNumber: phone number is not in the form "+CC NUMBER": a plus sign, a 1-3 digit country code, one space and 1-14 digits; it has exactly one form the server takes, given as the suggestion when values are shown (subjectKey SS-1) (suggestion "+1 5555551212") (value "+1 (555) 555-1212")` + "\n"
	if code != 1 || out != want {
		t.Errorf("bulk CSV headers ParticipantID, FirstName, LastName, EmailAddress, MobileNumber; the phone finding suggests +1 5555551212:\nexit %d\n%s%s", code, out, stderr)
	}
	code, out, _ = runCmd(strings.NewReader(in), "contacts", "--values")
	if code != 1 || !strings.Contains(out, `"suggestion":"+1 5555551212"`) {
		t.Errorf("json output carries the suggestion with --values: %s", out)
	}
	code, out, _ = runCmd(strings.NewReader(in), "contacts")
	if code != 1 || strings.Contains(out, "5555551212") {
		t.Errorf("without --values no value or suggestion: %s", out)
	}
	code, _, stderr = runCmd(strings.NewReader("ParticipantID,subjectKey\nA,B\n"), "contacts")
	if code != 2 || !strings.Contains(stderr, "appears twice") {
		t.Errorf("ParticipantID and subjectKey are one field: exit %d %s", code, stderr)
	}
}

// TestContactsRequestFlagTypos: a study or site status, or a Participant ID Method, that
// is a typo of the one value that lets records pass made every record fail with a server
// error code (siteNotAvailable, participantIDMethodNotSupported) that the data does not
// deserve; it is a usage error with a "did you mean", as a misspelt value of any other
// flag is. Another status (locked, frozen) and another method stay findings.
func TestContactsRequestFlagTypos(t *testing.T) {
	const rec = "subjectKey\nSS-1\n"
	base := []string{"contacts", "--format", "text", "--study", "S_DEMO", "--site", "S_SITE1", "--role", "CRC"}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--site-status", "availabel"}, 2, "did you mean available?"},
		{[]string{"--study-status", "Avaliable"}, 2, "did you mean available?"},
		{[]string{"--id-method", "Manual Entri"}, 2, `did you mean "Manual Entry"?`},
		{[]string{"--id-method", "system generated"}, 0, ""},
		{[]string{"--id-method", "Sytem-generated"}, 2, `did you mean "System-generated"?`},
		{[]string{"--site-status", "AVAILABLE "}, 0, ""},
		{[]string{"--site-status", "locked"}, 1, "errorCode.siteNotAvailable"},
		{[]string{"--study-status", "frozen"}, 1, "errorCode.studyNotAvailable"},
		{[]string{"--id-method", "Auto-generated"}, 1, "errorCode.participantIDMethodNotSupported"},
	} {
		code, out, stderr := runCmd(strings.NewReader(rec), append(append([]string{}, base...), tc.args...)...)
		if code != tc.code || !strings.Contains(out+stderr, tc.want) {
			t.Errorf("contacts %q: exit %d, want %d and %q\n%s%s", tc.args, code, tc.code, tc.want, out, stderr)
		}
	}
}
