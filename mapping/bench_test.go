package mapping

import (
	"bytes"
	"flag"
	"io"
	"sync"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// benchUsers is the size of the generated InForm export. The quality bar is stated for
// 200,000 users (about 200 MB); use -bench.users=20000 for a quick run.
var benchUsers = flag.Int("bench.users", 200000, "users in the generated file of BenchmarkDecode and BenchmarkDecodeAndMap")

var (
	benchOnce sync.Once
	benchData []byte
)

func benchInput(b *testing.B) []byte {
	benchOnce.Do(func() {
		var buf bytes.Buffer
		if err := gen.InForm(&buf, *benchUsers); err != nil {
			b.Fatal(err)
		}
		benchData = buf.Bytes()
	})
	return benchData
}

// BenchmarkDecode is the baseline: stream-decoding every record of the file.
func BenchmarkDecode(b *testing.B) {
	data := benchInput(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := odm.NewReader(bytes.NewReader(data), odm.ReadOptions{})
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n < *benchUsers {
			b.Fatalf("read %d records", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(*benchUsers), "ns/user")
}

// BenchmarkDecodeAndMap is the same stream read into a Directory; the difference to
// BenchmarkDecode is what mapping costs (the bar: at most 0.3× the decode time).
func BenchmarkDecodeAndMap(b *testing.B) {
	data := benchInput(b)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dir, _, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(dir.Users) != *benchUsers {
			b.Fatalf("mapped %d users", len(dir.Users))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(*benchUsers), "ns/user")
}
