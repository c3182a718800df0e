package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/odm"
)

// patchStreamWork runs PatchStream of doc, the document read again being again (nil: doc
// itself), and returns its output, warnings, error and work.
func patchStreamWork(doc, again []byte, opts PatchOptions) ([]byte, []Warning, error, patchWork) {
	if again == nil {
		again = doc
	}
	var work patchWork
	opts.work = &work
	var out bytes.Buffer
	ws, err := PatchStream(&out, odm.NewReader(bytes.NewReader(doc), odm.ReadOptions{}), func() (io.Reader, error) {
		return bytes.NewReader(again), nil
	}, opts)
	return out.Bytes(), ws, err, work
}

// idOnlyUsers are n InForm users of distinct OIDs in one study's block.
func idOnlyUsers(n int) []informUser {
	var us []informUser
	for i := range n {
		us = append(us, informUser{oid: fmt.Sprintf("U%04d", i), login: fmt.Sprintf("user%04d", i), given: "Ana", family: "Example",
			site: fmt.Sprintf("S%d", 1+i%3), group: fmt.Sprintf("G%d", 1+i%2)})
	}
	return us
}

// TestPatchStreamSpillsIDOnly counts what PatchStream writes to its temporary file for a
// document patched into itself (Reread, as map --to odm has it): of a user whose record
// the second pass copies as read it reads back nothing but the ID, so the ID is all that
// is written (some 6 bytes a user here; the whole encoding, some 150, before). A person
// read from two records, a user without OID (found by login), a document without Reread
// and one with a block of no StudyOID still have their users spilled whole; the output
// and warnings are Patch's in each case.
func TestPatchStreamSpillsIDOnly(t *testing.T) {
	const n = 200
	users := idOnlyUsers(n)
	idBytes := 0
	for _, u := range users {
		idBytes += 1 + len(u.oid)
	}
	merged := append(append([]informUser(nil), users...), informUser{oid: "U0007", login: "user0007", given: "Ana", family: "Example", site: "S3", group: "G2"})
	noOID := append(append([]informUser(nil), users...), informUser{login: "nooid", given: "Ben", family: "Example", site: "S1", group: "G1"})
	for _, c := range []struct {
		name   string
		doc    []byte
		reread bool
		whole  int // users spilled whole
	}{
		{"unchanged", editedInForm([]string{"EDIT-A"}, [][]informUser{users}), true, 0},
		{"two blocks", editedInForm([]string{"EDIT-A", "EDIT-B"}, [][]informUser{users[:n/2], users[n/2:]}), true, 0},
		{"a merged person", editedInForm([]string{"EDIT-A"}, [][]informUser{merged}), true, 1},
		{"a user without OID", editedInForm([]string{"EDIT-A"}, [][]informUser{noOID}), true, 1},
		{"without Reread", editedInForm([]string{"EDIT-A"}, [][]informUser{users}), false, n},
		{"a block without StudyOID", editedInForm([]string{"EDIT-A", "-"}, [][]informUser{users, nil}), true, n},
	} {
		opts := PatchOptions{Reread: c.reread}
		want := patchBoth(t, c.name, c.doc, c.doc, opts)
		out, _, err, work := patchStreamWork(c.doc, nil, opts)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !bytes.Equal(out, want) {
			t.Errorf("%s: the output differs from Patch's:\n%s", c.name, cmp.Diff(string(want), string(out)))
		}
		if work.whole != c.whole {
			t.Errorf("%s: %d users spilled whole, want %d", c.name, work.whole, c.whole)
		}
		if c.whole == 0 && work.spilled != int64(idBytes) {
			t.Errorf("%s: %d bytes spilled for %d users, want their IDs' %d", c.name, work.spilled, n, idBytes)
		}
		if c.whole == n && work.spilled < int64(100*n) {
			t.Errorf("%s: %d bytes spilled for %d users spilled whole; the bound above tests nothing", c.name, work.spilled, n)
		}
	}
}

