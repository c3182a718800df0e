package validate

import (
	"strings"
	"time"
)

// The user types of OpenClinica 4's Administration screen (OpenClinica 4 administrator
// guide): an Admin manages settings, users, roles, sites, modules and publishing for all
// studies; a User works in the studies their roles give them.
const (
	TypeAdmin = "Admin"
	TypeUser  = "User"
)

// StatusInfo is one OpenClinica 4 account status and what it means.
type StatusInfo struct {
	Status string
	// Meaning is the administrator guide's description.
	Meaning string
	// Roles says what the status implies about role assignments: "none" (no role yet),
	// "some" (at least one) or "" (no implication).
	Roles string
}

// Statuses returns the account statuses of OpenClinica 4 with their meaning, in the order of
// the administrator guide's table. User accounts cannot be deleted; Deactivated is how an
// account is removed.
func Statuses() []StatusInfo {
	return []StatusInfo{
		{StatusCreated, "The user account has been created but no roles have been assigned.", "none"},
		{StatusInvited, "The user account has been created, and at least one role assigned, but the user has not yet activated the account.", "some"},
		{StatusAvailable, "The user account is active and available for use.", ""},
		{StatusDeactivated, "The user account has been removed. The user can no longer log into OpenClinica.", ""},
	}
}

// Account is one row of OpenClinica 4's user administration (the Administration screen or
// a study's User Administration / Share screen). Times are as the screens show them, in
// UTC: "10-May-2018 17:57"; LastLogin may also be "Never".
type Account struct {
	Username string
	Type     string // Admin or User
	Status   string
	Roles    []string
	// RolesUnknown says that the source does not tell the account's roles (a user table
	// without a Role or Roles column): Roles is empty for want of a column, not because
	// the account has none, so the status checks that need the roles are not made.
	RolesUnknown bool
	Created      string
	Updated      string
	LastLogin    string
	// InexactNumbers are the fields (username, type, ...; AccountField names their
	// columns) read from workbook cells holding a number of more than 15 digits, which
	// Excel does not keep: the value is not the one typed (a long numeric username whose
	// later digits read as 0). Set by the user table's reader.
	InexactNumbers []string
}

// accountValue is a's value of field (an Account field as AccountField takes it).
func accountValue(a Account, field string) string {
	switch field {
	case "username":
		return a.Username
	case "type":
		return a.Type
	case "status":
		return a.Status
	case "created":
		return a.Created
	case "updated":
		return a.Updated
	case "lastLogin":
		return a.LastLogin
	case "roles":
		return strings.Join(a.Roles, ", ")
	}
	return ""
}

// AdminTimeLayout is the layout of the Created (UTC), Updated (UTC) and Last Login (UTC)
// columns of OpenClinica 4's user administration screens.
const AdminTimeLayout = "02-Jan-2006 15:04"

// AdminTimeForms says which times ParseAdminTime accepts, as findings and help name them.
const AdminTimeForms = "DD-MMM-YYYY HH:MM (10-May-2018 17:57; day and hour may have one digit, seconds may follow) " +
	"or ISO 8601 (2018-05-10T17:57, with seconds, a fraction, Z or an offset such as +02:00, or a space for T); " +
	"a date alone, in either form, is 00:00"

// NeverLoggedIn is what the Last Login (UTC) column shows for a user who never logged in.
const NeverLoggedIn = "Never"

// adminTimeLayouts are the layouts of AdminTimeForms. Go reads "2" and "15" with one
// digit or two, month names in any letter case, and a fraction after the seconds of
// any layout; "Z07:00" is Z or an offset.
var adminTimeLayouts = []string{
	"2-Jan-2006 15:04", "2-Jan-2006 15:04:05", "2-Jan-2006",
	// A spreadsheet program stores the times as dates; read back they are ISO 8601, and
	// other tools write them so with the zone.
	"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05Z07:00",
	"2006-01-02 15:04", "2006-01-02 15:04:05", "2006-01-02 15:04Z07:00", "2006-01-02 15:04:05Z07:00",
	"2006-01-02",
}

// ParseAdminTime parses a time of OpenClinica 4's user administration screens, in UTC, in
// one of the forms AdminTimeForms says ("10-May-2018 17:57", or ISO 8601 as a spreadsheet
// gives its dates back); a time with an offset is returned in UTC. It returns the zero
// time and true for "Never" (in any letter case).
func ParseAdminTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, NeverLoggedIn) { // in any letter case, as Type and Status are read
		return time.Time{}, true
	}
	for _, layout := range adminTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// CheckAccount checks one OpenClinica 4 account and returns every violation, in this order:
