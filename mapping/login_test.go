package mapping

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestLoginKey: the one rule every path compares logins by.
func TestLoginKey(t *testing.T) {
	for _, tc := range []struct {
		a, b   string
		same   bool
		reason string
	}{
		{"jdoe", "JDoe", true, "OpenClinica 4 takes usernames in any letter case"},
		{" jdoe\t", "jdoe", true, "the table readers trim a cell, so an ODM login must be trimmed too"},
		{"ÉLODIE", "élodie", true, "letter case beyond ASCII, as strings.ToLower maps it"},
		{"jdoe", "j doe", false, "white space inside a login is part of it"},
		{"jdoe", "jdoe2", false, "a different login"},
	} {
		if got := LoginKey(tc.a) == LoginKey(tc.b); got != tc.same {
			t.Errorf("LoginKey(%q) == LoginKey(%q): %v, want %v (%s)", tc.a, tc.b, got, tc.same, tc.reason)
		}
	}
}

// loginDoc is an ODM file with one person in two AdminData blocks, under two OIDs (as
// exports of one person per study give) and the logins first and second.
func loginDoc(first, second string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F.LOGIN" CreationDateTime="2026-01-01T00:00:00">
  <AdminData StudyOID="ST.A">
    <User OID="USR.1"><LoginName>` + first + `</LoginName><FirstName>Pat</FirstName><LastName>Example</LastName></User>
  </AdminData>
  <AdminData StudyOID="ST.B">
    <User OID="USR.9"><LoginName>` + second + `</LoginName><FirstName>Pat</FirstName><LastName>Example</LastName></User>
  </AdminData>
</ODM>
`
}

// TestLoginIdentityEveryPath: jdoe and JDoe are one person on every path that reads or
// merges users, reported once as a merge-conflict that names no login. Before LoginKey,
// one file's blocks were merged by the login as written (two users, no word), the OpenClinica 4
// table and the template keyed rows by the login as written (two users), and the merge
// of files lower-cased logins without trimming them (" jdoe" and jdoe two people).
func TestLoginIdentityEveryPath(t *testing.T) {
	const c1Header = "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n"
	const oc4Header = "First,Last,Username,Email,Organization,Phone,Role,Type,Status,Created (UTC),Updated (UTC)\n"
	readODM := func(src string) func() (*Directory, []Warning, error) {
		return func() (*Directory, []Warning, error) {
			return FromReader(odm.NewReader(strings.NewReader(src), odm.ReadOptions{}), Options{})
		}
	}
	decodeODM := func(src string) func() (*Directory, []Warning, error) {
		return func() (*Directory, []Warning, error) {
			doc, err := odm.Decode(strings.NewReader(src), odm.ReadOptions{})
			if err != nil {
				return nil, nil, err
			}
			return FromDocument(doc, Options{})
		}
	}
	readAny := func(src string, opts Options) func() (*Directory, []Warning, error) {
		return func() (*Directory, []Warning, error) { return ReadAny(strings.NewReader(src), "in", opts) }
	}
	readCompact := func(src string, opts Options) func() (*Directory, []Warning, error) {
		return func() (*Directory, []Warning, error) {
			c, ws, err := ReadCompact(strings.NewReader(src), "in", opts)
			if err != nil {
				return nil, nil, err
			}
			defer c.Close()
			d, err := c.Each(func(u *User) *User { return u })
			return d, ws, err
		}
	}
	merge := func(a, b string) func() (*Directory, []Warning, error) {
		return func() (*Directory, []Warning, error) {
			da, _, err := ReadAny(strings.NewReader(a), "a.xml", Options{})
			if err != nil {
				return nil, nil, err
			}
			db, _, err := ReadAny(strings.NewReader(b), "b.xml", Options{})
			if err != nil {
				return nil, nil, err
			}
			d, ws := MergeNamed([]string{"a.xml", "b.xml"}, da, db)
			return d, ws, nil
		}
	}
	mergeStream := func(a, b string) func() (*Directory, []Warning, error) {
		return func() (*Directory, []Warning, error) {
			s, err := NewMergeStream()
			if err != nil {
				return nil, nil, err
			}
			defer s.Close()
			for i, src := range []string{a, b} {
				if _, err := s.AddODM(fmt.Sprint("f", i), odm.NewReader(strings.NewReader(src), odm.ReadOptions{}), Options{}); err != nil {
					return nil, nil, err
				}
			}
			d := &Directory{}
			for u := range s.Users() {
				d.Users = append(d.Users, u)
			}
			return d, s.Warnings(), s.Err()
		}
	}
	// oneBlock is a file of one AdminData, of study, listing login under oid.
	oneBlock := func(study, oid, login string) string {
		src := strings.Replace(loginDoc(login, ""), `<AdminData StudyOID="ST.B">
    <User OID="USR.9"><LoginName></LoginName><FirstName>Pat</FirstName><LastName>Example</LastName></User>
  </AdminData>
`, "", 1)
		return strings.NewReplacer("USR.1", oid, "ST.A", study).Replace(src)
	}
	oc4 := oc4Header +
		"Pat,Example,jdoe,pat@site.example.org,Demo CRO,,Data Manager,User,Available,10-May-2025 10:00,10-May-2025 10:00\n" +
		"Pat,Example,JDoe,pat@site.example.org,Demo CRO,,Study Monitor,User,Available,10-May-2025 10:00,10-May-2025 10:00\n"
	c1 := c1Header +
		"Pat,Example,pat@site.example.org,jdoe,01-Jan-2026,,Data Manager,All,All\n" +
		"Pat,Example,pat@site.example.org,JDoe,01-Jan-2026,,Monitor,All,All\n"
	for _, tc := range []struct {
		name, reason string
		read         func() (*Directory, []Warning, error)
		field        string // the merge-conflict warning's field
		assignments  int
	}{
		{"blocks streamed", "one file's AdminData blocks, read as a stream (map --to json, csv)",
			readODM(loginDoc("JDoe", "jdoe")), "User/Login", 2},
		{"blocks decoded", "one file's AdminData blocks, decoded whole",
			decodeODM(loginDoc("JDoe", "jdoe")), "User/Login", 2},
		{"files merged", "two files (MergeNamed); the trimmed login is the same too",
			merge(oneBlock("ST.A", "USR.1", "JDoe"), oneBlock("ST.B", "USR.9", " jdoe")), "User/Login", 2},
		{"files merged as a stream", "two files (MergeStream, map with several inputs)",
			mergeStream(oneBlock("ST.A", "USR.1", "JDoe"), oneBlock("ST.B", "USR.9", " jdoe")), "User/Login", 2},
		{"OpenClinica 4 table", "OpenClinica 4 takes usernames in any letter case: one account, two roles",
			readAny(oc4, Options{Study: "S1"}), "table/Username", 2},
		{"OpenClinica 4 table compact", "the same table read into compact records",
			readCompact(oc4, Options{Study: "S1"}), "table/Username", 2},
		{"Clinical One template", "the template's rows by one rule with the rest",
			readAny(c1, Options{Study: "S1"}), "CSV/User Name", 2},
		{"Clinical One template compact", "the same template read into compact records",
			readCompact(c1, Options{Study: "S1"}), "CSV/User Name", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, ws, err := tc.read()
			if err != nil {
				t.Fatal(err)
			}
			var logins []string
			for _, u := range d.Users {
				logins = append(logins, u.Login)
			}
			if len(d.Users) != 1 {
				t.Fatalf("users %q, want one person (%s)", logins, tc.reason)
			}
			if n := len(d.Users[0].Assignments); n != tc.assignments {
				t.Errorf("%d assignments, want %d: both spellings' access (%s)", n, tc.assignments, tc.reason)
			}
			found := 0
			for _, w := range ws {
				for _, l := range []string{"jdoe", "JDoe"} {
					if strings.Contains(w.Message, l) || strings.Contains(w.Subject, l) {
						t.Errorf("warning names a login: %v", w)
					}
				}
				if w.Code == CodeMergeConflict && w.Field == tc.field {
					found += w.Count
				}
			}
			if found != 1 {
				t.Errorf("%d merge-conflict warnings of %s, want 1: the other spelling is reported (%s); warnings %v", found, tc.field, tc.reason, ws)
			}
		})
	}
}

// TestLoginBlocksWriteBack: a person merged from blocks that spell the login otherwise
// is patched back as read, each block's record with its own spelling (kept as a
// Variant), by Patch and by PatchStream. The records have no OID, so that only the
// login finds their user (patch.go and patchstream.go look such a record's user up by
// LoginKey, as it was merged).
func TestLoginBlocksWriteBack(t *testing.T) {
	src := loginDoc("JDoe", "jdoe")
	src = strings.Replace(strings.Replace(src, ` OID="USR.1"`, "", 1), ` OID="USR.9"`, "", 1)
	d, _, err := FromReader(odm.NewReader(strings.NewReader(src), odm.ReadOptions{}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Users) != 1 {
		t.Fatalf("%d users, want the two records' one person", len(d.Users))
	}
	var whole, streamed bytes.Buffer
	if _, err := Patch(&whole, strings.NewReader(src), d, PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := PatchStream(&streamed, odm.NewReader(strings.NewReader(src), odm.ReadOptions{}),
		func() (io.Reader, error) { return strings.NewReader(src), nil }, PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"Patch": whole.String(), "PatchStream": streamed.String()} {
		for _, l := range []string{"<LoginName>JDoe</LoginName>", "<LoginName>jdoe</LoginName>"} {
			if !strings.Contains(out, l) {
				t.Errorf("%s wrote the document back without %s:\n%s", name, l, out)
			}
		}
	}
}
