package mapping

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/odmadmin/odmadmin/odm"
)

// sharedUser is a User of a sharedLoginCase: its OID, login ("" for none) and the
// AdminData block (of study ST.LOGIN) it is listed in.
type sharedUser struct {
	oid, login string
	block      int
}

// sharedLoginCase is a set of users written into each table, and the users each table
// reports as written under the login of a user before them: how many, and the first.
type sharedLoginCase struct {
	name, why string
	users     []sharedUser
	// The users reported by the template as CSV, as a workbook, and by the OpenClinica 4
	// table: how many, and the first.
	csv, xlsx, oc4 shared
	// merges: the merge of several files (MergeStream, map with several inputs) makes
	// the users the tables report one user (it matches people by login, letter case
	// aside), so that written from a merge they are not reported (the merge is).
	merges bool
}

type shared struct {
	n     int
	first string
}

// sharedControl are two users written under one login, listed last in every case's
// document, which every table reports whatever else the case holds (so that a case of
// none fails where nothing is reported at all): USR.C2 has no login, so its OID is
// written, which is USR.C1's login. No merge makes them one person (an OID and no login
// against a login of another OID), so they are reported on every path. (A login with
// white space around it no longer serves: logins are compared by LoginKey everywhere,
// so the merge takes " ctl" for ctl too.)
var sharedControl = []sharedUser{{"USR.C1", "USR.C2", 0}, {"USR.C2", "", 0}}

// sharedLoginCases are the cases of the table writers' report of a shared login
// (TestTablesReportSharedLogin, cmd/odmadmin's TestMapTablesReportSharedLogin).
func sharedLoginCases() []sharedLoginCase {
	return []sharedLoginCase{
		{name: "none", why: "every user has a login of its own: the control alone is reported",
			users: []sharedUser{{"USR.1", "jdoe", 0}, {"USR.2", "adoe", 0}, {"USR.3", "jdoe2", 0}}},
		{name: "same login twice", why: "USR.2's rows read back as USR.1's (and are one account)",
			users: []sharedUser{{"USR.1", "jdoe", 0}, {"USR.2", "jdoe", 0}, {"USR.3", "jdoe2", 0}},
			csv:   shared{1, "USR.2"}, xlsx: shared{1, "USR.2"}, oc4: shared{1, "USR.2"}, merges: true},
		{name: "differing by case", why: "JDoe is jdoe's account to OpenClinica 4 (usernames are not case sensitive), and both readers key rows by LoginKey, so JDoe's rows read back as jdoe's",
			users: []sharedUser{{"USR.1", "jdoe", 0}, {"USR.2", "JDoe", 0}, {"USR.3", "jdoe2", 0}},
			csv:   shared{1, "USR.2"}, xlsx: shared{1, "USR.2"}, oc4: shared{1, "USR.2"}, merges: true},
		{name: "white space around", why: "both readers trim a cell: \" jdoe \" reads back as jdoe (and the merge, by LoginKey, makes them one)",
			users: []sharedUser{{"USR.1", "jdoe", 0}, {"USR.2", " jdoe ", 0}},
			csv:   shared{1, "USR.2"}, xlsx: shared{1, "USR.2"}, oc4: shared{1, "USR.2"}, merges: true},
		{name: "one person in two AdminData blocks", why: "USR.1 (by OID) and USR.3 and USR.8 (by login) are each one user, on one row (one table user), however many blocks list them",
			users: []sharedUser{{"USR.1", "jdoe", 0}, {"USR.3", "jdoe2", 0}, {"USR.1", "jdoe", 1}, {"USR.8", "jdoe2", 1}}},
		{name: "three users of one login", why: "USR.2 and USR.4 each read back as USR.1",
			users: []sharedUser{{"USR.1", "jdoe", 0}, {"USR.2", "jdoe", 0}, {"USR.3", "adoe", 0}, {"USR.4", "jdoe", 0}},
			csv:   shared{2, "USR.2"}, xlsx: shared{2, "USR.2"}, oc4: shared{2, "USR.2"}, merges: true},
		{name: "a User OID written as the login", why: "USR.2 has no login, so its OID is written where USR.1's login is USR.2",
			users: []sharedUser{{"USR.1", "USR.2", 0}, {"USR.2", "", 0}},
			csv:   shared{1, "USR.2"}, xlsx: shared{1, "USR.2"}, oc4: shared{1, "USR.2"}},
		{name: "a login that looks like a formula", why: "in CSV =jdoe is written '=jdoe and the other user's '=jdoe ''=jdoe, and each reads back as itself (csvcell.Restore): two logins, nothing shared; a workbook cell is written as it is",
			users: []sharedUser{{"USR.1", "'=jdoe", 0}, {"USR.2", "=jdoe", 0}}},
	}
}

