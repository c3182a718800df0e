package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/testenv"
)

// placedObject returns the "oid" of the JSON object that starts at line:col of js, and
// whether an object starts there.
func placedObject(js []byte, line, col int) (string, bool) {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(js[off:], '\n')
		if i < 0 {
			return "", false
		}
		off += i + 1
	}
	off += col - 1
	if off >= len(js) || js[off] != '{' {
		return "", false
	}
	var obj struct {
		OID string `json:"oid"`
	}
	if err := json.NewDecoder(bytes.NewReader(js[off:])).Decode(&obj); err != nil {
		return "", false
	}
	return obj.OID, true
}

// jsonFormWithQuirks writes an InForm fixture with an empty Fax, a dangling LocationRef
// and elements out of schema order on the user kwatanabe (a fictitious person of the
// fixture), and its JSON form; it returns the two paths.
func jsonFormWithQuirks(t *testing.T) (xmlPath, jsonPath string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "testdata", "inform", "htn-demo.xml"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	i := strings.Index(s, `<User OID="kwatanabe"`)
	j := i + strings.Index(s[i:], "<Email>")
	s = s[:j] + "<Fax/>\n      <LocationRef LocationOID=\"NOPE\"/>\n      " + s[j:]
	dir := t.TempDir()
	xmlPath, jsonPath = filepath.Join(dir, "quirks.xml"), filepath.Join(dir, "quirks.json")
	if err := os.WriteFile(xmlPath, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	code, js, errs := runCmd(nil, "convert", "--to", "json", "--quiet", xmlPath)
	if code != 0 {
		t.Fatalf("convert: exit %d: %s", code, errs)
	}
	if err := os.WriteFile(jsonPath, []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	return xmlPath, jsonPath
}

// TestJSONFormPlaces: what a command says about the JSON form of an export names places in
// that JSON file: each diagnostic's line:col and each line its message cites is where the
// object of the record it is about starts. Before, they were lines of the XML the JSON
// was converted to as it was read, which no file holds (here: lines past the user's
// object, or in another record's).
func TestJSONFormPlaces(t *testing.T) {
	xmlPath, jsonPath := jsonFormWithQuirks(t)
	js, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	diag := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(jsonPath) + `:(\d+):(\d+): (.*)$`)
	lineRef := regexp.MustCompile(` \(line (\d+)\)`)
	named := regexp.MustCompile(`^\S+ \S+: (?:User|Location) (\S+):`)
	for _, tc := range []struct {
		reason string
		args   []string
		want   int // diagnostics placed in the JSON at least
	}{
		{"the mapping's warnings", []string{"map", "--to", "json", jsonPath}, 3},
		{"the same when the users are written back as ODM (the JSON read twice)", []string{"map", "--to", "odm", jsonPath}, 3},
		{"another output", []string{"map", "--to", "csv", jsonPath}, 3},
		{"check's findings, with lines in their messages", []string{"check", jsonPath}, 4},
		{"check's findings in JSON", []string{"check", "--format", "json", jsonPath}, 0},
		{"diff's reading warnings", []string{"diff", xmlPath, jsonPath}, 3},
		{"several inputs", []string{"map", "--to", "json", jsonPath, xmlPath}, 3},
		{"convert's reading warnings (before, none were reported)", []string{"convert", "--to", "json", jsonPath}, 3},
		{"the same into ODM", []string{"convert", "--to", "odm", jsonPath}, 3},
	} {
		t.Run(strings.Join(tc.args[:2], " "), func(t *testing.T) {
			_, out, errs := runCmd(nil, tc.args...)
			text := errs
			if tc.args[0] == "check" {
				text = out + errs
			}
			placed := 0
			for _, m := range diag.FindAllStringSubmatch(text, -1) {
				line, _ := strconv.Atoi(m[1])
				col, _ := strconv.Atoi(m[2])
				// The record a message names, else the user with the quirks.
				want := "kwatanabe"
				if r := named.FindStringSubmatch(m[3]); r != nil {
					want = r[1]
				}
				oid, ok := placedObject(js, line, col)
				if !ok || oid != want {
					t.Errorf("%s: %s:%d:%d is not the object of %s (an object: %v, oid %q): %s", tc.reason, jsonPath, line, col, want, ok, oid, m[0])
				}
				for _, r := range lineRef.FindAllStringSubmatch(m[3], -1) {
					l, _ := strconv.Atoi(r[1])
					if oid, ok := placedObject(js, l, 1); !ok || oid != want {
						t.Errorf("%s: the message cites line %d, not the object of %s: %s", tc.reason, l, want, m[0])
					}
				}
				placed++
			}
			if tc.args[0] == "check" && tc.args[1] == "--format" {
				var ds []Diagnostic
				if err := json.Unmarshal([]byte(out), &ds); err != nil {
					t.Fatalf("%s: %v\n%s", tc.reason, err, out)
				}
				for _, d := range ds {
					if d.File != jsonPath || d.Line == 0 {
						continue
					}
					if oid, ok := placedObject(js, d.Line, d.Col); !ok || oid == "" {
						t.Errorf("%s: %d:%d is no record's object: %+v", tc.reason, d.Line, d.Col, d)
					}
					placed++
				}
				tc.want = 4
			}
			if placed < tc.want {
				t.Errorf("%s: %d diagnostics placed in %s, want at least %d:\n%s", tc.reason, placed, jsonPath, tc.want, text)
			}
		})
	}
}

// TestJSONFormErrorPlaces: an error in a record of the JSON form names the record's path
// and the place of its object; an error the XML reader meets in the XML the JSON is read
// as is placed in the JSON too, never at a line of that XML.
func TestJSONFormErrorPlaces(t *testing.T) {
	_, jsonPath := jsonFormWithQuirks(t)
	js, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Replace(js, []byte(`"loginName":"kwatanabe"`), []byte(`"loginName":5`), 1)
	if bytes.Equal(bad, js) {
		t.Fatal("the fixture's JSON form no longer has the login to break")
	}
	badPath := filepath.Join(filepath.Dir(jsonPath), "bad.json")
	if err := os.WriteFile(badPath, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	at := regexp.MustCompile(regexp.QuoteMeta(badPath) + `:(\d+):(\d+): odm: invalid ODM JSON: adminData\[0\]\.users\[1\]\.loginName: must be a string`)
	for _, args := range [][]string{
		{"map", "--to", "json", badPath},
		{"convert", "--to", "odm", badPath},
		{"check", badPath},
		{"query", "--xpath", "count(//odm:User)", badPath},
		{"diff", badPath, jsonPath},
	} {
		code, _, errs := runCmd(nil, args...)
		m := at.FindStringSubmatch(errs)
		if code != 2 || m == nil {
			t.Errorf("odmadmin %s: exit %d, want 2 and the error placed at the user's object:\n%s", strings.Join(args, " "), code, errs)
			continue
		}
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		if oid, ok := placedObject(bad, line, col); !ok || oid != "kwatanabe" {
			t.Errorf("odmadmin %s: %d:%d is not the broken user's object: %s", strings.Join(args, " "), line, col, errs)
		}
	}
	// An XML limit met while reading the JSON form's XML: no place in that XML.
	code, _, errs := runCmd(nil, "query", "--max-depth", "3", "--xpath", "count(//*)", jsonPath)
	if code != 2 || strings.Contains(errs, jsonPath+":1:1:") || !strings.Contains(errs, "nest deeper") {
		t.Errorf("query --max-depth 3 of the JSON form: exit %d: %s", code, errs)
	}
}
