package mapping

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/odm"
)

// TestDistinct: values come out once each, in the order first added, on both sides of the
// switch from scanning to a set; past the switch each add is one look-up, so n adds probe
// about n values, not n²/2.
func TestDistinct(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []int
		why  string
	}{
		{"empty", nil, "nothing added"},
		{"repeats", []int{3, 1, 3, 2, 1}, "a short list, scanned"},
		{"at the switch", seq(distinctScan+1, 1), "the add that builds the set"},
		{"long with repeats", append(seq(5000, 1), seq(5000, 1)...), "every value twice: the second adds nothing"},
		{"descending", seq(3000, -1), "order is the order added, not sorted"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var d distinct[int]
			var want []int
			for _, v := range c.in {
				added := d.add(v)
				if fresh := !slices.Contains(want, v); added != fresh {
					t.Fatalf("%s: add(%d) = %v, want %v", c.why, v, added, fresh)
				}
				if !slices.Contains(want, v) {
					want = append(want, v)
				}
			}
			if !slices.Equal(d.list, want) {
				t.Errorf("%s: list %v, want %v", c.why, head(d.list), head(want))
			}
			if bound := 2*len(c.in) + 1024; d.probes > bound {
				t.Errorf("%s: %d adds probed %d values, want at most %d", c.why, len(c.in), d.probes, bound)
			}
			d.reset()
			if len(d.list) != 0 || d.set != nil || !d.add(1) || d.add(1) {
				t.Errorf("%s: reset does not empty the list and the set", c.why)
			}
		})
	}
}

// TestAppendDistinct: appended values are those neither list nor an earlier value holds,
// also when list is long enough to be indexed first.
func TestAppendDistinct(t *testing.T) {
	for _, c := range []struct {
		list, vals, want []int
		why              string
	}{
		{nil, []int{1, 1, 2}, []int{1, 2}, "repeats in vals"},
		{[]int{1, 2}, []int{2, 3}, []int{1, 2, 3}, "a value list holds"},
		{seq(100, 1), []int{50, 101, 101, 1}, append(seq(100, 1), 101), "a long list, indexed before the first value"},
	} {
		if got := appendDistinct(slices.Clone(c.list), c.vals); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.why, head(got), head(c.want))
		}
	}
}

// seq is n integers from 1 (step 1) or from n down (step -1).
func seq(n, step int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = 1 + i
		if step < 0 {
			out[i] = n - i
		}
	}
	return out
}

func head(s []int) []int { return s[:min(len(s), 8)] }

// TestOneUserAllSitesTemplate: the template row of a user at every site lists each site
// once, in the order of the assignments.
func TestOneUserAllSitesTemplate(t *testing.T) {
	const n = 2000
	dir := oneUserAllSites(n)
	dir.Users[0].GivenName, dir.Users[0].FamilyName, dir.Users[0].Emails = "Ada", "Example", []string{"ada@example.org"}
	dir.Users[0].Assignments = append(dir.Users[0].Assignments, dir.Users[0].Assignments[:10]...) // listed twice
	var out bytes.Buffer
	if _, err := WriteClinicalOneCSV(&out, dir, Options{Study: "S1"}); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, s := range dir.Sites {
		want = append(want, s.Number) // the template names a site by its number
	}
	if !strings.Contains(out.String(), ","+strings.Join(want, "; ")+",") {
		t.Errorf("the Sites cell does not list the %d sites once each in order", n)
	}
}

