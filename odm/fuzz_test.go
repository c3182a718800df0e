package odm_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

// FuzzDecode checks, for any input: no panic; a document that decodes encodes; the output
// decodes again to the same typed values and re-encodes to the same bytes (decode->encode
// is a fixed point after one pass); and its JSON form reads back. `go test` runs the seeds
// (our fixtures and small broken inputs); `go test -fuzz FuzzDecode ./odm` explores.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(), "testdata", "*", "*.xml"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		odmHead + `<AdminData><User OID="u"><LoginName>a</LoginName><x:e xmlns:x="urn:x" x:a="1">t<!--c--></x:e></User></AdminData></ODM>`,
		odmHead + `<AdminData><User OID="a" OID="b"/></AdminData></ODM>`,
		odmHead + `<AdminData><q:x/></AdminData></ODM>`,
		odmHead + `<AdminData><User OID="u"><LoginName>a<!--x-->b<![CDATA[<c>]]></LoginName><LoginName>dup</LoginName></User></AdminData></ODM>`,
		odmHead + `<AdminData><Location OID="L" Name="n"><MetaDataVersionRef StudyOID="S" MetaDataVersionOID="M" EffectiveDate="2020-01-01T00:00:00"/>text</Location></AdminData></ODM>`,
		`<ODM xmlns="http://www.cdisc.org/ns/odm/v2.0"><AdminData><User OID="u"><UserName>x</UserName><Telecom TelecomType="Email" Value="a@b.c"/></User><Organization OID="o" Name="n" Type="CRO"><Description><TranslatedText xml:lang="en" Type="text/plain">d</TranslatedText></Description></Organization></AdminData></ODM>`,
		`<?xml version="1.0" encoding="ISO-8859-1"?><ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"/>`,
		"\xff\xfe<\x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := odm.ReadOptions{MaxTokenBytes: 1 << 16, MaxDepth: 64}
		doc, err := odm.Decode(bytes.NewReader(data), opts)
		if err != nil {
			var pe *odm.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error is not an *odm.Error: %T %v", err, err)
			}
			return
		}
		var first bytes.Buffer
		if err := odm.Encode(&first, doc, odm.WriteOptions{}); err != nil {
			t.Fatalf("a decoded document does not encode: %v", err)
		}
		doc2, err := odm.Decode(bytes.NewReader(first.Bytes()), opts)
		if err != nil {
			t.Fatalf("the output does not decode: %v\n%s", err, first.Bytes())
		}
		var second bytes.Buffer
		if err := odm.Encode(&second, doc2, odm.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Fatalf("not a fixed point:\n%s", cmp.Diff(first.String(), second.String()))
		}
		if d := cmp.Diff(doc.AdminData(), doc2.AdminData(), typedOnly()); d != "" {
			t.Fatalf("typed values changed (-first +second):\n%s", d)
		}
		var js bytes.Buffer
		if err := odm.EncodeJSON(&js, doc); err != nil {
			t.Fatal(err)
		}
		back, err := odm.DecodeJSON(bytes.NewReader(js.Bytes()), odm.ReadOptions{})
		if err != nil {
			t.Fatalf("the JSON form does not read back: %v\n%s", err, js.Bytes())
		}
		if d := cmp.Diff(doc.AdminData(), back.AdminData(), typedOnly()); d != "" {
			t.Fatalf("typed values changed through JSON (-xml +json):\n%s", d)
		}
	})
}
