package main

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/testenv"
)

// TestMapBaseAddsInSchemaOrder: map --to odm --base FILE with an edited map --to json
// of FILE that adds a site, a user at it and a signature, and with another export that
// has a site and a signature FILE lacks, writes each added record where ODM's content
// model puts it (User*, Location*, SignatureDef*, then InForm's pf: elements), so that
// the output validates as FILE does. Before, the added Location and SignatureDef went
// before FILE's users: "Element User: This element is not expected".
func TestMapBaseAddsInSchemaOrder(t *testing.T) {
	dir := t.TempDir()
	full := filepath.Join(testenv.RepoRoot(), "testdata", "inform", "htn-demo.xml")
	b, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	// The export without the second site and the signature: the export itself adds them.
	lacking := string(b)
	for _, cut := range [][2]string{{`<Location OID="10128"`, `</Location>`}, {`<SignatureDef OID="SIG.CRF.PI"`, `</SignatureDef>`}} {
		i := strings.Index(lacking, cut[0])
		j := strings.Index(lacking[i:], cut[1]) + i + len(cut[1])
		if i < 0 || j < i {
			t.Fatalf("fixture changed: %s", cut[0])
		}
		i = strings.LastIndexByte(lacking[:i], '>') + 1
		lacking = lacking[:i] + lacking[j:]
	}
	lackingFile := filepath.Join(dir, "lacking.xml")
	if err := os.WriteFile(lackingFile, []byte(lacking), 0o644); err != nil {
		t.Fatal(err)
	}
	edited := editedDirectory(t, full, filepath.Join(dir, "edited.json"))

	lax := testenv.Shared(t, "reference/schema/odm1-3-2-lax/ODM1-3-2-lax-extensions.xsd")
	xmllint := testenv.Xmllint(t)
	for _, c := range []struct {
		name, reason, base, in string
		added                  []string
	}{
		{"edited-json", "a site, a user at it and a signature added to the JSON of the export", full, edited,
			[]string{"User N.SITE3.CRC", "Location 10129", "SignatureDef SIG.CRF.SUB"}},
		{"other-export", "the export patched into a copy that lacks a site and the signature", lackingFile, full,
			[]string{"Location 10128", "SignatureDef SIG.CRF.PI"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(dir, c.name+".xml")
			code, stdout, stderr := mapRun(t, "", "--to", "odm", "--base", c.base, "-o", out, c.in)
			if code != 0 || stdout != "" {
				t.Fatalf("%s: exit %d stdout %q stderr %s", c.reason, code, stdout, stderr)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			records, ordered := adminRecords(t, got)
			for _, a := range c.added {
				if !strings.Contains("\n"+strings.Join(records, "\n")+"\n", "\n"+a+"\n") {
					t.Errorf("%s: %s not written: %v", c.reason, a, records)
				}
			}
			if !ordered {
				t.Errorf("%s: records out of schema order: %v", c.reason, records)
			}
			cmd := exec.Command(xmllint, "--noout", "--nonet", "--schema", lax, out)
			if msg, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s: invalid output: %s", c.reason, msg)
			}
		})
	}
}

// editedDirectory writes to path the map --to json of file with a site, a user at it and
// a signature added, as one would edit it by hand (fictitious values).
func editedDirectory(t *testing.T, file, path string) string {
	t.Helper()
	code, out, stderr := mapRun(t, "", "--to", "json", file)
	if code != 0 {
		t.Fatalf("map --to json: exit %d: %s", code, stderr)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	d["sites"] = append(d["sites"].([]any), map[string]any{
		"id": "10129", "name": "(03) Demo Site Three", "type": "Site", "number": "03", "active": true,
		"versions": []any{map[string]any{"study": "HTN-DEMO", "version": "SV-020108", "effective": "2026-04-01"}},
	})
	d["users"] = append(d["users"].([]any), map[string]any{
		"id": "N.SITE3.CRC", "login": "site3crc", "givenName": "Site", "familyName": "Three", "type": "Other",
		"category": "Site", "status": "Available", "groups": []any{map[string]any{"id": "5955", "name": "CRC Rights", "type": "Rights"}},
		"assignments": []any{map[string]any{"study": "HTN-DEMO", "site": "10129", "role": map[string]any{"name": "CRC Rights"}, "scope": "site"}},
	})
	d["signatures"] = append(d["signatures"].([]any), map[string]any{
		"id": "SIG.CRF.SUB", "methodology": "Electronic", "meaning": "Sub-investigator CRF approval",
		"legalReason": "By signing I confirm the data on this form.", "study": "HTN-DEMO",
	})
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// adminRecords lists the children of every AdminData of doc as kind and OID (a vendor
// element as its prefix-free name), and reports whether each block's come in the
// content model's order: User*, Organization*, Location*, SignatureDef*, extensions.
func adminRecords(t *testing.T, doc []byte) (records []string, ordered bool) {
	t.Helper()
	rank := map[string]int{"User": 0, "Organization": 1, "Location": 2, "SignatureDef": 3}
	d := xml.NewDecoder(strings.NewReader(string(doc)))
	depth, last, ordered, in := 0, 0, true, false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return records, ordered
		}
		if err != nil {
			t.Fatal(err)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 2 {
				in, last = v.Name.Local == "AdminData", 0
			}
			if depth != 3 || !in {
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
			rec := v.Name.Local
			for _, a := range v.Attr {
				if a.Name.Local == "OID" && a.Name.Space == "" {
					rec += " " + a.Value
				}
			}
			records = append(records, rec)
		case xml.EndElement:
			depth--
		}
	}
}
