package validate

import (
	"slices"
	"strings"
	"testing"
)

type requestCase struct {
	name   string
	reason string
	rec    Contact
	req    func(r *Request) // changes the baseline request
	want   []fc
}

// baseRequest is a request every rule accepts: a Data Manager with a study-level role adds a
// new participant at an Available site of an Available study that has Participate and room
// under its cap.
func baseRequest() Request {
	return Request{
		Caller: Caller{Role: "Data Manager"},
		Study: &Study{
			OID: "S_DEMO", Status: "available", Participate: true, EnrollmentCap: 10, Enrolled: 9,
			Sites: []Site{{OID: "S_SITE1", Status: "available"}, {OID: "S_SITE2", Status: "Available"}, {OID: "S_LOCKED", Status: "locked"}},
		},
		SiteOID: "S_SITE1",
	}
}

var requestCases = []requestCase{
	{name: "ok", reason: "the baseline passes every rule", rec: Contact{SubjectKey: "SS-1", FirstName: "Ada", Register: "y"}},
	{name: "study-missing", reason: "an unknown study stops the check: every other rule needs the study",
		rec: Contact{FirstName: "Ada"}, req: func(r *Request) { r.Study = nil; r.Caller.Role = "" },
		want: []fc{{"studyOID", CodeStudyNotExist}}},
	{name: "study-locked", reason: "only an Available study takes participants",
		req: func(r *Request) { r.Study.Status = "frozen" }, want: []fc{{"studyOID", CodeStudyNotAvailable}}},
	{name: "study-status-empty", reason: "an unknown status is not Available",
		req: func(r *Request) { r.Study.Status = "" }, want: []fc{{"studyOID", CodeStudyNotAvailable}}},
	{name: "site-missing", reason: "the site must belong to the study",
		req: func(r *Request) { r.SiteOID = "S_NOWHERE" }, want: []fc{{"siteOID", CodeSiteNotExist}}},
	{name: "site-missing-own-site-skipped", reason: "a missing site is not also reported as somebody else's site",
		req:  func(r *Request) { r.SiteOID = "S_NOWHERE"; r.Caller = Caller{Role: "CRC", SiteOID: "S_SITE1"} },
		want: []fc{{"siteOID", CodeSiteNotExist}}},
	{name: "site-locked", reason: "only an Available site takes participants",
		req: func(r *Request) { r.SiteOID = "S_LOCKED" }, want: []fc{{"siteOID", CodeSiteNotAvailable}}},
	{name: "study-and-site-unavailable", reason: "both unavailable: both reported, study first",
		req:  func(r *Request) { r.Study.Status = "pending"; r.SiteOID = "S_LOCKED" },
		want: []fc{{"studyOID", CodeStudyNotAvailable}, {"siteOID", CodeSiteNotAvailable}}},
	{name: "no-role", reason: "a caller without a role here gets noRoleSetUp",
		req: func(r *Request) { r.Caller.Role = "" }, want: []fc{{"role", CodeNoRoleSetUp}}},
	{name: "blank-role", reason: "spaces are no role either",
		req: func(r *Request) { r.Caller.Role = "  " }, want: []fc{{"role", CodeNoRoleSetUp}}},
	{name: "monitor", reason: "monitors are named as unauthorized",
		req: func(r *Request) { r.Caller.Role = "Study Monitor" }, want: []fc{{"role", CodeNoSufficientPrivileges}}},
	{name: "viewer", reason: "viewers are named as unauthorized",
		req: func(r *Request) { r.Caller.Role = "viewer" }, want: []fc{{"role", CodeNoSufficientPrivileges}}},
	{name: "director", reason: "Study Director is a real role but not on the seed's list",
		req: func(r *Request) { r.Caller.Role = "director" }, want: []fc{{"role", CodeNoSufficientPrivileges}}},
	{name: "unknown-role", reason: "an unrecognised role is refused, not waved through",
		req: func(r *Request) { r.Caller.Role = "Batch Upload" }, want: []fc{{"role", CodeNoSufficientPrivileges}}},
	{name: "site-user-own-site", reason: "a site-level CRC may act at their own site",
		req: func(r *Request) { r.Caller = Caller{Role: "site_Data_Entry_Person", SiteOID: "S_SITE1"} }},
	{name: "site-user-other-site", reason: "a site-level user may act only at their own site",
		req:  func(r *Request) { r.Caller = Caller{Role: "Investigator", SiteOID: "S_SITE2"} },
		want: []fc{{"siteOID", CodeParticipantNotAtCallerSite}}},
	{name: "site-user-study-level", reason: "the study-level endpoint is outside every site",
		req:  func(r *Request) { r.Caller = Caller{Role: "Investigator", SiteOID: "S_SITE1"}; r.SiteOID = "" },
		want: []fc{{"siteOID", CodeParticipantNotAtCallerSite}, {"siteOID", CodeStudyLevelParticipantNotVisible}}},

	// "CRCs and Investigators cannot see study-level Participants. Best practice is to always
	// add Participants at the site level." (OpenClinica participant API)
	{name: "crc-no-site-adds-study-level", reason: "CRCs and Investigators cannot see study-level Participants: a CRC with no site may not add one",
		rec: Contact{SubjectKey: "SS-3"}, req: func(r *Request) { r.Caller = Caller{Role: "CRC"}; r.SiteOID = "" },
		want: []fc{{"siteOID", CodeStudyLevelParticipantNotVisible}}},
	{name: "investigator-no-site-adds-study-level", reason: "CRCs and Investigators cannot see study-level Participants: nor may an Investigator",
		rec: Contact{SubjectKey: "SS-3"}, req: func(r *Request) { r.Caller = Caller{Role: "site_investigator"}; r.SiteOID = "" },
		want: []fc{{"siteOID", CodeStudyLevelParticipantNotVisible}}},
	{name: "crc-moves-study-level", reason: "CRCs and Investigators cannot see study-level Participants, so a CRC cannot pick one up into a site",
		rec: Contact{SubjectKey: "SS-3"}, req: func(r *Request) { r.Caller = Caller{Role: "CRC"}; r.Existing = &Participant{} },
		want: []fc{{"subjectKey", CodeStudyLevelParticipantNotVisible}}},
	{name: "crc-at-site", reason: "Best practice is to always add Participants at the site level: a CRC adding at a site is fine",
		rec: Contact{SubjectKey: "SS-3"}, req: func(r *Request) { r.Caller = Caller{Role: "CRC"} }},
	{name: "data-specialist-study-level", reason: "only CRCs and Investigators are named: a Data Specialist may add at the study level",
		rec: Contact{SubjectKey: "SS-3"}, req: func(r *Request) { r.Caller = Caller{Role: "Data Specialist"}; r.SiteOID = "" }},

	// OpenClinica 4 custom roles carry a base role.
	{name: "custom-role-suffix", reason: "a custom role such as \"CRC (TEST)\" acts as its base role, CRC, instead of noSufficientPrivileges",
		req: func(r *Request) { r.Caller = Caller{Role: "CRC (TEST)"} }},
	{name: "custom-role-base-given", reason: "the stored baseRoleName decides, whatever the custom name says",
		req: func(r *Request) { r.Caller = Caller{Role: "Lead Nurse", BaseRole: "Clinical Research Coordinator"} }},
	{name: "custom-role-mapping", reason: "the caller can give the mapping of custom roles to base roles",
		req: func(r *Request) {
			r.Caller = Caller{Role: "Lead_Nurse"}
			r.CustomRoles = map[string]string{"Lead Nurse": "CRC"}
		}},
	{name: "custom-role-monitor", reason: "a custom role based on a monitor is refused like a monitor (Monitors cannot call this endpoint)",
		req: func(r *Request) { r.Caller = Caller{Role: "Site Monitor (PROD)"} }, want: []fc{{"role", CodeNoSufficientPrivileges}}},
	{name: "custom-role-unmapped", reason: "a custom name that resolves to no base role is still refused",
		req: func(r *Request) { r.Caller = Caller{Role: "Lead Nurse"} }, want: []fc{{"role", CodeNoSufficientPrivileges}}},
	{name: "custom-role-mapping-wins", reason: "the caller's mapping comes before the name's own suffix rule",
		req: func(r *Request) {
			r.Caller = Caller{Role: "CRC (TEST)"}
			r.CustomRoles = map[string]string{"crc (test)": "Study Viewer"}
		}, want: []fc{{"role", CodeNoSufficientPrivileges}}},
	{name: "custom-crc-study-level", reason: "a custom role based on CRC cannot see study-level Participants either",
		req:  func(r *Request) { r.Caller = Caller{Role: "CRC (TEST)"}; r.SiteOID = "" },
		want: []fc{{"siteOID", CodeStudyLevelParticipantNotVisible}}},

	// "This endpoint supports studies with Participant ID Method set to Manual Entry or
	// System-generated."
	{name: "id-method-manual", reason: "Participant ID Method set to Manual Entry is supported",
		rec: Contact{SubjectKey: "SS-4"}, req: func(r *Request) { r.Study.IDMethod = "Manual Entry" }},
	{name: "id-method-system", reason: "Participant ID Method set to System-generated is supported; the ID may be left out",
		req: func(r *Request) { r.Study.IDMethod = "system generated" }},
	{name: "id-method-other", reason: "the endpoint supports only Manual Entry or System-generated",
		rec: Contact{SubjectKey: "SS-4"}, req: func(r *Request) { r.Study.IDMethod = "Auto-generated and non-editable" },
		want: []fc{{"studyOID", CodeParticipantIDMethodNotSupported}}},
	{name: "id-method-manual-no-id", reason: "with Manual Entry the new participant's ID is entered, so it must be given",
		req: func(r *Request) { r.Study.IDMethod = IDManualEntry }, want: []fc{{"subjectKey", CodeParticipantIDRequired}}},
	{name: "id-method-manual-update", reason: "an update of an existing participant needs no new ID",
		req: func(r *Request) { r.Study.IDMethod = IDManualEntry; r.Existing = &Participant{SiteOID: "S_SITE1"} }},
	{name: "site-user-foreign-participant", reason: "moving another site's participant to your site is acting outside it",
		req: func(r *Request) {
			r.Caller = Caller{Role: "CRC", SiteOID: "S_SITE1"}
			r.Existing = &Participant{SiteOID: "S_SITE2"}
		},
		want: []fc{{"subjectKey", CodeParticipantNotAtCallerSite}}},
	{name: "study-user-reassigns", reason: "a study-level Data Manager may move a participant to another site",
		req: func(r *Request) { r.Existing = &Participant{SiteOID: "S_SITE2"} }},
	{name: "participate-off", reason: "register=y needs the Participate module",
		rec: Contact{Register: "y"}, req: func(r *Request) { r.Study.Participate = false },
		want: []fc{{"register", CodeParticipateNotEnabled}}},
	{name: "participate-off-yes", reason: "the server also acts on yes, so it needs Participate too",
		rec: Contact{Register: "Yes"}, req: func(r *Request) { r.Study.Participate = false },
		want: []fc{{"register", CodeParticipateNotEnabled}}},
	{name: "participate-off-no-register", reason: "without registration Participate does not matter",
		rec: Contact{Register: "n", EmailAddress: "ada@example.org"}, req: func(r *Request) { r.Study.Participate = false }},
	{name: "study-level-plain", reason: "a study-level participant with only an ID is allowed",
		rec: Contact{SubjectKey: "SS-2"}, req: func(r *Request) { r.SiteOID = "" }},
	{name: "study-level-contact", reason: "study-level participants cannot have contact data; each field is reported",
		rec: Contact{SubjectKey: "SS-2", FirstName: "Ada", PhoneNumber: "+1 5550100", SecondaryID: "X", FullDob: "1970-01-01"},
		req: func(r *Request) { r.SiteOID = "" },
		want: []fc{{"firstName", CodeStudyLevelParticipantContactData}, {"phoneNumber", CodeStudyLevelParticipantContactData},
			{"secondaryId", CodeStudyLevelParticipantContactData}, {"fullDob", CodeStudyLevelParticipantContactData}}},
	{name: "study-level-register", reason: "study-level participants cannot be registered",
		rec: Contact{Register: "y"}, req: func(r *Request) { r.SiteOID = "" },
		want: []fc{{"register", CodeStudyLevelParticipantRegistration}}},
	{name: "move-to-study-level", reason: "site-level participants cannot be reassigned to the study level",
		req:  func(r *Request) { r.SiteOID = ""; r.Existing = &Participant{SiteOID: "S_SITE1"} },
		want: []fc{{"siteOID", CodeSiteParticipantToStudyLevel}}},
	{name: "study-level-update", reason: "updating a participant that is already study-level is no move",
		req: func(r *Request) { r.SiteOID = ""; r.Existing = &Participant{} }},
	{name: "cap-reached", reason: "a new participant may not exceed the cap",
		req: func(r *Request) { r.Study.Enrolled = 10 }, want: []fc{{"", CodeParticipantsEnrollmentCapReached}}},
	{name: "cap-update", reason: "updating an existing participant adds no one",
		req: func(r *Request) { r.Study.Enrolled = 10; r.Existing = &Participant{SiteOID: "S_SITE1"} }},
	{name: "no-cap", reason: "cap 0 means no cap is enforced",
		req: func(r *Request) { r.Study.EnrollmentCap = 0; r.Study.Enrolled = 1000 }},
	{name: "everything-wrong", reason: "every independent violation at once, in the documented order",
		rec: Contact{FirstName: "Ada", Register: "y"},
		req: func(r *Request) {
			r.Study.Status = "removed"
			r.Study.Participate = false
			r.Study.Enrolled = 10
			r.SiteOID = ""
			r.Caller = Caller{Role: "Site Monitor", SiteOID: "S_SITE1"}
		},
		want: []fc{{"studyOID", CodeStudyNotAvailable}, {"role", CodeNoSufficientPrivileges}, {"siteOID", CodeParticipantNotAtCallerSite},
			{"register", CodeParticipateNotEnabled}, {"register", CodeStudyLevelParticipantRegistration},
			{"firstName", CodeStudyLevelParticipantContactData}, {"", CodeParticipantsEnrollmentCapReached}}},
}

