package diff_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// benchUsers is the size of the generated InForm exports. The quality bar is stated for
// 200,000 users (about 200 MB each): comparing two such directories must take at most the
// time it takes to stream-decode one file. Use -bench.users=20000 for a quick run.
var benchUsers = flag.Int("bench.users", 200000, "users in each generated directory of the diff benchmarks")

var (
	benchOnce sync.Once
	benchData []byte
	benchA    *mapping.Directory
	benchB    *mapping.Directory
)

// benchInput generates one InForm export and reads it twice: a is the export, b the same
// export after a month of administration (about 2% of the users changed, removed or added).
func benchInput(b *testing.B) ([]byte, *mapping.Directory, *mapping.Directory) {
	benchOnce.Do(func() {
		var buf bytes.Buffer
		if err := gen.InForm(&buf, *benchUsers); err != nil {
			b.Fatal(err)
		}
		benchData = buf.Bytes()
		read := func() *mapping.Directory {
			d, _, err := mapping.FromReader(odm.NewReader(bytes.NewReader(benchData), odm.ReadOptions{}), mapping.Options{})
			if err != nil {
				b.Fatal(err)
			}
			return d
		}
		benchA, benchB = read(), read()
		edit(benchB)
	})
	return benchData, benchA, benchB
}

// edit changes every 100th user's e-mail, deactivates every 300th, moves every 500th to
// another site, removes every 250th and adds 1,000 users.
func edit(d *mapping.Directory) {
	kept := d.Users[:0]
	for i, u := range d.Users {
		if i%250 == 249 {
			continue
		}
		if i%100 == 0 {
			u.Emails = []string{fmt.Sprintf("renamed%06d@example.org", i)}
		}
		if i%300 == 1 {
			u.Status = mapping.StatusDeactivated
		}
		if i%500 == 2 && len(u.Assignments) > 0 {
			u.Assignments[0].Site = d.Sites[0].ID
		}
		kept = append(kept, u)
	}
	for i := 0; i < 1000; i++ {
		src := kept[i]
		u := *src
		u.ID = fmt.Sprintf("new%06d", i)
		u.Login = u.ID
		kept = append(kept, &u)
	}
	d.Users = kept
}

//go:noinline
func decodeStream(data []byte) int {
	r := odm.NewReader(bytes.NewReader(data), odm.ReadOptions{})
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			return n
		}
		if err != nil {
			panic(err)
		}
		n++
	}
}

//go:noinline
func compareDirs(a, b *mapping.Directory) []diff.Change {
	return diff.Compare(a, b, diff.Options{})
}

// BenchmarkDecode is the baseline: stream-decoding every record of one file.
func BenchmarkDecode(b *testing.B) {
	data, _, _ := benchInput(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for range b.N {
		if n := decodeStream(data); n < *benchUsers {
			b.Fatalf("read %d records", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(*benchUsers), "ns/user")
}

// BenchmarkCompare compares the two directories.
func BenchmarkCompare(b *testing.B) {
	_, da, db := benchInput(b)
	b.ResetTimer()
	for range b.N {
		if ch := compareDirs(da, db); len(ch) == 0 {
			b.Fatal("no changes")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(*benchUsers), "ns/user")
}

// BenchmarkCompareVsDecode times one decode and one comparison per iteration, alternating
// them so that both see the same machine load, and reports their ratio (the bar: ≤ 1).
func BenchmarkCompareVsDecode(b *testing.B) {
	data, da, db := benchInput(b)
	var dec, cmp time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		decodeStream(data)
		t1 := time.Now()
		compareDirs(da, db)
		t2 := time.Now()
		dec += t1.Sub(t0)
		cmp += t2.Sub(t1)
	}
	b.ReportMetric(float64(cmp)/float64(dec), "compare/decode")
	b.ReportMetric(float64(cmp.Nanoseconds())/float64(b.N)/float64(*benchUsers), "compare-ns/user")
	b.ReportMetric(float64(dec.Nanoseconds())/float64(b.N)/float64(*benchUsers), "decode-ns/user")
}

// BenchmarkCompareSides compares the same two directories through CompareSides: a
// fingerprint per user on each side, then Compare of the users that differ (about 2%).
// The command reads each export twice on top of this.
func BenchmarkCompareSides(b *testing.B) {
	_, da, db := benchInput(b)
	b.ResetTimer()
	for range b.N {
		ch, err := diff.CompareSides(context.Background(), diff.DirectorySide(da), diff.DirectorySide(db), diff.SidesOptions{})
		if err != nil || len(ch) == 0 {
			b.Fatalf("%d changes, %v", len(ch), err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(*benchUsers), "ns/user")
}
