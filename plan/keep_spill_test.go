package plan

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// TestKeptLargeUploadPlansAlike checks the paths of a large upload against the plan of
// the whole directory (Make): the rows in a temporary file (Rows past rowsHeld), the
// new rows' user names of one name indexed a part at a time (past nearHeld), and the first
// row of a repeated user name found through the rows' keys instead of a map. The upload
// repeats user names (as written, in another letter case, on a blank-free row after a
// blank one), has typos of existing user names with the same name, an existing e-mail
// address under a new user name, and a rename.
func TestKeptLargeUploadPlansAlike(t *testing.T) {
	var export, upload bytes.Buffer
	if err := gen.InForm(&export, 3000); err != nil {
		t.Fatal(err)
	}
	if err := gen.UploadCSV(&upload, 600, 3000); err != nil {
		t.Fatal(err)
	}
	g5, f5 := gen.Name(5)
	g7, f7 := gen.Name(7)
	for _, line := range []string{
		"Ada,Example,user000000@site10000.example.org,brandnew,05-Jan-2026,,Site Investigator Rights,10000,", // another user's e-mail
		g5 + "," + f5 + ",typo@example.org,usr000005,05-Jan-2026,,Site Investigator Rights,10005,",           // a typo, same name
		g7 + "," + f7 + ",typo7@example.org,user00007,05-Jan-2026,,Site Investigator Rights,10007,",          // a deletion, same name
		"X,Y,case@example.org,USER000009,05-Jan-2026,,Site Investigator Rights,10009,",                       // letter case only
		",,,,,,,,", // blank
		"X,Y,again@example.org,brandnew,05-Jan-2026,,Site Investigator Rights,10000,",   // repeated
		"X,Y,again2@example.org,BrandNew ,05-Jan-2026,,Site Investigator Rights,10000,", // repeated, other case
		"Z,W,z@example.org,user000000,05-Jan-2026,,Site Investigator Rights,10011,",     // repeats an update
	} {
		upload.WriteString(line + "\n")
	}
	// New rows of one name, 30 far from any user name, then each a letter more than the
	// user name of an existing user of that name (each near that user only): more keys
	// than nearHeld, so indexed a part at a time (the first part indexed, the last
	// compared directly), each part the only one to find its users.
	same := 0
	for i := range 30 { // far from any: the first part has enough rows to be indexed
		fmt.Fprintf(&upload, "%s,%s,far%d@example.org,farther%04d,05-Jan-2026,,Site Investigator Rights,10005,\n", g5, f5, i, i)
		same++
	}
	for i := range 3000 {
		if g, f := gen.Name(i); g == g5 && f == f5 {
			fmt.Fprintf(&upload, "%s,%s,many%d@example.org,user%06dx,05-Jan-2026,,Site Investigator Rights,10005,\n", g5, f5, i, i)
			same++
		}
	}
	rows, err := ReadCSV(bytes.NewReader(upload.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	full, _, err := mapping.FromReader(odm.NewReader(bytes.NewReader(export.Bytes()), odm.ReadOptions{}), mapping.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// nearHeld 1,500: parts of 22 rows (the first, of far user names, indexed); 150:
	// parts of 2 rows, compared directly.
	for i, opts := range []Options{{MaxRows: 100}, {MaxRows: -1, AllowRenames: true, Training: true}, {MaxRows: -1}} {
		want, err := Make(full, rows, opts)
		if err != nil {
			t.Fatal(err)
		}
		codes := map[Code]int{}
		for _, a := range want.Actions {
			for _, w := range a.Warnings {
				codes[w.Code]++
			}
		}
		if codes[DuplicateRow] < 3 || codes[PossibleDuplicateAccount] < 3 {
			t.Fatalf("the upload makes %v: too few to compare", codes)
		}
		rs := &Rows{held: 4 << 10}
		for _, r := range rows {
			rs.Add(r)
		}
		if rs.file == nil {
			t.Fatal("the rows were not written to a temporary file")
		}
		k := NewKept(rs)
		k.nearHeld = []int{1500, 1500, 150}[i]
		shell, _, err := mapping.ReadEach(odm.NewReader(bytes.NewReader(export.Bytes()), odm.ReadOptions{}), mapping.Options{}, k.Keep)
		if err != nil {
			t.Fatal(err)
		}
		if keys := same * nVariants(len("user000005x")); same < 33 || keys <= k.nearHeld {
			t.Fatalf("%d rows, %d keys of new user names of one name: the index is not made in parts", same, keys)
		}
		got := &Plan{Actions: []Action{}}
		if err := k.Each(shell, opts, func(a Action) error { got.Actions = append(got.Actions, a); return nil }); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%+v: the plan of rows in a file against Kept differs from the plan against all (-all +kept):\n%s", opts, diff)
		}
		if err := rs.Close(); err != nil {
			t.Fatal(err)
		}
		k.Close()
	}
}
