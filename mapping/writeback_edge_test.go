package mapping

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// emptyRoots are documents whose root or AdminData is missing something a written file
// would have: read, written through the JSON form and read again, they must give the same
// directory (FuzzMapToODMRoundTrip's property), so WriteODM may not add to the root or
// invent an AdminData the file did not have.
var emptyRoots = []struct{ name, why, doc string }{
	{"bare-root", "a root without attributes or AdminData: FileOID and an empty AdminData were added", "<ODM>0</ODM>"},
	{"prolog", "the fuzz input that found it: a processing instruction and a comment before such a root", "<?A00 x?> <!--c--> <ODM>0</ODM>"},
	{"empty-element", "the same root written as an empty element", "<ODM/>"},
	{"namespace-only", "only a namespace declaration, which is no attribute of the model", `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"/>`},
	{"odm2-namespace-only", "the same in ODM 2.0", `<ODM xmlns="http://www.cdisc.org/ns/odm/v2.0"/>`},
	{"vendor-attr-only", "a vendor attribute but none of ODM's: kept as it was already",
		`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" pf:Note="n"/>`},
}

func TestEmptyRootRoundTrip(t *testing.T) {
	for _, c := range emptyRoots {
		t.Run(c.name, func(t *testing.T) {
			checkMapRoundTrip(t, []byte(c.doc))
			d, _, err := FromReader(odm.NewReader(strings.NewReader(c.doc), odm.ReadOptions{}), Options{})
			require.NoError(t, err, c.why)
			var src struct {
				Source map[string]json.RawMessage `json:"source"`
			}
			require.NoError(t, json.Unmarshal(mustJSON(t, d), &src), c.why)
			// Known to be empty, not unknown: the JSON form says so.
			require.Contains(t, src.Source, "attrs", c.why)
			require.Equal(t, "[]", string(src.Source["blocks"]), c.why)
		})
	}
}

// TestHomelessSites: a site that no block takes by its study, versions, assignments or
// source goes into the first block (as organizations and signatures do), where it is
// written or reported; it was left out of every block without a word.
func TestHomelessSites(t *testing.T) {
	for _, c := range []struct {
		name, why string
		dir       func() *Directory
		p         Profile
		written   []string // Location OIDs in the output
		warn      string   // a warning naming the site, when it cannot be written
	}{
		{"other-study", "a site of a study with no block of its own: it goes into the only block",
			func() *Directory {
				return &Directory{Studies: []*Study{{ID: "X"}}, Users: []*User{},
					Sites: []*Site{{ID: "S9", Name: "Nine", Active: true, Versions: []StudyVersion{{Study: "Y", Version: "1", Effective: "2026-01-01"}}}}}
			}, ProfileODM, []string{"S9"}, ""},
		{"no-version", "a site of no study version: ODM cannot write it, and says so",
			func() *Directory {
				return &Directory{Studies: []*Study{{ID: "X"}}, Users: []*User{}, Sites: []*Site{{ID: "S9", Name: "Nine", Active: true}}}
			}, ProfileODM, nil, "Location S9"},
		{"several-blocks", "with a block per study, the first one takes it",
			func() *Directory {
				return &Directory{Studies: []*Study{{ID: "X"}, {ID: "Z"}}, Users: []*User{},
					Sites: []*Site{
						{ID: "SX", Name: "X site", Active: true, Versions: []StudyVersion{{Study: "X", Version: "1", Effective: "2026-01-01"}}},
						{ID: "SZ", Name: "Z site", Active: true, Versions: []StudyVersion{{Study: "Z", Version: "1", Effective: "2026-01-01"}}},
						{ID: "S9", Name: "Nine", Active: true, Versions: []StudyVersion{{Study: "Y", Version: "1", Effective: "2026-01-01"}}}}}
			}, ProfileODM, []string{"SX", "S9", "SZ"}, ""},
		{"read-back", "an InForm Location without MetaDataVersionRef, read back from the JSON form: its source block's study places it",
			func() *Directory {
				b, err := os.ReadFile("../cmd/odmadmin/testdata/query/inform.xml")
				require.NoError(t, err)
				d, _, err := FromReader(odm.NewReader(bytes.NewReader(b), odm.ReadOptions{}), Options{})
				require.NoError(t, err)
				var back Directory
				require.NoError(t, json.Unmarshal(mustJSON(t, d), &back))
				return &back
			}, ProfileInForm, []string{"S1", "S2"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			ws, err := WriteODM(&out, c.dir(), c.p, Options{}, odm.WriteOptions{})
			require.NoError(t, err, c.why)
			doc, err := odm.Decode(bytes.NewReader(out.Bytes()), odm.ReadOptions{})
			require.NoError(t, err, c.why)
			var got []string
			for _, ad := range doc.AdminData() {
				for _, l := range ad.Locations {
					got = append(got, l.OID)
				}
			}
			require.Equal(t, c.written, got, c.why)
			if c.warn != "" {
				found := false
				for _, w := range ws {
					found = found || w.Subject == c.warn && w.Code == CodeUnrepresentable
				}
				require.True(t, found, "%s: no warning names %q: %v", c.why, c.warn, ws)
			}
		})
	}
}

