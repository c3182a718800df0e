package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// The warnings of a user written under the login of a user before it.
const (
	sharedUserName = "warning mapping.unrepresentable: CSV/User Name: an earlier row has the same User Name (letter case aside): the template reads the rows of one User Name as one user's, so the two read back as one user (and one account); give one of them another login"
	sharedUsername = "warning mapping.unrepresentable: table/Username: an earlier user of the table has the same Username (letter case aside): OpenClinica 4 has one account per username, in any letter case, so the two are one account; give one of them another login"
)

// mapSharedUser is a User of a mapSharedCase: OID, login ("" for none) and the AdminData
// block (of study ST.LOGIN) it is listed in.
type mapSharedUser struct {
	oid, login string
	block      int
}

// mapSharedControl are two users written under one login, listed last in every case's
// export and reported by every table whatever else the case holds, so that a case of
// none fails where nothing is reported at all. USR.C2 has no login, so its OID is
// written, which is USR.C1's login; no merge makes them one person (an OID and no login
// against a login of another OID): reported on every path. (" ctl" beside ctl served
// until the merge compared logins by mapping.LoginKey, trimmed, as everything else does.)
var mapSharedControl = []mapSharedUser{{"USR.C1", "USR.C2", 0}, {"USR.C2", "", 0}}

