package mapping

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// TestSpecMarkSurvivesJSON: a directory whose roles a migration spec mapped for a target
// is written as directory JSON and read back; written into that target it does not warn
// role-verbatim again (the mark, Source.RolesFor, is in the JSON), while a directory no
// spec mapped still does.
func TestSpecMarkSurvivesJSON(t *testing.T) {
	const inform = `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="F" CreationDateTime="2025-01-01T00:00:00Z" ODMVersion="1.3">
 <AdminData StudyOID="DEMO">
  <User OID="U1" pf:Active="Yes"><LoginName>afict</LoginName><FirstName>Ada</FirstName><LastName>Fictus</LastName><Email>a@example.org</Email><pf:GroupRef GroupOID="5000"/></User>
  <pf:GroupDef OID="5000" Name="Data Manager Rights" GroupType="Rights"><pf:Right Description="Enter Data"/></pf:GroupDef>
 </AdminData>
</ODM>`
	spec, err := readSpecString(t, specHeader+"role,,,Data Manager Rights,DM Lead,,\n")
	if err != nil {
		t.Fatal(err)
	}
	roundTrip := func(d *Directory) *Directory {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		if err := enc.Encode(d); err != nil {
			t.Fatal(err)
		}
		// The hand-written user encoder (map --to json) writes the mark too.
		var ub []byte
		for _, u := range d.Users {
			e := userJSON{}
			e.user(u)
			ub = append(ub, e.b...)
		}
		if m := d.Users[0].Source.RolesFor; m != "" && !bytes.Contains(ub, []byte(`"rolesFor": "`+string(m)+`"`)) {
			t.Errorf("the user encoder drops the mark:\n%s", ub)
		}
		back, _, err := ReadAny(&buf, "dir.json", Options{})
		if err != nil {
			t.Fatal(err)
		}
		return back
	}
	for _, tc := range []struct {
		reason   string
		applied  bool
		target   Profile
		verbatim int
	}{
		{"mapped by a spec for the template, written as JSON and read back: no role-verbatim", true, ProfileClinicalOne, 0},
		{"mapped by a spec without a target (map --spec --to json), read back: no role-verbatim", true, "", 0},
		{"not mapped: role-verbatim, also after JSON", false, "", 1},
	} {
		d, _, err := ReadAny(strings.NewReader(inform), "inform.xml", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if tc.applied {
			spec.Apply(d, tc.target, nil)
		}
		back := roundTrip(d)
		ws, err := WriteClinicalOneCSV(io.Discard, back, Options{Study: "DEMO"})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, w := range ws {
			if w.Code == CodeRoleVerbatim {
				n++
			}
		}
		if n != tc.verbatim {
			t.Errorf("%s: %d role-verbatim warnings, want %d: %v", tc.reason, n, tc.verbatim, ws)
		}
	}
}

// TestFoldRoleWarnings: a role the reader did not know (unknown-role) that a writer wrote
// under its own name (role-verbatim) is one warning, which says both and keeps the
// reader's place; other warnings stay as they are.
func TestFoldRoleWarnings(t *testing.T) {
	verbatim := func(name string) Warning {
		return Warning{Code: CodeRoleVerbatim, Field: "CSV/Study Role", Subject: "User U1", Count: 2,
			Message: roleVerbatim(ProfileClinicalOne, &User{Source: &Source{Vendor: ProfileInForm}}, Role{Name: name, Canonical: RoleOther}, name, ScopeSite)}
	}
	unknown := func(name string) Warning {
		return Warning{Code: CodeUnknownRole, Field: "Assignment/Role", Subject: "User U1", Count: 2,
			Message: unknownRoleMsg + name, File: "in.xml", Line: 4, Col: 3}
	}
	other := Warning{Code: CodeGenerated, Field: "CSV/Start Date", Count: 1, Message: "today"}
	for _, tc := range []struct {
		reason string
		in     []Warning
		want   []string // code: message start, in order
	}{
		{"one role, both warnings: one role-verbatim saying it is not in the vocabulary, at the reader's place",
			[]Warning{unknown("Chief Wizard Rights"), other, verbatim("Chief Wizard Rights")},
			[]string{"generated", `role-verbatim InForm role "Chief Wizard Rights" is not in the vocabulary (read as Other) and is written as it is into Clinical One`}},
		{"different roles: both kept",
			[]Warning{unknown("Chief Wizard Rights"), verbatim("Data Manager Rights")},
			[]string{"unknown-role role name not in the vocabulary", `role-verbatim InForm role "Data Manager Rights" is written as it is`}},
		{"an unknown role no writer wrote verbatim (a spec mapped it): kept",
			[]Warning{unknown("Chief Wizard Rights"), other},
			[]string{"unknown-role role name not in the vocabulary", "generated"}},
		{"a name with quotes is matched exactly",
			[]Warning{unknown(`The "Boss"`), verbatim(`The "Boss"`)},
			[]string{`role-verbatim InForm role "The \"Boss\"" is not in the vocabulary`}},
	} {
		in := append([]Warning(nil), tc.in...)
		got := FoldRoleWarnings(in)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %d warnings, want %d: %v", tc.reason, len(got), len(tc.want), got)
			continue
		}
		for i, w := range got {
			if s := string(w.Code) + " " + w.Message; !strings.HasPrefix(s, tc.want[i]) {
				t.Errorf("%s: warning %d is %q, want it to start %q", tc.reason, i, s, tc.want[i])
			}
			if w.Code == CodeRoleVerbatim && strings.Contains(w.Message, "not in the vocabulary") && (w.File != "in.xml" || w.Line != 4) {
				t.Errorf("%s: the folded warning lost the reader's place: %+v", tc.reason, w)
			}
		}
		for i := range tc.in {
			if in[i] != tc.in[i] {
				t.Errorf("%s: the input slice was changed", tc.reason)
			}
		}
	}
}