// the values a workbook did not hold as typed (InexactNumbers), the username, type, status, what the status says about roles, then the times (Created,
// Updated, Last Login; an unparsable time first, then Updated before Created, Last Login
// before Created), then what the status says about Last Login. Empty
// fields are not checked, but for the username: every account has one.
func CheckAccount(a Account, opts Options) []Finding {
	var out []Finding
	add := func(code Code, field, value, msg string) {
		out = append(out, opts.finding(code, field, value, msg))
	}
	for _, field := range a.InexactNumbers {
		// Checked as read, which is not what was typed: the findings below may be of
		// that, not of the account.
		f := opts.finding(CodeAccountInexactNumber, field, accountValue(a, field),
			"the workbook cell holds a number of more than 15 digits, which Excel does not keep (the digits after the 15th read as 0): the value is not the one typed; type it as text")
		f.Severity = SeverityWarning
		out = append(out, f)
	}
	if strings.TrimSpace(a.Username) == "" {
		// A row of a user table without one is no account: a table edited by hand, or a
		// row shifted out of its columns.
		add(CodeAccountMissingUsername, "username", a.Username, "the account has no username")
	}
	if a.Type != "" && !strings.EqualFold(strings.TrimSpace(a.Type), TypeAdmin) && !strings.EqualFold(strings.TrimSpace(a.Type), TypeUser) {
		add(CodeAccountUnknownType, "type", a.Type, "the user type is neither Admin nor User")
	}
	roles := 0
	for _, r := range a.Roles {
		if strings.TrimSpace(r) != "" {
			roles++
		}
	}
	switch normStatus(a.Status) {
	case "":
	case "created":
		if roles > 0 {
			add(CodeAccountCreatedWithRoles, "status", a.Status,
				"the status is Created, which means no role has been assigned, but the user has roles")
		}
	case "invited":
		if roles == 0 && !a.RolesUnknown {
			add(CodeAccountInvitedWithoutRole, "status", a.Status,
				"the status is Invited, which means at least one role has been assigned, but the user has none")
		}
	case "available", "deactivated":
	default:
		add(CodeAccountUnknownStatus, "status", a.Status, "the status is not one of Created, Invited, Available, Deactivated")
	}
	var created, updated, login time.Time
	var okC, okU, okL bool
	for _, f := range []struct {
		field, label, v string
		never           bool
		t               *time.Time
		ok              *bool
	}{
		{"created", "Created (UTC)", a.Created, false, &created, &okC},
		{"updated", "Updated (UTC)", a.Updated, false, &updated, &okU},
		{"lastLogin", "Last Login (UTC)", a.LastLogin, true, &login, &okL},
	} {
		if strings.TrimSpace(f.v) == "" {
			continue
		}
		t, ok := ParseAdminTime(f.v)
		if ok && t.IsZero() && !f.never {
			ok = false
		}
		if !ok {
			add(CodeAccountInvalidTime, f.field, f.v, f.label+" is not a time: want "+AdminTimeForms+map[bool]string{true: `, or "Never"`, false: ""}[f.never])
			continue
		}
		*f.t, *f.ok = t, true
	}
	if okC && okU && updated.Before(created) {
		add(CodeAccountUpdatedBeforeCreated, "updated", a.Updated, "the account was updated before it was created")
	}
	// Never parses as the zero time: a user who never logged in has no login to compare.
	loggedIn := okL && !login.IsZero()
	if loggedIn && okC && login.Before(created) {
		add(CodeAccountLoginBeforeCreated, "lastLogin", a.LastLogin, "the user last logged in before the account was created")
	}
	warn := func(code Code, field, value, msg string) {
		f := opts.finding(code, field, value, msg)
		f.Severity = SeverityWarning
		out = append(out, f)
	}
	switch normStatus(a.Status) {
	case "invited":
		// Invited: a role is assigned "but the user has not yet activated the account", and
		// logging in takes an activated account. A warning: the guide says what the status
		// means, not how the screen fills Last Login (its Invited rows all show Never).
		if loggedIn {
			warn(CodeAccountInvitedLoggedIn, "lastLogin", a.LastLogin,
				"the status is Invited, which means the user has not yet activated the account, but the user has a last login")
		}
	case "deactivated":
		// A Deactivated user "can no longer log into OpenClinica", and deactivating is an
		// update, so Updated is at or after the deactivation and a login cannot follow it.
		// A login does not move Updated (the guide's Available rows logged in after it).
		// An Updated before Created is already reported: one wrong cell, one finding.
		if loggedIn && okU && login.After(updated) && !(okC && updated.Before(created)) {
			warn(CodeAccountLoginAfterDeactivate, "lastLogin", a.LastLogin,
				"the status is Deactivated, and a deactivated user cannot log in, but the last login is after the last update, which the deactivation was")
		}
	}
	return out
}
