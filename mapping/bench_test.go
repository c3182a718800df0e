package mapping

import (
	"bytes"
	"flag"
	"io"
	"runtime"
	"sync"
	"testing"
	"time"

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
	runtime.GC()
	b.ResetTimer()
	cpu0 := cpuTime()
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
	reportPerUser(b, cpu0)
}

// BenchmarkDecodeAndMap is the same stream read into a Directory; the difference to
// BenchmarkDecode is what mapping costs (the bar: at most 0.3× the decode time).
func BenchmarkDecodeAndMap(b *testing.B) {
	data := benchInput(b)
	b.SetBytes(int64(len(data)))
	runtime.GC()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		dir, _, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(dir.Users) != *benchUsers {
			b.Fatalf("mapped %d users", len(dir.Users))
		}
	}
	reportPerUser(b, cpu0)
}

// reportPerUser reports wall and CPU nanoseconds per user. Compare the two benchmarks'
// cpu-ns/user on a busy machine: CPU time does not count other processes.
func reportPerUser(b *testing.B, cpu0 time.Duration) {
	n := float64(b.N) * float64(*benchUsers)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/user")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/n, "cpu-ns/user")
	}
}
