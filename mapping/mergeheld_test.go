package mapping

import (
	"fmt"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestMergeHeldLinear: the records of one person that follow one another (n users of one
// OID in one AdminData block, each with its own e-mail) are merged into values held until
// another person is merged: the merged person was decoded and encoded again for each
// record, e-mails and all, n²/2 values (16,000 records: 5.8 s of `map --to json`; diff of
// two such files 8.5 s at 8,000). The builder counts the e-mails and the like that merges
// decode, encode and look up. The e-mails come back in reading order, each once, and
// every record's other first name is a merge conflict.
func TestMergeHeldLinear(t *testing.T) {
	const n = 3000
	for _, c := range []struct {
		name  string
		spill bool
		other bool // another person's records between: each switch encodes the held one
	}{
		{"in memory", false, false},
		{"spill file", true, false},
		{"another person every 500 records", false, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var doc strings.Builder
			doc.WriteString(`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2020-01-01T00:00:00Z"><AdminData StudyOID="S1">`)
			for i := range n {
				// Every tenth record repeats an e-mail of the one before: it is not added twice.
				mail := i
				if i%10 == 9 {
					mail = i - 1
				}
				fmt.Fprintf(&doc, `<User OID="U1"><LoginName>aquill</LoginName><FirstName>Ada%d</FirstName><Email>ada%d@example.org</Email></User>`, i, mail)
				if c.other && i%500 == 0 {
					fmt.Fprintf(&doc, `<User OID="U2"><LoginName>bnorr</LoginName><Email>ben%d@example.org</Email></User>`, i)
				}
			}
			doc.WriteString(`</AdminData></ODM>`)
			b, err := readStream(odm.NewReader(strings.NewReader(doc.String()), odm.ReadOptions{}), Options{Profile: ProfileODM}, c.spill)
			if err != nil {
				t.Fatal(err)
			}
			defer b.close()
			// Each e-mail is looked up once, and indexed and encoded a few times.
			bound := 6 * n
			if c.other {
				bound += 2 * n * (n / 500) // each switch decodes and encodes the person whole
			}
			if b.mergeVals > bound {
				t.Errorf("one person on %d records: its merges decoded, encoded and looked up %d values, want at most %d", n, b.mergeVals, bound)
			}
			if b.mergeVals == 0 {
				t.Errorf("nothing counted: the test no longer sees the merges")
			}
			var got []*User
			if err := b.finishEach(func(_ int, u *User) error { got = append(got, u); return nil }); err != nil {
				t.Fatal(err)
			}
			u := got[0]
			if want := n - n/10; len(u.Emails) != want {
				t.Fatalf("%d e-mails, want %d", len(u.Emails), want)
			}
			for k, i := 0, 0; i < n; i++ {
				if i%10 == 9 {
					continue
				}
				if want := fmt.Sprintf("ada%d@example.org", i); u.Emails[k] != want {
					t.Fatalf("e-mail %d is %q, want %q: not in reading order", k, u.Emails[k], want)
				}
				k++
			}
			if u.GivenName != "Ada0" {
				t.Errorf("first name %q, want the first record's", u.GivenName)
			}
			var conflicts int
			for _, w := range b.w.result() {
				if w.Code == CodeMergeConflict && w.Field == "User/GivenName" {
					conflicts += w.Count
				}
			}
			if conflicts != n-1 {
				t.Errorf("%d first-name conflicts, want %d", conflicts, n-1)
			}
		})
	}
}