// BenchmarkOneUserAllSites: one user at each of n sites written as the Clinical One
// template and as ODM 1.3 and 2.0; ns/site stays flat from 5,000 to 40,000 sites (the
// writers scanned the sites listed before each: 80,000 LocationRefs took map --to csv
// 10 s and --to odm2 16 s).
func BenchmarkOneUserAllSites(b *testing.B) {
	for _, n := range []int{5000, 40000} {
		dir := oneUserAllSites(n)
		for _, c := range []struct {
			name  string
			write func() error
		}{
			{"csv", func() error { _, err := WriteClinicalOneCSV(io.Discard, dir, Options{Study: "S1"}); return err }},
			{"odm", func() error {
				_, err := WriteODM(io.Discard, dir, ProfileODM, Options{}, odm.WriteOptions{})
				return err
			}},
			{"odm2", func() error {
				_, err := WriteODM(io.Discard, dir, ProfileODM2, Options{}, odm.WriteOptions{})
				return err
			}},
		} {
			b.Run(fmt.Sprintf("%s/sites=%d", c.name, n), func(b *testing.B) {
				for range b.N {
					if err := c.write(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/site")
			})
		}
	}
}

// TestFileRefsLinear: counting one user's references to sites its file does not define
// (a user at 3,000 sites of another file of a merge) looks each site up once among the
// user's others, not among all of them: the scan made 3,000 users of map's two files at
// 40,000 sites take 3.5 s more than at 20,000. Each site is counted once per user.
func TestFileRefsLinear(t *testing.T) {
	const n = 3000
	u := &User{ID: "U1"}
	for i := range n {
		u.Assignments = append(u.Assignments, Assignment{Study: "S", Site: fmt.Sprintf("L%d", i)}, Assignment{Study: "S", Site: fmt.Sprintf("L%d", i), Environment: EnvTraining})
	}
	r := newFileRefs(slices.Values([]string{"L0"}), nil) // L0 is the file's own
	r.user(u)
	if r.sites.total != n-1 {
		t.Errorf("%d references counted, want %d (each foreign site once)", r.sites.total, n-1)
	}
	if bound := 8 * n; r.sites.seen.probes > bound {
		t.Errorf("%d references: %d values probed, want at most %d", 2*n, r.sites.seen.probes, bound)
	}
}

// TestMergeFieldsLongLists: merging a person read from two files unites its lists in
// order, each value once, also when they are long (40,000 groups in each of two files
// took 3.1 s to unite by scanning, 0.3 s through appendDistinct).
func TestMergeFieldsLongLists(t *testing.T) {
	const n = 5000
	dst, src := &User{}, &User{}
	var wantGroups []GroupRef
	var wantEmails []string
	for i := range n {
		dst.Groups = append(dst.Groups, GroupRef{ID: fmt.Sprintf("G%d", i)})
		dst.Emails = append(dst.Emails, fmt.Sprintf("a%d@example.org", i))
	}
	wantGroups, wantEmails = slices.Clone(dst.Groups), slices.Clone(dst.Emails)
	for i := n / 2; i < n+n/2; i++ { // half of them shared, half new
		g, e := GroupRef{ID: fmt.Sprintf("G%d", i)}, fmt.Sprintf("a%d@example.org", i)
		src.Groups = append(src.Groups, g, g)
		src.Emails = append(src.Emails, e)
		if i >= n {
			wantGroups, wantEmails = append(wantGroups, g), append(wantEmails, e)
		}
	}
	src.Telecoms = []Telecom{{Type: "phone", Value: "1"}, {Type: "phone", Value: "1"}}
	mergeFields(dst, src, func(string, string, string) {})
	if !slices.Equal(dst.Groups, wantGroups) {
		t.Errorf("%d groups after the merge, want %d in order", len(dst.Groups), len(wantGroups))
	}
	if !slices.Equal(dst.Emails, wantEmails) {
		t.Errorf("%d e-mail addresses after the merge, want %d in order", len(dst.Emails), len(wantEmails))
	}
	if len(dst.Telecoms) != 1 {
		t.Errorf("a telecom listed twice came out %d times", len(dst.Telecoms))
	}
}

// TestSameSet: the same strings in any order and number, short lists by scanning and long
// ones through sets.
func TestSameSet(t *testing.T) {
	long := func(from, n int) []string {
		var out []string
		for i := from; i < from+n; i++ {
			out = append(out, fmt.Sprintf("S_%d", i))
		}
		return out
	}
	rev := slices.Clone(long(0, 500))
	slices.Reverse(rev)
	for _, c := range []struct {
		a, b []string
		want bool
		why  string
	}{
		{nil, nil, true, "both empty"},
		{[]string{"a", "b"}, []string{"b", "a", "a"}, true, "order and repeats do not count"},
		{[]string{"a"}, []string{"a", "b"}, false, "one more in b"},
		{long(0, 500), rev, true, "long, reversed"},
		{long(0, 500), append(rev, "S_0"), true, "long, a repeat"},
		{long(0, 500), long(1, 500), false, "long, one apart"},
		{long(0, 500), append(long(0, 499), "S_0"), false, "long, one missing, a repeat in its place"},
	} {
		if got := sameSet(c.a, c.b); got != c.want {
			t.Errorf("%s: %v, want %v", c.why, got, c.want)
		}
		if got := sameSet(c.b, c.a); got != c.want {
			t.Errorf("%s (swapped): %v, want %v", c.why, got, c.want)
		}
	}
}
