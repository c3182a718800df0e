package validate

import "slices"

// EditPage is what AnjuEDC's Edit User page lets an administrator do with one user, by the
// notes of AnjuEDC online help 13.4 "Edit (Update) a User". [CheckUserEdit] reports an edit
// that changes a field the page does not let the editor change.
type EditPage struct {
	// PrimaryOrganization is what the Primary Organization field shows: the user's primary
	// organization, or "EXTERNAL" when the editor has no access to it.
	PrimaryOrganization string
	// PrimaryOrganizationEnabled is false when the field shows "EXTERNAL". Even when enabled,
	// a new value must be an organization both editor and user are assigned to.
	PrimaryOrganizationEnabled bool
	// ActiveEnabled is always true: Active can always be changed for any user.
	ActiveEnabled bool
	// AllowLoginEnabled and OrganizationAdminEnabled are false when the user is assigned to
	// an organization the editor has no access to.
	AllowLoginEnabled        bool
	OrganizationAdminEnabled bool
	// ExternalEnabled (Is External User) is false, and AuthenticationURLVisible false, when
	// the editor has no access to the user's primary organization.
	ExternalEnabled          bool
	AuthenticationURLVisible bool
	// DateTimeFormatEnabled (Date Format and Time Format) is true only when the user's
	// primary organization allows datetime format change.
	DateTimeFormatEnabled bool
}

// ExternalOrganization is what AnjuEDC shows in the Primary Organization field of a user
// whose primary organization the editor cannot access.
const ExternalOrganization = "EXTERNAL"

// Page returns the Edit User page that the edit's editor sees for the user before the edit.
// A Global Admin has access to every organization.
func (e UserEdit) Page() EditPage {
	b := e.Before
	primary := e.canAccess(b.PrimaryOrganization)
	p := EditPage{
		PrimaryOrganization:        b.PrimaryOrganization,
		PrimaryOrganizationEnabled: primary,
		ActiveEnabled:              true,
		AllowLoginEnabled:          e.accessesAllOf(b),
		ExternalEnabled:            primary,
		AuthenticationURLVisible:   primary,
		DateTimeFormatEnabled:      e.Editor.GlobalAdmin || e.org(b.PrimaryOrganization).AllowDateTimeFormatChange,
	}
	p.OrganizationAdminEnabled = p.AllowLoginEnabled
	if !primary {
		p.PrimaryOrganization = ExternalOrganization
	}
	return p
}

func (e *UserEdit) canAccess(org string) bool {
	return e.Editor.GlobalAdmin || slices.Contains(e.Editor.Organizations, org)
}

// accessesAllOf reports whether the editor has access to every organization u is assigned
// to, the primary one included.
func (e *UserEdit) accessesAllOf(u EditUser) bool {
	if !e.canAccess(u.PrimaryOrganization) {
		return false
	}
	for _, o := range u.Organizations {
		if !e.canAccess(o) {
			return false
		}
	}
	return true
}

// checkAnjuEDCPage applies the Edit User page's rules (AnjuEDC online help 13.4, and 13.5 for
// SSO) other than the primary-organization rule, in the order of the page's notes:
// Authentication Information fields, Is External User and Authentication URL, the SSO
// consequence of a new primary organization, Date and Time Format, and permissions kept
// across a change of primary organization. Active is never restricted.
func checkAnjuEDCPage(e *UserEdit, opts Options) []Finding {
	var out []Finding
	add := func(sev Severity, code Code, field, value, msg string) {
		f := opts.finding(code, field, value, msg)
		f.Severity = sev
		out = append(out, f)
	}
	b, a := e.Before, e.After
	page := e.Page()
	if !page.AllowLoginEnabled {
		const why = " cannot be changed: the user is assigned to an organization the Organization Admin has no access to"
		if a.AllowLogin != b.AllowLogin {
			add(SeverityError, CodeAuthenticationFieldLocked, "allowLogin", yesNo(a.AllowLogin), "Allow Login"+why)
		}
		if a.OrganizationAdmin != b.OrganizationAdmin {
			add(SeverityError, CodeAuthenticationFieldLocked, "organizationAdmin", yesNo(a.OrganizationAdmin), "Organization Admin"+why)
		}
	}
	if !page.ExternalEnabled {
		const why = " cannot be changed: the Organization Admin has no access to the user's primary organization"
		if a.External != b.External {
			add(SeverityError, CodeExternalFieldLocked, "external", yesNo(a.External), "Is External User"+why)
		}
		if a.AuthenticationURL != b.AuthenticationURL {
			add(SeverityError, CodeExternalFieldLocked, "authenticationURL", a.AuthenticationURL, "Authentication URL"+why)
		}
	}
	moved := a.PrimaryOrganization != b.PrimaryOrganization
	newSSO := e.org(a.PrimaryOrganization).SSO
	if moved && b.External && !newSSO {
		add(SeverityWarning, CodeExternalUserCleared, "external", yesNo(a.External),
			"the new primary organization is not configured for SSO, so the user will be changed to a non-SSO (non-external) user")
	}
	if a.External && !newSSO && (moved || !b.External) {
		add(SeverityError, CodeSSONotConfigured, "external", yesNo(a.External),
			"the user is external (SSO), but their primary organization is not configured for SSO")
	}
	if !page.DateTimeFormatEnabled {
		const why = " cannot be changed: the user's primary organization does not allow datetime format change"
		if a.DateFormat != b.DateFormat {
			add(SeverityError, CodeDateTimeFormatLocked, "dateFormat", a.DateFormat, "Date Format"+why)
		}
		if a.TimeFormat != b.TimeFormat {
			add(SeverityError, CodeDateTimeFormatLocked, "timeFormat", a.TimeFormat, "Time Format"+why)
		}
	}
	if moved {
		// The old primary organization stays assigned implicitly (ChangePrimaryOrganization);
		// an organization listed before and gone after is a removal made in the same edit.
		after := append([]string{a.PrimaryOrganization, b.PrimaryOrganization}, a.Organizations...)
		for _, o := range b.Organizations {
			if o != "" && !slices.Contains(after, o) {
				add(SeverityWarning, CodePermissionsDropped, "organizations", o,
					"changing the primary organization keeps the user's permissions, but this edit also removes the user from an organization")
			}
		}
	}
	return out
}

// ChangePrimaryOrganization returns u with org as its primary organization. Changing the
// primary organization does not change the user's permissions (AnjuEDC online help 13.4),
// so the old primary organization stays among the user's organizations.
func ChangePrimaryOrganization(u EditUser, org string) EditUser {
	old := u.PrimaryOrganization
	u.Organizations = slices.Clone(u.Organizations)
	if old != "" && old != org && !slices.Contains(u.Organizations, old) {
		u.Organizations = append(u.Organizations, old)
	}
	u.PrimaryOrganization = org
	return u
}

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}
