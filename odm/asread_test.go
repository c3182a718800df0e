package odm_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

const head20 = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ODM xmlns="http://www.cdisc.org/ns/odm/v2.0" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00" ODMVersion="2.0">`

// asReadCases are records in the lexical forms Transform must tell apart: those it may
// copy as read (the encoder writes them back byte for byte) and those it must encode
// (a normalization of the package documentation applies), each with the reason.
var asReadCases = []struct {
	name, doc string
	copied    bool // the record's bytes are what the encoder writes
}{
	{"plain", odmHead + "\n<AdminData>\n  <User OID=\"u\" UserType=\"Other\">\n    <LoginName>a</LoginName>\n    <LocationRef LocationOID=\"L\"/>\n  </User>\n</AdminData></ODM>", true},
	{"escapes the encoder writes", odmHead + `<AdminData><User OID="a&amp;b&lt;c&quot;d&#9;e&#10;f&#13;"><LoginName>x &amp; y &lt; z &gt; w</LoginName></User></AdminData></ODM>`, true},
	{"comment, CDATA and vendor content", odmHead + `<AdminData><User OID="u" xmlns:v="urn:v" v:a="1"><!-- c --><LoginName>a<![CDATA[<b>]]></LoginName><v:x k="1">t<v:y/></v:x></User></AdminData></ODM>`, true},
	{"empty element written open", odmHead + `<AdminData><User OID="u"><LoginName></LoginName><Pager></Pager></User></AdminData></ODM>`, true},
	{"single quotes", odmHead + `<AdminData><User OID='u'><LoginName>a</LoginName></User></AdminData></ODM>`, false},
	{"two spaces between attributes", odmHead + `<AdminData><User OID="u"  UserType="Other"/></AdminData></ODM>`, false},
	{"space around =", odmHead + `<AdminData><User OID = "u"/></AdminData></ODM>`, false},
	{"line break inside a tag", odmHead + "<AdminData><User\n OID=\"u\"/></AdminData></ODM>", false},
	{"space before />", odmHead + `<AdminData><User OID="u" /></AdminData></ODM>`, false},
	{"space in an end tag", odmHead + `<AdminData><User OID="u"><LoginName>a</LoginName ></User></AdminData></ODM>`, false},
	{"character reference in text", odmHead + `<AdminData><User OID="u"><LoginName>&#65;</LoginName></User></AdminData></ODM>`, false},
	{"hex reference in an attribute", odmHead + `<AdminData><User OID="a&#xA;b"/></AdminData></ODM>`, false},
	{"&quot; in text", odmHead + `<AdminData><User OID="u"><LoginName>&quot;</LoginName></User></AdminData></ODM>`, false},
	{"&apos; in an attribute", odmHead + `<AdminData><User OID="a&apos;b"/></AdminData></ODM>`, false},
	{"&gt; in an attribute", odmHead + `<AdminData><User OID="a&gt;b"/></AdminData></ODM>`, false},
	{"> in text", odmHead + `<AdminData><User OID="u"><LoginName>a>b</LoginName></User></AdminData></ODM>`, false},
	{"tab in an attribute", odmHead + "<AdminData><User OID=\"a\tb\"/></AdminData></ODM>", false},
	{"line break in an attribute", odmHead + "<AdminData><User OID=\"a\nb\"/></AdminData></ODM>", false},
	{"carriage return", odmHead + "<AdminData><User OID=\"u\">\r\n<LoginName>a</LoginName></User></AdminData></ODM>", false},
	{"carriage return in a comment", odmHead + "<AdminData><User OID=\"u\"><!-- a\r\nb --></User></AdminData></ODM>", false},
	{"processing instruction", odmHead + `<AdminData><User OID="u"><?pi  x ?></User></AdminData></ODM>`, false},
	{"ODM 2.0 Address with two StreetNames (the encoder drops one)", head20 + `<AdminData><User OID="u"><UserName>a</UserName><Address><StreetName>1</StreetName><StreetName>2</StreetName></Address></User></AdminData></ODM>`, false},
	{"namespace declared on the record", odmHead + `<AdminData><User xmlns:v="urn:v" OID="u" v:a="1"><v:x/></User></AdminData></ODM>`, true},
	{"default namespace declared again on the record", odmHead + `<AdminData><User xmlns="http://www.cdisc.org/ns/odm/v1.3" OID="u"/></AdminData></ODM>`, true},
	{"root in no namespace", `<ODM ODMVersion="1.3.2"><AdminData><User OID="u"><LoginName>a</LoginName></User></AdminData></ODM>`, true},
	{"vendor element inside AdminData", odmHead + `<AdminData><pf:GroupDef xmlns:pf="urn:pf" OID="g"><pf:Right Description="r"/></pf:GroupDef></AdminData></ODM>`, true},
	{"vendor element with single quotes", odmHead + `<AdminData><pf:GroupDef xmlns:pf='urn:pf' OID="g"/></AdminData></ODM>`, false},
}

// transformAsRead runs Transform with a callback that has every record written as read,
// and, with encode set, one that has it encoded again.
func transformAsRead(doc string, encode bool) (string, error) {
	var out bytes.Buffer
	fn := func(n odm.Node) (odm.Node, error) {
		if encode {
			return n, nil
		}
		return odm.AsRead(), nil
	}
	_, err := odm.Transform(&out, strings.NewReader(doc), odm.ReadOptions{}, odm.WriteOptions{}, fn)
	return out.String(), err
}

