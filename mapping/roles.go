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
// OpenClinica are in ocScoped instead.
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

// ocScoped holds OpenClinica names whose role depends on the scope: OpenClinica stores one
// role id with a study-level and a site-level display name (OpenClinica's documentation of study and site roles).
// "Investigator" (internal name of role 4) and its stored value "Data Specialist" mean Data
// Specialist at study level and Investigator at site level; "ra" means Data Entry Person at
// study level and Clinical Research Coordinator at site level.
var ocScoped = map[string][2]Canonical{ // [study, site]
	"investigator":   {RoleDataSpecialist, RoleInvestigator},
	"dataspecialist": {RoleDataSpecialist, RoleInvestigator},
	"ra":             {RoleDataEntry, RoleCRC},
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
	return Role{Name: name, Canonical: canonicalFor(p, roleKey(name), s)}
}

func canonicalFor(p Profile, key string, s Scope) Canonical {
	if p == ProfileOpenClinica {
		if c, ok := ocScoped[key]; ok {
			if s == ScopeSite {
				return c[1]
			}
			return c[0]
		}
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
		return canonicalFor(p, key[:i], s)
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

// clinicalOneRoles are Clinical One's template study roles ("Oracle Clinical One: About the
// User Upload template").
var clinicalOneRoles = map[Canonical]string{
	RoleSystemAdmin: "Production Admin", RoleUserAdmin: "User Administrator", RoleSiteAdmin: "Site Administrator",
	RoleDataManager: "Data Manager", RoleInvestigator: "Site User", RoleCRC: "Site User", RoleDataEntry: "Site User",
	RoleMonitor: "Clinical Research Associate (CRA)", RoleMedicalMonitor: "Medical Monitor",
	RoleViewer: "View Study Design", RoleSupport: "View Only Unblinded Support Users", RoleIntegration: "ODM Extract",
	RoleStudyDesigner: "Study Designer", RoleStatistician: "Statistician - Unblinded",
	RolePharmacist: "Pharmacy User - Unblinded", RoleDepotUser: "Blinded Depot User",
	RoleSupplyManager: "Clinical Supply Manager - Unblinded", RoleAdjudicator: "Adjudicator",
}

// openClinicaRoles are OpenClinica 4's display names, [study, site] ("OpenClinica 4: Using
// OpenClinica as an Administrator").
var openClinicaRoles = map[Canonical][2]string{
	RoleSystemAdmin:    {"System Administrator", "System Administrator"},
	RoleDataManager:    {"Data Manager", "Data Manager"},
	RoleStudyDirector:  {"Study Director", "Study Director"},
	RoleDataSpecialist: {"Data Specialist", "Investigator"},
	RoleInvestigator:   {"Data Specialist", "Investigator"},
	RoleCRC:            {"Data Entry Person", "Clinical Research Coordinator"},
	RoleDataEntry:      {"Data Entry Person", "Data Entry Person"},
	RoleMonitor:        {"Monitor", "Monitor"},
	RoleViewer:         {"Viewer", "Viewer"},
	RoleParticipant:    {"Data Entry Participant", "Data Entry Participant"},
}

// DefaultRoleName returns the name profile p uses for canonical role c at scope s, or ""
// when p has no such role. It is used when a role has a canonical meaning but no name.
func DefaultRoleName(p Profile, c Canonical, s Scope) string {
	switch p {
	case ProfileClinicalOne:
		return clinicalOneRoles[c]
	case ProfileOpenClinica:
		n := openClinicaRoles[c]
		if s == ScopeSite {
			return n[1]
		}
		return n[0]
	}
	return roleTitles[c]
}
