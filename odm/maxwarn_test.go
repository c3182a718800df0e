package odm_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// quirkyUsers is an ODM 1.3 file of n users, each with an empty Fax (one emptyElement
// warning) and, every third, an OID with a trailing space (one oidWhitespace warning).
func quirkyUsers(n int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">
<AdminData>
`)
	for i := range n {
		oid := fmt.Sprintf("U%d", i)
		if i%3 == 0 {
			oid += " "
		}
		fmt.Fprintf(&b, "<User OID=%q><LoginName>u%d</LoginName><Fax/></User>\n", oid, i)
	}
	b.WriteString("</AdminData>\n</ODM>\n")
	return b.String()
}

// kinds counts the warnings of each code and what their summaries stand for.
func kinds(ws []*odm.Error) (kept, more map[odm.WarningCode]int) {
	kept, more = map[odm.WarningCode]int{}, map[odm.WarningCode]int{}
	for _, w := range ws {
		if w.More > 0 {
			more[w.Code] += w.More
		} else {
			kept[w.Code]++
		}
	}
	return kept, more
}

// TestMaxWarnings: a read keeps at most MaxWarnings warnings of each code and counts the
// rest in one warning per code, so that a quirk on every user does not make memory grow
// with the file and no warning goes uncounted.
func TestMaxWarnings(t *testing.T) {
	const users = 1500 // 1500 emptyElement, 500 oidWhitespace
	in := quirkyUsers(users)
	for _, c := range []struct {
		name, reason string
		max          int
		kept, more   map[odm.WarningCode]int
	}{
		{"default", "the default bound (1000 of each code) cuts emptyElement, not oidWhitespace", 0,
			map[odm.WarningCode]int{odm.WarnEmptyElement: 1000, odm.WarnOIDWhitespace: 500},
			map[odm.WarningCode]int{odm.WarnEmptyElement: 500}},
		{"small", "each code is bounded on its own: a noisy one does not hide the other", 10,
			map[odm.WarningCode]int{odm.WarnEmptyElement: 10, odm.WarnOIDWhitespace: 10},
			map[odm.WarningCode]int{odm.WarnEmptyElement: 1490, odm.WarnOIDWhitespace: 490}},
		{"unbounded", "a negative bound keeps every warning", -1,
			map[odm.WarningCode]int{odm.WarnEmptyElement: 1500, odm.WarnOIDWhitespace: 500},
			map[odm.WarningCode]int{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			opts := odm.ReadOptions{Name: "q.xml", MaxWarnings: c.max}
			check := func(how string, ws []*odm.Error) {
				t.Helper()
				kept, more := kinds(ws)
				require.Equal(t, c.kept, kept, "%s: %s: warnings kept", how, c.reason)
				require.Equal(t, c.more, more, "%s: %s: warnings counted", how, c.reason)
				for _, w := range ws {
					if w.More == 0 {
						continue
					}
					require.Zero(t, w.Line, "%s: a summary has no place", how)
					require.Equal(t, "q.xml", w.File, how)
					require.ErrorIs(t, w, odm.ErrQuirk, "%s: a summary wraps its code's sentinel", how)
					require.Contains(t, w.Error(), fmt.Sprintf("%d more %s warnings not listed", w.More, w.Code), how)
				}
			}

			r := odm.NewReader(strings.NewReader(in), opts)
			for {
				if _, err := r.Next(); err == io.EOF {
					break
				} else {
					require.NoError(t, err)
				}
			}
			check("Reader", r.Warnings())

			doc, err := odm.Decode(strings.NewReader(in), opts)
			require.NoError(t, err)
			check("Decode", doc.Warnings)

			ws, err := odm.Transform(io.Discard, strings.NewReader(in), opts, odm.WriteOptions{}, nil)
			require.NoError(t, err)
			check("Transform", ws)
		})
	}
}

// TestMaxWarningsSummaryInPlace: the warning that counts those past the bound stands
// where the first of them would have, and later warnings of other codes follow it, so a
// caller reading Warnings as they grow (as check does) sees a list only appended to.
func TestMaxWarningsSummaryInPlace(t *testing.T) {
	r := odm.NewReader(strings.NewReader(quirkyUsers(9)), odm.ReadOptions{MaxWarnings: 2})
	var seen []*odm.Error
	for {
		_, err := r.Next()
		ws := r.Warnings()
		require.GreaterOrEqual(t, len(ws), len(seen))
		for i, w := range seen {
			require.Same(t, w, ws[i], "warning %d was replaced", i)
		}
		seen = ws
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}
	// Users 0..8: oidWhitespace on 0, 3, 6 and emptyElement on each, in that order per user.
	var got []string
	for _, w := range seen {
		s := string(w.Code)
		if w.More > 0 {
			s += fmt.Sprintf("+%d", w.More)
		}
		got = append(got, s)
	}
	require.Equal(t, []string{"oidWhitespace", "emptyElement", "emptyElement", "emptyElement+7", "oidWhitespace", "oidWhitespace+1"}, got)
}

// TestWriterMaxWarnings: values a write leaves out (AllowDrop) are bounded the same way;
// the DropError's count of them is not.
func TestWriterMaxWarnings(t *testing.T) {
	ad := &odm.AdminData{StudyOID: "S"}
	for i := range 30 {
		ad.Users = append(ad.Users, &odm.User{OID: fmt.Sprintf("U%d", i), Emails: []string{"x@example.org"}})
	}
	doc := newDoc(odm.V20, ad)
	enc := odm.NewEncoder(io.Discard, odm.WriteOptions{AllowDrop: true, MaxWarnings: 4})
	require.NoError(t, enc.Encode(doc))
	ws := enc.Warnings()
	require.Len(t, ws, 5, "four kept and one counting the rest")
	require.Equal(t, 26, ws[4].More)
	require.ErrorIs(t, ws[4], odm.ErrUnrepresentable)

	// A second Encode starts counting again.
	require.NoError(t, enc.Encode(doc))
	require.Len(t, enc.Warnings(), 5)

	var out bytes.Buffer
	err := odm.Encode(&out, doc, odm.WriteOptions{MaxWarnings: 4})
	requireDrop(t, err, "User/Email", "without AllowDrop the write still fails")
	de := err.(*odm.DropError)
	require.Equal(t, 30, de.Count, "the DropError counts every value left out")
}
