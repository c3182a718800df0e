package mapping

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// bytesWritten returns the bytes this process has handed to write calls so far (Linux's
// /proc/self/io wchar): WriteODMStream writes nothing else through the system than its
// temporary files when its output is in memory.
func bytesWritten(t *testing.T) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/io")
	if err != nil {
		t.Skipf("no /proc/self/io: %v", err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "wchar: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Skip("no wchar in /proc/self/io")
	return 0
}

// TestWriteODMStreamOneBlockSpillsOnce counts the bytes WriteODMStream writes to its
// temporary files for a generated InForm export of one study written into another flavour
// of one AdminData (map --to odm2): the builder's records, some a quarter of the
// document, and no longer every user encoded again into a second file to be read back
// (some 600 bytes a user, 62% of the document, before: 0.88 of it in all). Into
// OpenClinica, whose site studies are made from every user's assignments before any user
// is written, the users still go to the second file: that case shows the count sees it.
// The outputs are held to WriteODM's by TestWriteODMStreamSameAsWriteODM.
func TestWriteODMStreamOneBlockSpillsOnce(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts writes through /proc/self/io")
	}
	const n = 4000
	var doc bytes.Buffer
	if err := gen.InForm(&doc, n); err != nil {
		t.Fatal(err)
	}
	written := func(p Profile) int64 {
		var out bytes.Buffer
		before := bytesWritten(t)
		if _, err := WriteODMStream(&out, odm.NewReader(bytes.NewReader(doc.Bytes()), odm.ReadOptions{}), p, Options{}, odm.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		w := bytesWritten(t) - before
		if out.Len() < n*100 {
			t.Fatalf("%s: wrote %d bytes for %d users", p, out.Len(), n)
		}
		return w
	}
	for _, p := range []Profile{ProfileODM2, ProfileODM, ProfileRave} {
		w := written(p)
		t.Logf("into %s: %d bytes to temporary files, %.2f of the document", p, w, float64(w)/float64(doc.Len()))
		if w > int64(doc.Len())*4/10 {
			t.Errorf("into %s: %d bytes to temporary files for a document of %d (%.2f of it), want at most 0.4 (the builder's records alone)", p, w, doc.Len(), float64(w)/float64(doc.Len()))
		}
	}
	if w := written(ProfileOpenClinica); w < int64(doc.Len())*5/10 {
		t.Errorf("into OpenClinica: %d bytes to temporary files for a document of %d, expected the users spilled again (over 0.5 of it)", w, doc.Len())
	}
}

// TestDirectWritePlan: the direct write is taken where the one AdminData is known before
// the users (one study's blocks; a block without StudyOID or no users at all, the file's
// one study named by its sites' versions), and not where there are two studies, or the
// flavour makes its blocks from the assignments (OpenClinica) or writes the records back
// in their order (the flavour read); each output and its warnings are WriteODM's.
func TestDirectWritePlan(t *testing.T) {
	users := idOnlyUsers(30)
	noSite := append([]informUser(nil), users...)
	for i := range noSite {
		if i%2 == 0 {
			noSite[i].site = ""
		}
	}
	for _, c := range []struct {
		name   string
		doc    []byte
		p      Profile
		direct bool
	}{
		{"one study", editedInForm([]string{"EDIT-A"}, [][]informUser{users}), ProfileODM2, true},
		{"one study into Rave", editedInForm([]string{"EDIT-A"}, [][]informUser{users}), ProfileRave, true},
		{"two blocks of one study", editedInForm([]string{"EDIT-A", "EDIT-A"}, [][]informUser{users[:10], users[10:]}), ProfileODM2, true},
		{"users without a site", editedInForm([]string{"EDIT-A"}, [][]informUser{noSite}), ProfileODM, true},
		{"a block without StudyOID", editedInForm([]string{"-"}, [][]informUser{users}), ProfileODM2, true},
		{"no users", editedInForm([]string{"EDIT-A"}, [][]informUser{nil}), ProfileODM2, true},
		{"two studies", editedInForm([]string{"EDIT-A", "EDIT-B"}, [][]informUser{users[:10], users[10:]}), ProfileODM2, false},
		{"into OpenClinica", editedInForm([]string{"EDIT-A"}, [][]informUser{users}), ProfileOpenClinica, false},
		{"into its own flavour", editedInForm([]string{"EDIT-A"}, [][]informUser{users}), ProfileInForm, false},
	} {
		b, err := readStream(odm.NewReader(bytes.NewReader(c.doc), odm.ReadOptions{}), Options{}, true)
		if err != nil {
			t.Fatal(err)
		}
		d := newDirectWrite(b, c.p, Options{})
		b.close()
		if (d != nil) != c.direct {
			t.Errorf("%s: direct write %v, want %v", c.name, d != nil, c.direct)
		}
		writeBoth(t, c.name, c.doc, c.p, Options{})
	}
}

// TestDirectWriteAllocsPerUser: writing a generated InForm user into ODM 2.0 through the
// direct write makes its record, Telecoms, Addresses and the writer's lists for it in the
// memory of the user before (freshUser): 18.9 allocations a user before, 6.9 now (most
// of them the builder's and the warnings' strings).
func TestDirectWriteAllocsPerUser(t *testing.T) {
	allocs := func(n int) float64 {
		var doc bytes.Buffer
		if err := gen.InForm(&doc, n); err != nil {
			t.Fatal(err)
		}
		data := doc.Bytes()
		return testing.AllocsPerRun(2, func() {
			r := odm.NewReader(bytes.NewReader(data), odm.ReadOptions{Reuse: true, ValuesOnly: true})
			if _, err := WriteODMStream(io.Discard, r, ProfileODM2, Options{}, odm.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
		})
	}
	const small, large = 1000, 3000
	perUser := (allocs(large) - allocs(small)) / (large - small)
	t.Logf("%.1f allocations a user", perUser)
	if perUser > 10 {
		t.Errorf("%.1f allocations a user written, want at most 10", perUser)
	}
}
