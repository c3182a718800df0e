package mapping

import "strings"

// roleKey folds a role name for look-up: case, white space, underscores and a trailing
// "(template)" (Clinical One marks template roles so in its UI) do not matter, so
// "site_Data_Entry_Person", "Site Data Entry Person" and "sitedataentryperson" are one key.
func roleKey(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	for _, r := range strings.ToLower(name) {
		switch r {
		case ' ', '\t', '\n', '\r', '_', '\u00a0':
			continue
		}
		b.WriteRune(r)
	}
	return strings.TrimSuffix(b.String(), "(template)")
}

// roleNames maps folded vendor spellings to canonical roles. Sources: OpenClinica's role
// names (internal names, stored role_name values, description keys, 3.x and 4 display
// names, "OpenClinica 4: Using OpenClinica as an Administrator"), the study roles of
// "Oracle Clinical One: About the User Upload template", InForm's user personas, and a
// cross-vendor table of what each role may do. Names whose meaning depends on the scope in
// one vendor are that vendor's (roleVocab.scopedRole).
var roleNames = map[string]Canonical{
	"admin": RoleSystemAdmin, "systemadmin": RoleSystemAdmin, "systemadministrator": RoleSystemAdmin,
	"technicaladministrator": RoleSystemAdmin, "businessadministrator": RoleSystemAdmin,
	"globaladmin": RoleSystemAdmin, "productionadmin": RoleSystemAdmin, "pfadmin": RoleSystemAdmin,
	"system": RoleSystemAdmin,

	// "Administrator": OpenClinica 4's Admin user type and AnjuEDC's admin accounts.
	"administrator": RoleSystemAdmin,

	"orgadmin": RoleOrgAdmin, "organizationadmin": RoleOrgAdmin, "organisationadmin": RoleOrgAdmin,

	"useradmin": RoleUserAdmin, "useradministrator": RoleUserAdmin, "usermanager": RoleUserAdmin,
	"siteadmin": RoleSiteAdmin, "siteadministrator": RoleSiteAdmin,

	"director": RoleStudyDirector, "studydirector": RoleStudyDirector, "sitestudydirector": RoleStudyDirector,
	"studymanager": RoleStudyDirector, "clinicalprojectmanager": RoleStudyDirector, "projectmanager": RoleStudyDirector,

	"coordinator": RoleDataManager, "datamanager": RoleDataManager, "studycoordinator": RoleDataManager,
	"sitestudycoordinator": RoleDataManager, "clinicaldatamanager": RoleDataManager,
	"clinicaldatamanager(cdm)": RoleDataManager, "cdm": RoleDataManager, "datamanagement": RoleDataManager,

	"dataspecialist": RoleDataSpecialist,

	"investigator": RoleInvestigator, "siteinvestigator": RoleInvestigator, "principalinvestigator": RoleInvestigator,
	"principalinvestigator(pi)": RoleInvestigator, "pi": RoleInvestigator, "subinvestigator": RoleInvestigator,

	"crc": RoleCRC, "clinicalresearchcoordinator": RoleCRC, "clinicalresearchcoordinator(crc)": RoleCRC,
	"sitedataentryperson": RoleCRC, "sitecoordinator": RoleCRC, "siteuser": RoleCRC,

	// OpenClinica 4 "Study Runner" access ("OpenClinica 4: Using OpenClinica as an
	// Administrator": assigned per study, next to Study Designer) runs the study's data
	// capture; AnjuEDC's trial permissions "Conduct" and "Active Conduct" likewise. The closest canonical meaning is
	// data entry; a migration spec says otherwise where a study means more.
	"studyrunner": RoleDataEntry, "conduct": RoleDataEntry, "activeconduct": RoleDataEntry,

	"ra": RoleDataEntry, "ra2": RoleDataEntry, "dataentryperson": RoleDataEntry, "sitedataentryperson2": RoleDataEntry,
	"dataentry": RoleDataEntry,

	"monitor": RoleMonitor, "studymonitor": RoleMonitor, "sitemonitor": RoleMonitor, "cra": RoleMonitor,
	"clinicalresearchassociate": RoleMonitor, "clinicalresearchassociate(cra)": RoleMonitor,

	"medicalmonitor": RoleMedicalMonitor, "safetymonitor": RoleMedicalMonitor,

	"viewer": RoleViewer, "studyviewer": RoleViewer, "siteviewer": RoleViewer, "readonly": RoleViewer,
	"viewonly": RoleViewer, "viewstudydesign": RoleViewer,

	"sponsor": RoleSponsor, "sponsoruser": RoleSponsor,

	"support": RoleSupport, "supportuser": RoleSupport, "viewonlyunblindedsupportusers": RoleSupport,

	"integration": RoleIntegration, "integrationuser": RoleIntegration, "odmextract": RoleIntegration,
	"batchupload": RoleIntegration, "api": RoleIntegration, "webservice": RoleIntegration,

	"participate": RoleParticipant, "participant": RoleParticipant, "dataentryparticipant": RoleParticipant,
	"sitedataentryparticipant": RoleParticipant, "subject": RoleParticipant,

	"studydesigner": RoleStudyDesigner, "designer": RoleStudyDesigner, "builder": RoleStudyDesigner,

	"statistician": RoleStatistician, "statistician-unblinded": RoleStatistician, "dataanalyst": RoleStatistician,
	"biostatistician": RoleStatistician,

	"pharmacist": RolePharmacist, "pharmacyuser": RolePharmacist, "pharmacyuser-unblinded": RolePharmacist,

	"depotuser": RoleDepotUser, "blindeddepotuser": RoleDepotUser,

	"supplymanager": RoleSupplyManager, "clinicalsupplymanager": RoleSupplyManager,
	"clinicalsupplymanager-unblinded": RoleSupplyManager,

	"adjudicator": RoleAdjudicator, "assessor": RoleAdjudicator,

	"lab": RoleLab, "labuser": RoleLab, "laboratory": RoleLab,

	"other": RoleOther, "invalid": RoleOther,
}

