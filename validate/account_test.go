package validate

import (
	"slices"
	"strings"
	"testing"
	"time"
)

type accountCase struct {
	name, reason string
	acct         Account
	want         []fc
}

// okAccount is an Available user with one role, as a row of the Administration screen.
func okAccount(change func(a *Account)) Account {
	a := Account{Username: "ada.example", Type: "User", Status: "Available", Roles: []string{"Investigator"},
		Created: "22-May-2025 11:14", Updated: "22-May-2025 11:14", LastLogin: "28-May-2025 12:40"}
	if change != nil {
		change(&a)
	}
	return a
}

// accountCases quote the OpenClinica 4 administrator guide.
var accountCases = []accountCase{
	{name: "ok", reason: "an Available User with a role and real times passes", acct: okAccount(nil)},
	{name: "zero", reason: "empty fields are not checked, but every account has a username", acct: Account{},
		want: []fc{{"username", CodeAccountMissingUsername}}},
	{name: "no-username", reason: "a row without a username is no account", acct: okAccount(func(a *Account) { a.Username = " " }),
		want: []fc{{"username", CodeAccountMissingUsername}}},
	{name: "inexact-number", reason: "a username a workbook held as a number of more than 15 digits is not the one typed; it is said first, then checked as read",
		acct: okAccount(func(a *Account) { a.Username, a.InexactNumbers = "12345678901234500000", []string{"username"} }),
		want: []fc{{"username", CodeAccountInexactNumber}}},
	{name: "admin", reason: "Admin is a user type of the Administration screen", acct: okAccount(func(a *Account) { a.Type = "Admin" })},
	{name: "type-unknown", reason: "the Type column holds Admin or User",
		acct: okAccount(func(a *Account) { a.Type = "Superuser" }), want: []fc{{"type", CodeAccountUnknownType}}},
	{name: "created-no-roles", reason: "Created: The User account has been created but no roles have been assigned",
		acct: okAccount(func(a *Account) { a.Status, a.Roles = "Created", nil })},
	{name: "created-with-roles", reason: "Created means no roles have been assigned, so a Created user with roles is a finding",
		acct: okAccount(func(a *Account) { a.Status = "Created" }), want: []fc{{"status", CodeAccountCreatedWithRoles}}},
	{name: "invited-with-role", reason: "Invited: at least one role assigned, but the user has not yet activated the account",
		acct: okAccount(func(a *Account) { a.Status, a.LastLogin = "Invited", "Never" })},
	{name: "invited-without-role", reason: "Invited means at least one role assigned",
		acct: okAccount(func(a *Account) { a.Status, a.Roles, a.LastLogin = "invited", []string{" "}, "Never" }), want: []fc{{"status", CodeAccountInvitedWithoutRole}}},
	{name: "deactivated", reason: "Deactivated: the user account has been removed, roles may remain",
		acct: okAccount(func(a *Account) { a.Status, a.Updated = "Deactivated", "29-May-2025 09:00" })},
	{name: "status-unknown", reason: "the statuses are Created, Invited, Available and Deactivated",
		acct: okAccount(func(a *Account) { a.Status = "Removed" }), want: []fc{{"status", CodeAccountUnknownStatus}}},
	{name: "invited-roles-unknown", reason: "a table without a roles column cannot tell that an Invited user has none",
		acct: okAccount(func(a *Account) { a.Status, a.Roles, a.RolesUnknown, a.LastLogin = "Invited", nil, true, "Never" })},
	{name: "iso-utc", reason: "ISO 8601 with Z, as the finding says it accepts",
		acct: okAccount(func(a *Account) { a.Created, a.Updated = "2018-05-10T17:57:00Z", "2018-05-10T17:57:00.5Z" })},
	{name: "iso-offset", reason: "ISO 8601 with an offset is a time too, compared in UTC",
		acct: okAccount(func(a *Account) { a.Created, a.Updated = "2018-05-10T17:57:00+02:00", "2018-05-10 16:00Z" })},
	{name: "one-digit-day", reason: "a one-digit day is read as a one-digit hour is",
		acct: okAccount(func(a *Account) { a.Created, a.Updated = "1-May-2018 7:57", "1-may-2018 17:57:30" })},
	{name: "never", reason: "Last Login (UTC) shows Never for a user who never logged in",
		acct: okAccount(func(a *Account) { a.LastLogin = "Never" })},
	{name: "never-lower", reason: "never in another letter case, as the type and status are read (a table typed by hand)",
		acct: okAccount(func(a *Account) { a.LastLogin = "never" })},
	{name: "created-never", reason: "only Last Login may be Never",
		acct: okAccount(func(a *Account) { a.Created = "Never" }), want: []fc{{"created", CodeAccountInvalidTime}}},
	{name: "time-format", reason: "Created (UTC) is written 10-May-2018 17:57",
		acct: okAccount(func(a *Account) { a.Created, a.LastLogin = "2018/05/10 17:57", "yesterday" }),
		want: []fc{{"created", CodeAccountInvalidTime}, {"lastLogin", CodeAccountInvalidTime}}},
	{name: "updated-before-created", reason: "an account is not updated before it exists",
		acct: okAccount(func(a *Account) { a.Updated = "21-May-2025 11:14" }), want: []fc{{"updated", CodeAccountUpdatedBeforeCreated}}},
	{name: "login-before-created", reason: "nobody logs into an account before it exists",
		acct: okAccount(func(a *Account) { a.LastLogin = "22-May-2025 11:13" }), want: []fc{{"lastLogin", CodeAccountLoginBeforeCreated}}},
	{name: "login-at-created", reason: "a login in the minute the account was made is no contradiction (the screens show minutes)",
		acct: okAccount(func(a *Account) { a.LastLogin = "22-May-2025 11:14" })},
	{name: "invited-logged-in", reason: "Invited: the user has not yet activated the account, so cannot have logged in",
		acct: okAccount(func(a *Account) { a.Status = "Invited" }), want: []fc{{"lastLogin", CodeAccountInvitedLoggedIn}}},
	{name: "invited-bad-login", reason: "an unreadable Last Login is reported as such, not also as a login",
		acct: okAccount(func(a *Account) { a.Status, a.LastLogin = "Invited", "soon" }), want: []fc{{"lastLogin", CodeAccountInvalidTime}}},
	{name: "available-login-after-update", reason: "a login does not update the account: the guide's Available users logged in after Updated",
		acct: okAccount(func(a *Account) { a.LastLogin = "30-May-2025 12:53" })},
	{name: "deactivated-login-before", reason: "the guide's Deactivated row: last login 08-Apr-2025 11:47, updated (deactivated) 08-Apr-2025 14:53",
		acct: okAccount(func(a *Account) {
			a.Status, a.Created, a.Updated, a.LastLogin = "Deactivated", "02-Apr-2025 14:16", "08-Apr-2025 14:53", "08-Apr-2025 11:47"
		})},
	{name: "deactivated-login-after", reason: "a deactivated user can no longer log in, and deactivating updates the account",
		acct: okAccount(func(a *Account) {
			a.Status, a.Created, a.Updated, a.LastLogin = "deactivated", "02-Apr-2025 14:16", "08-Apr-2025 14:53", "09-Apr-2025 08:00"
		}), want: []fc{{"lastLogin", CodeAccountLoginAfterDeactivate}}},
	{name: "deactivated-updated-before-created", reason: "an Updated time already reported as before Created is not compared with the login too",
		acct: okAccount(func(a *Account) { a.Status, a.Updated = "Deactivated", "21-May-2025 11:14" }),
		want: []fc{{"updated", CodeAccountUpdatedBeforeCreated}}},
	{name: "deactivated-never", reason: "a user deactivated before ever logging in",
		acct: okAccount(func(a *Account) { a.Status, a.LastLogin = "Deactivated", "Never" })},
	{name: "deactivated-no-updated", reason: "without an Updated time there is nothing to compare the login with",
		acct: okAccount(func(a *Account) { a.Status, a.Updated = "Deactivated", "" })},
}

