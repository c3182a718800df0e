package odm_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// The AdminData shapes of the tests below are written as space-separated tokens, one per
// child of the block, each its kind's letter and a number: U a User, O an Organization
// (ODM 2.0), L a Location, S a SignatureDef, V a vendor element (InForm's pf:GroupDef), C
// a comment. The token is also the record's OID (the comment's text), so that the
// order of the output can be read back as tokens (adminOrder).

// orderCase is a block patched by Transform: the records fn puts into the *AdminData
// (head) and, by source token, those it appends when that record goes by (at), and the
// order the output must have.
type orderCase struct {
	name, reason string
	v            odm.Version
	src, head    string
	at           map[string]string
	want         string
}

var orderCases = []orderCase{
	{name: "site-into-users", reason: "the bug: a site added to a block of users went before them",
		v: odm.V13, src: "U1 U2", head: "L9", want: "U1 U2 L9"},
	{name: "signature-into-users-and-sites", reason: "a SignatureDef follows every User and Location",
		v: odm.V13, src: "U1 L1 L2", head: "S9", want: "U1 L1 L2 S9"},
	{name: "site-between-users-and-signatures", reason: "a Location goes after the Users, before the first SignatureDef",
		v: odm.V13, src: "U1 U2 S1", head: "L9", want: "U1 U2 L9 S1"},
	{name: "user-into-sites", reason: "a User goes at the block's start, before every other record",
		v: odm.V13, src: "L1 S1", head: "U9", want: "U9 L1 S1"},
	{name: "every-kind-before-its-own", reason: "each addition goes before the first record of its kind, after those of the kinds before it",
		v: odm.V13, src: "U1 U2 L1 L2 S1", head: "U9 L9 S9", want: "U9 U1 U2 L9 L1 L2 S9 S1"},
	{name: "before-vendor-elements", reason: "InForm's pf:GroupDef follows SignatureDef: the extensions come after every record, and keep their places",
		v: odm.V13, src: "U1 L1 V1 V2", head: "L9 S9 V9", want: "U1 L9 L1 S9 V1 V2 V9"},
	{name: "users-and-vendor-elements", reason: "a block of users and groups takes a site and a signature between them",
		v: odm.V13, src: "U1 V1", head: "L9 S9", want: "U1 L9 S9 V1"},
	{name: "empty-block", reason: "a block of no records takes every kind, in schema order",
		v: odm.V13, src: "", head: "S9 L9 U9", want: "U9 L9 S9"},
	{name: "comment-stays-with-sites", reason: "a comment before the block's sites stays before them; the site added follows it",
		v: odm.V13, src: "U1 C1 L1", head: "L9", want: "U1 C1 L9 L1"},
	{name: "comment-opens-block", reason: "new users go at the block's start, before a comment that opens it, as before",
		v: odm.V13, src: "C1 U1 L1", head: "U9 L9", want: "U9 C1 U1 L9 L1"},
	{name: "appended-while-reading-users", reason: "a site fn appends while the users go by waits for the first site or signature",
		v: odm.V13, src: "U1 U2 S1", at: map[string]string{"U1": "L9"}, want: "U1 U2 L9 S1"},
	{name: "appended-at-end", reason: "a signature fn appends at the last record of a block without one goes before the end tag",
		v: odm.V13, src: "U1 L1", at: map[string]string{"L1": "S9"}, want: "U1 L1 S9"},
	{name: "organization-into-2.0-block", reason: "ODM 2.0 puts Organization between User and Location",
		v: odm.V20, src: "U1 U2 L1 S1", head: "O9", want: "U1 U2 O9 L1 S1"},
	{name: "every-kind-2.0", reason: "each 2.0 kind goes before the first record of its kind or a later one",
		v: odm.V20, src: "U1 O1 L1 S1", head: "S9 L9 O9 U9", want: "U9 U1 O9 O1 L9 L1 S9 S1"},
	{name: "site-into-2.0-users-and-organizations", reason: "a 2.0 Location follows the Organizations",
		v: odm.V20, src: "U1 O1 O2", head: "L9", want: "U1 O1 O2 L9"},
	{name: "organization-made-for-a-user", reason: "an Organization fn appends while a User goes by (as a writer making one up for it) goes before the first Location",
		v: odm.V20, src: "U1 U2 L1", at: map[string]string{"U1": "O9"}, want: "U1 U2 O9 L1"},
}

func tokens(s string) []string { return strings.Fields(s) }

