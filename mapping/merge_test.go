package mapping

import (
	"strings"
	"testing"
)

// TestMergeNamedConflicts: a conflict between files says which file's value is kept (in
// the message) and which file's is dropped (File), with the dropped record's line and
// column when the directory was decoded whole; a person matched by login under another
// OID is a conflict on the OID, which Merge dropped silently before.
func TestMergeNamedConflicts(t *testing.T) {
	page := func(users string) string {
		return `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00" ODMVersion="1.3">
<AdminData>
` + users + `
</AdminData>
</ODM>`
	}
	const ana = `<User OID="U1"><LoginName>ana</LoginName><FirstName>Ana</FirstName></User>`
	read := func(name, src string) *Directory {
		d, _, err := ReadAny(strings.NewReader(src), name, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		reason string
		a, b   string
		names  []string
		want   []Warning // Field, Subject, Message, File, Line, Col, Count
	}{
		{"the same user in two pages: one user, no warning", ana, ana, []string{"p1.xml", "p2.xml"}, nil},
		{"another first name: the message names the file kept, File and Line the value dropped",
			ana, strings.Replace(ana, ">Ana<", ">Anna<", 1), []string{"p1.xml", "p2.xml"},
			[]Warning{{Field: "User/GivenName", Subject: "User U1", Message: "the value differs from that in p1.xml, which is kept", File: "p2.xml", Line: 3, Col: 1, Count: 1}}},
		{"matched by login name under another OID: the OID is in conflict, the subject naming both OIDs (the message is one for all)",
			ana, `<User OID="U7"><LoginName>ana</LoginName></User>`, []string{"p1.xml", "p2.xml"},
			[]Warning{{Field: "User/OID", Subject: "User U1 (also U7)", Message: "the value differs from that in p1.xml, which is kept", File: "p2.xml", Line: 3, Col: 1, Count: 1}}},
		{"without names (Merge), the message of before",
			ana, strings.Replace(ana, ">Ana<", ">Anna<", 1), nil,
			[]Warning{{Field: "User/GivenName", Subject: "User U1", Message: "the files disagree on the value; the first file's is kept", Line: 3, Col: 1, Count: 1}}},
	} {
		_, ws := MergeNamed(tc.names, read("p1.xml", page(tc.a)), read("p2.xml", page(tc.b)))
		var got []Warning
		for _, w := range ws {
			if w.Code != CodeMergeConflict {
				t.Errorf("%s: unexpected %v", tc.reason, w)
				continue
			}
			got = append(got, Warning{Field: w.Field, Subject: w.Subject, Message: w.Message, File: w.File, Line: w.Line, Col: w.Col, Count: w.Count})
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s:\n got  %+v\n want %+v", tc.reason, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s:\n got  %+v\n want %+v", tc.reason, got[i], tc.want[i])
			}
		}
	}
}

// TestMergeVendorAttrs: a vendor attribute two listings of one user give differently is a
// conflict when both are of the same studies, and no conflict when they are of different
// studies, where a vendor keeps it per study (Rave's mdsol:UserRole in Users.odm of two
// studies).
func TestMergeVendorAttrs(t *testing.T) {
	const rave = "http://www.mdsol.com/ns/odm/metadata"
	dir := func(study, role string) *Directory {
		return &Directory{Users: []*User{{ID: "U1", Login: "ana", Source: &Source{Vendor: ProfileRave, Studies: []string{study},
			Attrs: []Attr{{Space: rave, Name: "UserRole", Value: role}}}}}}
	}
	for _, tc := range []struct {
		reason    string
		a, b      *Directory
		conflicts int
	}{
		{"same study, another role attribute: a conflict", dir("S1", "Investigator"), dir("S1", "CRA"), 1},
		{"two studies, a role each: kept per study, no conflict", dir("S1", "Investigator"), dir("S2", "CRA"), 0},
		{"same study, same value: nothing", dir("S1", "CRA"), dir("S1", "CRA"), 0},
	} {
		_, ws := MergeNamed([]string{"a.odm", "b.odm"}, tc.a, tc.b)
		n := 0
		for _, w := range ws {
			if w.Code == CodeMergeConflict && w.Field == "User/@{"+rave+"}UserRole" {
				n++
			}
		}
		if n != tc.conflicts {
			t.Errorf("%s: %d conflicts, want %d: %v", tc.reason, n, tc.conflicts, ws)
		}
	}
}
