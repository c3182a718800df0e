package plan

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

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
// comparison finds, with the same distances and order.
func TestNearIndex(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	d := sameNameDirectory(400, rng)
	direct := newPlanner(d, "S", Options{})
	direct.nearDirect = 1 << 30
	indexed := newPlanner(d, "S", Options{})
	indexed.nearDirect, indexed.nearSearches = 1, 0
	person := personKey("Ada", "Example", "")
	found := 0
	for i := 0; i < 600; i++ {
		login := strings.ToLower(nearLogin(rng))
		wantU, wantD := direct.near(direct.byName[person], login)
		gotU, gotD := indexed.near(indexed.byName[person], login)
		logins := func(us []*mapping.User) (out []string) {
			for _, u := range us {
				out = append(out, u.ID)
			}
			return out
		}
		if diff := cmp.Diff(logins(wantU), logins(gotU)); diff != "" {
			t.Fatalf("near %q: users differ (-direct +index):\n%s", login, diff)
		}
		if diff := cmp.Diff(wantD, gotD); diff != "" {
			t.Fatalf("near %q: distances differ (-direct +index):\n%s", login, diff)
		}
		found += len(wantU)
	}
	if indexed.byName[person].idx == nil || len(indexed.byName[person].idx.long) == 0 {
		t.Fatal("the index was not built, or holds no long user name: the test compares direct with direct")
	}
	if found == 0 {
		t.Fatal("no login was near another: the test compares nothing")
	}
}

// TestPlanSameNameLinear plans n new rows against n existing users of one name, where
// comparing each row with each user is quadratic, and requires the time per row at 8n to
// stay within 4× of that at n (quadratic growth would be 8×). It is a coarse guard; the
// benchmark gives the numbers.
func TestPlanSameNameLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	perRow := func(n int) time.Duration {
		d, rows := sameNameUpload(n)
		best := time.Duration(1 << 62)
		for range 3 {
			start := time.Now()
			if _, err := Make(d, rows, Options{MaxRows: -1}); err != nil {
				t.Fatal(err)
			}
			best = min(best, time.Since(start))
		}
		return best / time.Duration(n)
	}
	small, large := perRow(500), perRow(4000)
	t.Logf("per row: %v at 500 users and rows, %v at 4,000", small, large)
	if large > 4*small {
		t.Errorf("per-row time grows with the number of same-name users: %v at 500, %v at 4,000", small, large)
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
