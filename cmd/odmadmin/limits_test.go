package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// placedIn matches the position of an error in a file: NAME:LINE:COL.
var placedIn = regexp.MustCompile(`\.(xml|json|csv):\d+:\d+: `)

// limitsDoc is an InForm-shaped export of one fictitious user that goes past every limit
// the flags below lower, and within the defaults: seven levels of elements (a vendor
// element nested in the User), a User of five child elements, a root of six attributes,
// a text of 24 bytes, 700 bytes in all.
const limitsDoc = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InForm" FileOID="F1" FileType="Snapshot" CreationDateTime="2026-01-01T00:00:00" ODMVersion="1.3.2">
  <AdminData StudyOID="S1">
    <User OID="u1" pf:DBUID="1" pf:Active="Yes">
      <LoginName>avery.sample</LoginName>
      <FirstName>Avery</FirstName>
      <LastName>Sample</LastName>
      <Email>avery.sample@example.org</Email>
      <pf:Note><pf:A><pf:B><pf:C>deep</pf:C></pf:B></pf:A></pf:Note>
    </User>
    <Location OID="L1" Name="Demo Clinic" LocationType="Site"/>
  </AdminData>
</ODM>
`

// TestLimitFlagsReachEveryReader: the reader's limits are flags of every command that
// reads ODM, and each reaches the reader the command reads with, in every path: before,
// only convert and query took them (and neither --max-nodes nor --max-attrs), so a large
// but legitimate export past a default could not be read by map, check, diff or plan, and
// a limit lowered for untrusted input did not hold there. Each command is run once
// without the flag (it reads the file) and once per lowered limit (it fails, naming the
// limit).
func TestLimitFlagsReachEveryReader(t *testing.T) {
	dir := t.TempDir()
	doc := filepath.Join(dir, "limits.xml")
	if err := os.WriteFile(doc, []byte(limitsDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	// The same user without the nested vendor element: within --max-depth 5, so that
	// --base is the file past it.
	shallow := filepath.Join(dir, "shallow.xml")
	if err := os.WriteFile(shallow, []byte(strings.Replace(limitsDoc, "      <pf:Note><pf:A><pf:B><pf:C>deep</pf:C></pf:B></pf:A></pf:Note>\n", "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	upload := filepath.Join(dir, "upload.csv")
	if err := os.WriteFile(upload, []byte("First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\nAvery,Sample,avery.sample@example.org,avery.sample,05-Jan-2026,,Site Investigator Rights,L1,\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The JSON form of the export: read through its conversion to XML.
	jsonDoc := filepath.Join(dir, "limits.json")
	if code, _, errs := runCmd(nil, "convert", "--to", "json", "-o", jsonDoc, doc); code != 0 {
		t.Fatalf("convert to the JSON form: exit %d: %s", code, errs)
	}
	commands := []struct {
		name string
		args []string
	}{
		{"convert", []string{"convert", "--to", "json", doc}},
		{"convert JSON form", []string{"convert", "--to", "odm", jsonDoc}},
		{"map json", []string{"map", "--to", "json", doc}},
		{"map odm", []string{"map", "--to", "odm", doc}},
		{"map csv", []string{"map", "--to", "csv", "--study", "S1", doc}},
		{"map JSON form", []string{"map", "--to", "json", jsonDoc}},
		{"check", []string{"check", doc}},
		{"diff", []string{"diff", doc, shallow}},
		{"plan", []string{"plan", "--existing", doc, "--upload", upload}},
		{"query", []string{"query", "--xpath", "count(//*)", doc}},
	}
	limits := []struct {
		flag, value, want, reason string
	}{
		{"--max-depth", "5", "nest deeper than the limit", "seven levels"},
		{"--max-nodes", "3", "too many child nodes", "a User of five children"},
		{"--max-attrs", "2", "more attributes than the limit", "a root of six attributes"},
		{"--max-token", "20", "larger than the limit", "a token of more than 20 bytes"},
		{"--max-input", "500", "input too large", "700 bytes"},
	}
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := runCmd(nil, c.args...)
			if code == 2 {
				t.Fatalf("%v without a lowered limit: exit 2: %s", c.args, errs)
			}
			for _, l := range limits {
				args := append([]string{c.args[0], l.flag, l.value}, c.args[1:]...)
				code, _, errs := runCmd(nil, args...)
				if code != 2 || !strings.Contains(errs, l.want) {
					t.Errorf("%v (%s): exit %d, stderr %q; want exit 2 and %q", args, l.reason, code, errs, l.want)
				}
				// The error names the flag that raises the limit, not the library's
				// option, and is placed: in the JSON for the JSON form (its nesting
				// and size limits are the JSON reader's own, placed there, which
				// the command took for places in the XML and dropped).
				if !strings.Contains(errs, "("+l.flag+" raises the limit)") || strings.Contains(errs, "ReadOptions") {
					t.Errorf("%v (%s): stderr %q; want the hint %q and no library option name", args, l.reason, errs, l.flag)
				}
				// (Past --max-token 20 the JSON form fails on the XML declaration its
				// conversion writes first, which has no place in the JSON.)
				if l.flag == "--max-token" && strings.Contains(c.name, "JSON") {
					continue
				}
				if !placedIn.MatchString(errs) || !regexp.MustCompile(`limits\.(xml|json):`).MatchString(errs) {
					t.Errorf("%v (%s): stderr %q; want a line and column in the file past the limit", args, l.reason, errs)
				}
			}
		})
	}
	// The reader of --base takes the limits too: the input is within them, the base not.
	code, _, errs := runCmd(nil, "map", "--to", "odm", "--max-depth", "5", "--base", doc, shallow)
	if code != 2 || !strings.Contains(errs, "element nesting too deep") || !strings.Contains(errs, "limits.xml") {
		t.Errorf("map --base past --max-depth: exit %d, stderr %q; want exit 2 naming the base", code, errs)
	}
	if code, _, errs := runCmd(nil, "map", "--to", "odm", "--base", doc, shallow); code == 2 {
		t.Errorf("map --base within the limits: exit 2: %s", errs)
	}
}

// TestJSONLimitErrorsKeepTheirPlace: an error of the JSON form's own reader (its nesting
// and input-size limits) is placed in the JSON, and the command prints that place, the
// one odm.JSONToODM gives. The command took every such error that was not of kind
// odm.ErrJSON for an error placed in the XML the JSON is read as, looked its line up
// among the XML's, and printed no position (the line of a compact JSON form is no line
// of its XML) or a wrong one.
func TestJSONLimitErrorsKeepTheirPlace(t *testing.T) {
	dir := t.TempDir()
	jsonDoc := filepath.Join(dir, "htn.json")
	if code, _, errs := runCmd(nil, "convert", "--to", "json", "-o", jsonDoc, filepath.Join("..", "..", "testdata", "inform", "htn-demo.xml")); code != 0 {
		t.Fatalf("convert to the JSON form: exit %d: %s", code, errs)
	}
	data, err := os.ReadFile(jsonDoc)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		flag   string
		value  int
		ro     odm.ReadOptions
		reason string
	}{
		{"--max-depth", 3, odm.ReadOptions{MaxDepth: 3}, "a User's children are deeper than 3: the JSON reader's own depth check"},
		{"--max-input", 100, odm.ReadOptions{MaxInputBytes: 100}, "the JSON reader counts the input: the 101st byte"},
	}
	for _, c := range cases {
		c.ro.Name = jsonDoc
		_, lerr := odm.JSONToODM(io.Discard, bytes.NewReader(data), c.ro, odm.WriteOptions{})
		var oe *odm.Error
		if !errors.As(lerr, &oe) || oe.Line == 0 {
			t.Fatalf("%s: the library's error %v has no place (%s)", c.flag, lerr, c.reason)
		}
		want := fmt.Sprintf("%s:%d:%d: ", jsonDoc, oe.Line, oe.Col)
		for _, args := range [][]string{
			{"convert", c.flag, strconv.Itoa(c.value), "--to", "odm", jsonDoc},
			{"map", c.flag, strconv.Itoa(c.value), "--to", "json", jsonDoc},
			{"check", c.flag, strconv.Itoa(c.value), jsonDoc},
			{"diff", c.flag, strconv.Itoa(c.value), jsonDoc, jsonDoc},
		} {
			code, _, errs := runCmd(nil, args...)
			if code != 2 || !strings.Contains(errs, want) {
				t.Errorf("%v (%s): exit %d, stderr %q; want exit 2 and the library's place %q", args, c.reason, code, errs, want)
			}
		}
	}
}
