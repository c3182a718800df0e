package plan

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/mapping"
)

// sameNameDirectory returns n users named Ada Example with user names that are near each
// other: a few bases, each with edits (substitutions, insertions, deletions, swaps,
// letter case, multi-byte runes), so that many pairs are within two edits.
func sameNameDirectory(n int, rng *rand.Rand) *mapping.Directory {
	d := &mapping.Directory{Studies: []*mapping.Study{{ID: "S"}}}
	for i := 0; i < n; i++ {
		d.Users = append(d.Users, &mapping.User{ID: fmt.Sprint("u", i), Login: nearLogin(rng), GivenName: "Ada", FamilyName: "Example"})
	}
	return d
}

func nearLogin(rng *rand.Rand) string {
	bases := []string{"ada.example", "aexample", "ada", "ädä.éxample", strings.Repeat("long", 12)}
	r := []rune(bases[rng.IntN(len(bases))])
	alphabet := []rune("adexmplAé.ä1")
	for e := rng.IntN(4); e > 0 && len(r) > 1; e-- {
		i := rng.IntN(len(r))
		switch rng.IntN(4) {
		case 0:
			r[i] = alphabet[rng.IntN(len(alphabet))]
		case 1:
			r = append(r[:i], append([]rune{alphabet[rng.IntN(len(alphabet))]}, r[i:]...)...)
		case 2:
			r = append(r[:i], r[i+1:]...)
		default:
			if i+1 < len(r) {
				r[i], r[i+1] = r[i+1], r[i]
			}
		}
	}
	return string(r)
}

// TestNearIndex checks that the deletion index finds exactly the user names direct
// comparison finds, with the same distances and order, with keys of 6 bytes (a group of
// up to 65,536 users) and of 8.
func TestNearIndex(t *testing.T) {
	for _, n := range []int{400, 1<<nearSmallBits + 100} {
		t.Run(fmt.Sprint(n), func(t *testing.T) { testNearIndex(t, n) })
	}
}

func testNearIndex(t *testing.T, n int) {
	rng := rand.New(rand.NewPCG(1, 2))
	d := sameNameDirectory(n, rng)
	direct := newPlanner(d, nil, "S", Options{})
	direct.nearDirect = 1 << 30
	indexed := newPlanner(d, nil, "S", Options{})
	indexed.nearDirect, indexed.nearSearches = 1, 0
	person := personKey("Ada", "Example", "")
	found := 0
	// Direct comparison costs a comparison per user a search: fewer searches of the
	// larger group.
	for i := 0; i < 240000/n; i++ {
		login := strings.ToLower(nearLogin(rng))
		wantU, wantD := direct.near(direct.byName[person], login)
		gotU, gotD := indexed.near(indexed.byName[person], login)
		if diff := cmp.Diff(wantU, gotU); diff != "" {
			t.Fatalf("near %q: users differ (-direct +index):\n%s", login, diff)
		}
		if diff := cmp.Diff(wantD, gotD); diff != "" {
			t.Fatalf("near %q: distances differ (-direct +index):\n%s", login, diff)
		}
		found += len(wantU)
	}
	x := indexed.byName[person].idx
	if x == nil || len(x.long) == 0 {
		t.Fatal("the index was not built, or holds no long user name: the test compares direct with direct")
	}
	if small := n < 1<<nearSmallBits; (x.small != nil) != small || (x.keys != nil) == small {
		t.Fatalf("%d users: %d keys of 6 bytes, %d of 8", n, len(x.small), len(x.keys))
	}
	if found == 0 {
		t.Fatal("no login was near another: the test compares nothing")
	}
}