// TestMapTablesReportSharedLogin: map --to csv, xlsx and oc4users wrote two users of one
// login as two rows of one User Name or Username without a word; read back they are one
// user, and Clinical One or OpenClinica 4 takes them for one account. Each user written
// under a login an earlier user was written under is reported (unrepresentable, with a
// count, the first named by OID), on every path map takes: the export streamed, its
// directory JSON held as compact records or read whole, the export merged with another
// file streaming or whole. The same login is the readers': trimmed as the cell is
// written, letter case aside (mapping.LoginKey). The merge of several inputs matches
// people by the same key, so what it makes one user (with its own warnings) is not a
// shared login any more.
func TestMapTablesReportSharedLogin(t *testing.T) {
	type want struct {
		n     int
		first string
	}
	for _, tc := range []struct {
		name, why      string
		users          []mapSharedUser
		csv, xlsx, oc4 want
		merges         bool // several inputs merged make the reported users one
	}{
		{name: "none", why: "every user has a login of its own: the control alone is reported",
			users: []mapSharedUser{{"USR.1", "jdoe", 0}, {"USR.2", "adoe", 0}, {"USR.3", "jdoe2", 0}}},
		{name: "same login twice", why: "USR.2's rows read back as USR.1's (and are one account)",
			users: []mapSharedUser{{"USR.1", "jdoe", 0}, {"USR.2", "jdoe", 0}, {"USR.3", "jdoe2", 0}},
			csv:   want{1, "USR.2"}, xlsx: want{1, "USR.2"}, oc4: want{1, "USR.2"}, merges: true},
		{name: "differing by case", why: "JDoe is jdoe's account to OpenClinica 4 (usernames are not case sensitive), and both readers key rows by mapping.LoginKey",
			users: []mapSharedUser{{"USR.1", "jdoe", 0}, {"USR.2", "JDoe", 0}, {"USR.3", "jdoe2", 0}},
			csv:   want{1, "USR.2"}, xlsx: want{1, "USR.2"}, oc4: want{1, "USR.2"}, merges: true},
		{name: "white space around", why: "both readers trim a cell: \" jdoe \" reads back as jdoe (and the merge, by LoginKey, makes them one)",
			users: []mapSharedUser{{"USR.1", "jdoe", 0}, {"USR.2", " jdoe ", 0}},
			csv:   want{1, "USR.2"}, xlsx: want{1, "USR.2"}, oc4: want{1, "USR.2"}, merges: true},
		{name: "one person in two AdminData blocks", why: "USR.1 (by OID) and USR.3 and USR.8 (by login) are each one user, however many blocks list them",
			users: []mapSharedUser{{"USR.1", "jdoe", 0}, {"USR.3", "jdoe2", 0}, {"USR.1", "jdoe", 1}, {"USR.8", "jdoe2", 1}}},
		{name: "three users of one login", why: "USR.2 and USR.4 each read back as USR.1",
			users: []mapSharedUser{{"USR.1", "jdoe", 0}, {"USR.2", "jdoe", 0}, {"USR.3", "adoe", 0}, {"USR.4", "jdoe", 0}},
			csv:   want{2, "USR.2"}, xlsx: want{2, "USR.2"}, oc4: want{2, "USR.2"}, merges: true},
	} {
		if tc.why == "" {
			t.Fatalf("%s: a case needs its reason", tc.name)
		}
		dir := t.TempDir()
		export := writeFile(t, dir, "export.xml", mapSharedDoc(append(append([]mapSharedUser(nil), tc.users...), mapSharedControl...)))
		other := writeFile(t, dir, "other.xml", mapSharedDoc([]mapSharedUser{{"USR.9", "kdoe", 0}}))
		js := filepath.Join(dir, "export.json")
		if code, _, errs := mapRun(t, "", "--quiet", "-o", js, export); code != 0 {
			t.Fatalf("map --to json: exit %d: %s", code, errs)
		}
		for _, to := range []string{"csv", "xlsx", "oc4users"} {
			w := map[string]want{"csv": tc.csv, "xlsx": tc.xlsx, "oc4users": tc.oc4}[to]
			line := sharedUserName
			if to == "oc4users" {
				line = sharedUsername
			}
			for _, p := range []struct {
				name   string
				inputs []string
				whole  bool // the env's whole reads (wholeTable, wholeMerge)
				merged bool
			}{
				{"streamed", []string{export}, false, false},
				{"compact", []string{js}, false, false},
				{"JSON read whole", []string{js}, true, false},
				{"merged", []string{export, other}, false, true},
				{"merged whole", []string{export, other}, true, true},
			} {
				t.Run(fmt.Sprintf("%s/%s/%s", tc.name, to, p.name), func(t *testing.T) {
					w := w
					if p.merged && tc.merges {
						w = want{}
					}
					if w.n == 0 {
						w.first = mapSharedControl[1].oid
					}
					w.n++
					args := append([]string{"map", "--max", "0", "--to", to, "--study", "ST.LOGIN", "-o", filepath.Join(t.TempDir(), "out."+to)}, p.inputs...)
					var out, errb bytes.Buffer
					code := run(&env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, wholeTable: p.whole, wholeMerge: p.whole}, args)
					if code != 0 {
						t.Fatalf("map %q: exit %d: %s", args, code, errb.String())
					}
					wantLine := line + " (User " + w.first + ")"
					if w.n > 1 {
						wantLine = fmt.Sprintf("%s (%d values, first: User %s)", line, w.n, w.first)
					}
					if n := strings.Count(errb.String(), line); n != 1 || !strings.Contains(errb.String(), wantLine) {
						t.Errorf("map %q (%s): %d warnings of a shared login, want one:\n%s\nstderr:\n%s", args[1:], tc.why, n, wantLine, errb.String())
					}
				})
			}
		}
	}
}

// mapSharedDoc is an ODM export of users, each listed in its AdminData block of study
// ST.LOGIN (fictitious people only).
func mapSharedDoc(users []mapSharedUser) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="shared-login" CreationDateTime="2026-01-01T00:00:00">
`)
	for block := 0; ; block++ {
		open := false
		for _, u := range users {
			if u.block != block {
				continue
			}
			if !open {
				b.WriteString("  <AdminData StudyOID=\"ST.LOGIN\">\n")
				open = true
			}
			fmt.Fprintf(&b, "    <User OID=%q>", u.oid)
			if u.login != "" {
				b.WriteString("<LoginName>")
				xml.EscapeText(&b, []byte(u.login))
				b.WriteString("</LoginName>")
			}
			b.WriteString("<FirstName>Pat</FirstName><LastName>Example</LastName><Email>pat@site.example.org</Email></User>\n")
		}
		if !open {
			break
		}
		b.WriteString("  </AdminData>\n")
	}
	b.WriteString("</ODM>\n")
	return []byte(b.String())
}
