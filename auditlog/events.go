package auditlog

// Kind is what an audit event is about.
type Kind string

// The kinds of events the log records (OpenClinica 4 administrator guide, "Events Included
// in the Log").
const (
	KindLogin          Kind = "successful login"
	KindLogout         Kind = "successful logout"
	KindFailedLogin    Kind = "failed login"
	KindPassword       Kind = "password change"
	KindRoleChange     Kind = "user role change"
	KindRoleDefinition Kind = "role definition edit"
	KindProfile        Kind = "user profile edit"
	KindSSO            Kind = "SSO authentication"
	KindAccessCode     Kind = "access code viewed"
	// KindComparison: an event package diff writes for a difference between two exports
	// that the guide's list has no kind for (users, sites, organizations and signature
	// definitions added or removed, statuses, vendor extensions), so that diff's own CSV
	// output reads as a log.
	KindComparison Kind = "comparison"
)

// EventInfo is one known AUDIT EVENT name.
type EventInfo struct {
	Name string
	Kind Kind
	// Source is where the spelling comes from: "OpenClinica 4 administrator guide" (shown in
	// its sample log), "OpenClinica server" (the LoginStatus names of the 4.13 code), or
	// "odmadmin" for a kind the guide lists without showing its name.
	Source string
}

// Events returns every event name this package knows, by kind in the guide's order.
func Events() []EventInfo {
	const guide, server, ours = "OpenClinica 4 administrator guide", "OpenClinica server", "odmadmin"
	return []EventInfo{
		{"SUCCESSFUL_LOGIN", KindLogin, guide},
		{"SUCCESSFUL_LOGOUT", KindLogout, guide},
		{"FAILED_LOGIN", KindFailedLogin, server},
		{"FAILED_LOGIN_LOCKED", KindFailedLogin, server},
		{"PASSWORD_CHANGED", KindPassword, guide},
		{"ROLE_CHANGE", KindRoleChange, guide},
		{"ROLE_DEFINITION_CHANGE", KindRoleDefinition, ours},
		{"PROFILE_CHANGE", KindProfile, ours},
		{"SSO_LOGIN", KindSSO, ours},
		{"ACCESS_CODE_VIEWED", KindAccessCode, server},
		{"USER_ADDED", KindComparison, ours},
		{"USER_REMOVED", KindComparison, ours},
		{"STATUS_CHANGE", KindComparison, ours},
		{"SITE_ADDED", KindComparison, ours},
		{"SITE_REMOVED", KindComparison, ours},
		{"SITE_CHANGE", KindComparison, ours},
		{"EXTENSION_CHANGE", KindComparison, ours},
		{"ORGANIZATION_ADDED", KindComparison, ours},
		{"ORGANIZATION_REMOVED", KindComparison, ours},
		{"ORGANIZATION_CHANGE", KindComparison, ours},
		{"SIGNATURE_DEF_ADDED", KindComparison, ours},
		{"SIGNATURE_DEF_REMOVED", KindComparison, ours},
		{"SIGNATURE_DEF_CHANGE", KindComparison, ours},
	}
}

func knownEvents() map[string]bool {
	m := map[string]bool{}
	for _, e := range Events() {
		m[e.Name] = true
	}
	return m
}
