package validate

import (
	"strconv"
	"strings"
)

// Request is the setting a contact record is submitted in: who calls, for which study and
// site, and whether the record updates a participant that already exists.
type Request struct {
	Caller Caller
	// Study is the study the request names; nil when its OID was not found.
	Study *Study
	// SiteOID is the site in the request path; empty for the study-level endpoint.
	SiteOID string
	// Existing is the participant the record updates; nil when the record adds one.
	Existing *Participant
	// CustomRoles maps OpenClinica 4 custom role names ("CRC (TEST)") to the base role each
	// is built on ("Clinical Research Coordinator"), for callers whose Caller.BaseRole is
	// not known. Names are matched as role names are: ignoring case, spaces and underscores.
	CustomRoles map[string]string
}

// Caller is the user making a request and the role they hold for the study or site.
// A user with roles at several sites is described by the role that applies to the request.
type Caller struct {
	// Role is the role name as any vendor spells it: OpenClinica internal names
	// ("coordinator", "ra2"), description keys ("site_investigator"), or display names
	// ("Data Manager", "Site Monitor", "CRC"). Case, spaces and underscores do not matter.
	// Empty means the user has no role here.
	Role string
	// BaseRole is the role an OpenClinica 4 custom role is based on (its baseRoleName), as
	// any vendor spells it; empty when Role is a standard role or the base is unknown.
	BaseRole string
	// SiteOID is the site the role is limited to; empty for a study-level role.
	SiteOID string
}

// Study holds the study settings the participant API consults.
type Study struct {
	OID string
	// Status is the study status; only "available" (any case) lets participants be added.
	Status string
	// Participate is true when the OpenClinica Participate module is active for the study.
	Participate bool
	// EnrollmentCap is the enforced limit on participants; 0 means no cap is enforced.
	EnrollmentCap int
	// Enrolled is the number of participants the study has now.
	Enrolled int
	// IDMethod is the study's Participant ID Method: IDManualEntry or IDSystemGenerated
	// (compared ignoring case, spaces and hyphens); empty means not known, and not checked.
	IDMethod string
	Sites    []Site
}

// The Participant ID Methods the participant API supports.
const (
	IDManualEntry     = "Manual Entry"
	IDSystemGenerated = "System-generated"
)

// Site is one site of a [Study].
type Site struct {
	OID string
	// Status is the site status; only "available" (any case) lets participants be added.
	Status string
}

// Participant is what is known of an existing participant that a record updates.
type Participant struct {
	// SiteOID is the participant's current site; empty for a study-level participant.
	SiteOID string
	// Contact is the participant's stored record, which an update merges into
	// ([MergeContact], [CheckUpdate]).
	Contact Contact
}