func TestCheckRequest(t *testing.T) {
	for _, tc := range requestCases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.reason == "" {
				t.Fatal("test case needs a reason")
			}
			r := baseRequest()
			if tc.req != nil {
				tc.req(&r)
			}
			got := CheckRequest(tc.rec, r, Options{})
			if !slices.Equal(codesOf(got), tc.want) {
				t.Errorf("%s\ngot  %v\nwant %v", tc.reason, codesOf(got), tc.want)
			}
		})
	}
}

// TestRoleSpellings feeds the role names as the research notes' role table and the seed
// spell them, in assorted case and spacing, and checks who may call the API (seed 002).
func TestRoleSpellings(t *testing.T) {
	allowed := []string{
		// Data Manager
		"Data Manager", "coordinator", "Study_Coordinator", "site_Study_Coordinator", "DATA MANAGER", "data_manager",
		// Clinical Research Coordinator
		"Clinical Research Coordinator", "Clinical Research Coordinator (CRC)", "CRC", "crc", "site_Data_Entry_Person", " ra ",
		// Investigator
		"Investigator", "site_investigator", "Site Investigator", "INVESTIGATOR",
		// Data Entry Person
		"Data Entry Person", "ra2", "site_Data_Entry_Person2", "Data_Entry_Person",
		// Data Specialist
		"Data Specialist", "data specialist", "dataspecialist",
	}
	monitors := []string{"monitor", "Monitor", "Study Monitor", "Site Monitor", "site_monitor", "SITE MONITOR", "CRA", "Clinical Research Associate (CRA)", "Medical Monitor"}
	viewers := []string{"Viewer", "Study Viewer", "Site Viewer", "site viewer"}
	others := []string{"admin", "System Administrator", "director", "Study Director", "site_Study_Director", "participate",
		"Data Entry Participant", "site_Data_Entry_Participant", "Batch Upload", "Data Mgr", "invalid"}
	check := func(names []string, want []fc) {
		for _, name := range names {
			r := baseRequest()
			r.Caller.Role = name
			if got := codesOf(CheckRequest(Contact{}, r, Options{})); !slices.Equal(got, want) {
				t.Errorf("role %q: got %v, want %v", name, got, want)
			}
		}
	}
	check(allowed, nil)
	denied := []fc{{"role", CodeNoSufficientPrivileges}}
	check(monitors, denied)
	check(viewers, denied)
	check(others, denied)
	for _, name := range monitors {
		if classifyRole(name) != roleMonitor {
			t.Errorf("%q is not classed as a monitor", name)
		}
	}
	for _, name := range viewers {
		if classifyRole(name) != roleViewer {
			t.Errorf("%q is not classed as a viewer", name)
		}
	}
}

// TestRequestValues checks that context findings carry values only on request.
func TestRequestValues(t *testing.T) {
	r := baseRequest()
	r.Caller.Role = "Site Monitor"
	r.SiteOID = "S_NOWHERE"
	for _, values := range []bool{false, true} {
		got := CheckRequest(Contact{}, r, Options{Values: values})
		if len(got) != 2 {
			t.Fatalf("got %v", got)
		}
		wantSite, wantRole := "", ""
		if values {
			wantSite, wantRole = "S_NOWHERE", "Site Monitor"
		}
		if got[0].Value != wantSite || got[1].Value != wantRole {
			t.Errorf("Values=%v: got values %q, %q", values, got[0].Value, got[1].Value)
		}
		for _, f := range got {
			if containsAny(f.Message, "S_NOWHERE", "Site Monitor") {
				t.Errorf("message echoes a value: %q", f.Message)
			}
		}
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
