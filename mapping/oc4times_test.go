package mapping

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestOC4TimesKept: the OpenClinica 4 table's columns the model has no field for (Type,
// Created (UTC), Updated (UTC), Last Login (UTC)) are kept as the user's vendor attributes:
// through directory JSON back into the table they come back, and every write that has no
// place for one says so (extension-dropped, or unrepresentable for the study table's
// missing Last Login); nothing drops them silently. Two tables that give one account two
// Created times are a merge conflict, not a silent choice.
func TestOC4TimesKept(t *testing.T) {
	const (
		study   = "First,Last,Username,Email,Organization,Phone,Role,Type,Status,Created (UTC),Updated (UTC)\nAda,Fictus,afict,ada@example.org,Clinic,,Data Manager,User,Available,05-Jan-2026 10:30,06-Jan-2026 11:00\n"
		central = "First,Last,Username,E-mail,Roles,Type,Status,Created (UTC),Updated (UTC),Last Login (UTC)\nAda,Fictus,afict,ada@example.org,S1: Data Manager,User,Available,02-Jan-2026 08:00,06-Jan-2026 11:00,08-Mar-2026 12:00\n"
	)
	read := func(name, src string) *Directory {
		d, _, err := ReadAny(strings.NewReader(src), name, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	viaJSON := func(d *Directory) *Directory {
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		return read("dir.json", string(b))
	}
	writeODM := func(p Profile) func(*Directory) (string, []Warning) {
		return func(d *Directory) (string, []Warning) {
			var buf bytes.Buffer
			ws, err := WriteODM(&buf, d, p, Options{}, odm.WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return buf.String(), ws
		}
	}
	oc4 := func(d *Directory) (string, []Warning) {
		var buf bytes.Buffer
		ws, err := WriteOC4Users(&buf, d, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return buf.String(), ws
	}
	c1 := func(d *Directory) (string, []Warning) {
		var buf bytes.Buffer
		ws, err := WriteClinicalOneCSV(&buf, d, Options{Study: "S1"})
		if err != nil {
			t.Fatal(err)
		}
		return buf.String(), ws
	}
	for _, tc := range []struct {
		reason string
		in     *Directory
		write  func(*Directory) (string, []Warning)
		// each value is either in the output or a warning's field names its attribute
		values map[string]string // attribute → value
	}{
		{"study table → JSON → study table: Created and Updated come back", viaJSON(read("oc4.csv", study)), oc4,
			map[string]string{"Created": "05-Jan-2026 10:30", "Updated": "06-Jan-2026 11:00", "Type": "User"}},
		{"central table → JSON → study table: Last Login has no column, reported", viaJSON(read("central.csv", central)), oc4,
			map[string]string{"Created": "02-Jan-2026 08:00", "LastLogin": "08-Mar-2026 12:00"}},
		{"study table → OpenClinica ODM: reported", read("oc4.csv", study), writeODM(ProfileOpenClinica),
			map[string]string{"Created": "05-Jan-2026 10:30", "Updated": "06-Jan-2026 11:00", "Type": "User"}},
		{"central table → Rave ODM: reported", read("central.csv", central), writeODM(ProfileRave),
			map[string]string{"Created": "02-Jan-2026 08:00", "LastLogin": "08-Mar-2026 12:00"}},
		{"study table → ODM 2.0: reported", read("oc4.csv", study), writeODM(ProfileODM2),
			map[string]string{"Created": "05-Jan-2026 10:30", "Updated": "06-Jan-2026 11:00"}},
		{"central table → Clinical One template: reported", read("central.csv", central), c1,
			map[string]string{"Updated": "06-Jan-2026 11:00", "LastLogin": "08-Mar-2026 12:00"}},
	} {
		out, ws := tc.write(tc.in)
		for attr, v := range tc.values {
			if strings.Contains(out, v) {
				continue
			}
			col := map[string]string{"Created": "Created (UTC)", "Updated": "Updated (UTC)", "LastLogin": "Last Login (UTC)", "Type": "Type"}[attr]
			found := false
			for _, w := range ws {
				if strings.HasSuffix(w.Field, "}"+attr) || strings.HasSuffix(w.Field, "/"+col) {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: %s %q is neither written nor reported: %v", tc.reason, attr, v, ws)
			}
		}
	}

	// Merged: the study table's Created (the role's) and the central table's (the
	// account's) differ; the first file's is kept and the other is a conflict.
	_, ws := MergeNamed([]string{"oc4.csv", "central.csv"}, read("oc4.csv", study), read("central.csv", central))
	found := false
	for _, w := range ws {
		if w.Code == CodeMergeConflict && w.Field == "User/@{"+NSOC4Users+"}Created" && strings.Contains(w.Message, "oc4.csv") && w.File == "central.csv" {
			found = true
		}
	}
	if !found {
		t.Errorf("two Created times of one account: no merge conflict naming the files: %v", ws)
	}
}
