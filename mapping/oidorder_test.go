package mapping

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// oidsExport is a plain ODM export of one AdminData block per entry of blocks, each with
// a User per OID, in order; a user's LoginName is its OID and its position, so that two
// records of one person disagree on it.
func oidsExport(blocks ...[]string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="1.3">` + "\n")
	n := 0
	for k, oids := range blocks {
		fmt.Fprintf(&b, "<AdminData StudyOID=\"S%d\">\n", k)
		for _, id := range oids {
			fmt.Fprintf(&b, "<User OID=%q><LoginName>%s-%d</LoginName><DisplayName>Person %s</DisplayName></User>\n", id, id, n, id)
			n++
		}
		b.WriteString("</AdminData>\n")
	}
	b.WriteString("</ODM>\n")
	return b.Bytes()
}

// A builder skips looking OIDs up while they come in order (builder.oidInOrder); a record
// that repeats an earlier OID must still be merged into it, whether it comes right after
// it, after others, once the OIDs are out of order or in a later block. Each case is read
// whole and streamed, and must give the users distinct, one per person, in first-seen
// order, with a merge conflict for each repeat (the logins differ).
func TestOIDsInOrderStillMerge(t *testing.T) {
	cases := []struct {
		name    string
		blocks  [][]string
		users   []string
		repeats int
		ordered bool // the OIDs never leave increasing order: byOID is never filled
	}{
		{"in order, no repeat: no look-up at all", [][]string{{"U1", "U2", "U3", "U4"}}, []string{"U1", "U2", "U3", "U4"}, 0, true},
		{"a repeat of the last OID", [][]string{{"U1", "U2", "U2", "U3"}}, []string{"U1", "U2", "U3"}, 1, false},
		{"a repeat of an earlier OID", [][]string{{"U1", "U2", "U3", "U1", "U4"}}, []string{"U1", "U2", "U3", "U4"}, 1, false},
		{"out of order first, then a repeat", [][]string{{"U5", "U2", "U9", "U5", "U2"}}, []string{"U5", "U2", "U9"}, 2, false},
		{"a repeat long after the order broke", [][]string{{"U1", "U3", "U2", "U4", "U5", "U6", "U3"}}, []string{"U1", "U3", "U2", "U4", "U5", "U6"}, 1, false},
		{"repeats in a later block", [][]string{{"U1", "U2", "U3"}, {"U2", "U4", "U1"}}, []string{"U1", "U2", "U3", "U4"}, 2, false},
		// An absent OID names nobody: two such users of different logins are two people
		// (they were merged, with a login conflict).
		{"an empty OID repeated", [][]string{{"", "U1", ""}}, []string{"", "U1", ""}, 0, false},
	}
	for _, c := range cases {
		in := oidsExport(c.blocks...)
		for _, streamed := range []bool{false, true} {
			name := c.name + map[bool]string{false: " (whole)", true: " (streamed)"}[streamed]
			r := odm.NewReader(bytes.NewReader(in), odm.ReadOptions{})
			b, err := readStream(r, Options{}, streamed)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if n, _ := b.byOID.size(); c.ordered && (n != 0 || len(b.oidFPs) != len(c.users)) {
				t.Errorf("%s: %d OIDs in byOID and %d kept in order, want 0 and %d", name, n, len(b.oidFPs), len(c.users))
			}
			var got []string
			err = b.finishEach(func(_ int, u *User) error {
				got = append(got, u.ID)
				return nil
			})
			b.close()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !slices.Equal(got, c.users) {
				t.Errorf("%s: users %q, want %q", name, got, c.users)
			}
			conflicts := 0
			for _, w := range b.w.result() {
				if w.Code == CodeMergeConflict && w.Field == "User/Login" {
					conflicts += max(1, w.Count)
				}
			}
			if conflicts != c.repeats {
				t.Errorf("%s: %d login conflicts, want %d (%v)", name, conflicts, c.repeats, codes(b.w.result()))
			}
		}
	}
}
