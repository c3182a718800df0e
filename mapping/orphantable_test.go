package mapping

import (
	"bytes"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestMergeReportsTableRowsOfNobody: a user table by OID adds logins, e-mails and names
// to the users of the files merged with it. A row whose OID no other file has (a
// mistyped OID) added to nobody and became a user of its own, silently: the value meant
// for a user was not given to it, and a person with nothing but an e-mail appeared. Each
// merge path now reports such rows (dangling-reference, table/OID, naming the table).
func TestMergeReportsTableRowsOfNobody(t *testing.T) {
	const export = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">
  <AdminData StudyOID="S1">
    <User OID="u1"><LoginName>avery.sample</LoginName></User>
    <User OID="u2"><LoginName>blake.sample</LoginName></User>
  </AdminData>
</ODM>
`
	const table = "OID,Email\nu1,avery.sample@example.org\nu9,nobody@example.org\n"
	const table2 = "OID,Login\nu9,nina.sample\n"
	readExport := func(t *testing.T) *Directory {
		d, _, err := FromReader(odm.NewReader(strings.NewReader(export), odm.ReadOptions{}), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	readTable := func(t *testing.T, s string) *Directory {
		d, _, err := ReadAny(strings.NewReader(s), "users.csv", Options{})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	count := func(ws []Warning) (n int, subjects []string) {
		for _, w := range ws {
			if w.Code == CodeDanglingRef && w.Field == "table/OID" {
				n += max(w.Count, 1)
				subjects = append(subjects, w.Subject+" in "+w.File)
			}
		}
		return n, subjects
	}
	cases := []struct {
		name, reason string
		files        []string // "export", "table", "table2"
		want         int
	}{
		{"export then table", "u9 is in the table alone; u1 is the export's", []string{"export", "table"}, 1},
		{"table then export", "the order of the files does not matter: u1 is the export's when it comes later", []string{"table", "export"}, 1},
		{"table alone", "a table read alone is the directory: nothing to add to", []string{"table"}, 0},
		{"two tables", "no file but tables: each row is its own user, as a directory built from tables", []string{"table", "table2"}, 0},
		{"export and two tables", "u9 is in both tables and no export: one user, reported once", []string{"export", "table", "table2"}, 1},
	}
	for _, c := range cases {
		var dirs []*Directory
		var names []string
		for _, f := range c.files {
			switch f {
			case "export":
				dirs, names = append(dirs, readExport(t)), append(names, "export.xml")
			case "table":
				dirs, names = append(dirs, readTable(t, table)), append(names, "users.csv")
			case "table2":
				dirs, names = append(dirs, readTable(t, table2)), append(names, "logins.csv")
			}
		}
		_, ws := MergeNamed(names, dirs...)
		if n, subj := count(ws); n != c.want || (n > 0 && !strings.HasPrefix(subj[0], "User u9 in ")) {
			t.Errorf("MergeNamed, %s (%s): %d reported %v, want %d (User u9)", c.name, c.reason, n, subj, c.want)
		}
		// The streamed merge, each file as the command adds it: the export streamed, a
		// table as compact records.
		s, err := NewMergeStream()
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range c.files {
			switch f {
			case "export":
				if _, err := s.AddODM(names[i], odm.NewReader(strings.NewReader(export), odm.ReadOptions{Reuse: true}), Options{}); err != nil {
					t.Fatal(err)
				}
			default:
				src := table
				if f == "table2" {
					src = table2
				}
				cd, _, err := ReadCompact(bytes.NewReader([]byte(src)), names[i], Options{})
				if err != nil {
					t.Fatal(err)
				}
				if err := s.AddCompact(names[i], cd); err != nil {
					t.Fatal(err)
				}
				cd.Close()
			}
		}
		ws = s.Warnings()
		if n, subj := count(ws); n != c.want || (n > 0 && subj[0] != "User u9 in users.csv") {
			t.Errorf("MergeStream, %s (%s): %d reported %v, want %d (User u9 in users.csv)", c.name, c.reason, n, subj, c.want)
		}
		if n, _ := count(s.Warnings()); n != c.want {
			t.Errorf("MergeStream, %s: a second Warnings reports %d, want %d (once)", c.name, n, c.want)
		}
		s.Close()
	}
}