// TestOrganizationTypeAsRead: an ODM 2.0 Organization read without Type (which ODM
// requires) or with one ODM does not define is written back into its own flavour as it
// was, from its record or from the JSON form: writing back invents nothing. Built in code
// or written into another flavour, it gets a type ODM defines.
func TestOrganizationTypeAsRead(t *testing.T) {
	const head = `<ODM xmlns="http://www.cdisc.org/ns/odm/v2.0" ODMVersion="2.0" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00"><AdminData StudyOID="S">`
	for _, c := range []struct {
		name, why, org string
		want           string // the Type written back through JSON ("" for none)
	}{
		{"no-type", "the fuzz input that found it: Type=\"Other\" was made up", `<Organization OID="O1" Name="n"/>`, ""},
		{"unknown-type", "a type ODM 2.0 does not define was written as Other", `<Organization OID="O1" Name="n" Type="Vendor"/>`, "Vendor"},
		{"valid-type", "a type ODM defines, as before", `<Organization OID="O1" Name="n" Type="Site"/>`, "Site"},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := head + c.org + `</AdminData></ODM>`
			checkMapRoundTrip(t, []byte(doc))
			d, _, err := FromReader(odm.NewReader(strings.NewReader(doc), odm.ReadOptions{}), Options{})
			require.NoError(t, err, c.why)
			var back Directory
			require.NoError(t, json.Unmarshal(mustJSON(t, d), &back), c.why)
			var out bytes.Buffer
			_, err = WriteODM(&out, &back, "", Options{}, odm.WriteOptions{})
			require.NoError(t, err, c.why)
			got, err := odm.Decode(bytes.NewReader(out.Bytes()), odm.ReadOptions{})
			require.NoError(t, err, c.why)
			require.Len(t, got.AdminData(), 1, c.why)
			require.Len(t, got.AdminData()[0].Organizations, 1, c.why)
			require.Equal(t, c.want, string(got.AdminData()[0].Organizations[0].Type), c.why)
		})
	}
	// Built in code, a type ODM does not define is still approximated, and said so.
	var out bytes.Buffer
	ws, err := WriteODM(&out, &Directory{Studies: []*Study{{ID: "S"}}, Sites: []*Site{}, Users: []*User{},
		Organizations: []*Organization{{ID: "O1", Name: "n", Type: "Vendor"}}}, ProfileODM2, Options{}, odm.WriteOptions{})
	require.NoError(t, err)
	require.Contains(t, out.String(), `Type="Other"`)
	require.NotEmpty(t, ws)
	require.Equal(t, CodeApproximated, ws[0].Code)
}