// doc is the case's document: its users in their blocks, then the control's.
func (tc sharedLoginCase) doc() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="shared-login" CreationDateTime="2026-01-01T00:00:00">
`)
	users := append(append([]sharedUser(nil), tc.users...), sharedControl...)
	for block := 0; ; block++ {
		any := false
		for _, u := range users {
			if u.block != block {
				continue
			}
			if !any {
				b.WriteString("  <AdminData StudyOID=\"ST.LOGIN\">\n")
				any = true
			}
			fmt.Fprintf(&b, "    <User OID=%q>", u.oid)
			if u.login != "" {
				fmt.Fprintf(&b, "<LoginName>%s</LoginName>", xmlText(u.login))
			}
			b.WriteString("<FirstName>Pat</FirstName><LastName>Example</LastName><Email>pat@site.example.org</Email></User>\n")
		}
		if !any {
			break
		}
		b.WriteString("  </AdminData>\n")
	}
	b.WriteString("</ODM>\n")
	return []byte(b.String())
}

func xmlText(s string) string {
	var b strings.Builder
	if err := xml.EscapeText(&b, []byte(s)); err != nil {
		panic(err)
	}
	return b.String()
}

// want is what the table to reports of the case's users and the control, on a path
// that merges (merged) or not.
func (tc sharedLoginCase) want(to string, merged bool) shared {
	w := map[string]shared{"csv": tc.csv, "xlsx": tc.xlsx, "oc4users": tc.oc4}[to]
	if merged && tc.merges {
		w = shared{}
	}
	if w.n == 0 {
		w.first = sharedControl[1].oid
	}
	w.n++
	return w
}

// sharedWarning returns the warning of a shared login in ws, with how many there are.
func sharedWarning(ws []Warning) (Warning, int) {
	var found Warning
	n := 0
	for _, w := range ws {
		if w.Message == sharedUserNameMsg || w.Message == sharedUsernameMsg {
			found = w
			n++
		}
	}
	return found, n
}

// TestTablesReportSharedLogin: the Clinical One template (CSV and workbook) and the
// OpenClinica 4 user table wrote two users of one login as two rows of one User Name or
// Username without a word: read back they are one user, and the target takes them for
// one account. Each user written under a login an earlier user was written under is
// reported now (unrepresentable, CSV/User Name or table/Username, counted, the first
// named by OID), on every path the map command takes: a directory held whole, an ODM
// stream, compact records (directory JSON), several files merged. "The same login" is
// the target's: trimmed, as the cell is written, and for OpenClinica 4 letter case aside.
func TestTablesReportSharedLogin(t *testing.T) {
	now := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	opts := Options{Study: "ST.LOGIN", Now: now}
	other := []byte(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="shared-login-2" CreationDateTime="2026-01-01T00:00:00">
  <AdminData StudyOID="ST.LOGIN"><User OID="USR.9"><LoginName>kdoe</LoginName><FirstName>Ka</FirstName><LastName>Example</LastName></User></AdminData>
</ODM>
`)
	reader := func(p []byte) *odm.Reader { return odm.NewReader(bytes.NewReader(p), odm.ReadOptions{}) }
	for _, tc := range sharedLoginCases() {
		if tc.why == "" {
			t.Fatalf("%s: a case needs its reason", tc.name)
		}
		doc := tc.doc()
		var js bytes.Buffer
		if _, err := WriteJSON(&js, reader(doc), Options{}); err != nil {
			t.Fatal(err)
		}
		for _, to := range []string{"csv", "xlsx", "oc4users"} {
			paths := []struct {
				name   string
				merged bool
				write  func(w io.Writer) ([]Warning, error)
			}{
				{"directory", false, func(w io.Writer) ([]Warning, error) {
					d, _, err := FromReader(reader(doc), Options{})
					if err != nil {
						return nil, err
					}
					switch to {
					case "csv":
						return WriteClinicalOneCSV(w, d, opts)
					case "xlsx":
						return WriteClinicalOneXLSX(w, d, opts)
					}
					return WriteOC4Users(w, d, opts)
				}},
				{"stream", false, func(w io.Writer) ([]Warning, error) {
					open := func() (*odm.Reader, error) { return reader(doc), nil }
					switch to {
					case "csv":
						return WriteClinicalOneCSVFrom(w, open, opts)
					case "xlsx":
						return WriteClinicalOneXLSXFrom(w, open, opts)
					}
					return WriteOC4UsersFrom(w, open, opts)
				}},
				{"compact", false, func(w io.Writer) ([]Warning, error) {
					c, _, err := ReadCompact(bytes.NewReader(js.Bytes()), "d.json", Options{})
					if err != nil {
						return nil, err
					}
					defer c.Close()
					if !c.Compact() {
						return nil, fmt.Errorf("the directory JSON is not held as compact records")
					}
					return c.Write(w, to, opts, ProfileClinicalOne, now)
				}},
				{"merged", true, func(w io.Writer) ([]Warning, error) {
					ms, err := NewMergeStream()
					if err != nil {
						return nil, err
					}
					defer ms.Close()
					for i, p := range [][]byte{doc, other} {
						if _, err := ms.AddODM(fmt.Sprint("part", i), reader(p), Options{}); err != nil {
							return nil, err
						}
					}
					return ms.Write(w, to, opts, ProfileClinicalOne, now)
				}},
			}
			for _, p := range paths {
				t.Run(tc.name+"/"+to+"/"+p.name, func(t *testing.T) {
					ws, err := p.write(io.Discard)
					if err != nil {
						t.Fatal(err)
					}
					want := tc.want(to, p.merged)
					field := "CSV/User Name"
					if to == "oc4users" {
						field = "table/Username"
					}
					got, n := sharedWarning(ws)
					if n != 1 || got.Code != CodeUnrepresentable || got.Field != field || got.Count != want.n || got.Subject != "User "+want.first {
						t.Errorf("%d warnings of a shared login, the last %v; want one, %s %s, of %d users, first User %s (%s)",
							n, got, CodeUnrepresentable, field, want.n, want.first, tc.why)
					}
				})
			}
		}
	}
}