// CheckRequest checks the rules that depend on the request rather than on the record's
// values (OpenClinica participant API): study and site exist and are Available, the study's
// Participant ID Method, the caller's role may call the API and acts at their own site, CRCs
// and Investigators stay away from study-level participants, Participate registration,
// study-level restrictions, and the enrollment cap. It reports every violation, in that order, except that nothing else is
// checked when the study does not exist and site rules are skipped when the site does not
// exist, because those rules would only repeat the first finding.
func CheckRequest(c Contact, r Request, opts Options) []Finding {
	var out []Finding
	add := func(code Code, field, value, msg string) {
		out = append(out, opts.finding(code, field, value, msg))
	}
	st := r.Study
	if st == nil {
		add(CodeStudyNotExist, "studyOID", "", "the study named in the request does not exist")
		return out
	}
	if !isAvailable(st.Status) {
		add(CodeStudyNotAvailable, "studyOID", st.OID, "the study is not in Available status")
	}
	siteKnown := true
	if r.SiteOID != "" {
		site := findSite(st.Sites, r.SiteOID)
		switch {
		case site == nil:
			siteKnown = false
			add(CodeSiteNotExist, "siteOID", r.SiteOID, "the site named in the request does not exist in the study")
		case !isAvailable(site.Status):
			add(CodeSiteNotAvailable, "siteOID", r.SiteOID, "the site is not in Available status")
		}
	}

	switch method := idMethodKey(st.IDMethod); {
	case method == "":
	case method != idMethodKey(IDManualEntry) && method != idMethodKey(IDSystemGenerated):
		add(CodeParticipantIDMethodNotSupported, "studyOID", st.IDMethod,
			"the study's Participant ID Method is neither Manual Entry nor System-generated, the two the API supports")
	case method == idMethodKey(IDManualEntry) && r.Existing == nil && strings.TrimSpace(c.SubjectKey) == "":
		add(CodeParticipantIDRequired, "subjectKey", "",
			"the study's Participant ID Method is Manual Entry, so a new participant needs a participant ID")
	}

	role := strings.TrimSpace(r.Caller.Role)
	var ri roleInfo
	if role == "" && r.Caller.BaseRole == "" {
		add(CodeNoRoleSetUp, "role", "", "the caller has no role in this study or site")
	} else {
		ri = resolveRole(r.Caller, r.CustomRoles)
		if msg := roleDenied(ri.class); msg != "" {
			add(CodeNoSufficientPrivileges, "role", r.Caller.Role, msg)
		}
	}
	if own := r.Caller.SiteOID; own != "" && siteKnown {
		switch {
		case r.SiteOID == "":
			add(CodeParticipantNotAtCallerSite, "siteOID", r.SiteOID,
				"a site-level user may act only at their own site, and the request is for the study level")
		case r.SiteOID != own:
			add(CodeParticipantNotAtCallerSite, "siteOID", r.SiteOID,
				"a site-level user may act only at their own site, and the request names another site")
		}
		if r.Existing != nil && r.Existing.SiteOID != own {
			add(CodeParticipantNotAtCallerSite, "subjectKey", c.SubjectKey,
				"a site-level user may act only on participants of their own site, and this participant belongs elsewhere")
		}
	}

	// CRCs and Investigators cannot see study-level participants, so they can neither add
	// one nor act on one (OpenClinica participant API note).
	if ri.base == BaseCRC || ri.base == BaseInvestigator {
		if r.SiteOID == "" {
			add(CodeStudyLevelParticipantNotVisible, "siteOID", r.SiteOID,
				"Clinical Research Coordinators and Investigators cannot see study-level participants; add the participant at a site")
		} else if r.Existing != nil && r.Existing.SiteOID == "" {
			add(CodeStudyLevelParticipantNotVisible, "subjectKey", c.SubjectKey,
				"Clinical Research Coordinators and Investigators cannot see study-level participants, and this participant is one")
		}
	}

	if registers(c.Register) {
		if !st.Participate {
			add(CodeParticipateNotEnabled, "register", c.Register,
				"registration was requested, but the Participate module is not active for the study")
		}
		if r.SiteOID == "" {
			add(CodeStudyLevelParticipantRegistration, "register", c.Register,
				"study-level participants cannot be registered for Participate; add the participant at a site")
		}
	}
	if r.SiteOID == "" {
		for i := range contactFields {
			f := &contactFields[i]
			if !f.isContactData() {
				continue
			}
			if v := *f.get(&c); v != "" {
				add(CodeStudyLevelParticipantContactData, f.name, v,
					"study-level participants cannot have contact data, and "+f.label+" is given")
			}
		}
		if r.Existing != nil && r.Existing.SiteOID != "" {
			add(CodeSiteParticipantToStudyLevel, "siteOID", r.SiteOID,
				"a site-level participant cannot be reassigned to the study level, only to another site")
		}
	}
	if r.Existing == nil && st.EnrollmentCap > 0 && st.Enrolled >= st.EnrollmentCap {
		add(CodeParticipantsEnrollmentCapReached, "", "",
			"the study's enrollment cap of "+strconv.Itoa(st.EnrollmentCap)+" participants is reached; no new participants can be added")
	}
	return out
}

// roleDenied returns why a role class may not call the participant API, or "" if it may.
// The role name itself stays out of the message like any other value.
func roleDenied(c roleClass) string {
	switch c {
	case roleAllowed:
		return ""
	case roleMonitor:
		return "monitors may not add or update participants"
	case roleViewer:
		return "viewers may not add or update participants"
	case roleOther:
		return "the role may not add or update participants; only Data Manager, Clinical Research Coordinator, Investigator, Data Entry Person and Data Specialist may"
	}
	return "the role is not recognised as one that may add or update participants (Data Manager, Clinical Research Coordinator, Investigator, Data Entry Person, Data Specialist)"
}

// idMethodKey folds a Participant ID Method name: case, spaces and hyphens do not matter.
func idMethodKey(s string) string {
	return strings.NewReplacer(" ", "", "-", "", "_", "").Replace(strings.ToLower(s))
}

func isAvailable(status string) bool {
	return strings.EqualFold(strings.TrimSpace(status), "available")
}

func findSite(sites []Site, oid string) *Site {
	for i := range sites {
		if sites[i].OID == oid {
			return &sites[i]
		}
	}
	return nil
}
