package mapping

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// Two-block exports of fictitious people and sites whose later listing differs from the
// first: a Rave Location per study environment, an InForm person per study.
const (
	variantRave = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata" FileOID="F" FileType="Snapshot" CreationDateTime="2024-01-01T00:00:00" ODMVersion="1.3">
<AdminData StudyOID="Proj(Prod)">
<Location OID="S1" Name="Site One" mdsol:Active="Yes"><MetaDataVersionRef StudyOID="Proj(Prod)" MetaDataVersionOID="1" EffectiveDate="2024-01-01"/></Location>
</AdminData>
<AdminData StudyOID="Proj(UAT)">
<Location OID="S1" Name="Site One" mdsol:Active="No"><MetaDataVersionRef StudyOID="Proj(UAT)" MetaDataVersionOID="1" EffectiveDate="2024-01-01"/></Location>
</AdminData>
</ODM>`
	variantInForm = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileOID="F" FileType="Snapshot" CreationDateTime="2024-01-01T00:00:00" ODMVersion="1.3.2">
<AdminData StudyOID="STA">
<User OID="u1" pf:Active="Yes" pf:Terminated="No"><LoginName>jdoe</LoginName><FirstName>Jane</FirstName><LastName>Doe</LastName></User>
</AdminData>
<AdminData StudyOID="STB">
<User OID="u1" pf:Active="No" pf:Terminated="No"><LoginName>jdoe</LoginName><FirstName>Jane</FirstName><LastName>Doe</LastName></User>
</AdminData>
</ODM>`
	// One Rave site in two files, one study environment each.
	variantSiteProd = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata" FileOID="F" FileType="Snapshot" CreationDateTime="2024-01-01T00:00:00" ODMVersion="1.3">
<AdminData StudyOID="P(Prod)">
<Location OID="X1" Name="Site X" mdsol:Active="Yes"><MetaDataVersionRef StudyOID="P(Prod)" MetaDataVersionOID="1" EffectiveDate="2024-01-01"/></Location>
</AdminData>
</ODM>`
)

// adminBlocks returns the AdminData elements of an ODM document's text, in order.
func adminBlocks(doc string) []string {
	parts := strings.Split(doc, "<AdminData")
	return parts[1:]
}

// TestWriteListingVariants: a site or person whose listings (AdminData blocks, or
// files merged) disagree is written back with each listing's own values, and a
// disagreement between files is warned about as one within a file is.
func TestWriteListingVariants(t *testing.T) {
	siteUAT := strings.NewReplacer("P(Prod)", "P(UAT)", `mdsol:Active="Yes"`, `mdsol:Active="No"`).Replace(variantSiteProd)
	readDoc := func(t *testing.T, data, name string) *Directory {
		doc, err := odm.Decode(strings.NewReader(data), odm.ReadOptions{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		d, _, err := FromDocument(doc, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	viaJSON := func(t *testing.T, data string) *Directory {
		var buf bytes.Buffer
		if _, err := WriteJSON(&buf, odm.NewReader(strings.NewReader(data), odm.ReadOptions{}), Options{}); err != nil {
			t.Fatal(err)
		}
		d, _, err := ReadAny(&buf, "d.json", Options{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	write := func(t *testing.T, d *Directory) ([]Warning, string) {
		var out bytes.Buffer
		ws, err := WriteODM(&out, d, d.Source.Vendor, Options{}, odm.WriteOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return ws, out.String()
	}
	tests := []struct {
		name, reason string
		run          func(t *testing.T) ([]Warning, string)
		want         []string // a text each AdminData block holds, in order
		conflict     bool     // a merge-conflict warning is expected from the run
	}{
		{"rave-site-patched", "map --to odm patches the file: the UAT Location was written from the merged site, as active",
			func(t *testing.T) ([]Warning, string) {
				var out bytes.Buffer
				_, err := PatchStream(&out, odm.NewReader(strings.NewReader(variantRave), odm.ReadOptions{}), func() (io.Reader, error) {
					return strings.NewReader(variantRave), nil
				}, PatchOptions{Reread: true})
				if err != nil {
					t.Fatal(err)
				}
				return nil, out.String()
			}, []string{`mdsol:Active="Yes"`, `mdsol:Active="No"`}, false},
		{"rave-site-document", "the directory decoded whole writes each Location of the site with its own flag",
			func(t *testing.T) ([]Warning, string) { return write(t, readDoc(t, variantRave, "rv.xml")) },
			[]string{`mdsol:Active="Yes"`, `mdsol:Active="No"`}, false},
		{"rave-site-json", "through map --to json and back: the listing's flag is in the JSON",
			func(t *testing.T) ([]Warning, string) { return write(t, viaJSON(t, variantRave)) },
			[]string{`mdsol:Active="Yes"`, `mdsol:Active="No"`}, false},
		{"inform-user-json", "a person's STB listing read back from JSON keeps its pf:Active",
			func(t *testing.T) ([]Warning, string) { return write(t, viaJSON(t, variantInForm)) },
			[]string{`pf:Active="Yes"`, `pf:Active="No"`}, false},
		{"two-files-merge", "Merge of two files' listings of one site: the second's flag was ORed into the first's, without a word",
			func(t *testing.T) ([]Warning, string) {
				d, ws := MergeNamed([]string{"s1.xml", "s5.xml"}, readDoc(t, variantSiteProd, "s1.xml"), readDoc(t, siteUAT, "s5.xml"))
				_, out := write(t, d)
				return ws, out
			}, []string{`mdsol:Active="Yes"`, `mdsol:Active="No"`}, true},
		{"two-files-stream", "map with two files merges them streamed (MergeStream): the same as Merge",
			func(t *testing.T) ([]Warning, string) {
				s, err := NewMergeStream()
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
				for i, data := range []string{variantSiteProd, siteUAT} {
					if _, err := s.AddODM([]string{"s1.xml", "s5.xml"}[i], odm.NewReader(strings.NewReader(data), odm.ReadOptions{}), Options{}); err != nil {
						t.Fatal(err)
					}
				}
				var out bytes.Buffer
				if _, err := s.WriteODM(&out, ProfileRave, Options{}, odm.WriteOptions{}); err != nil {
					t.Fatal(err)
				}
				return s.Warnings(), out.String()
			}, []string{`mdsol:Active="Yes"`, `mdsol:Active="No"`}, true},
	}
	for _, tc := range tests {
		if tc.reason == "" {
			t.Fatalf("%s: a case needs a reason", tc.name)
		}
		t.Run(tc.name, func(t *testing.T) {
			ws, out := tc.run(t)
			blocks := adminBlocks(out)
			if len(blocks) != len(tc.want) {
				t.Fatalf("%d AdminData blocks, want %d:\n%s", len(blocks), len(tc.want), out)
			}
			for i, w := range tc.want {
				if !strings.Contains(blocks[i], w) {
					t.Errorf("block %d lacks %s:\n%s", i, w, blocks[i])
				}
			}
			if got := slices.ContainsFunc(ws, func(w Warning) bool { return w.Code == CodeMergeConflict }); got != tc.conflict {
				t.Errorf("merge-conflict warned: %v, want %v (%v)", got, tc.conflict, ws)
			}
		})
	}
}

// TestListingVariantsRead: reading keeps the values of a later listing that differ as
// variants of its study, and only those.
func TestListingVariantsRead(t *testing.T) {
	tests := []struct {
		name, reason, data string
		user, site         []Variant
	}{
		{"inform-status", "pf:Active of the STB block differs: the user's status there", variantInForm,
			[]Variant{{Study: "STB", Name: "status", Value: "Deactivated"}}, nil},
		{"rave-site", "the UAT Location's mdsol:Active differs: the site's active flag and the attribute", variantRave,
			nil, []Variant{{Study: "Proj(UAT)", Name: "active", Value: "false"}, {Study: "Proj(UAT)", Space: odm.NSRave, Name: "Active", Value: "No"}}},
		{"agree", "listings that agree give no variant (the common case holds nothing more)",
			strings.ReplaceAll(variantInForm, `pf:Active="No"`, `pf:Active="Yes"`), nil, nil},
	}
	for _, tc := range tests {
		if tc.reason == "" {
			t.Fatalf("%s: a case needs a reason", tc.name)
		}
		t.Run(tc.name, func(t *testing.T) {
			for _, stream := range []bool{false, true} {
				var d *Directory
				var err error
				if stream {
					d, _, err = FromReader(odm.NewReader(strings.NewReader(tc.data), odm.ReadOptions{}), Options{})
				} else {
					var doc *odm.Document
					if doc, err = odm.Decode(strings.NewReader(tc.data), odm.ReadOptions{}); err == nil {
						d, _, err = FromDocument(doc, Options{})
					}
				}
				if err != nil {
					t.Fatal(err)
				}
				var gotU, gotS []Variant
				for _, u := range d.Users {
					gotU = append(gotU, u.Source.Variants...)
				}
				for _, s := range d.Sites {
					gotS = append(gotS, s.Source.Variants...)
				}
				if !slices.Equal(gotU, tc.user) || !slices.Equal(gotS, tc.site) {
					t.Errorf("stream %v: user variants %v, site variants %v; want %v, %v", stream, gotU, gotS, tc.user, tc.site)
				}
			}
		})
	}
}