func TestCheckAccount(t *testing.T) {
	for _, tc := range accountCases {
		got := CheckAccount(tc.acct, Options{})
		if !slices.Equal(codesOf(got), tc.want) {
			t.Errorf("%s: %s\ngot  %v\nwant %v", tc.name, tc.reason, codesOf(got), tc.want)
		}
		for _, f := range got {
			if f.Value != "" {
				t.Errorf("%s: value without Options.Values", tc.name)
			}
			// The code table says which codes are warnings; the finding must agree.
			if want := accountSeverity(t, f.Code); f.Severity != want {
				t.Errorf("%s: %s has severity %s, the code table says %s", tc.name, f.Code, f.Severity, want)
			}
		}
	}
}

// accountSeverity is the severity the code table gives code: a meaning that starts
// "warning:" is a warning, any other an error.
func accountSeverity(t *testing.T, code Code) Severity {
	t.Helper()
	for _, ci := range allCodes() {
		if ci.code == code {
			if strings.HasPrefix(ci.meaning, "warning:") {
				return SeverityWarning
			}
			return SeverityError
		}
	}
	t.Fatalf("%s is not in the code table", code)
	return ""
}

func TestStatuses(t *testing.T) {
	var names []string
	for _, s := range Statuses() {
		names = append(names, s.Status)
		if s.Meaning == "" {
			t.Errorf("%s has no meaning", s.Status)
		}
	}
	if !slices.Equal(names, []string{StatusCreated, StatusInvited, StatusAvailable, StatusDeactivated}) {
		t.Errorf("the administrator guide's table lists Created, Invited, Available, Deactivated; got %v", names)
	}
}

func TestParseAdminTime(t *testing.T) {
	got, ok := ParseAdminTime("10-May-2018 17:57")
	if want := time.Date(2018, 5, 10, 17, 57, 0, 0, time.UTC); !ok || !got.Equal(want) {
		t.Errorf("Created (UTC) 10-May-2018 17:57: got %v %v", got, ok)
	}
	if got, ok := ParseAdminTime("Never"); !ok || !got.IsZero() {
		t.Errorf("Never: got %v %v", got, ok)
	}
	if _, ok := ParseAdminTime("31-Feb-2018 10:00"); ok {
		t.Error("31-Feb-2018 is no date")
	}
}
