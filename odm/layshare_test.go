package odm

import (
	"io"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// layShareDoc is an ODM document with one user per body (the content of its User element).
func layShareDoc(bodies ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:v="urn:vendor" FileOID="F" CreationDateTime="2026-01-05T10:00:00Z" ODMVersion="1.3" FileType="Snapshot">` + "\n  <AdminData>\n")
	for i, body := range bodies {
		b.WriteString(`    <User OID="U` + string(rune('A'+i)) + `">` + body + "</User>\n")
	}
	b.WriteString("  </AdminData>\n</ODM>\n")
	return b.String()
}

// TestLayoutShared: users laid out alike share one copy of their packed layout (in an array
// holding nothing else), users laid out otherwise keep their own, and each still gives its
// own children's positions and writes back byte for byte, with and without Reuse.
func TestLayoutShared(t *testing.T) {
	const (
		two   = "\n      <LoginName>a</LoginName>\n      <Email>a@example.org</Email>\n    "
		three = "\n      <LoginName>a</LoginName>\n      <Email>a@example.org</Email>\n      <Phone>1</Phone>\n    "
		tabs  = "\n\t<LoginName>a</LoginName>\n\t<Email>a@example.org</Email>\n    "
		ext   = "\n      <LoginName>a</LoginName>\n      <v:x/>\n      <Email>a@example.org</Email>\n    "
	)
	// Each user's layout is shared with the users of the same letter, and only with them;
	// the first user of a layout keeps a copy of its own (a layout that comes once is
	// copied into its record's memory as before), the later ones share one.
	tests := []struct {
		name, reason string
		bodies       []string
		shape        string
	}{
		{"alike", "the same children on the same relative lines pack alike", []string{two, two, two}, "aaa"},
		{"one more child", "a third child is another layout", []string{two, three, two, three}, "abab"},
		{"indentation", "tabs pack to other white space codes", []string{two, tabs, tabs, two}, "abba"},
		{"vendor node", "a vendor child between standard ones is an entry of its own", []string{ext, two, ext}, "aba"},
		{"same lines elsewhere", "a user on more lines than its neighbours", []string{two, "\n" + two, two}, "aba"},
	}
	for _, tc := range tests {
		for _, reuse := range []bool{false, true} {
			t.Run(tc.name, func(t *testing.T) {
				in := layShareDoc(tc.bodies...)
				r := NewReader(strings.NewReader(in), ReadOptions{Reuse: reuse})
				var lays [][]byte
				var children [][]Child
				for {
					n, err := r.Next()
					if err == io.EOF {
						break
					}
					require.NoError(t, err, tc.reason)
					if u, ok := n.(*User); ok {
						lays = append(lays, u.src.lay)
						children = append(children, u.Children())
						r.Keep()
					}
				}
				require.Len(t, lays, len(tc.bodies), tc.reason)
				firstOf := map[byte]int{}
				for i := range lays {
					if _, seen := firstOf[tc.shape[i]]; !seen {
						firstOf[tc.shape[i]] = i
					}
				}
				for i := range lays {
					for j := range i {
						if firstOf[tc.shape[i]] == i || firstOf[tc.shape[j]] == j {
							require.NotSame(t, unsafe.SliceData(lays[i]), unsafe.SliceData(lays[j]), "%s: users %d and %d (reuse %v)", tc.reason, j, i, reuse)
							continue
						}
						same := unsafe.SliceData(lays[i]) == unsafe.SliceData(lays[j])
						require.Equal(t, tc.shape[i] == tc.shape[j], same, "%s: users %d and %d (reuse %v)", tc.reason, j, i, reuse)
						if same {
							require.Equal(t, len(lays[i]), cap(lays[i]), "a shared layout's array holds more")
						}
					}
				}
				// The positions are each user's own: user i stands on its own lines.
				for i, ch := range children {
					require.NotEmpty(t, ch)
					for j := range i {
						if len(children[j]) > 0 {
							require.Greater(t, ch[0].Line, children[j][0].Line, "user %d's first child", i)
						}
					}
				}
				doc, err := Decode(strings.NewReader(in), ReadOptions{})
				require.NoError(t, err)
				require.Equal(t, in, encodeDoc(t, doc), tc.reason)
			})
		}
	}
}