// orderDoc is the document of a block of shape src.
func orderDoc(v odm.Version, src string) string {
	var b strings.Builder
	ns, ver := "http://www.cdisc.org/ns/odm/v1.3", "1.3.2"
	if v == odm.V20 {
		ns, ver = "http://www.cdisc.org/ns/odm/v2.0", "2.0"
	}
	fmt.Fprintf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ODM xmlns=%q xmlns:pf=%q FileType=\"Snapshot\" FileOID=\"F.1\" CreationDateTime=\"2026-01-01T00:00:00\" ODMVersion=%q>\n  <AdminData StudyOID=\"ST.1\">", ns, odm.NSInForm, ver)
	for _, tk := range tokens(src) {
		b.WriteString("\n    ")
		switch tk[0] {
		case 'U':
			fmt.Fprintf(&b, `<User OID=%q/>`, tk)
		case 'O':
			fmt.Fprintf(&b, `<Organization OID=%q Name=%q Type="Site"/>`, tk, tk)
		case 'L':
			fmt.Fprintf(&b, `<Location OID=%q Name=%q><MetaDataVersionRef StudyOID="ST.1" MetaDataVersionOID="MDV.1" EffectiveDate="2026-01-01"/></Location>`, tk, tk)
		case 'S':
			fmt.Fprintf(&b, `<SignatureDef OID=%q Methodology="Electronic"><Meaning>m</Meaning><LegalReason>r</LegalReason></SignatureDef>`, tk)
		case 'V':
			fmt.Fprintf(&b, `<pf:GroupDef OID=%q Name=%q GroupType="Rights"/>`, tk, tk)
		case 'C':
			fmt.Fprintf(&b, `<!--%s-->`, tk)
		}
	}
	b.WriteString("\n  </AdminData>\n</ODM>\n")
	return b.String()
}

// addTo appends the records of tokens adds to head.
func addTo(head *odm.AdminData, adds string) {
	for _, tk := range tokens(adds) {
		switch tk[0] {
		case 'U':
			head.Users = append(head.Users, &odm.User{OID: tk})
		case 'O':
			head.Organizations = append(head.Organizations, &odm.Organization{OID: tk, Name: tk, Type: odm.OrganizationSite})
		case 'L':
			head.Locations = append(head.Locations, &odm.Location{OID: tk, Name: tk,
				MetaDataVersionRefs: []*odm.MetaDataVersionRef{{StudyOID: "ST.1", MetaDataVersionOID: "MDV.1", EffectiveDate: "2026-01-01"}}})
		case 'S':
			head.SignatureDefs = append(head.SignatureDefs, &odm.SignatureDef{OID: tk, Methodology: odm.MethodologyElectronic, Meaning: "m", LegalReason: "r"})
		case 'V':
			e := &odm.Element{Name: odm.Name{Space: odm.NSInForm, Prefix: "pf", Local: "GroupDef"}}
			e.SetAttr("", "", "OID", tk)
			e.SetAttr("", "", "Name", tk)
			e.SetAttr("", "", "GroupType", "Rights")
			head.Nodes = append(head.Nodes, e)
		}
	}
}

// nodeOID returns the OID of a record (recordOID) or vendor element Transform hands on.
func nodeOID(n odm.Node) string {
	if e, ok := n.(*odm.Element); ok {
		oid, _ := e.Attr("", "OID")
		return oid
	}
	oid, _ := recordOID(n)
	return oid
}

// transformAdding streams src through Transform (TransformRaw with raw set, each record
// fn is not to see copied undecoded), adding c's records.
func transformAdding(c orderCase, src string, raw bool) (string, error) {
	var head *odm.AdminData
	fn := func(n odm.Node) (odm.Node, error) {
		if ad, ok := n.(*odm.AdminData); ok {
			head = ad
			addTo(ad, c.head)
			return ad, nil
		}
		if adds, ok := c.at[nodeOID(n)]; ok {
			addTo(head, adds)
		}
		return odm.AsRead(), nil
	}
	var out bytes.Buffer
	var err error
	if raw {
		want := func(rs *odm.RecordStart) bool {
			oid, _ := rs.Attr("OID")
			_, seen := c.at[oid]
			return !seen
		}
		_, err = odm.TransformRaw(&out, strings.NewReader(src), odm.ReadOptions{Reuse: true}, odm.WriteOptions{}, fn, odm.RawCopy{Want: want, Copied: func() {}})
	} else {
		_, err = odm.Transform(&out, strings.NewReader(src), odm.ReadOptions{}, odm.WriteOptions{}, fn)
	}
	return out.String(), err
}

// adminOrder reads the children of the (first) AdminData of doc back as tokens.
func adminOrder(t testing.TB, doc string) []string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	var got []string
	depth, in := 0, false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		switch v := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 && v.Name.Local == "AdminData" {
				in = true
			}
			if in && depth == 3 {
				for _, a := range v.Attr {
					if a.Name.Local == "OID" {
						got = append(got, a.Value)
					}
				}
			}
		case xml.EndElement:
			if depth == 2 && in {
				return got
			}
			depth--
		case xml.Comment:
			if in && depth == 2 {
				got = append(got, string(v))
			}
		}
	}
	return got
}

func (c orderCase) schema() string {
	switch {
	case c.v == odm.V20:
		return "odm2-0/ODM.xsd"
	case strings.Contains(c.src+c.head, "V"):
		return "odm1-3-2-lax/ODM1-3-2-lax-extensions.xsd"
	}
	for _, adds := range c.at {
		if strings.Contains(adds, "V") {
			return "odm1-3-2-lax/ODM1-3-2-lax-extensions.xsd"
		}
	}
	return "odm1-3-2/ODM1-3-2.xsd"
}

