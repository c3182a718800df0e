package mapping

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

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

// TestOC4RoleTimes: the study table gives each role of an account its own Created (UTC)
// and Updated (UTC); written back, each role's row has its own, not the account's first
// row's Updated and a Created cut to midnight with a warning that the time is unknown.
func TestOC4RoleTimes(t *testing.T) {
	const (
		head = "First,Last,Username,Email,Organization,Phone,Role,Type,Status,Created (UTC),Updated (UTC)\n"
		inv  = "Lee,Fictus,lfictus,lee@example.org,IC,555-1234,Investigator,User,Available,22-May-2025 11:14,22-May-2025 11:14\n"
		crc  = "Lee,Fictus,lfictus,lee@example.org,IC,555-1234,Clinical Research Coordinator,User,Available,19-May-2025 13:40,11-Sep-2025 12:15\n"
		// The same role on the same day, at another time, in a second file.
		crc2 = "Lee,Fictus,lfictus,lee@example.org,IC,555-1234,Clinical Research Coordinator,User,Available,19-May-2025 09:00,12-Sep-2025 08:00\n"
	)
	read := func(src string) *Directory {
		d, _, err := ReadAny(strings.NewReader(src), "oc4.csv", Options{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	direct := func(src string) *Directory { return read(src) }
	viaJSON := func(src string) *Directory {
		b, err := json.Marshal(read(src))
		if err != nil {
			t.Fatal(err)
		}
		d, _, err := ReadAny(bytes.NewReader(b), "dir.json", Options{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	write := func(d *Directory) (string, []Warning) {
		var buf bytes.Buffer
		ws, err := WriteOC4Users(&buf, d, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return buf.String(), ws
	}
	compact := func(src string) (string, []Warning) {
		c, _, err := ReadCompact(strings.NewReader(src), "oc4.csv", Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		var buf bytes.Buffer
		ws, err := c.Write(&buf, "oc4users", Options{}, ProfileOC4Users, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return buf.String(), ws
	}
	for _, tc := range []struct {
		reason string
		out    func() (string, []Warning)
		want   string
	}{
		{"two roles on two rows: each row its own times",
			func() (string, []Warning) { return write(direct(head + inv + crc)) }, head + inv + crc},
		{"the second role first: the first row's times are the account's, the other role's its own",
			func() (string, []Warning) { return write(direct(head + crc + inv)) }, head + crc + inv},
		{"through directory JSON the roles' times come back",
			func() (string, []Warning) { return write(viaJSON(head + inv + crc)) }, head + inv + crc},
		{"read as compact records (map's streamed path), the roles' times come back",
			func() (string, []Warning) { return compact(head + inv + crc) }, head + inv + crc},
	} {
		got, ws := tc.out()
		if strings.ReplaceAll(got, "\r\n", "\n") != tc.want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", tc.reason, got, tc.want)
		}
		for _, w := range ws {
			if w.Code == CodeGenerated {
				t.Errorf("%s: a time is made up although the table has it: %v", tc.reason, w)
			}
		}
	}

	// Two files that give one role other times: the first file's are kept, and the
	// other's are a conflict, not a silent choice.
	d, ws := MergeNamed([]string{"a.csv", "b.csv"}, read(head+inv+crc), read(head+inv+crc2))
	found := false
	for _, w := range ws {
		found = found || w.Code == CodeMergeConflict && w.Field == "User/@{"+NSOC4Users+"}RoleTimes"
	}
	if !found {
		t.Errorf("one role's two times in two files: no merge conflict: %v", ws)
	}
	if got, _ := write(d); strings.ReplaceAll(got, "\r\n", "\n") != head+inv+crc {
		t.Errorf("merged: the first file's times are not kept:\n%s", got)
	}
}