// TestPlanSameNameLinear counts the edit-distance comparisons that planning n new rows
// against n existing users of one name costs. Comparing each row with each user would cost
// n per row; the deletion index must keep the count per row flat as the group grows, so the
// count per row at 8n may be at most twice that at n (it is a count, not a time, so load
// on the machine cannot change the verdict). Make itself is run too, to show it finds the
// same upload plan on the same input.
func TestPlanSameNameLinear(t *testing.T) {
	perRow := func(n int) float64 {
		d, rows := sameNameUpload(n)
		p := newPlanner(d, nil, "S", Options{})
		g := p.byName[personKey("Ada", "Example", "")]
		if g == nil || len(g.users) != n {
			t.Fatalf("n=%d: the same-name group is missing or incomplete", n)
		}
		for _, r := range rows {
			p.near(g, strings.ToLower(r.Login))
		}
		if g.idx == nil {
			t.Fatalf("n=%d: no index was built, so the test measures direct comparison only", n)
		}
		return float64(p.compared) / float64(n)
	}
	small, large := perRow(500), perRow(4000)
	t.Logf("comparisons per row: %.1f at 500 users and rows, %.1f at 4,000 (direct comparison: 500 and 4,000)", small, large)
	if large > 2*small+1 {
		t.Errorf("comparisons per row grow with the same-name group: %.1f at 500, %.1f at 4,000", small, large)
	}
	if large >= 4000/10 {
		t.Errorf("%.1f comparisons per row at 4,000 users is not far from comparing every pair", large)
	}
	d, rows := sameNameUpload(500)
	if _, err := Make(d, rows, Options{MaxRows: -1}); err != nil {
		t.Fatal(err)
	}
}

// sameNameUpload returns n existing users and n new rows, all named Ada Example, with user
// names that are not near each other (the usual case: compared, never reported).
func sameNameUpload(n int) (*mapping.Directory, []Row) {
	d := &mapping.Directory{Studies: []*mapping.Study{{ID: "S"}}}
	rows := make([]Row, n)
	for i := 0; i < n; i++ {
		d.Users = append(d.Users, &mapping.User{ID: fmt.Sprint("u", i), Login: fmt.Sprintf("same%07d", i*1000), GivenName: "Ada", FamilyName: "Example"})
		rows[i] = Row{Number: i + 1, GivenName: "Ada", FamilyName: "Example", Login: fmt.Sprintf("fresh%07d", i*1000),
			Emails: []string{fmt.Sprintf("fresh%d@example.org", i)}}
	}
	return d, rows
}

func BenchmarkPlanSameName(b *testing.B) {
	for _, n := range []int{1000, 4000, 16000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			d, rows := sameNameUpload(n)
			for b.Loop() {
				if _, err := Make(d, rows, Options{MaxRows: -1}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
		})
	}
}

// TestBuildNearHolds checks what indexing a name group costs: one allocation for the
// index, its sorting and its two halves, and two per user name (its runes and the buffer
// its variants are hashed from), and 6 bytes held a variant (8 before; 4 of hash, 2 of
// user). An upload of 80,000 rows against 200,000 users indexed some 6.6 million
// variants; hashed as strings made one by one and sorted as pairs, they were 6.6 million
// allocations and, with the pairs' growth, over 40 bytes a variant.
func TestBuildNearHolds(t *testing.T) {
	logins := make([]string, 200)
	for i := range logins {
		logins[i] = fmt.Sprintf("user%06d", i) // 10 runes: 56 variants
	}
	seed := maphash.MakeSeed()
	var x *nearIndex
	build := func() { x = buildNear(seed, len(logins), func(i int) string { return logins[i] }) }
	if n, want := testing.AllocsPerRun(5, build), float64(2*len(logins)+4); n > want {
		t.Errorf("indexing %d user names: %.0f allocations, want at most %.0f", len(logins), n, want)
	}
	x = nil
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	build()
	runtime.GC()
	runtime.ReadMemStats(&after)
	variants := len(logins) * nVariantsOf(10)
	if b := after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc); b > uint64(6*variants+1024) {
		t.Errorf("indexing %d variants: %d bytes held, want at most 6 a variant", variants, b)
	}
	if len(x.small) == 0 {
		t.Fatal("the index holds no key")
	}
}

// nVariantsOf is the number of strings of r runes and of r-1 and r-2 runes made by
// deleting one or two of them.
func nVariantsOf(r int) int { return 1 + r + r*(r-1)/2 }
