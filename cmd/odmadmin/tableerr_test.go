package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestTableErrorNamesInputOnce: an error in a table (CSV syntax, a column named twice, a
// missing column, a formula saved without its value) reads "odmadmin CMD: FILE: PLACE:
// what", whichever command reads the table and whichever reader it goes through. The
// reader, the package and the command each used to add their own prefix:
// "t.csv: mapping: reading CSV: t.csv: line 3, column 6: ...", "reading CSV" for
// workbooks too.
func TestTableErrorNamesInputOnce(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const tplHeader = "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n"
	quote := write("quote.csv", []byte(tplHeader+"Ada,Morel,ada@example.org,amorel,,,CRA,01,\nBo,\"Li\"n,bo@example.org,bli,,,CRA,01,\n"))
	dup := write("dup.csv", []byte("First Name,Last Name,Email,User Name,Study Role,E-mail\nAda,Morel,ada@example.org,amorel,CRA,\n"))
	missing := write("missing.csv", []byte("First Name,Last Name,User Name,Study Role\nAda,Morel,amorel,CRA\n"))
	oc4 := write("oc4.csv", []byte("First,Last,Username,Email,Organization,Phone,Role,Type,Status\nAda,\"Mo\"rel,amorel,ada@example.org,Clinic,,Data Manager,User,Available\n"))
	spec := write("spec.csv", []byte("Kind,Source,Target\nrole,\"CRA\"x,Site User\n"))
	f := excelize.NewFile()
	s := f.GetSheetName(0)
	f.SetSheetRow(s, "A1", &[]any{"First Name", "Last Name", "Email", "User Name", "Study Role", "Sites"})
	f.SetSheetRow(s, "A2", &[]any{"Ada", "Morel", nil, "amorel", "CRA", "01"})
	if err := f.SetCellFormula(s, "C2", `LOWER(D2)&"@example.org"`); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f.Close()
	book := write("formula.xlsx", buf.Bytes())
	export := "testdata/plan/existing.xml"

	for _, tc := range []struct {
		args  []string
		named string // the input the error is about
		place string // what follows its name
		why   string
	}{
		{[]string{"map", "--to", "json", quote}, quote, `line 3, column 7: extraneous or missing " in quoted-field`, "map of a template"},
		{[]string{"plan", "--existing", export, "--upload", quote}, quote, "line 3, column 7:", "plan's upload"},
		{[]string{"check", export, quote}, quote, "line 3, column 7:", "check beside a template"},
		{[]string{"diff", quote, export}, quote, "line 3, column 7:", "diff of a template"},
		{[]string{"map", "--to", "json", oc4}, oc4, "line 2, column 8:", "an OpenClinica 4 user table"},
		{[]string{"map", "--to", "json", "--spec", spec, export}, spec, "line 2, column 10:", "a migration spec"},
		{[]string{"map", "--to", "json", dup}, dup, `row 1: the header row names one column twice: "Email" (column 3) and "E-mail" (column 6)`, "a column named twice"},
		{[]string{"plan", "--existing", export, "--upload", dup}, dup, "row 1: the header row names one column twice", "a column named twice, in plan"},
		{[]string{"map", "--to", "json", missing}, missing, "row 1: the header row lacks template columns: Email", "a missing column"},
		{[]string{"plan", "--existing", export, "--upload", missing}, missing, "row 1: the header row lacks template columns: Email", "a missing column, in plan"},
		{[]string{"map", "--to", "json", book}, book + "[Sheet1]", "cell C2: the cell holds a formula that was never calculated", "a workbook cell, not a CSV line"},
		{[]string{"plan", "--existing", export, "--upload", book}, book + "[Sheet1]", "cell C2: the cell holds a formula that was never calculated", "a workbook cell, in plan"},
		{[]string{"check", export, book}, book + "[Sheet1]", "cell C2:", "a workbook cell, in check"},
	} {
		code, _, stderr := runCmd(nil, tc.args...)
		want := "odmadmin " + tc.args[0] + ": " + tc.named + ": " + tc.place
		if code != 2 || !strings.HasPrefix(stderr, want) || strings.Count(stderr, filepath.Base(tc.named)) != 1 || strings.Contains(stderr, "CSV:") {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q..., the file named once", tc.why, code, stderr, want)
		}
	}
}

// TestWriteErrorNamesInput: a value XML cannot hold, read from a JSON directory, fails
// map --to odm naming the field by its JSON path (the directory's check finds it before
// the writer would); the input it came from is named too, as the warnings name it (it
// was "odmadmin map: odm: value cannot be written in XML: ...").
func TestWriteErrorNamesInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "ctl.json")
	doc := `{"studies":[{"id":"S1","environment":"Production"}],"sites":[],"users":[{"id":"U1","login":"jo\u0001doe","givenName":"Jo","familyName":"Doe","emails":[],"assignments":[]}]}`
	if err := os.WriteFile(in, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.xml")
	code, _, stderr := runCmd(nil, "map", "--quiet", "--to", "odm", "-o", out, in)
	want := "odmadmin map: " + in + ": users[0].login: character U+0001 at byte 2 is not allowed in XML"
	if code != 2 || !strings.HasPrefix(stderr, want) {
		t.Errorf("exit %d, %q; want 2 and %q", code, stderr, want)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed write left %s (%v)", out, err)
	}
}