// TestODM12WrittenBack: an ODM 1.2 file written back into its own flavour from the JSON
// form stays ODM 1.2, as Patch keeps it; it came out as 1.3. Into ODM 2.0 it is converted.
func TestODM12WrittenBack(t *testing.T) {
	for _, c := range []struct {
		name, why, doc string
	}{
		{"fuzz", "the fuzz input that found it: a root of no ODM attribute", `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.2" xmlns:pf="0" pf00=""/>`},
		{"user", "a user and a site, with the root attributes ODM 1.2 requires",
			`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.2" ODMVersion="1.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">` +
				`<AdminData StudyOID="S"><User OID="U1"><LoginName>qexample</LoginName><LocationRef LocationOID="L1"/></User>` +
				`<Location OID="L1" Name="Clinic"><MetaDataVersionRef StudyOID="S" MetaDataVersionOID="V1" EffectiveDate="2026-01-01"/></Location></AdminData></ODM>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			checkMapRoundTrip(t, []byte(c.doc))
			d, _, err := FromReader(odm.NewReader(strings.NewReader(c.doc), odm.ReadOptions{}), Options{})
			require.NoError(t, err, c.why)
			var back Directory
			require.NoError(t, json.Unmarshal(mustJSON(t, d), &back), c.why)
			for _, to := range []struct {
				p    Profile
				want odm.Version
			}{{"", odm.V12}, {ProfileODM2, odm.V20}} {
				var out bytes.Buffer
				_, err = WriteODM(&out, &back, to.p, Options{}, odm.WriteOptions{})
				require.NoError(t, err, c.why)
				got, err := odm.Decode(bytes.NewReader(out.Bytes()), odm.ReadOptions{})
				require.NoError(t, err, c.why)
				require.Equal(t, to.want, got.Version, "%s (to %q)", c.why, to.p)
			}
		})
	}
}

// TestSiteListedAgain: a Location listed in several AdminData blocks (or twice in one) is
// one site; a value the later listing has otherwise is a merge-conflict warning, where it
// was dropped without a word. Listed twice in one block, the block is noted once. Listed
// alike in two blocks with a version each, each block's Location is patched back with its
// own version, not the union of both.
func TestSiteListedAgain(t *testing.T) {
	const head = `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">`
	mdv := func(st string) string {
		return `<MetaDataVersionRef StudyOID="` + st + `" MetaDataVersionOID="V1" EffectiveDate="2026-01-01"/>`
	}
	for _, c := range []struct {
		name, why, body string
		fields          []string // the fields of the merge-conflict warnings
		studies         []string // the site's Source.Studies
	}{
		{"same", "listed alike in two blocks: one site of both studies, nothing to report",
			`<AdminData StudyOID="A"><Location OID="L1" Name="Clinic">` + mdv("A") + `</Location></AdminData>` +
				`<AdminData StudyOID="B"><Location OID="L1" Name="Clinic">` + mdv("B") + `</Location></AdminData>`,
			nil, []string{"A", "B"}},
		{"renamed", "another name in the second block was dropped silently",
			`<AdminData StudyOID="A"><Location OID="L1" Name="Clinic">` + mdv("A") + `</Location></AdminData>` +
				`<AdminData StudyOID="B"><Location OID="L1" Name="Hospital" LocationType="Site">` + mdv("B") + `</Location></AdminData>`,
			[]string{"Location/@Name", "Location/@LocationType"}, []string{"A", "B"}},
		{"twice-in-block", "an OID listed twice in one block: the block once, the other name reported",
			`<AdminData StudyOID="A"><Location OID="L1" Name="Clinic">` + mdv("A") + `</Location>` +
				`<Location OID="L1" Name="Hospital">` + mdv("A") + `</Location></AdminData>`,
			[]string{"Location/@Name"}, []string{"A"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc := head + c.body + `</ODM>`
			d, ws, err := FromReader(odm.NewReader(strings.NewReader(doc), odm.ReadOptions{}), Options{})
			require.NoError(t, err, c.why)
			var fields []string
			for _, w := range ws {
				if w.Code == CodeMergeConflict {
					fields = append(fields, w.Field)
					require.Equal(t, "Location L1", w.Subject, c.why)
				}
			}
			require.Equal(t, c.fields, fields, c.why)
			require.Len(t, d.Sites, 1, c.why)
			require.Equal(t, c.studies, d.Sites[0].Source.Studies, c.why)
			if c.fields == nil {
				// Nothing in conflict: patched back it is the document, and it reads back
				// the same through JSON. (In conflict, the first value is what the directory
				// holds, and what a write gives every listing.)
				checkMapRoundTrip(t, []byte(doc))
			}
		})
	}
}

// TestAnonymousUserPatchedBack: a User of neither OID nor LoginName is a user of the
// directory like any other; Patch and PatchStream found it by nothing and left its record
// out of the document they wrote back, and the reader took users without an OID for one
// person (the same empty OID).
func TestAnonymousUserPatchedBack(t *testing.T) {
	const head = `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00"><AdminData StudyOID="S">`
	for _, c := range []struct {
		name, why, doc string
		users          int
	}{
		{"fuzz", "the fuzz input that found it", "<ODM><AdminData><User></User></AdminData></ODM>", 1},
		{"with-others", "next to users found by OID and by login; the reader merged it with the next user without an OID",
			head + `<User OID="U1"><LoginName>qexample</LoginName></User><User><FullName>Nobody Example</FullName></User><User><LoginName>rexample</LoginName></User></AdminData></ODM>`, 3},
		{"two", "two such users are two people, each patched back into its own record",
			head + `<User><FullName>Nobody Example</FullName></User><User><FullName>Somebody Example</FullName></User></AdminData></ODM>`, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, _, err := FromReader(odm.NewReader(strings.NewReader(c.doc), odm.ReadOptions{}), Options{})
			require.NoError(t, err, c.why)
			require.Len(t, d.Users, c.users, c.why)
			checkMapRoundTrip(t, []byte(c.doc)) // Patch
			var out bytes.Buffer
			_, err = PatchStream(&out, odm.NewReader(strings.NewReader(c.doc), odm.ReadOptions{}),
				func() (io.Reader, error) { return strings.NewReader(c.doc), nil }, PatchOptions{})
			require.NoError(t, err, c.why)
			require.Equal(t, string(transformed(t, []byte(c.doc))), out.String(), c.why)
		})
	}
}

// TestRepeatedGroupRef: an InForm user whose pf:GroupRef names one group twice. The model
// lists the group twice, as read; the writer wrote it once, so patching the file with its
// own directory dropped the second reference (found by FuzzMapToODMRoundTrip).
func TestRepeatedGroupRef(t *testing.T) {
	const doc = `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" ODMVersion="1.3" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">
<AdminData StudyOID="S">
<User OID="U1"><LoginName>qexample</LoginName><pf:GroupRef GroupOID="7"/><pf:GroupRef GroupOID="9"/><pf:GroupRef GroupOID="7"/></User>
<pf:GroupDef OID="7" Name="Site 07" GroupType="Site"/>
<pf:GroupDef OID="9" Name="Reviewer Rights" GroupType="Rights"/>
</AdminData></ODM>`
	d, _, err := FromReader(odm.NewReader(strings.NewReader(doc), odm.ReadOptions{}), Options{})
	require.NoError(t, err)
	require.Len(t, d.Users, 1)
	var ids []string
	for _, g := range d.Users[0].Groups {
		ids = append(ids, g.ID)
	}
	require.Equal(t, []string{"7", "9", "7"}, ids, "the groups as the file lists them")
	var out bytes.Buffer
	_, err = Patch(&out, strings.NewReader(doc), d, PatchOptions{})
	require.NoError(t, err)
	require.Equal(t, string(transformed(t, []byte(doc))), out.String(), "an unchanged directory patches its file back as it was read")
	checkMapRoundTrip(t, []byte(doc))
}
