package mapping

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

// withoutRecords returns doc without the AdminData children (records and vendor
// elements) named tag with the OIDs given, each with the white space before it.
func withoutRecords(t *testing.T, doc, tag string, oids ...string) string {
	t.Helper()
	for _, oid := range oids {
		i := strings.Index(doc, "<"+tag+` OID="`+oid+`"`)
		require.GreaterOrEqual(t, i, 0, "%s %s", tag, oid)
		gt := i + strings.IndexByte(doc[i:], '>')
		end := gt + 1
		if doc[gt-1] != '/' {
			close := "</" + tag + ">"
			end = gt + strings.Index(doc[gt:], close) + len(close)
		}
		for i > 0 && strings.ContainsRune(" \t\r\n", rune(doc[i-1])) {
			i--
		}
		doc = doc[:i] + doc[end:]
	}
	return doc
}

// adminKinds lists, block by block, the children of each AdminData of doc as their kind
// and OID ("Location 40002"; a vendor element as its prefixed name), and reports whether
// each block's records come in the content model's order: User*, Organization*,
// Location*, SignatureDef*, then the extensions.
func adminKinds(t *testing.T, doc string) (blocks [][]string, ordered bool) {
	t.Helper()
	rank := map[string]int{"User": 0, "Organization": 1, "Location": 2, "SignatureDef": 3}
	d := xml.NewDecoder(strings.NewReader(doc))
	ordered = true
	depth, last := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return blocks, ordered
		}
		require.NoError(t, err)
		switch v := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 && v.Name.Local == "AdminData" {
				blocks, last = append(blocks, nil), 0
			}
			if depth != 3 || len(blocks) == 0 {
				continue
			}
			r, ok := rank[v.Name.Local]
			if !ok || !strings.HasPrefix(v.Name.Space, "http://www.cdisc.org/ns/odm/") {
				r = len(rank)
			}
			if r < last {
				ordered = false
			}
			last = r
			name := v.Name.Local
			if r == len(rank) {
				name = v.Name.Space + " " + name
			}
			for _, a := range v.Attr {
				if a.Name.Local == "OID" && a.Name.Space == "" {
					name += " " + a.Value
				}
			}
			blocks[len(blocks)-1] = append(blocks[len(blocks)-1], name)
		case xml.EndElement:
			depth--
		}
	}
}

// TestPatchAddsInSchemaOrder: a --base patch that adds records to an AdminData block
// writes each where ODM's content model puts it among the block's records, in every ODM
// flavour. A site added to a block of users went before them (and so did a signature, an
// ODM 2.0 organization), which no schema accepts. Each case patches a base that lacks
// some of a fixture's records with the fixture itself, by every way of patching
// (patchEveryWay), checks the order of the output's records and that the records were
// added, and validates the output (the lax 1.3.2 schema for a vendor flavour, ODM 1.3.2
// for the plain one, ODM 2.0).
func TestPatchAddsInSchemaOrder(t *testing.T) {
	type drop struct {
		tag  string
		oids []string
	}
	cases := []struct {
		name, reason, file string
		p                  Profile
		drops              []drop
		added              []string // as adminKinds lists them
	}{
		{name: "inform-site-and-signature", reason: "the bug: the site and the signature went before the block's users",
			file: "../../testdata/inform/htn-demo.xml", p: ProfileInForm, drops: []drop{{"Location", []string{"10128"}}, {"SignatureDef", []string{"SIG.CRF.PI"}}},
			added: []string{"Location 10128", "SignatureDef SIG.CRF.PI"}},
		{name: "inform-user-and-group", reason: "a user goes at the block's start, an InForm group after the block's vendor elements (both valid before)",
			file: "../../testdata/inform/htn-demo.xml", p: ProfileInForm, drops: []drop{{"User", []string{"kwatanabe"}}, {"pf:GroupDef", []string{"5955"}}},
			added: []string{"User kwatanabe", odm.NSInForm + " GroupDef 5955"}},
		{name: "rave-site", reason: "a Rave site goes after the users, before the SignatureDef",
			file: "rave.xml", p: ProfileRave, drops: []drop{{"Location", []string{"S002"}}},
			added: []string{"Location S002"}},
		{name: "rave-signature", reason: "a Rave SignatureDef goes after the sites",
			file: "rave.xml", p: ProfileRave, drops: []drop{{"SignatureDef", []string{"SD.1"}}},
			added: []string{"SignatureDef SD.1"}},
		{name: "plain-odm-site-and-signature", reason: "plain ODM 1.3.2, validated by the strict schema",
			file: "odm13.xml", p: ProfileODM, drops: []drop{{"Location", []string{"L.OSAKA"}}, {"SignatureDef", []string{"SIG.1"}}},
			added: []string{"Location L.OSAKA", "SignatureDef SIG.1"}},
		{name: "odm2-organization", reason: "ODM 2.0 puts Organization between User and Location",
			file: "odm2.xml", p: ProfileODM2, drops: []drop{{"Organization", []string{"ORG.CRO"}}},
			added: []string{"Organization ORG.CRO"}},
		{name: "odm2-site", reason: "an ODM 2.0 Location goes after the users and organizations",
			file: "odm2.xml", p: ProfileODM2, drops: []drop{{"Location", []string{"LOC.1"}}},
			added: []string{"Location LOC.1"}},
		{name: "openclinica-user", reason: "OpenClinica's site study blocks hold users only: a user added to one stays valid (as before)",
			file: "openclinica.xml", p: ProfileOpenClinica, drops: []drop{{"User", []string{"USR_2"}}},
			added: []string{"User USR_2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.NotEmpty(t, c.reason)
			b, err := os.ReadFile(filepath.Join("testdata", c.file))
			require.NoError(t, err)
			full := string(b)
			base := full
			for _, d := range c.drops {
				base = withoutRecords(t, base, d.tag, d.oids...)
			}
			v := odm.V13
			if c.p == ProfileODM2 {
				v = odm.V20
			}
			valid := func(doc string) {
				t.Helper()
				if c.p == ProfileODM {
					validateStrict13(t, []byte(doc))
				} else {
					validate(t, []byte(doc), v)
				}
			}
			valid(base) // the output may be no less valid than the document patched
			out, _ := patchEveryWay(t, full, base, c.p, CodeRemoved)
			blocks, ordered := adminKinds(t, out)
			all := strings.Join(func() []string {
				var s []string
				for _, b := range blocks {
					s = append(s, b...)
				}
				return s
			}(), "\n")
			for _, a := range c.added {
				require.Contains(t, strings.Split(all, "\n"), a, "%s: added\n%s", c.reason, out)
			}
			if !ordered { // not fatal: the schema's verdict follows
				t.Errorf("%s: records out of schema order:\n%s\n--- output:\n%s", c.reason, all, out)
			}
			valid(out)
		})
	}
}

// validateStrict13 checks an ODM output against the plain ODM 1.3.2 schema, which takes
// no vendor extension (validate takes them: the lax schema).
func validateStrict13(t *testing.T, b []byte) {
	t.Helper()
	xmllint := testenv.Xmllint(t)
	xsd := testenv.Shared(t, "reference/schema/odm1-3-2/ODM1-3-2.xsd")
	f := filepath.Join(t.TempDir(), "out.xml")
	require.NoError(t, os.WriteFile(f, b, 0o644))
	if out, err := exec.Command(xmllint, "--noout", "--nonet", "--schema", xsd, f).CombinedOutput(); err != nil {
		t.Errorf("schema validation failed: %v\n%s\n--- document:\n%s", err, out, b)
	}
}
