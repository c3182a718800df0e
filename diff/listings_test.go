package diff_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// Two-block exports of fictitious people and sites, in the shapes of InForm (a person
// per study), Rave (a person and a Location per study environment) and OpenClinica (a
// person in the study's and a site study's AdminData).
const (
	listInForm = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileOID="F" FileType="Snapshot" CreationDateTime="2024-01-01T00:00:00" ODMVersion="1.3.2">
<AdminData StudyOID="STA">
<User OID="u1" pf:Active="Yes" pf:Terminated="No"><LoginName>jdoe</LoginName><FirstName>Jane</FirstName><LastName>Doe</LastName></User>
</AdminData>
<AdminData StudyOID="STB">
<User OID="u1" pf:Active="{{B}}" pf:Terminated="No"><LoginName>jdoe</LoginName><FirstName>Jane</FirstName><LastName>Doe</LastName></User>
</AdminData>
</ODM>`
	listRave = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata" FileOID="F" FileType="Snapshot" CreationDateTime="2024-01-01T00:00:00" ODMVersion="1.3">
<AdminData StudyOID="Proj(Prod)">
<User OID="jdoe" mdsol:Active="Yes"><LoginName>jdoe</LoginName><FirstName>Jane</FirstName><LastName>Doe</LastName></User>
<Location OID="S1" Name="Site One" mdsol:Active="Yes"><MetaDataVersionRef StudyOID="Proj(Prod)" MetaDataVersionOID="1" EffectiveDate="2024-01-01"/></Location>
</AdminData>
<AdminData StudyOID="Proj(UAT)">
<User OID="jdoe" mdsol:Active="{{B}}"><LoginName>jdoe</LoginName><FirstName>Jane</FirstName><LastName>Doe</LastName></User>
<Location OID="S1" Name="Site One" mdsol:Active="{{S}}"><MetaDataVersionRef StudyOID="Proj(UAT)" MetaDataVersionOID="1" EffectiveDate="2024-01-01"/></Location>
</AdminData>
</ODM>`
	listOC = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:OpenClinica="http://www.openclinica.org/ns/odm_ext_v130/v3.1" FileOID="F" FileType="Snapshot" CreationDateTime="2024-01-01T00:00:00" ODMVersion="1.3">
<AdminData StudyOID="S_DEMO">
<User OID="USR_4"><FullName>Ines Example</FullName><FirstName>Ines</FirstName><LastName>Example</LastName><Organization>Demo Sponsor</Organization></User>
</AdminData>
<AdminData StudyOID="S_SITE_01">
<User OID="USR_4"><FullName>Ines Example</FullName><FirstName>Ines</FirstName><LastName>Example</LastName><Organization>{{B}}</Organization></User>
</AdminData>
</ODM>`
)

func fill(tmpl string, kv ...string) []byte {
	return []byte(strings.NewReplacer(kv...).Replace(tmpl))
}

// TestCompareListings: a value that differs in a person's or site's later AdminData
// listing only is a change, named by the field and the study, in Compare and
// CompareSides alike; a file against itself and against its own JSON is none.
func TestCompareListings(t *testing.T) {
	type side struct {
		data []byte
		json bool // read the file's directory JSON (map --to json) instead
	}
	rave := func(user, site string) []byte { return fill(listRave, "{{B}}", user, "{{S}}", site) }
	tests := []struct {
		name, reason string
		a, b         side
		want         []string // "EVENT valueType old->new"
	}{
		{"inform-status-second-block", "pf:Active of the STB block only changed: the merged user keeps STA's value, so the change was invisible",
			side{data: fill(listInForm, "{{B}}", "Yes")}, side{data: fill(listInForm, "{{B}}", "No")},
			[]string{"STATUS_CHANGE status (STB) Available->Deactivated"}},
		{"inform-status-back", "the reverse direction: the variant is on side A",
			side{data: fill(listInForm, "{{B}}", "No")}, side{data: fill(listInForm, "{{B}}", "Yes")},
			[]string{"STATUS_CHANGE status (STB) Deactivated->Available"}},
		{"rave-user-uat", "mdsol:Active per study environment: the UAT listing of the user changed",
			side{data: rave("Yes", "Yes")}, side{data: rave("No", "Yes")},
			[]string{"STATUS_CHANGE status (Proj(UAT)) Available->Deactivated"}},
		{"rave-site-uat", "a Location's mdsol:Active in its UAT listing only changed",
			side{data: rave("Yes", "Yes")}, side{data: rave("Yes", "No")},
			[]string{"SITE_CHANGE active (Proj(UAT)) true->false"}},
		{"openclinica-site-study-record", "the Organization of the person's record in the site study's AdminData changed",
			side{data: fill(listOC, "{{B}}", "Demo Sponsor")}, side{data: fill(listOC, "{{B}}", "Demo Sponsor BV")},
			[]string{"PROFILE_CHANGE organization (S_SITE_01) Demo Sponsor->Demo Sponsor BV"}},
		{"self", "a file with listings that disagree against itself is no change",
			side{data: rave("No", "No")}, side{data: rave("No", "No")}, nil},
		{"own-json", "the JSON of map --to json carries the listings' values: no change against the file",
			side{data: rave("No", "No")}, side{data: rave("No", "No"), json: true}, nil},
		{"json-against-changed", "the listings' values read back from JSON are compared too",
			side{data: fill(listInForm, "{{B}}", "No"), json: true}, side{data: fill(listInForm, "{{B}}", "Yes")},
			[]string{"STATUS_CHANGE status (STB) Deactivated->Available"}},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		if tc.reason == "" {
			t.Fatalf("%s: a case needs a reason", tc.name)
		}
		t.Run(tc.name, func(t *testing.T) {
			load := func(s side, name string) (*mapping.Directory, diff.Side) {
				d, _, err := mapping.ReadAny(bytes.NewReader(s.data), name, mapping.Options{})
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(dir, tc.name+"-"+name)
				data := s.data
				if s.json {
					var buf bytes.Buffer
					if _, err := mapping.WriteJSON(&buf, odm.NewReader(bytes.NewReader(s.data), odm.ReadOptions{}), mapping.Options{}); err != nil {
						t.Fatal(err)
					}
					data = buf.Bytes()
					if d, _, err = mapping.ReadAny(bytes.NewReader(data), name, mapping.Options{}); err != nil {
						t.Fatal(err)
					}
					return d, diff.DirectorySide(d)
				}
				if err := os.WriteFile(path, data, 0o600); err != nil {
					t.Fatal(err)
				}
				return d, diff.ODMFile(path, mapping.Options{})
			}
			da, sa := load(tc.a, "a.xml")
			db, sb := load(tc.b, "b.xml")
			show := func(cs []diff.Change) []string {
				var out []string
				for _, c := range cs {
					out = append(out, string(c.Event)+" "+c.ValueType+" "+c.Old+"->"+c.New)
				}
				return out
			}
			got := show(diff.Compare(da, db, diff.Options{}))
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("Compare: got %q, want %q", got, tc.want)
			}
			cs, err := diff.CompareSides(context.Background(), sa, sb, diff.SidesOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := show(cs); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("CompareSides: got %q, want %q", got, tc.want)
			}
		})
	}
}

// swapBlocks returns an export of two AdminData blocks with the blocks in the other
// order, as another export of the same system may list them.
func swapBlocks(t *testing.T, data []byte) []byte {
	t.Helper()
	s := string(data)
	first := strings.Index(s, "<AdminData")
	mid := strings.Index(s, "</AdminData>") + len("</AdminData>")
	second := strings.Index(s[mid:], "<AdminData") + mid
	end := strings.LastIndex(s, "</AdminData>") + len("</AdminData>")
	if first < 0 || second < mid || end <= second {
		t.Fatalf("not an export of two AdminData blocks:\n%s", s)
	}
	return []byte(s[:first] + s[second:end] + s[mid:second] + s[first:mid] + s[end:])
}

// TestCompareListingsBlockOrder: the values a merged person or site keeps are its first
// listing's, so two exports that list the same blocks in another order keep other
// values. The verdict must not depend on that order: the same values in each block are
// no change (and equal fingerprints, so CompareSides does not read the user again), and
// a change in one block is reported once, named by the block, whichever block comes
// first on either side.
func TestCompareListingsBlockOrder(t *testing.T) {
	inform := func(b string) []byte { return fill(listInForm, "{{B}}", b) }
	// firstNo makes the first listing (STA) of the InForm export deactivated too.
	firstNo := func(data []byte) []byte {
		return []byte(strings.Replace(string(data), `pf:Active="Yes"`, `pf:Active="No"`, 1))
	}
	// revisions gives the two InForm listings the pf:Revision values r1 and r2.
	revisions := func(r1, r2 string) []byte {
		s := strings.Replace(string(inform("Yes")), `pf:Terminated="No">`, `pf:Terminated="No" pf:Revision="`+r1+`">`, 1)
		return []byte(strings.Replace(s, `pf:Terminated="No">`, `pf:Terminated="No" pf:Revision="`+r2+`">`, 1))
	}
	rave := func(user, site string) []byte { return fill(listRave, "{{B}}", user, "{{S}}", site) }
	oc := func(b string) []byte { return fill(listOC, "{{B}}", b) }
	tests := []struct {
		name, reason string
		a, b         []byte
		want         []string // "EVENT valueType old->new"
	}{
		{"inform-same-other-order", "STA active, STB not, on both sides; B lists STB first, so it keeps Deactivated: was a STATUS_CHANGE of status",
			inform("No"), swapBlocks(t, inform("No")), nil},
		{"inform-same-other-order-back", "the reverse direction",
			swapBlocks(t, inform("No")), inform("No"), nil},
		{"inform-change-other-order", "STB deactivated on B, which lists it first: was reported as the user's status, not STB's",
			inform("Yes"), swapBlocks(t, inform("No")), []string{"STATUS_CHANGE status (STB) Available->Deactivated"}},
		{"inform-change-other-order-back", "STB active again on B, which lists it second",
			swapBlocks(t, inform("No")), inform("Yes"), []string{"STATUS_CHANGE status (STB) Deactivated->Available"}},
		{"inform-change-in-first-block", "only STA, the block listed first on both sides, changed: named by its block as a change in STB is, not as the user's status",
			inform("No"), firstNo(inform("No")), []string{"STATUS_CHANGE status (STA) Available->Deactivated"}},
		{"inform-change-in-first-block-other-order", "the same change with B's blocks the other way round: the same report",
			inform("No"), swapBlocks(t, firstNo(inform("No"))), []string{"STATUS_CHANGE status (STA) Available->Deactivated"}},
		{"inform-values-swapped", "both sides list the user in both blocks with different values, swapped: a change in each block (equal kept values would hide them, and fingerprints that hashed those)",
			inform("No"), firstNo(inform("Yes")), []string{"STATUS_CHANGE status (STA) Available->Deactivated", "STATUS_CHANGE status (STB) Deactivated->Available"}},
		{"inform-attribute-swapped", "the same for a vendor attribute",
			revisions("1", "2"), revisions("2", "1"), []string{"EXTENSION_CHANGE pf:Revision (STA) 1->2", "EXTENSION_CHANGE pf:Revision (STB) 2->1"}},
		{"inform-attribute-other-order", "a vendor attribute that differs between the listings, the same in each on both sides: was an EXTENSION_CHANGE of pf:Revision",
			revisions("1", "2"), swapBlocks(t, revisions("1", "2")), nil},
		{"inform-attribute-change-other-order", "pf:Revision of STB changed, B listing STB first",
			revisions("1", "2"), swapBlocks(t, revisions("1", "3")), []string{"EXTENSION_CHANGE pf:Revision (STB) 2->3"}},
		{"rave-same-other-order", "a user and a Location inactive in UAT only, the environments listed the other way round",
			rave("No", "No"), swapBlocks(t, rave("No", "No")), nil},
		{"rave-site-change-other-order", "the Location inactive in UAT on B only, B listing UAT first",
			rave("Yes", "Yes"), swapBlocks(t, rave("Yes", "No")), []string{"SITE_CHANGE active (Proj(UAT)) true->false"}},
		{"openclinica-same-other-order", "the site study's record names another organization, on both sides, the site study listed first on B",
			oc("Demo Sponsor BV"), swapBlocks(t, oc("Demo Sponsor BV")), nil},
	}
	dir := t.TempDir()
	show := func(cs []diff.Change) string {
		var out []string
		for _, c := range cs {
			out = append(out, string(c.Event)+" "+c.ValueType+" "+c.Old+"->"+c.New)
		}
		return strings.Join(out, "\n")
	}
	for _, tc := range tests {
		if tc.reason == "" {
			t.Fatalf("%s: a case needs a reason", tc.name)
		}
		t.Run(tc.name, func(t *testing.T) {
			want := strings.Join(tc.want, "\n")
			var sides [2]diff.Side
			var dirs [2]*mapping.Directory
			for i, data := range [2][]byte{tc.a, tc.b} {
				d, _, err := mapping.ReadAny(bytes.NewReader(data), "x.xml", mapping.Options{})
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(dir, tc.name+"-"+string(rune('a'+i))+".xml")
				if err := os.WriteFile(path, data, 0o600); err != nil {
					t.Fatal(err)
				}
				dirs[i], sides[i] = d, diff.ODMFile(path, mapping.Options{})
			}
			if got := show(diff.Compare(dirs[0], dirs[1], diff.Options{})); got != want {
				t.Errorf("Compare:\n got %q\nwant %q", got, want)
			}
			cs, held, err := diff.CompareSidesHeld(context.Background(), sides[0], sides[1], diff.SidesOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got := show(cs); got != want {
				t.Errorf("CompareSides:\n got %q\nwant %q", got, want)
			}
			// The user is the same in every listing: its fingerprints are equal, and the
			// second pass does not read it again.
			if len(tc.want) == 0 && held != [2]int{} {
				t.Errorf("CompareSides held %v users for a second look; want none (fingerprints that depend on the order of the blocks)", held)
			}
		})
	}
}
