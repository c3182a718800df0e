package validate

import (
	"slices"
	"strings"
	"testing"
)

type editCase struct {
	name   string
	reason string
	edit   UserEdit
	want   []fc
}

// anju returns an AnjuEDC edit of a valid user whose primary organization is ORG-A, made
// by an Organization Admin assigned to ORG-A and ORG-B; change adjusts it.
func anju(change func(e *UserEdit)) UserEdit {
	u := EditUser{Username: "ada_example", Status: StatusAvailable, PrimaryOrganization: "ORG-A", Organizations: []string{"ORG-A", "ORG-B"}}
	e := UserEdit{Before: u, After: u, Editor: Editor{Organizations: []string{"ORG-A", "ORG-B"}}, Profile: ProfileAnjuEDC}
	e.After.Organizations = slices.Clone(u.Organizations)
	if change != nil {
		change(&e)
	}
	return e
}

// oc returns an OpenClinica edit from status before to status after.
func oc(before, after string) UserEdit {
	return UserEdit{Before: EditUser{Username: "ada.example", Status: before}, After: EditUser{Username: "ada.example", Status: after}}
}

var editCases = func() []editCase {
	cs := []editCase{
		{name: "no-change", reason: "an edit that changes nothing is allowed", edit: anju(nil)},
		{name: "zero", reason: "the zero edit (no username, no status) breaks no common rule", edit: UserEdit{}},
		{name: "delete", reason: "accounts cannot be deleted (seed 000), whatever else the edit says",
			edit: UserEdit{Before: EditUser{Username: "ada.example", Status: StatusAvailable}, Delete: true, After: EditUser{Username: "x"}},
			want: []fc{{"", CodeAccountDeleted}}},
		{name: "rename", reason: "the username cannot be changed (seeds 000 and 003)",
			edit: UserEdit{Before: EditUser{Username: "ada.example"}, After: EditUser{Username: "ada.example2"}},
			want: []fc{{"username", CodeUsernameChanged}}},
		{name: "rename-case", reason: "a change of case is still a change",
			edit: UserEdit{Before: EditUser{Username: "ada.example"}, After: EditUser{Username: "Ada.Example"}},
			want: []fc{{"username", CodeUsernameChanged}}},
		{name: "oc-short-username", reason: "OpenClinica has no AnjuEDC username format", edit: oc("", "")},

		{name: "status-unknown-after", reason: "a status outside the four is reported",
			edit: oc(StatusAvailable, "Removed"), want: []fc{{"status", CodeUnknownStatus}}},
		{name: "status-unknown-both", reason: "each unknown side is reported; no transition is judged",
			edit: oc("pending", "locked"), want: []fc{{"status", CodeUnknownStatus}, {"status", CodeUnknownStatus}}},
		{name: "status-dropped", reason: "a status that disappears is unknown",
			edit: oc(StatusInvited, ""), want: []fc{{"status", CodeUnknownStatus}}},
		{name: "status-case", reason: "status names compare without regard to case or spaces",
			edit: oc(" available ", "DEACTIVATED")},

		// AnjuEDC username format: 10-50 characters, letters, digits, underscore.
		{name: "anju-username-9", reason: "9 characters are under 10",
			edit: anju(func(e *UserEdit) { e.Before.Username, e.After.Username = "ada_examp", "ada_examp" }),
			want: []fc{{"username", CodeUsernameLength}}},
		{name: "anju-username-10", reason: "10 characters are the minimum",
			edit: anju(func(e *UserEdit) { e.Before.Username, e.After.Username = "ada_exampl", "ada_exampl" })},
		{name: "anju-username-50", reason: "50 characters are the maximum",
			edit: anju(func(e *UserEdit) { u := strings.Repeat("a", 50); e.Before.Username, e.After.Username = u, u })},
		{name: "anju-username-51", reason: "51 characters are over 50",
			edit: anju(func(e *UserEdit) { u := strings.Repeat("a", 51); e.Before.Username, e.After.Username = u, u }),
			want: []fc{{"username", CodeUsernameLength}}},
		{name: "anju-username-dot", reason: "a dot is neither letter, digit nor underscore",
			edit: anju(func(e *UserEdit) { e.Before.Username, e.After.Username = "ada.example", "ada.example" }),
			want: []fc{{"username", CodeUsernameCharacters}}},
		{name: "anju-username-accents", reason: "letters mean ASCII letters; a short accented name breaks both rules",
			edit: anju(func(e *UserEdit) { e.Before.Username, e.After.Username = "zoë", "zoë" }),
			want: []fc{{"username", CodeUsernameLength}, {"username", CodeUsernameCharacters}}},
		{name: "anju-rename-invalid", reason: "a rename to a bad name reports the rename and the format",
			edit: anju(func(e *UserEdit) { e.After.Username = "a b" }),
			want: []fc{{"username", CodeUsernameChanged}, {"username", CodeUsernameLength}, {"username", CodeUsernameCharacters}}},

		// AnjuEDC primary organization (seed 003).
		{name: "anju-primary-ok", reason: "admin and user both in old and new organization",
			edit: anju(func(e *UserEdit) { e.After.PrimaryOrganization = "ORG-B" })},
		{name: "anju-primary-admin-lacks-new", reason: "the admin must be assigned to the new organization",
			edit: anju(func(e *UserEdit) {
				e.Before.Organizations = append(e.Before.Organizations, "ORG-C")
				e.After.PrimaryOrganization = "ORG-C"
			}),
			want: []fc{{"primaryOrganization", CodePrimaryOrganization}}},
		{name: "anju-primary-admin-lacks-current", reason: "the admin must be assigned to the current organization",
			edit: anju(func(e *UserEdit) {
				e.Editor.Organizations = []string{"ORG-B"}
				e.After.PrimaryOrganization = "ORG-B"
			}),
			want: []fc{{"primaryOrganization", CodePrimaryOrganization}}},
		{name: "anju-primary-user-lacks-new", reason: "the user must already be assigned to the new organization",
			edit: anju(func(e *UserEdit) {
				e.Editor.Organizations = append(e.Editor.Organizations, "ORG-D")
				e.After.PrimaryOrganization = "ORG-D"
			}),
			want: []fc{{"primaryOrganization", CodePrimaryOrganization}}},
		{name: "anju-primary-nobody", reason: "each missing assignment is its own finding",
			edit: anju(func(e *UserEdit) {
				e.Editor.Organizations = nil
				e.After.PrimaryOrganization = "ORG-Z"
			}),
			want: []fc{{"primaryOrganization", CodePrimaryOrganization}, {"primaryOrganization", CodePrimaryOrganization},
				{"primaryOrganization", CodePrimaryOrganization}}},
		{name: "anju-primary-global-admin", reason: "a Global Admin is not restricted",
			edit: anju(func(e *UserEdit) {
				e.Editor = Editor{GlobalAdmin: true}
				e.After.PrimaryOrganization = "ORG-Z"
			})},
		{name: "oc-primary-ignored", reason: "the primary-organization rule is AnjuEDC's only",
			edit: UserEdit{Before: EditUser{PrimaryOrganization: "A"}, After: EditUser{PrimaryOrganization: "B"}}},
		{name: "anju-active-toggle", reason: "Active can always be changed, even without organization access",
			edit: anju(func(e *UserEdit) {
				e.Editor.Organizations = nil
				e.After.Status = StatusDeactivated
			})},
	}
	cs = append(cs, anjuPageCases...)
	// Every pair of the four statuses: allowed exactly when the graph has the edge
	// Created → Invited → Available ⇄ Deactivated, Invited → Deactivated, or nothing moves.
	statuses := []string{StatusCreated, StatusInvited, StatusAvailable, StatusDeactivated}
	allowed := map[[2]string]bool{
		{StatusCreated, StatusInvited}:       true,
		{StatusInvited, StatusAvailable}:     true,
		{StatusAvailable, StatusDeactivated}: true,
		{StatusDeactivated, StatusAvailable}: true,
		{StatusInvited, StatusDeactivated}:   true,
	}
	for _, from := range statuses {
		for _, to := range statuses {
			c := editCase{name: "status-" + from + "-" + to, edit: oc(from, to)}
			switch {
			case from == to:
				c.reason = "keeping the status is no transition"
			case allowed[[2]string{from, to}]:
				c.reason = "an edge of the status graph"
			default:
				c.reason = "not an edge of the status graph"
				c.want = []fc{{"status", CodeInvalidStatusTransition}}
			}
			cs = append(cs, c)
		}
	}
	return cs
}()

func TestCheckUserEdit(t *testing.T) {
	for _, tc := range editCases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.reason == "" {
				t.Fatal("test case needs a reason")
			}
			got := CheckUserEdit(tc.edit, Options{})
			if !slices.Equal(codesOf(got), tc.want) {
				t.Errorf("%s\ngot  %v\nwant %v", tc.reason, codesOf(got), tc.want)
			}
		})
	}
}

func TestUserEditValues(t *testing.T) {
	e := anju(func(e *UserEdit) { e.After.Username = "new.name.example"; e.After.Status = "Gone-Example" })
	for _, values := range []bool{false, true} {
		got := CheckUserEdit(e, Options{Values: values})
		if len(got) == 0 {
			t.Fatal("no findings")
		}
		for _, f := range got {
			if containsAny(f.Message, "new.name.example", "Gone-Example") {
				t.Errorf("message echoes a value: %q", f.Message)
			}
			if !values && f.Value != "" {
				t.Errorf("value %q without Options.Values", f.Value)
			}
			if values && f.Value == "" {
				t.Errorf("%s: no value with Options.Values", f.Code)
			}
		}
	}
}