// roleAffixes are stripped, one at a time, from a name that is not in roleNames, because
// InForm role names are the names of rights groups, which studies write as "Site
// Investigator Rights", "Sponsor CRA Rights" or "PF Admin Rights Group".
var (
	roleSuffixes = []string{"rightsgroup", "rights", "group", "role"}
	rolePrefixes = []string{"site", "sponsor", "study"}
)

// RoleFor returns the role a vendor name stands for, read as profile p writes it at scope
// s. The look-up ignores case, white space and underscores. A name it does not know keeps
// its spelling and maps to RoleOther; an empty name gives the zero Role (no role stated).
func RoleFor(p Profile, name string, s Scope) Role {
	if strings.TrimSpace(name) == "" {
		return Role{Name: name}
	}
	return Role{Name: name, Canonical: canonicalFor(p.roles(), roleKey(name), s)}
}

func canonicalFor(v roleVocab, key string, s Scope) Canonical {
	if c, ok := v.scopedRole(key, s); ok {
		return c
	}
	if c, ok := roleNames[key]; ok {
		return c
	}
	for _, suf := range roleSuffixes {
		if k, ok := strings.CutSuffix(key, suf); ok && k != "" {
			if c, ok := roleNames[k]; ok {
				return c
			}
			key = k
		}
	}
	for _, pre := range rolePrefixes {
		if k, ok := strings.CutPrefix(key, pre); ok && k != "" {
			if c, ok := roleNames[k]; ok {
				return c
			}
		}
	}
	// An OpenClinica 4 custom role is a base role plus a label: "CRC (TEST)".
	if i := strings.LastIndexByte(key, '('); i > 0 && strings.HasSuffix(key, ")") {
		return canonicalFor(v, key[:i], s)
	}
	return RoleOther
}

// Valid reports whether c is one of the canonical roles.
func (c Canonical) Valid() bool {
	_, ok := roleTitles[c]
	return ok
}

// roleTitles is each canonical role's name for a target that has no role names of its own
// (plain ODM, Rave, InForm rights groups created on export).
var roleTitles = map[Canonical]string{
	RoleSystemAdmin: "System Administrator", RoleOrgAdmin: "Organization Admin", RoleUserAdmin: "User Administrator",
	RoleSiteAdmin: "Site Administrator", RoleStudyDirector: "Study Director", RoleDataManager: "Data Manager",
	RoleDataSpecialist: "Data Specialist", RoleInvestigator: "Investigator", RoleCRC: "Clinical Research Coordinator",
	RoleDataEntry: "Data Entry Person", RoleMonitor: "Monitor", RoleMedicalMonitor: "Medical Monitor",
	RoleViewer: "Viewer", RoleSponsor: "Sponsor", RoleSupport: "Support", RoleIntegration: "Integration",
	RoleParticipant: "Participant", RoleStudyDesigner: "Study Designer", RoleStatistician: "Statistician",
	RolePharmacist: "Pharmacist", RoleDepotUser: "Depot User", RoleSupplyManager: "Supply Manager",
	RoleAdjudicator: "Adjudicator", RoleLab: "Lab", RoleOther: "Other",
}

// DefaultRoleName returns the name profile p uses for canonical role c at scope s, or ""
// when p has no such role. It is used when a role has a canonical meaning but no name.
func DefaultRoleName(p Profile, c Canonical, s Scope) string {
	if n, own := p.roles().roleName(c, s); own {
		return n
	}
	return roleTitles[c]
}

// roleVocab is where a profile's role vocabulary differs from the shared one (roleNames,
// roleTitles): each vendor's file holds its own (see Profile.roles).
type roleVocab interface {
	// scopedRole returns the canonical role of the folded name key at scope s when the
	// profile gives the name a meaning that depends on the scope (ok false: roleNames
	// says).
	scopedRole(key string, s Scope) (c Canonical, ok bool)
	// roleName returns the profile's name of c at scope s, "" for a role it has not; own
	// is false when the profile names roles by roleTitles.
	roleName(c Canonical, s Scope) (name string, own bool)
	// roleOwner is the vendor whose role names the profile reads and writes ("" for none:
	// plain ODM), that vendor's title in messages, and how the command line writes the
	// profile (for the fix a CodeRoleVerbatim warning suggests).
	roleOwner() (vendor Profile, title, hint string)
}

// plainRoles is the vocabulary of a profile with no role names of its own, which the
// profiles' types embed.
type plainRoles struct{}

func (plainRoles) scopedRole(string, Scope) (Canonical, bool) { return "", false }
func (plainRoles) roleName(Canonical, Scope) (string, bool)   { return "", false }
func (plainRoles) roleOwner() (Profile, string, string)       { return "", "", "" }
