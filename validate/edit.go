package validate

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The user account statuses of OpenClinica 4 (OpenClinica 4 administrator guide). Status values are compared
// case-insensitively after trimming spaces.
const (
	StatusCreated     = "Created"     // account exists, no role assigned yet
	StatusInvited     = "Invited"     // at least one role, account not yet activated
	StatusAvailable   = "Available"   // active
	StatusDeactivated = "Deactivated" // can no longer log in; how an account is "removed"
)

// Profile selects the vendor rules [CheckUserEdit] applies on top of the common ones.
type Profile int

const (
	// ProfileOpenClinica applies the common rules (OpenClinica 4 administrator guide): the username never changes,
	// accounts are never deleted, and status moves only along the allowed transitions.
	ProfileOpenClinica Profile = iota
	// ProfileAnjuEDC adds AnjuEDC's username format (10-50 ASCII letters, digits and
	// underscores) and its primary-organization rule and the other rules of its Edit User page (AnjuEDC online help 13.4).
	ProfileAnjuEDC
)

// EditUser is the part of a user account the edit rules look at.
type EditUser struct {
	Username string
	// Status is one of the Status constants; empty means the status is not tracked and is
	// then not checked, as long as both sides of the edit leave it empty.
	Status string
	// PrimaryOrganization and Organizations are AnjuEDC's: the user's primary organization
	// and every organization the user is assigned to. The primary organization counts as
	// assigned even if Organizations omits it.
	PrimaryOrganization string
	Organizations       []string

	// AnjuEDC's Authentication Information and SSO fields (AnjuEDC online help 13.4).
	Active            bool
	AllowLogin        bool
	OrganizationAdmin bool
	External          bool   // Is External User: signs in through the organization's SSO
	AuthenticationURL string // the SSO URL of an external user
	DateFormat        string
	TimeFormat        string
}

// OrganizationSettings are the settings of an AnjuEDC organization that the edit rules
// consult.
type OrganizationSettings struct {
	ID string
	// SSO is true when the organization is configured for single sign-on.
	SSO bool
	// AllowDateTimeFormatChange is the organization's "Allow datetime format change" setting.
	AllowDateTimeFormatChange bool
}

// Editor is the administrator who makes the change (AnjuEDC). A Global Admin may change
// anything; anyone else is treated as an Organization Admin assigned to Organizations.
type Editor struct {
	GlobalAdmin   bool
	Organizations []string
}

// UserEdit is a proposed change to a user account.
type UserEdit struct {
	Before EditUser
	After  EditUser
	// Delete is true when the change removes the account instead of editing it; After is
	// then ignored.
	Delete  bool
	Editor  Editor
	Profile Profile
	// Organizations are the settings of the organizations the edit involves (AnjuEDC); an
	// organization not listed has neither SSO nor datetime format change.
	Organizations []OrganizationSettings
}

// org returns the settings of organization id.
func (e *UserEdit) org(id string) OrganizationSettings {
	for _, o := range e.Organizations {
		if o.ID == id {
			return o
		}
	}
	return OrganizationSettings{ID: id}
}

// usernamePattern is AnjuEDC's character rule; the 10-50 length is checked separately so
// each violation gets its own code.
var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9_]*$`)

// statusMoves lists the allowed status changes, keyed by lower-case status. Staying in the
// same status is always allowed and not listed.
var statusMoves = map[string][]string{
	"created":     {"invited"},
	"invited":     {"available", "deactivated"},
	"available":   {"deactivated"},
	"deactivated": {"available"},
}

// CheckUserEdit checks a proposed change to a user account and returns every violation, in
// this order: deletion (which ends the check, since nothing remains to edit), username
// change, AnjuEDC username format (length before characters), status (unknown values, then
// the transition), AnjuEDC primary organization. It returns nil when the change is allowed.
func CheckUserEdit(e UserEdit, opts Options) []Finding {
	var out []Finding
	add := func(code Code, field, value, msg string) {
		out = append(out, opts.finding(code, field, value, msg))
	}
	if e.Delete {
		add(CodeAccountDeleted, "", "", "user accounts cannot be deleted; deactivate the account instead")
		return out
	}
	b, a := e.Before, e.After
	if a.Username != b.Username {
		add(CodeUsernameChanged, "username", a.Username, "the username cannot be changed")
	}
	if e.Profile == ProfileAnjuEDC {
		if n := utf16Len(a.Username); n < 10 || n > 50 {
			add(CodeUsernameLength, "username", a.Username,
				"the username is "+strconv.Itoa(n)+" characters; AnjuEDC requires 10 to 50")
		}
		if !usernamePattern.MatchString(a.Username) {
			add(CodeUsernameCharacters, "username", a.Username,
				"the username may contain only ASCII letters, digits and underscores")
		}
	}

	from, to := normStatus(b.Status), normStatus(a.Status)
	if from != "" || to != "" {
		okFrom, okTo := statusMoves[from] != nil, statusMoves[to] != nil
		if !okFrom {
			add(CodeUnknownStatus, "status", b.Status, "the current status is not one of Created, Invited, Available, Deactivated")
		}
		if !okTo {
			add(CodeUnknownStatus, "status", a.Status, "the new status is not one of Created, Invited, Available, Deactivated")
		}
		if okFrom && okTo && from != to && !slices.Contains(statusMoves[from], to) {
			add(CodeInvalidStatusTransition, "status", a.Status,
				"the status cannot make this change; allowed are Created to Invited, Invited to Available or Deactivated, Available to Deactivated, Deactivated to Available")
		}
	}

	if e.Profile == ProfileAnjuEDC && a.PrimaryOrganization != b.PrimaryOrganization && !e.Editor.GlobalAdmin {
		// AnjuEDC, "Edit a User": both the Organization Admin and the user must already be assigned to
		// both the current and the new primary organization.
		user := func(org string) bool {
			return org == b.PrimaryOrganization || slices.Contains(b.Organizations, org)
		}
		admin := func(org string) bool { return slices.Contains(e.Editor.Organizations, org) }
		checks := []struct {
			ok  bool
			msg string
		}{
			{admin(b.PrimaryOrganization), "the Organization Admin is not assigned to the user's current primary organization"},
			{admin(a.PrimaryOrganization), "the Organization Admin is not assigned to the new primary organization"},
			{user(a.PrimaryOrganization), "the user is not assigned to the new primary organization"},
		}
		for _, c := range checks {
			if !c.ok {
				add(CodePrimaryOrganization, "primaryOrganization", a.PrimaryOrganization,
					"the primary organization cannot be changed: "+c.msg)
			}
		}
	}
	if e.Profile == ProfileAnjuEDC {
		out = append(out, checkAnjuEDCPage(&e, opts)...)
	}
	return out
}

func normStatus(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}
