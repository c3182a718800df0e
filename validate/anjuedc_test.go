package validate

import (
	"slices"
	"testing"
)

// outsider edits a user who is also in ORG-X, which the Organization Admin cannot access.
func outsider(change func(e *UserEdit)) UserEdit {
	return anju(func(e *UserEdit) {
		e.Before.Organizations = append(e.Before.Organizations, "ORG-X")
		e.After.Organizations = append(e.After.Organizations, "ORG-X")
		if change != nil {
			change(e)
		}
	})
}

// foreign edits a user whose primary organization ORG-X the Organization Admin cannot access.
func foreign(change func(e *UserEdit)) UserEdit {
	return anju(func(e *UserEdit) {
		e.Before.PrimaryOrganization, e.After.PrimaryOrganization = "ORG-X", "ORG-X"
		if change != nil {
			change(e)
		}
	})
}

// sso gives ORG-A and ORG-B single sign-on, and ORG-C none, all assigned to admin and user.
func sso(e *UserEdit) {
	e.Organizations = []OrganizationSettings{{ID: "ORG-A", SSO: true}, {ID: "ORG-B", SSO: true}}
	for _, u := range []*EditUser{&e.Before, &e.After} {
		u.Organizations = append(u.Organizations, "ORG-C")
	}
	e.Editor.Organizations = append(e.Editor.Organizations, "ORG-C")
	e.Before.External, e.After.External = true, true
	e.Before.AuthenticationURL, e.After.AuthenticationURL = "https://sso.example.org/a", "https://sso.example.org/a"
}

// anjuPageCases are the rules of AnjuEDC's Edit User page; each reason quotes AnjuEDC online
// help 13.4 "Edit (Update) a User".
var anjuPageCases = []editCase{
	{name: "anju-allow-login-locked", reason: "Allow Login and Organization Admin fields cannot be changed if the user is assigned to organizations that the Organization Admin does not have access to",
		edit: outsider(func(e *UserEdit) { e.After.AllowLogin = true }),
		want: []fc{{"allowLogin", CodeAuthenticationFieldLocked}}},
	{name: "anju-org-admin-locked", reason: "Allow Login and Organization Admin fields cannot be changed if the user is assigned to organizations that the Organization Admin does not have access to",
		edit: outsider(func(e *UserEdit) { e.After.OrganizationAdmin = true }),
		want: []fc{{"organizationAdmin", CodeAuthenticationFieldLocked}}},
	{name: "anju-allow-login-access", reason: "with access to all the user's organizations Allow Login and Organization Admin can be changed",
		edit: anju(func(e *UserEdit) { e.After.AllowLogin, e.After.OrganizationAdmin = true, true })},
	{name: "anju-allow-login-global", reason: "a Global Admin has access to every organization",
		edit: outsider(func(e *UserEdit) { e.Editor = Editor{GlobalAdmin: true}; e.After.AllowLogin = true })},
	{name: "anju-active-outsider", reason: "Active check box can always be changed for any user",
		edit: outsider(func(e *UserEdit) { e.After.Active = true })},
	{name: "anju-active-foreign", reason: "Active check box can always be changed for any user, even one whose primary organization shows EXTERNAL",
		edit: foreign(func(e *UserEdit) { e.Before.Active = true })},
	{name: "anju-external-locked", reason: "The Organization Admin can change the Is External User and Authentication URL fields if he/she has access to the user's primary organization",
		edit: foreign(func(e *UserEdit) { e.After.External = true }),
		want: []fc{{"external", CodeExternalFieldLocked}, {"external", CodeSSONotConfigured}}},
	{name: "anju-auth-url-locked", reason: "If the current Organization Admin does not have access to the primary organization, the Is External field is disabled and Authentication URL field does not display",
		edit: foreign(func(e *UserEdit) { e.After.AuthenticationURL = "https://sso.example.org/x" }),
		want: []fc{{"authenticationURL", CodeExternalFieldLocked}}},
	{name: "anju-external-access", reason: "If you do have access to the primary organization of this user, you may set up the user as an SSO user",
		edit: anju(func(e *UserEdit) {
			e.Organizations = []OrganizationSettings{{ID: "ORG-A", SSO: true}}
			e.After.External, e.After.AuthenticationURL = true, "https://sso.example.org/a"
		})},
	{name: "anju-external-no-sso", reason: "SSO users are set up only in a primary organization configured for SSO (AnjuEDC online help 13.5)",
		edit: anju(func(e *UserEdit) { e.After.External = true }),
		want: []fc{{"external", CodeSSONotConfigured}}},
	{name: "anju-sso-user-moved", reason: "If the user is an SSO user and the newly selected primary organization is not configured for SSO, the Is External User check box is unchecked, and you are warned",
		edit: anju(func(e *UserEdit) { sso(e); e.After.PrimaryOrganization = "ORG-C"; e.After.External = false }),
		want: []fc{{"external", CodeExternalUserCleared}}},
	{name: "anju-sso-user-moved-kept-external", reason: "the user will be changed to a non-SSO (non-external) user: an edit that keeps them external cannot happen",
		edit: anju(func(e *UserEdit) { sso(e); e.After.PrimaryOrganization = "ORG-C" }),
		want: []fc{{"external", CodeExternalUserCleared}, {"external", CodeSSONotConfigured}}},
	{name: "anju-sso-user-moved-to-sso", reason: "a move between organizations that both have SSO keeps the user external",
		edit: anju(func(e *UserEdit) { sso(e); e.After.PrimaryOrganization = "ORG-B" })},
	{name: "anju-datetime-locked", reason: "The Organization Admin can only change the Date Format and Time Format fields if the \"Allow datetime format change\" configuration setting of the user's primary organization is set to Yes",
		edit: anju(func(e *UserEdit) { e.After.DateFormat, e.After.TimeFormat = "DD-MMM-YYYY", "HH:mm" }),
		want: []fc{{"dateFormat", CodeDateTimeFormatLocked}, {"timeFormat", CodeDateTimeFormatLocked}}},
	{name: "anju-datetime-allowed", reason: "\"Allow datetime format change\" set to Yes lets the Date Format and Time Format change",
		edit: anju(func(e *UserEdit) {
			e.Organizations = []OrganizationSettings{{ID: "ORG-A", AllowDateTimeFormatChange: true}}
			e.After.DateFormat = "YYYY-MM-DD"
		})},
	{name: "anju-permissions-kept", reason: "Changing the primary organization of a user does not impact the permissions they have in that organization",
		edit: anju(func(e *UserEdit) { e.After = ChangePrimaryOrganization(e.Before, "ORG-B") })},
	{name: "anju-permissions-dropped", reason: "Changing the primary organization of a user does not impact the permissions they have: an edit that also drops an organization is flagged",
		edit: anju(func(e *UserEdit) {
			e.Before.Organizations = append(e.Before.Organizations, "ORG-C")
			e.Editor.Organizations = append(e.Editor.Organizations, "ORG-C")
			e.After.PrimaryOrganization = "ORG-B"
		}),
		want: []fc{{"organizations", CodePermissionsDropped}}},
}