// TestAsReadMatchesEncode: a record written as read (AsRead, or no callback) comes out as
// the same bytes as when it is encoded again, with the same error, for every lexical form
// of asReadCases and every fixture and reference sample (three times over, see
// recycleInputs); so copying the input bytes changes no output.
func TestAsReadMatchesEncode(t *testing.T) {
	docs := map[string]string{}
	for _, c := range asReadCases {
		docs[c.name] = c.doc
	}
	for name, b := range recycleInputs(t) {
		docs[name] = string(b)
	}
	for name, doc := range docs {
		want, werr := transformAsRead(doc, true)
		got, gerr := transformAsRead(doc, false)
		require.Equal(t, werr == nil, gerr == nil, "%s: errors %v and %v", name, werr, gerr)
		if werr != nil {
			require.Equal(t, werr.Error(), gerr.Error(), name)
		}
		require.Equal(t, want, got, name)
		var plain bytes.Buffer
		_, perr := odm.Transform(&plain, strings.NewReader(doc), odm.ReadOptions{}, odm.WriteOptions{}, nil)
		require.Equal(t, werr == nil, perr == nil, name)
		require.Equal(t, want, plain.String(), "%s: no callback", name)
	}
}

// TestAsReadCopiesInputBytes: a record whose bytes the encoder would write back is copied
// as read, one whose bytes it would not is encoded, and a record the callback returns
// itself (edited) is encoded. To tell a copy from an encoding that gives the same bytes,
// the callback edits the record and still returns AsRead (which the contract forbids):
// a copy does not show the edit, an encoding does.
func TestAsReadCopiesInputBytes(t *testing.T) {
	for _, c := range asReadCases {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			users := 0
			_, err := odm.Transform(&out, strings.NewReader(c.doc), odm.ReadOptions{}, odm.WriteOptions{AllowDrop: true}, func(n odm.Node) (odm.Node, error) {
				switch v := n.(type) {
				case *odm.User:
					users++
					v.OID = "EDITED"
				case *odm.Element:
					v.SetAttr("", "", "OID", "EDITED")
				default:
					return n, nil
				}
				return odm.AsRead(), nil
			})
			require.NoError(t, err)
			edited := strings.Contains(out.String(), "EDITED")
			require.Equal(t, !c.copied, edited, "copied as read: want %v\n%s", c.copied, out.String())
			if c.copied {
				// The record's bytes, and all around them, are the input's.
				require.Equal(t, c.doc, out.String())
			}
			// Returned itself, an edited record is encoded with the edit.
			got, err := transform(t, c.doc, func(n odm.Node) (odm.Node, error) {
				if v, ok := n.(*odm.User); ok {
					v.OID = "EDITED"
				}
				return n, nil
			})
			require.NoError(t, err)
			if users > 0 {
				require.Contains(t, got, `OID="EDITED"`)
			}
		})
	}
}

func transform(t *testing.T, doc string, fn func(odm.Node) (odm.Node, error)) (string, error) {
	t.Helper()
	var out bytes.Buffer
	_, err := odm.Transform(&out, strings.NewReader(doc), odm.ReadOptions{}, odm.WriteOptions{AllowDrop: true}, fn)
	return out.String(), err
}

// TestAsReadHeadEdited: when the callback changes the namespace declarations of the
// AdminData, a record that uses them is encoded (its prefix declared where it needs
// it), not copied with a prefix no longer bound.
func TestAsReadHeadEdited(t *testing.T) {
	doc := odmHead + `<AdminData xmlns:v="urn:v"><User OID="u" v:a="1"/></AdminData></ODM>`
	got, err := transform(t, doc, func(n odm.Node) (odm.Node, error) {
		if ad, ok := n.(*odm.AdminData); ok {
			ad.RemoveAttr(odm.NSXMLNS, "v")
			return ad, nil
		}
		return odm.AsRead(), nil
	})
	require.NoError(t, err)
	_, err = odm.Decode(strings.NewReader(got), odm.ReadOptions{Strict: true})
	require.NoError(t, err, "the output is well-formed with its namespaces:\n%s", got)
	require.Contains(t, got, `xmlns:v="urn:v"`)
}

// TestAsReadDropReported: a record the encoder cannot write whole in its version is
// encoded, so that what it leaves out is reported (a DropError) as before.
func TestAsReadDropReported(t *testing.T) {
	doc := head20 + `<AdminData><User OID="u"><UserName>a</UserName><Address><StreetName>1</StreetName><StreetName>2</StreetName></Address></User></AdminData></ODM>`
	_, err := transformAsRead(doc, false)
	var de *odm.DropError
	require.True(t, errors.As(err, &de), "err = %v", err)
}

// FuzzTransformAsRead: for any input, a document written with every record as read is
// the one written with every record encoded again (or both fail the same way). Seeds:
// asReadCases.
func FuzzTransformAsRead(f *testing.F) {
	for _, c := range asReadCases {
		f.Add([]byte(c.doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc := string(data)
		want, werr := transformAsRead(doc, true)
		got, gerr := transformAsRead(doc, false)
		if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
			t.Fatalf("errors differ: encoded %v, as read %v", werr, gerr)
		}
		if want != got {
			t.Fatalf("outputs differ:\nencoded %q\nas read %q", want, got)
		}
	})
}