// TestTransformAddsInSchemaOrder: the records a Transform callback adds to an AdminData
// are written where the schema puts them among the block's records (User*,
// Organization*, Location*, SignatureDef*, then the extensions), not all at the block's
// start (a Location before the block's Users, which a --base patch adding a site wrote:
// invalid ODM), whether the records are decoded or copied undecoded.
func TestTransformAddsInSchemaOrder(t *testing.T) {
	for _, c := range orderCases {
		require.NotEmpty(t, c.reason, c.name)
		for _, raw := range []bool{false, true} {
			if raw && c.v == odm.V20 {
				continue // TransformRaw decodes every record of a 2.0 document
			}
			name := c.name
			if raw {
				name += "/raw"
			}
			t.Run(name, func(t *testing.T) {
				src := orderDoc(c.v, c.src)
				out, err := transformAdding(c, src, raw)
				require.NoError(t, err)
				require.Equal(t, tokens(c.want), adminOrder(t, out), "%s\n--- output:\n%s", c.reason, out)
			})
		}
	}
}

// TestTransformAddsValidate: the documents TestTransformAddsInSchemaOrder writes validate
// against the schema (ODM 1.3.2, the lax 1.3.2 schema when vendor elements are present,
// ODM 2.0), as the documents they were made from do.
func TestTransformAddsValidate(t *testing.T) {
	for _, c := range orderCases {
		t.Run(c.name, func(t *testing.T) {
			src := orderDoc(c.v, c.src)
			validate(t, c.schema(), []byte(src))
			out, err := transformAdding(c, src, false)
			require.NoError(t, err)
			validate(t, c.schema(), []byte(out))
		})
	}
}

// kindRank is the place of a token's kind in AdminData's content model; comments have none.
func kindRank(tk string) int {
	return strings.IndexByte("UOLSV", tk[0])
}

// inSchemaOrder reports whether the records of toks come in the content model's order.
func inSchemaOrder(toks []string) bool {
	last := 0
	for _, tk := range toks {
		r := kindRank(tk)
		if r < 0 {
			continue
		}
		if r < last {
			return false
		}
		last = r
	}
	return true
}

// FuzzTransformAddOrder: whatever a block holds and a callback adds (at the block's start,
// or while a record goes by, of that record's kind or a later one), every record is
// written once, the block's own in their order, and a block in schema order stays so.
func FuzzTransformAddOrder(f *testing.F) {
	for _, c := range orderCases {
		at, atAdds := "", ""
		for k, v := range c.at {
			at, atAdds = k, v
		}
		f.Add(c.v == odm.V20, c.src, c.head, at, atAdds)
	}
	f.Fuzz(func(t *testing.T, v2 bool, src, head, at, atAdds string) {
		v := odm.V13
		kinds := "ULSVC"
		if v2 {
			v, kinds = odm.V20, "UOLSVC"
		}
		// Fuzzed strings become tokens: a kind's letter is that kind, white space and
		// digits are skipped (so that the table's shapes are seeds as they are), any
		// other byte is a kind too; the tokens are numbered in order, so that every OID
		// is unique (the source's from 1, the additions' from 100 and 200).
		toTokens := func(s string, from int, kinds string) string {
			var b []string
			for i := 0; i < len(s) && len(b) < 40; i++ {
				k := s[i]
				switch {
				case strings.IndexByte(kinds, k) >= 0:
				case k == ' ' || k >= '0' && k <= '9':
					continue
				default:
					k = kinds[int(k)%len(kinds)]
				}
				b = append(b, fmt.Sprintf("%c%d", k, from+len(b)))
			}
			return strings.Join(b, " ")
		}
		c := orderCase{v: v, src: toTokens(src, 1, kinds), head: toTokens(head, 100, kinds[:len(kinds)-1])}
		srcToks := tokens(c.src)
		if len(at) > 0 && len(srcToks) > 0 {
			rec := at
			if !slices.Contains(srcToks, rec) {
				rec = srcToks[int(at[0])%len(srcToks)]
			}
			if kindRank(rec) >= 0 {
				// Only kinds the reader has not passed: one it has can go nowhere valid.
				var later []string
				for _, tk := range tokens(toTokens(atAdds, 200, kinds[:len(kinds)-1])) {
					if kindRank(tk) >= kindRank(rec) {
						later = append(later, tk)
					}
				}
				c.at = map[string]string{rec: strings.Join(later, " ")}
			}
		}
		out, err := transformAdding(c, orderDoc(v, c.src), false)
		require.NoError(t, err)
		got := adminOrder(t, out)
		want := slices.Concat(srcToks, tokens(c.head))
		for _, adds := range c.at {
			want = append(want, tokens(adds)...)
		}
		require.ElementsMatch(t, want, got, "every record written once\n%s", out)
		srcSet := map[string]bool{}
		for _, tk := range srcToks {
			srcSet[tk] = true
		}
		own := slices.DeleteFunc(slices.Clone(got), func(tk string) bool { return !srcSet[tk] })
		require.Equal(t, fmt.Sprint(srcToks), fmt.Sprint(own), "the block's own records keep their order")
		if inSchemaOrder(srcToks) {
			require.True(t, inSchemaOrder(got), "a block in schema order stays so: %v from %v", got, srcToks)
		}
	})
}
