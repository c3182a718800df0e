package mapping

import (
	"bytes"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// twoOIDDoc lists one fictitious person in two AdminData blocks under two OIDs, found to
// be one by LoginName; each block gives access at a site of its own.
var twoOIDDoc = blockDoc(
	[2]string{"S1", `<User OID="U1"><LoginName>avery.kline</LoginName><FirstName>Avery</FirstName><LocationRef LocationOID="L1"/></User><Location OID="L1" Name="One"/>`},
	[2]string{"S2", `<User OID="U2"><LoginName>avery.kline</LoginName><FirstName>Avery</FirstName><LocationRef LocationOID="L2"/></User><Location OID="L2" Name="Two"/>`},
)

// TestMergedOIDsKept: two records of one person (one login) under two OIDs are one user,
// whose first OID is kept; the second is not dropped silently. It is a merge-conflict
// naming both OIDs (never the login), kept as the second block's variant of "id", and
// writing the document back (Patch, PatchStream) keeps the second record, under its OID,
// with its access, whatever else in the file refers to it.
func TestMergedOIDsKept(t *testing.T) {
	js, ws := readThree(t, twoOIDDoc, ProfileODM)
	for k := range 3 {
		var found *Warning
		for i := range ws[k] {
			if ws[k][i].Field == "User/OID" {
				found = &ws[k][i]
			}
		}
		if found == nil || found.Code != CodeMergeConflict || !strings.Contains(found.Subject, "U1") || !strings.Contains(found.Subject, "U2") {
			t.Errorf("read %d: want a merge-conflict on User/OID naming U1 and U2, got %v", k, ws[k])
		}
		for _, w := range ws[k] {
			if strings.Contains(w.String(), "avery") {
				t.Errorf("read %d: a warning names the login: %s", k, w)
			}
		}
		if !strings.Contains(js[k], `"name": "id"`) || !strings.Contains(js[k], `"value": "U2"`) {
			t.Errorf("read %d: the second OID is not kept as a variant:\n%s", k, js[k])
		}
	}

	dir, _, err := FromDocument(decodeBytes(t, []byte(twoOIDDoc)), Options{Profile: ProfileODM})
	if err != nil {
		t.Fatal(err)
	}
	if u := dir.Users[0].InStudy("S2"); u.ID != "U2" {
		t.Errorf("InStudy(S2).ID = %q, want U2", u.ID)
	}
	var patched, streamed bytes.Buffer
	pws, err := Patch(&patched, strings.NewReader(twoOIDDoc), dir, PatchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sws, err := PatchStream(&streamed, odm.NewReader(strings.NewReader(twoOIDDoc), odm.ReadOptions{}),
		func() (io.Reader, error) { return strings.NewReader(twoOIDDoc), nil }, PatchOptions{Options: Options{Profile: ProfileODM}})
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		out string
		ws  []Warning
	}{"Patch": {patched.String(), pws}, "PatchStream": {streamed.String(), sws}} {
		if c.out != twoOIDDoc {
			t.Errorf("%s: the document is not written back as it was:\n%s", name, c.out)
		}
		if slices.ContainsFunc(c.ws, func(w Warning) bool { return w.Code == CodeRemoved }) {
			t.Errorf("%s: a record is removed: %v", name, c.ws)
		}
	}

	// Edited (a value changed), the second record is written from the values, under its
	// own OID and with its own block's access.
	dir.Users[0].GivenName = "Avery J"
	patched.Reset()
	if _, err := Patch(&patched, strings.NewReader(twoOIDDoc), dir, PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	out := patched.String()
	if !strings.Contains(out, `<User OID="U2">`) || strings.Count(out, "Avery J") != 2 || !strings.Contains(out, `LocationOID="L2"`) {
		t.Errorf("edited: the second record is not written under its OID with its access:\n%s", out)
	}
}

// TestMergeNamedKeepsOtherOID: two files listing one person (one login) under two OIDs
// in two studies merge into one user; the second file's OID is its study's listing's
// (InStudy), so a write gives that study's block the record under the OID the file had.
func TestMergeNamedKeepsOtherOID(t *testing.T) {
	read := func(study, oid string) *Directory {
		d, _, err := ReadAny(strings.NewReader(blockDoc([2]string{study, `<User OID="` + oid + `"><LoginName>avery.kline</LoginName></User>`})), study+".xml", Options{Profile: ProfileODM})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	dir, ws := MergeNamed([]string{"a.xml", "b.xml"}, read("S1", "U1"), read("S2", "U2"))
	if len(dir.Users) != 1 || dir.Users[0].ID != "U1" {
		t.Fatalf("users %+v, want one, U1", dir.Users)
	}
	if got := dir.Users[0].InStudy("S2").ID; got != "U2" {
		t.Errorf("InStudy(S2).ID = %q, want U2 (the second file's OID kept for its study)", got)
	}
	if got := dir.Users[0].InStudy("S1").ID; got != "U1" {
		t.Errorf("InStudy(S1).ID = %q, want U1", got)
	}
	if len(ws) != 1 || ws[0].Field != "User/OID" || ws[0].Subject != "User U1 (also U2)" {
		t.Errorf("warnings %v, want one User/OID conflict naming both OIDs", ws)
	}
	var out bytes.Buffer
	if _, err := WriteODM(&out, dir, ProfileODM, Options{}, odm.WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `<AdminData StudyOID="S2">`) || !strings.Contains(out.String(), `OID="U2"`) {
		t.Errorf("the merged directory written has no record U2 in S2's block:\n%s", out.String())
	}
}

// TestMergeSubjectWithoutOID: a person listed without OID, merged by login, is named in
// the merge's warnings by where its first record stands (never by its login, and not as
// "User " with nothing after it); each conflict is placed at the record whose value is
// dropped.
func TestMergeSubjectWithoutOID(t *testing.T) {
	src := blockDoc(
		[2]string{"S1", `<User><LoginName>avery.kline</LoginName><FirstName>Avery</FirstName></User>`},
		[2]string{"S2", `<User><LoginName>Avery.Kline</LoginName><FirstName>Ava</FirstName></User>`},
	)
	_, ws := readThree(t, src, ProfileODM)
	for k := range 3 {
		n := 0
		for _, w := range ws[k] {
			if w.Code != CodeMergeConflict {
				continue
			}
			n++
			if w.Subject != "User at line 2" || w.Line != 3 || strings.Contains(w.String(), "very") {
				t.Errorf("read %d: %s: subject %q at line %d, want User at line 2 (the first record) at line 3 (the dropped value's)", k, w.Field, w.Subject, w.Line)
			}
		}
		if n != 2 {
			t.Errorf("read %d: %d merge conflicts, want 2 (Login, GivenName): %v", k, n, ws[k])
		}
	}

	read := func(name, s string) *Directory {
		d, _, err := ReadAny(strings.NewReader(s), name, Options{Profile: ProfileODM})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	one := func(given string) string {
		return blockDoc([2]string{"S1", `<User><LoginName>avery.kline</LoginName><FirstName>` + given + `</FirstName></User>`})
	}
	_, mws := MergeNamed([]string{"a.xml", "b.xml"}, read("a.xml", one("Avery")), read("b.xml", one("Ava")))
	if len(mws) != 1 || mws[0].Subject != "User at a.xml:2" || mws[0].File != "b.xml" || mws[0].Line != 2 {
		t.Errorf("MergeNamed: %+v, want one conflict naming the user at a.xml:2, placed in b.xml", mws)
	}
}

// TestMergedOIDSameStudy: a study's listing has one OID. When the person is listed in a
// study already, under the first OID or the second, a record of the other OID in that
// study cannot be kept apart: the study keeps the first OID (no "id" variant, which would
// write the record of the first under the second's OID) and the loss is reported.
func TestMergedOIDSameStudy(t *testing.T) {
	rec := func(oid string) string {
		return `<User OID="` + oid + `"><LoginName>avery.kline</LoginName><FirstName>Avery</FirstName></User>`
	}
	for _, tc := range []struct {
		name, reason, src string
		// msgs are the messages of the User/OID warnings, in order: a "kept" taken back
		// later is followed by the warning that says so, never left standing alone.
		msgs []string
	}{
		{"first OID, then second", "S2 lists the person under U1 before its record U2",
			blockDoc([2]string{"S1", rec("U1")}, [2]string{"S2", rec("U1")}, [2]string{"S2", rec("U2")}),
			[]string{mergedOIDLost}},
		{"second OID, then first", "S2 took U2 as its listing's OID before its record U1",
			blockDoc([2]string{"S1", rec("U1")}, [2]string{"S2", rec("U2")}, [2]string{"S2", rec("U1")}),
			[]string{mergedOIDKept, mergedOIDRevoked}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			js, ws := readThree(t, tc.src, ProfileODM)
			for k := range 3 {
				if strings.Contains(js[k], `"name": "id"`) {
					t.Errorf("read %d (%s): an id variant is kept for S2:\n%s", k, tc.reason, js[k])
				}
				var msgs []string
				for _, w := range ws[k] {
					if w.Field != "User/OID" {
						continue
					}
					msgs = append(msgs, w.Message)
					if w.Subject != "User U1 (also U2)" {
						t.Errorf("read %d (%s): a User/OID warning names %q, want both OIDs", k, tc.reason, w.Subject)
					}
				}
				if !slices.Equal(msgs, tc.msgs) {
					t.Errorf("read %d (%s): the User/OID warnings say\n%q\nwant\n%q", k, tc.reason, msgs, tc.msgs)
				}
			}
			dir, _, err := FromDocument(decodeBytes(t, []byte(tc.src)), Options{Profile: ProfileODM})
			if err != nil {
				t.Fatal(err)
			}
			if got := dir.Users[0].InStudy("S2").ID; got != "U1" {
				t.Errorf("InStudy(S2).ID = %q, want U1 (%s)", got, tc.reason)
			}
			var out bytes.Buffer
			if _, err := WriteODM(&out, dir, ProfileODM, Options{}, odm.WriteOptions{}); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out.String(), `OID="U2"`) {
				t.Errorf("written with a record U2 (%s):\n%s", tc.reason, out.String())
			}
		})
	}
}