// TestPatchStreamIDOnlyDecodedRecords: the records of users spilled as their ID alone
// that odm.TransformRaw cannot copy as read (line ends of CR LF, an attribute in single
// quotes: forms the encoder does not write) are decoded and written as read, as Patch
// writes them, and the warnings are Patch's.
func TestPatchStreamIDOnlyDecodedRecords(t *testing.T) {
	users := idOnlyUsers(20)
	plain := editedInForm([]string{"EDIT-A"}, [][]informUser{users})
	for _, c := range []struct {
		name string
		doc  []byte
	}{
		{"CR LF", bytes.ReplaceAll(plain, []byte("\n"), []byte("\r\n"))},
		{"single quotes", bytes.ReplaceAll(plain, []byte(`UserType="Investigator"`), []byte(`UserType='Investigator'`))},
	} {
		want := patchBoth(t, c.name, c.doc, c.doc, PatchOptions{Reread: true})
		decoded := -1
		out, ws, err, work := patchStreamWork(c.doc, nil, PatchOptions{Reread: true, decoded: &decoded})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if work.whole != 0 || decoded != len(users) {
			t.Errorf("%s: %d users spilled whole, %d records decoded, want none and %d: the case tests nothing", c.name, work.whole, decoded, len(users))
		}
		if !bytes.Equal(out, want) {
			t.Errorf("%s: the output differs from Patch's:\n%s", c.name, cmp.Diff(string(want), string(out)))
		}
		_, wantWs, wantErr, _ := patchStreamWork(c.doc, nil, PatchOptions{})
		if wantErr != nil || !reflect.DeepEqual(ws, wantWs) {
			t.Errorf("%s: warnings %v, without Reread %v (%v)", c.name, ws, wantWs, wantErr)
		}
	}
}

// TestPatchStreamRereadChanged: a document read again (Reread) that is not the one read
// first, so that the second pass would need a user it spilled as its ID alone (a second
// record of its OID, or none), is refused with errRereadChanged, not written from a user
// it does not have. Before, such a user's record was written from the user kept whole.
func TestPatchStreamRereadChanged(t *testing.T) {
	users := idOnlyUsers(10)
	doc := editedInForm([]string{"EDIT-A"}, [][]informUser{users})
	twice := editedInForm([]string{"EDIT-A"}, [][]informUser{append(append([]informUser(nil), users...), users[3])})
	fewer := editedInForm([]string{"EDIT-A"}, [][]informUser{append(append([]informUser(nil), users[:3]...), users[4:]...)})
	moved := editedInForm([]string{"EDIT-A", "-"}, [][]informUser{users[:5], users[5:]})
	for _, c := range []struct {
		name  string
		again []byte
		user  string
	}{
		{"a second record", twice, "U0003"},
		{"a record left out", fewer, "U0003"},
		{"records moved to a block without StudyOID", moved, "U0005"},
	} {
		_, _, err, _ := patchStreamWork(doc, c.again, PatchOptions{Reread: true})
		if !errors.Is(err, errRereadChanged) || !strings.Contains(fmt.Sprint(err), `"`+c.user+`"`) {
			t.Errorf("%s: error %v, want %v naming %s", c.name, err, errRereadChanged, c.user)
		}
	}
	// The same document read again is no change.
	if _, _, err, _ := patchStreamWork(twice, nil, PatchOptions{Reread: true}); err != nil {
		t.Errorf("a person listed twice, read again: %v", err)
	}
}

// TestPatchStreamIDOnlyFixtures: PatchStream of each fixture into itself writes Patch's
// output, some users spilled as their ID alone; an ODM 2.0 document, whose records are
// never copied undecoded, has all its users spilled whole.
func TestPatchStreamIDOnlyFixtures(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	idOnly := 0
	for _, f := range files {
		doc, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dir, _, err := FromReader(odm.NewReader(bytes.NewReader(doc), odm.ReadOptions{}), Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := patchBoth(t, f, doc, doc, PatchOptions{Reread: true})
		out, _, err, work := patchStreamWork(doc, nil, PatchOptions{Reread: true})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !bytes.Equal(out, want) {
			t.Errorf("%s: the output differs from Patch's", f)
		}
		if dir.Source.Version == odm.V20 && work.whole != len(dir.Users) {
			t.Errorf("%s: ODM 2.0: %d of %d users spilled whole", f, work.whole, len(dir.Users))
		}
		idOnly += len(dir.Users) - work.whole
	}
	if idOnly == 0 {
		t.Errorf("no user of the %d fixtures spilled as its ID alone: the test tests nothing", len(files))
	}
}
