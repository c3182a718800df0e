package validate

import "strings"

// roleClass groups role names by what the participant API lets them do (seed 002).
type roleClass int

const (
	roleUnknown roleClass = iota // a name we do not recognise: denied, like any unlisted role
	roleAllowed                  // Data Manager, CRC, Investigator, Data Entry Person, Data Specialist
	roleMonitor                  // study- and site-level monitors: named as unauthorized
	roleViewer                   // study- and site-level viewers: named as unauthorized
	roleOther                    // recognised roles the seed does not authorize (director, admin, participant)
)

// roleNames maps a role name, folded by roleKey, to its class. The spellings come from the
// research notes' role table (vendor-formats.md sections 2.2 and 6): OpenClinica internal
// names and stored role_name values, terms.properties description keys (study and site
// forms), display names in 3.x and the OC4 UI, and the seed's own spellings.
var roleNames = map[string]roleClass{
	// Data Manager: internal "coordinator", keys Study_Coordinator / site_Study_Coordinator.
	"datamanager":          roleAllowed,
	"coordinator":          roleAllowed,
	"studycoordinator":     roleAllowed,
	"sitestudycoordinator": roleAllowed,
	// Clinical Research Coordinator: site-level "ra", key site_Data_Entry_Person; the seed
	// writes "Clinical Research Coordinator (CRC)".
	"clinicalresearchcoordinator":      roleAllowed,
	"clinicalresearchcoordinator(crc)": roleAllowed,
	"crc":                              roleAllowed,
	"sitedataentryperson":              roleAllowed,
	// Investigator: internal "Investigator", site key site_investigator.
	"investigator":     roleAllowed,
	"siteinvestigator": roleAllowed,
	// Data Entry Person: study-level "ra", site-level "ra2" (key site_Data_Entry_Person2).
	"dataentryperson":      roleAllowed,
	"ra":                   roleAllowed,
	"ra2":                  roleAllowed,
	"sitedataentryperson2": roleAllowed,
	// Data Specialist: stored role_name and display name of the study-level Investigator.
	"dataspecialist": roleAllowed,

	// Monitors: internal "monitor", key site_monitor, OC4 UI "Study Monitor"/"Site Monitor".
	// A CRA is a monitor under another vendor's name (Clinical One, InForm personas).
	"monitor":                        roleMonitor,
	"studymonitor":                   roleMonitor,
	"sitemonitor":                    roleMonitor,
	"clinicalresearchassociate":      roleMonitor,
	"clinicalresearchassociate(cra)": roleMonitor,
	"cra":                            roleMonitor,
	"medicalmonitor":                 roleMonitor,

	// Viewers: only the seed names them (study- and site-level).
	"viewer":      roleViewer,
	"studyviewer": roleViewer,
	"siteviewer":  roleViewer,

	// OpenClinica roles that exist but are not on the seed's list of callers.
	"admin":                    roleOther,
	"systemadministrator":      roleOther,
	"director":                 roleOther,
	"studydirector":            roleOther,
	"sitestudydirector":        roleOther,
	"participate":              roleOther,
	"dataentryparticipant":     roleOther,
	"sitedataentryparticipant": roleOther,
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
	return roleNames[roleKey(name)]
}