// TestMapSeveralInputsNotCarried: map --to odm of several ODM files writes one new
// document of AdminData only. What the inputs held outside it (Study, ClinicalData,
// comments) was left out with exit 0 and no word; each input's is now reported as
// not-carried, with counts, read as the input is read (stdin too), whole or streamed.
func TestMapSeveralInputsNotCarried(t *testing.T) {
	dir := t.TempDir()
	s1 := filepath.Join(dir, "s1.xml")
	s2 := filepath.Join(dir, "s2.xml")
	doc1 := `<?xml version="1.0" encoding="UTF-8"?>
<!-- kept in s1 -->
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F1" CreationDateTime="2026-01-01T00:00:00Z">
  <Study OID="ST1"><GlobalVariables><StudyName>S</StudyName><StudyDescription>D</StudyDescription><ProtocolName>P</ProtocolName></GlobalVariables></Study>
  <AdminData StudyOID="ST1"><User OID="U1"><LoginName>amorel</LoginName></User></AdminData>
  <ClinicalData StudyOID="ST1" MetaDataVersionOID="M"><SubjectData SubjectKey="001"/></ClinicalData>
</ODM>
`
	doc2 := `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F2" CreationDateTime="2026-01-01T00:00:00Z">
  <AdminData StudyOID="ST1"><User OID="U2"><LoginName>blin</LoginName></User></AdminData>
</ODM>
`
	for p, d := range map[string]string{s1: doc1, s2: doc2} {
		if err := os.WriteFile(p, []byte(d), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, whole := range []bool{false, true} {
		for _, stdin := range []bool{false, true} {
			var in []byte
			args := []string{"map", "--to", "odm", "--max", "0", s1, s2}
			name := s1
			if stdin {
				in, args[4+1], name = []byte(doc1), "-", "<stdin>"
			}
			code, out, stderr := runWhole(whole, in, args...)
			for _, want := range []string{
				name + ": warning mapping.not-carried: comment: 1 comment outside AdminData",
				name + ": warning mapping.not-carried: ODM/Study: 1 element outside AdminData",
				name + ": warning mapping.not-carried: ODM/ClinicalData: 1 element outside AdminData",
			} {
				if code != 0 || !strings.Contains(stderr, want) {
					t.Errorf("whole=%v stdin=%v: exit %d, stderr lacks %q:\n%s", whole, stdin, code, want, stderr)
				}
			}
			if strings.Count(stderr, "not-carried:") != 3 || !strings.Contains(out, "amorel") || !strings.Contains(out, "blin") {
				t.Errorf("whole=%v stdin=%v: want 3 not-carried warnings (s2 holds nothing else) and both users:\n%s\n%s", whole, stdin, stderr, out)
			}
		}
	}
}
