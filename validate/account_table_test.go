package validate

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// TestReadAccounts reads the Administration screen's table (OpenClinica 4 administrator
// guide) and checks every row.
func TestReadAccounts(t *testing.T) {
	f, err := os.Open("testdata/accounts/administration.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := ReadAccounts(f, "administration.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || rows[0].Row != 2 || rows[0].Username != "ada.fictus" || rows[0].LastLogin != "28-May-2025 12:54" {
		t.Fatalf("Created (UTC), Updated (UTC), Last Login (UTC) are carried: %+v", rows)
	}
	if !slices.Equal(rows[2].Roles, []string{"Data Manager", "Study Monitor"}) {
		t.Errorf("a Roles cell lists several roles: %q", rows[2].Roles)
	}
	want := [][]fc{
		nil,
		{{"status", CodeAccountInvitedWithoutRole}},
		{{"status", CodeAccountCreatedWithRoles}},
		{{"updated", CodeAccountUpdatedBeforeCreated}},
		{{"type", CodeAccountUnknownType}, {"status", CodeAccountUnknownStatus}},
	}
	for i, r := range rows {
		if got := codesOf(CheckAccount(r.Account, Options{})); !slices.Equal(got, want[i]) {
			t.Errorf("row %d: got %v, want %v", r.Row, got, want[i])
		}
	}
	// A date a spreadsheet gives back as ISO 8601 is a time too.
	if got := CheckAccount(rows[4].Account, Options{}); slices.ContainsFunc(got, func(f Finding) bool { return f.Code == CodeAccountInvalidTime }) {
		t.Errorf("2025-05-16 is a date: %v", got)
	}
}

func TestReadAccountsErrors(t *testing.T) {
	for _, tc := range []struct{ in, err, reason string }{
		{"First,Last,Username,Colour\nA,B,c,red\n", `unknown column "Colour"`, "a mistyped column is not silently unchecked"},
		{"First,Last\nA,B\n", "no Username column", "the username identifies the row"},
		{"Username,Role,Roles\na,b,c\n", "appears twice", "Role and Roles are one column"},
	} {
		_, err := ReadAccounts(strings.NewReader(tc.in), "t.csv")
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: got %v", tc.reason, err)
		}
	}
}
