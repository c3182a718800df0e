package mapping

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestPatchStreamOneUserManyBlocks: a person of an OpenClinica export is a record in the
// block of each site study it is in. PatchStream built the user from the temporary file
// again for each of its records and looked at all its assignments for each (n records,
// n assignments: n² work; 20,000 site studies took map --to odm 19 s). It now builds the
// user once for its run of records and finds each block's assignments in an index. The
// output and warnings are Patch's.
func TestPatchStreamOneUserManyBlocks(t *testing.T) {
	const n = 300
	user := `<User OID="USR_1"><FullName>Ada Example</FullName><FirstName>Ada</FirstName><LastName>Example</LastName></User>`
	other := `<User OID="USR_2"><FullName>Ben Example</FullName><FirstName>Ben</FirstName><LastName>Example</LastName></User>`
	blocks := [][2]string{{"S_P", user + other}}
	for i := range n {
		blocks = append(blocks, [2]string{fmt.Sprintf("S_P_%04d", i), user})
	}
	doc := []byte(blockDoc(blocks...))
	for _, reread := range []bool{false, true} {
		// The person's records written from its values (as when a spec changed it), not
		// copied as read: the work of that path is counted.
		opts := PatchOptions{Options: Options{Profile: ProfileOpenClinica}, Reread: reread, mergedValues: true}
		want := patchBoth(t, fmt.Sprintf("reread=%v", reread), doc, doc, opts)
		var work patchWork
		opts.work = &work
		var out bytes.Buffer
		if _, err := PatchStream(&out, odm.NewReader(bytes.NewReader(doc), odm.ReadOptions{}), func() (io.Reader, error) {
			return bytes.NewReader(doc), nil
		}, opts); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), want) {
			t.Errorf("reread=%v: the output differs from Patch's", reread)
		}
		// The person's records follow one another but for the other user's: each user
		// is built once per run of its records (2 runs for the person: it is split by
		// the other user in the first block only when records interleave).
		if work.built > 4 {
			t.Errorf("reread=%v: %d users built for %d records of 2 users, want at most 4", reread, work.built, n+2)
		}
		if bound := 4 * (n + 2); work.looked > bound || work.looked == 0 {
			t.Errorf("reread=%v: %d assignments looked at for %d records of a user with %d, want 1 to %d", reread, work.looked, n+1, n+1, bound)
		}
	}
}

// TestBlockAssignmentsComplete: the candidates of a block's study hold every assignment
// that a flavour's inBlock puts in that block, in the order of the assignments.
func TestBlockAssignmentsComplete(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	names := []string{"", "S", "T", "S_1", "S_2", "T_1"}
	for _, fl := range []flavour{plainODM{}, openClinica{}} {
		for range 200 {
			as := make([]Assignment, 1+rng.IntN(200))
			for k := range as {
				as[k] = Assignment{Study: names[rng.IntN(len(names))], Site: names[rng.IntN(len(names))]}
			}
			var b blockAssignments
			b.index(as)
			for _, study := range names[1:] {
				var want []int32
				for k, a := range as {
					if fl.inBlock(a, study) {
						want = append(want, int32(k))
					}
				}
				var got []int32
				for _, k := range b.candidates(study) {
					if fl.inBlock(as[k], study) {
						got = append(got, k)
					}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%T, block %q: candidates give %v, inBlock over all %v", fl, study, got, want)
				}
			}
		}
	}
}
