package validate

import "strings"

// roleClass groups role names by what the participant API lets them do (OpenClinica
// participant API).
type roleClass int

const (
	roleUnknown roleClass = iota // a name we do not recognise: denied, like any unlisted role
	roleAllowed                  // Data Manager, CRC, Investigator, Data Entry Person, Data Specialist
	roleMonitor                  // study- and site-level monitors: named as unauthorized
	roleViewer                   // study- and site-level viewers: named as unauthorized
	roleOther                    // recognised roles the API does not authorize (director, admin, participant)
)

// BaseRole is a role of the OpenClinica participant API's lists, by its display name. An
// OpenClinica 4 custom role ("CRC (TEST)") is based on one of them and is allowed or
// refused as its base role is.
type BaseRole string

// The base roles the participant API names (authorized and unauthorized), and the other
// OpenClinica roles, which it does not authorize.
const (
	BaseDataManager     BaseRole = "Data Manager"
	BaseCRC             BaseRole = "Clinical Research Coordinator"
	BaseInvestigator    BaseRole = "Investigator"
	BaseDataEntryPerson BaseRole = "Data Entry Person"
	BaseDataSpecialist  BaseRole = "Data Specialist"
	BaseMonitor         BaseRole = "Monitor"
	BaseViewer          BaseRole = "Viewer"
	BaseStudyDirector   BaseRole = "Study Director"
	BaseAdministrator   BaseRole = "System Administrator"
	BaseParticipant     BaseRole = "Data Entry Participant"
)

// roleInfo is what a role name stands for: its class and its base role.
type roleInfo struct {
	class roleClass
	base  BaseRole
}

// roleNames maps a role name, folded by roleKey, to its class and base role. The spellings
// are OpenClinica's internal names and stored role_name values, its terms.properties
// description keys (study and site forms), the display names of OpenClinica 3.x and the
// OpenClinica 4 user interface, and the OpenClinica participant API's own spellings.
var roleNames = map[string]roleInfo{
	// Data Manager: internal "coordinator", keys Study_Coordinator / site_Study_Coordinator.
	"datamanager":          {roleAllowed, BaseDataManager},
	"coordinator":          {roleAllowed, BaseDataManager},
	"studycoordinator":     {roleAllowed, BaseDataManager},
	"sitestudycoordinator": {roleAllowed, BaseDataManager},
	// Clinical Research Coordinator: site-level "ra", key site_Data_Entry_Person; the API
	// documentation writes "Clinical Research Coordinator (CRC)".
	"clinicalresearchcoordinator":      {roleAllowed, BaseCRC},
	"clinicalresearchcoordinator(crc)": {roleAllowed, BaseCRC},
	"crc":                              {roleAllowed, BaseCRC},
	"sitedataentryperson":              {roleAllowed, BaseCRC},
	// Investigator: internal "Investigator", site key site_investigator.
	"investigator":     {roleAllowed, BaseInvestigator},
	"siteinvestigator": {roleAllowed, BaseInvestigator},
	// Data Entry Person: study-level "ra", site-level "ra2" (key site_Data_Entry_Person2).
	"dataentryperson":      {roleAllowed, BaseDataEntryPerson},
	"ra":                   {roleAllowed, BaseDataEntryPerson},
	"ra2":                  {roleAllowed, BaseDataEntryPerson},
	"sitedataentryperson2": {roleAllowed, BaseDataEntryPerson},
	// Data Specialist: stored role_name and display name of the study-level Investigator.
	"dataspecialist": {roleAllowed, BaseDataSpecialist},

	// Monitors: internal "monitor", key site_monitor, OC4 UI "Study Monitor"/"Site Monitor".
	// A CRA is a monitor under another vendor's name (Clinical One, InForm personas).
	"monitor":                        {roleMonitor, BaseMonitor},
	"studymonitor":                   {roleMonitor, BaseMonitor},
	"sitemonitor":                    {roleMonitor, BaseMonitor},
	"clinicalresearchassociate":      {roleMonitor, BaseMonitor},
	"clinicalresearchassociate(cra)": {roleMonitor, BaseMonitor},
	"cra":                            {roleMonitor, BaseMonitor},
	"medicalmonitor":                 {roleMonitor, BaseMonitor},

	// Viewers: only the participant API documentation names them (study- and site-level).
	"viewer":      {roleViewer, BaseViewer},
	"studyviewer": {roleViewer, BaseViewer},
	"siteviewer":  {roleViewer, BaseViewer},

	// OpenClinica roles that exist but are not on the API's list of callers.
	"admin":                    {roleOther, BaseAdministrator},
	"systemadministrator":      {roleOther, BaseAdministrator},
	"director":                 {roleOther, BaseStudyDirector},
	"studydirector":            {roleOther, BaseStudyDirector},
	"sitestudydirector":        {roleOther, BaseStudyDirector},
	"participate":              {roleOther, BaseParticipant},
	"dataentryparticipant":     {roleOther, BaseParticipant},
	"sitedataentryparticipant": {roleOther, BaseParticipant},
}

// roleKey folds a role name so that vendor spellings compare equal: case does not matter,
// and spaces and underscores are dropped ("site_Data_Entry_Person", "Site Data Entry
// Person" and "sitedataentryperson" are one key).
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
	return b.String()
}

// classifyRole returns the class of a role name as any vendor spells it.
func classifyRole(name string) roleClass {
	return roleNames[roleKey(name)].class
}

// resolveRole finds what a caller's role stands for. In order: the base role the caller
// states (OpenClinica 4 stores it with a custom role as baseRoleName); the caller's
// mapping of custom role names; the name itself; and, for an OpenClinica 4 custom role
// written "BASE (SUFFIX)" such as "CRC (TEST)", the name without its last parenthesised
// part. A name that resolves to nothing is roleUnknown.
func resolveRole(c Caller, custom map[string]string) roleInfo {
	if c.BaseRole != "" {
		return roleNames[roleKey(c.BaseRole)]
	}
	key := roleKey(c.Role)
	for name, base := range custom {
		if roleKey(name) == key {
			return roleNames[roleKey(base)]
		}
	}
	if ri, ok := roleNames[key]; ok {
		return ri
	}
	name := strings.TrimSpace(c.Role)
	if strings.HasSuffix(name, ")") {
		if open := strings.LastIndexByte(name, '('); open > 0 {
			return roleNames[roleKey(name[:open])]
		}
	}
	return roleInfo{}
}

// ResolveRole returns the base role a caller's role stands for, by the rules of
// [CheckRequest], and false when the name resolves to no known role. custom maps custom
// role names to base role names and may be nil.
func ResolveRole(c Caller, custom map[string]string) (BaseRole, bool) {
	ri := resolveRole(c, custom)
	return ri.base, ri.class != roleUnknown
}