func TestAnjuEDCPageSeverity(t *testing.T) {
	for _, tc := range anjuPageCases {
		for _, f := range CheckUserEdit(tc.edit, Options{}) {
			want := SeverityError
			if f.Code == CodeExternalUserCleared || f.Code == CodePermissionsDropped {
				want = SeverityWarning // "you are warned"; permissions are only at risk
			}
			if f.Severity != want {
				t.Errorf("%s: %s is %s, want %s", tc.name, f.Code, f.Severity, want)
			}
		}
	}
}

// TestEditPage checks what the Edit User page shows and enables (AnjuEDC online help 13.4).
func TestEditPage(t *testing.T) {
	cases := []struct {
		name, reason string
		edit         UserEdit
		want         EditPage
	}{
		{"full-access", "with access to every organization of the user, everything but the datetime formats is enabled",
			anju(nil), EditPage{PrimaryOrganization: "ORG-A", PrimaryOrganizationEnabled: true, ActiveEnabled: true,
				AllowLoginEnabled: true, OrganizationAdminEnabled: true, ExternalEnabled: true, AuthenticationURLVisible: true}},
		{"outsider", "Allow Login and Organization Admin fields cannot be changed if the user is assigned to organizations that the Organization Admin does not have access to",
			outsider(nil), EditPage{PrimaryOrganization: "ORG-A", PrimaryOrganizationEnabled: true, ActiveEnabled: true,
				ExternalEnabled: true, AuthenticationURLVisible: true}},
		{"foreign", "the word \"EXTERNAL\" displays in the Primary Organization field and it is disabled; the Is External field is disabled and Authentication URL field does not display",
			foreign(nil), EditPage{PrimaryOrganization: ExternalOrganization, ActiveEnabled: true}},
		{"datetime", "Date Format and Time Format are enabled when the primary organization allows datetime format change",
			anju(func(e *UserEdit) {
				e.Organizations = []OrganizationSettings{{ID: "ORG-A", AllowDateTimeFormatChange: true}}
			}),
			EditPage{PrimaryOrganization: "ORG-A", PrimaryOrganizationEnabled: true, ActiveEnabled: true, AllowLoginEnabled: true,
				OrganizationAdminEnabled: true, ExternalEnabled: true, AuthenticationURLVisible: true, DateTimeFormatEnabled: true}},
	}
	for _, tc := range cases {
		if got := tc.edit.Page(); got != tc.want {
			t.Errorf("%s: %s\ngot  %+v\nwant %+v", tc.name, tc.reason, got, tc.want)
		}
	}
}

func TestChangePrimaryOrganization(t *testing.T) {
	u := EditUser{PrimaryOrganization: "ORG-A", Organizations: []string{"ORG-B"}}
	got := ChangePrimaryOrganization(u, "ORG-B")
	if got.PrimaryOrganization != "ORG-B" || !slices.Equal(got.Organizations, []string{"ORG-B", "ORG-A"}) {
		t.Errorf("Changing the primary organization of a user does not impact the permissions they have: got %+v", got)
	}
	if !slices.Equal(u.Organizations, []string{"ORG-B"}) {
		t.Errorf("the argument was modified: %+v", u)
	}
}
