package mapping

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/odm"
)

// twoBlockSites lists Location L1 in two AdminData blocks: the builder merges the second
// record into the site of the first (its study and version added).
const twoBlockSites = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Snapshot" FileOID="F1" CreationDateTime="2026-01-01T00:00:00Z" ODMVersion="1.3.2">
  <AdminData StudyOID="S1">
    <User OID="U1"><LoginName>u1</LoginName><LocationRef LocationOID="L1"/></User>
    <Location OID="L1" Name="Site one"><MetaDataVersionRef StudyOID="S1" MetaDataVersionOID="v1" EffectiveDate="2025-01-01"/></Location>
  </AdminData>
  <AdminData StudyOID="S2">
    <User OID="U2"><LoginName>u2</LoginName><LocationRef LocationOID="L2"/></User>
    <Location OID="L1" Name="Site one"><MetaDataVersionRef StudyOID="S2" MetaDataVersionOID="v2" EffectiveDate="2025-02-01"/></Location>
    <Location OID="L2" Name="Site two"><MetaDataVersionRef StudyOID="S2" MetaDataVersionOID="v2" EffectiveDate="2025-02-01"/></Location>
  </AdminData>
</ODM>
`

// TestBuilderSitesPacked: a builder that packs its sites (readStreamSites, as
// MergeStream.AddODM reads a file) holds none of them as model values, and they are the
// sites, the study of each and the warnings a builder holding them as values gives: for
// every fixture (OpenClinica's site studies become sites when the file is prepared) and
// for a Location listed in two AdminData blocks. So too when the sites are those of a
// merge of the file read before (a paged export's next file lists the same sites): the
// builder then holds none of its own (each is the merge's, but for where it was read,
// which the copy merged moved by a line).
func TestBuilderSitesPacked(t *testing.T) {
	type input struct {
		name    string
		data    []byte
		profile Profile
	}
	inputs := []input{{"two blocks", []byte(twoBlockSites), ProfileODM}}
	for _, f := range fixtures {
		p, err := os.ReadFile(filepath.Join("testdata", f.file))
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, input{f.file, p, f.profile})
	}
	for _, in := range inputs {
		t.Run(in.name, func(t *testing.T) {
			// merged packs the sites of a merge of in, moved down a line (an empty line
			// after the XML declaration), as the merge holds them when the next file of
			// a paged export is read.
			merged := func() *siteTable {
				moved := bytes.Replace(in.data, []byte("?>\n"), []byte("?>\n\n"), 1)
				if bytes.Equal(moved, in.data) {
					t.Fatal("no XML declaration to move the input down after")
				}
				ms, err := NewMergeStream()
				if err != nil {
					t.Fatal(err)
				}
				defer ms.Close()
				if _, err := ms.AddODM(in.name, odm.NewReader(bytes.NewReader(moved), odm.ReadOptions{Name: in.name}), mergeReadOptions(t, in.profile, moved)); err != nil {
					t.Fatal(err)
				}
				if ms.sites.t == nil {
					t.Fatal("the merge holds no packed sites")
				}
				return ms.sites.t
			}
			read := func(pack bool, shared *siteTable) *builder {
				r := odm.NewReader(bytes.NewReader(in.data), odm.ReadOptions{Name: in.name})
				var packer *sitePacker
				if pack {
					packer = newSitePacker(shared)
				}
				b, err := readStreamSites(r, mergeReadOptions(t, in.profile, in.data), false, packer)
				if err != nil {
					t.Fatal(err)
				}
				b.finishPrepare()
				b.siteStudies()
				return b
			}
			want := read(false, nil)
			for _, shared := range []*siteTable{nil, merged()} {
				got := read(true, shared)
				if shared != nil {
					if own := got.sitePack.ownBytes(); own != 0 {
						t.Errorf("with the sites of a merge of the file: %d bytes of encodings held of the builder's own, want none (each the merge's)", own)
					}
				}
				checkPacked(t, want, got)
			}
		})
	}
	// The two-block case is the one that merges a site: make sure it did.
	b, err := readStreamSites(odm.NewReader(bytes.NewReader([]byte(twoBlockSites)), odm.ReadOptions{}), Options{}, false, newSitePacker(nil))
	if err != nil {
		t.Fatal(err)
	}
	if s := b.sitePack.site(0); len(s.Versions) != 2 || !slices.Equal(s.Source.Studies, []string{"S1", "S2"}) {
		t.Errorf("L1 from two blocks: versions %v, studies %v", s.Versions, s.Source.Studies)
	}
}

// checkPacked compares got, a builder that packed its sites, with want, one that holds
// them as values.
func checkPacked(t *testing.T, want, got *builder) {
	t.Helper()
	if len(got.sites) != 0 || len(got.dir.Sites) != 0 {
		t.Errorf("%d sites held as model values (%d in the directory), want none: they are packed", len(got.sites), len(got.dir.Sites))
	}
	if got.sitePack == nil || got.sitePack.len() != len(want.dir.Sites) {
		t.Fatalf("packed sites: want %d", len(want.dir.Sites))
	}
	gotSites := slices.Collect(got.sitePack.all())
	if ids, wantIDs := slices.Collect(got.sitePack.ids()), slices.Collect(idsOf(want.dir.Sites)); !slices.Equal(ids, wantIDs) {
		t.Errorf("packed sites' IDs %q, want %q", ids, wantIDs)
	}
	w, err1 := json.Marshal(want.dir.Sites)
	g, err2 := json.Marshal(gotSites)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if !bytes.Equal(w, g) {
		t.Errorf("sites differ:\nas values: %s\npacked:    %s", w, g)
	}
	for i, s := range want.dir.Sites {
		if !cmp.Equal(s.Source, gotSites[i].Source, cmp.AllowUnexported(Source{})) {
			t.Errorf("site %s: source %+v, packed %+v", s.ID, s.Source, gotSites[i].Source)
		}
		ws, wok := want.siteStudy.get(s.ID)
		gs, gok := got.siteStudy.get(s.ID)
		if ws != gs || wok != gok {
			t.Errorf("site %s: study %q %v, packed %q %v", s.ID, ws, wok, gs, gok)
		}
	}
	if diff := cmp.Diff(want.w.result(), got.w.result()); diff != "" {
		t.Errorf("warnings, as values (-) and packed (+):\n%s", diff)
	}
}

// TestSitePackerTable: the table a packer makes of its sites and some more (what a
// --base patch of a table writes: FILE's sites, then the table's FILE lacks) is the one
// packSites makes of them built as values, byte for byte, and finds each ID's last site,
// for a packer that holds the encodings and one that spills them to a file of its own
// (readBaseSide's, which outlives the builder's).
func TestSitePackerTable(t *testing.T) {
	more := []*Site{
		{ID: "NEW1", Name: "New site", Number: "901", Study: "S1"},
		{ID: "NEW2", Name: "Another"},
		{ID: "NEW1", Name: "New site, listed again"}, // the later of an ID is found
	}
	inputs := map[string][]byte{"two blocks": []byte(twoBlockSites)}
	for _, f := range fixtures {
		p, err := os.ReadFile(filepath.Join("testdata", f.file))
		if err != nil {
			t.Fatal(err)
		}
		inputs[f.file] = p
	}
	for _, spills := range []bool{false, true} {
		for name, data := range inputs {
			t.Run(fmt.Sprintf("%s/spills=%v", name, spills), func(t *testing.T) {
				pack := newSitePacker(nil)
				if spills {
					pack = newSpillingSitePacker()
					sp, err := newSpill()
					if err != nil {
						t.Fatal(err)
					}
					defer sp.close()
					pack.sp = sp
				}
				b, err := readStreamSites(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), Options{}, true, pack)
				if err != nil {
					t.Skip(err) // a fixture of a profile this reader does not take
				}
				defer b.close()
				if pack.sp == b.spill && spills {
					t.Fatal("the packer's own file was replaced by the builder's")
				}
				var values []*Site
				for s := range pack.all() {
					values = append(values, s)
				}
				values = append(values, more...)
				want, ok := packSites(values)
				if !ok {
					t.Fatal("packSites refused the sites")
				}
				got, ok := pack.table(more)
				if !ok {
					t.Fatal("table refused the sites")
				}
				if got.data != want.data || !slices.Equal(got.offs, want.offs) {
					t.Fatalf("table: %d sites, %d bytes; packSites: %d sites, %d bytes", got.len(), len(got.data), want.len(), len(want.data))
				}
				for _, s := range values {
					if g, w := got.find(s.ID), want.find(s.ID); g != w {
						t.Errorf("find(%q) = %d, packSites' %d", s.ID, g, w)
					}
				}
			})
		}
	}
}
