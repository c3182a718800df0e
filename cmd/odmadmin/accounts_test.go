package main

import (
	"strings"
	"testing"
)

func TestAccounts(t *testing.T) {
	table := "../../validate/testdata/accounts/administration.csv"
	code, out, stderr := runCmd(nil, "accounts", table)
	want := []string{
		table + ":3:Status: error account.invitedWithoutRole:",
		table + ":4:Status: error account.createdWithRoles: the status is Created, which means no role has been assigned, but the user has roles",
		table + ":5:Updated (UTC): error account.updatedBeforeCreated:",
		table + ":6:Type: error account.unknownType:",
		table + ":6:Status: error account.unknownStatus:",
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 1 || len(lines) != len(want) {
		t.Fatalf("a Created user with roles is a finding: exit %d\n%s%s", code, out, stderr)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: %q, want prefix %q", i, lines[i], w)
		}
	}
	if strings.Contains(out, "bo.sample") || strings.Contains(out, "Superuser") {
		t.Errorf("no values without --values: %s", out)
	}
	code, out, _ = runCmd(strings.NewReader("Username,Type,Status,Roles\na.b,User,Available,Investigator\n"), "accounts", "--format", "json")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("a clean table: exit %d %q", code, out)
	}
	if code, _, stderr := runCmd(strings.NewReader("Name,Colour\nx,y\n"), "accounts"); code != 2 || !strings.Contains(stderr, "unknown column") {
		t.Errorf("an unreadable table: exit %d %s", code, stderr)
	}
}
