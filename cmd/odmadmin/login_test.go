package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestMapLoginIdentity: jdoe and JDoe are one person on every path map reads them by
// (mapping.LoginKey), reported as a merge-conflict with a count that names no login. map
// read them as two users from two AdminData blocks of one file and from two rows of an
// OpenClinica 4 user table, and as one from two files.
func TestMapLoginIdentity(t *testing.T) {
	dir := t.TempDir()
	const head = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F.LOGIN" CreationDateTime="2026-01-01T00:00:00">
`
	user := func(oid, login string) string {
		return `<User OID="` + oid + `"><LoginName>` + login + `</LoginName><FirstName>Pat</FirstName><LastName>Example</LastName></User>`
	}
	blocks := writeFile(t, dir, "blocks.xml", []byte(head+
		`<AdminData StudyOID="ST.A">`+user("USR.1", "JDoe")+`</AdminData>`+
		`<AdminData StudyOID="ST.B">`+user("USR.9", "jdoe")+`</AdminData></ODM>`))
	fileA := writeFile(t, dir, "a.xml", []byte(head+`<AdminData StudyOID="ST.A">`+user("USR.1", "JDoe")+`</AdminData></ODM>`))
	fileB := writeFile(t, dir, "b.xml", []byte(head+`<AdminData StudyOID="ST.B">`+user("USR.9", "jdoe")+`</AdminData></ODM>`))
	table := writeFile(t, dir, "users.csv", []byte("First,Last,Username,Email,Organization,Phone,Role,Type,Status,Created (UTC),Updated (UTC)\n"+
		"Pat,Example,jdoe,pat@site.example.org,Demo CRO,,Data Manager,User,Available,10-May-2025 10:00,10-May-2025 10:00\n"+
		"Pat,Example,JDoe,pat@site.example.org,Demo CRO,,Study Monitor,User,Available,10-May-2025 10:00,10-May-2025 10:00\n"))
	for _, tc := range []struct {
		name, reason string
		args         []string
		field        string
	}{
		{"blocks", "two AdminData blocks of one file were merged by the login as written", []string{blocks}, "User/Login"},
		{"files", "two files were merged letter case aside already: the rule is the same", []string{fileA, fileB}, "User/Login"},
		{"OpenClinica 4 table", "OpenClinica 4 takes usernames in any letter case: one account of two roles", []string{"--study", "S1", table}, "table/Username"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := mapRun(t, "", append([]string{"--to", "json"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			var d struct {
				Users []struct {
					Login       string `json:"login"`
					Assignments []any  `json:"assignments"`
				} `json:"users"`
			}
			if err := json.Unmarshal([]byte(out), &d); err != nil {
				t.Fatal(err)
			}
			if len(d.Users) != 1 || len(d.Users[0].Assignments) != 2 {
				t.Errorf("%d users, want one person with both spellings' access (%s)", len(d.Users), tc.reason)
			}
			if !strings.Contains(errs, "warning mapping.merge-conflict: "+tc.field+":") {
				t.Errorf("no merge-conflict of %s (%s):\n%s", tc.field, tc.reason, errs)
			}
			if strings.Contains(errs, "jdoe") || strings.Contains(errs, "JDoe") {
				t.Errorf("a warning names a login:\n%s", errs)
			}
		})
	}
}
