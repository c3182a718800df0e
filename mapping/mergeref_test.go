package mapping

import (
	"strings"
	"testing"
)

func TestResolvedAcross(t *testing.T) {
	const head = `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" ODMVersion="1.3.2" FileOID="F" CreationDateTime="2026-01-01T00:00:00">`
	users := head + `<AdminData StudyOID="S">
<User OID="u1"><LoginName>u1</LoginName><LocationRef LocationOID="L1"/></User>
<User OID="u2"><LoginName>u2</LoginName><LocationRef LocationOID="L1"/><LocationRef LocationOID="L2"/></User>
</AdminData></ODM>`
	sitesL1 := head + `<AdminData StudyOID="S"><Location OID="L1" Name="North"/></AdminData></ODM>`
	sitesBoth := head + `<AdminData StudyOID="S"><Location OID="L1" Name="North"/><Location OID="L2" Name="South"/></AdminData></ODM>`
	page1 := head + `<AdminData StudyOID="S"><User OID="u1" pf:DBUID="1"><LoginName>u1</LoginName><pf:GroupRef GroupOID="G1"/></User>
<pf:GroupDef OID="G1" Name="Rights A" GroupType="Rights"/></AdminData></ODM>`
	page2 := head + `<AdminData StudyOID="S"><User OID="u2" pf:DBUID="2"><LoginName>u2</LoginName><pf:GroupRef GroupOID="G1"/><pf:GroupRef GroupOID="G9"/></User></AdminData></ODM>`

	type want struct {
		field   string
		count   int // 0: no such warning
		subject string
	}
	for _, tc := range []struct {
		name, why string
		files     []string
		want      want
	}{
		{"one file", "a single file is not merged: its dangling references stay warnings", []string{users}, want{locationRefField, 3, "User u1"}},
		{"users and all sites", "every site the users file names is in the sites file", []string{users, sitesBoth}, want{locationRefField, 0, ""}},
		{"users and some sites", "L2 is in none of the files: only u2's reference to it is left", []string{users, sitesL1}, want{locationRefField, 1, "User u2"}},
		{"sites first", "the order of the files does not matter", []string{sitesBoth, users}, want{locationRefField, 0, ""}},
		{"group on another page", "G1 is defined on page 1; G9 nowhere", []string{page1, page2}, want{groupRefField, 1, "User u2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var dirs []*Directory
			var names []string
			var ws []Warning
			for i, f := range tc.files {
				name := "f" + string(rune('1'+i)) + ".xml"
				d, w, err := ReadAny(strings.NewReader(f), name, Options{})
				if err != nil {
					t.Fatal(err)
				}
				for j := range w {
					if w[j].File == "" {
						w[j].File = name
					}
				}
				dirs, names, ws = append(dirs, d), append(names, name), append(ws, w...)
			}
			merged, _ := MergeNamed(names, dirs...)
			got := ResolvedAcross(names, dirs, merged, ws)
			var found *Warning
			for i := range got {
				if got[i].Code == CodeDanglingRef && got[i].Field == tc.want.field {
					if found != nil {
						t.Fatalf("%s: two warnings %+v and %+v", tc.why, *found, got[i])
					}
					found = &got[i]
				}
			}
			switch {
			case tc.want.count == 0 && found != nil:
				t.Fatalf("%s: got %+v, want no dangling-reference warning", tc.why, *found)
			case tc.want.count > 0 && found == nil:
				t.Fatalf("%s: no dangling-reference warning for %s in %+v", tc.why, tc.want.field, got)
			case found != nil && (found.Count != tc.want.count || found.Subject != tc.want.subject):
				t.Fatalf("%s: got count %d subject %q, want %d %q", tc.why, found.Count, found.Subject, tc.want.count, tc.want.subject)
			}
		})
	}
}
