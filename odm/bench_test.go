package odm_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// Inputs are generated on first use and shared by the benchmarks of one run, never
// committed: 10,000 users is about 10 MB, 200,000 users about 190 MB.
var (
	benchMu    sync.Mutex
	benchFiles = map[int][]byte{}
)

func benchInput(b *testing.B, users int) []byte {
	benchMu.Lock()
	defer benchMu.Unlock()
	if data, ok := benchFiles[users]; ok {
		return data
	}
	var buf bytes.Buffer
	if err := gen.InForm(&buf, users); err != nil {
		b.Fatal(err)
	}
	benchFiles[users] = buf.Bytes()
	return buf.Bytes()
}

var benchSizes = []int{10000, 200000}

// benchUsers runs read over the input of each of benchSizes users, as a sub-benchmark
// that reports bytes per second, allocations and ns/user.
func benchUsers(b *testing.B, read func(data []byte, users int) error) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			data := benchInput(b, n)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := read(data, n); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/user")
		})
	}
}

// BenchmarkTokenLoop is the baseline: a bare encoding/xml Decoder.Token loop over the bytes.
func BenchmarkTokenLoop(b *testing.B) {
	benchUsers(b, func(data []byte, _ int) error { return tokenLoop(data) })
}

// BenchmarkStreamDecode decodes every user into a typed *odm.User with the streaming Reader
// (with limits, namespace checks and the layout kept for lossless re-encoding).
func BenchmarkStreamDecode(b *testing.B) { benchStream(b, odm.ReadOptions{}) }

// BenchmarkStreamDecodeReuse is BenchmarkStreamDecode with ReadOptions.Reuse: each record
// is read into the memory of the one before.
func BenchmarkStreamDecodeReuse(b *testing.B) { benchStream(b, odm.ReadOptions{Reuse: true}) }

// BenchmarkStreamDecodeValuesOnly is BenchmarkStreamDecode with ReadOptions.ValuesOnly: no
// layout is kept.
func BenchmarkStreamDecodeValuesOnly(b *testing.B) {
	benchStream(b, odm.ReadOptions{ValuesOnly: true})
}

// BenchmarkStreamDecodeValuesOnlyReuse is with both ValuesOnly and Reuse.
func BenchmarkStreamDecodeValuesOnlyReuse(b *testing.B) {
	benchStream(b, odm.ReadOptions{ValuesOnly: true, Reuse: true})
}

func benchStream(b *testing.B, opts odm.ReadOptions) {
	benchUsers(b, func(data []byte, n int) error {
		users, err := streamUsersOpts(data, opts)
		if err == nil && users != n {
			err = fmt.Errorf("read %d users, want %d", users, n)
		}
		return err
	})
}

// BenchmarkCheck is odm.Check over the same inputs: the verdict of a Reader read to the
// end, without the records (compare BenchmarkStreamDecodeValuesOnlyReuse).
func BenchmarkCheck(b *testing.B) {
	benchUsers(b, func(data []byte, _ int) error {
		_, err := odm.Check(bytes.NewReader(data), odm.ReadOptions{})
		return err
	})
}

// BenchmarkStreamJSON converts the whole file to JSON as `odmadmin convert --to json` does.
func BenchmarkStreamJSON(b *testing.B) {
	data := benchInput(b, 10000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := odm.StreamJSON(io.Discard, odm.NewReader(bytes.NewReader(data), odm.ReadOptions{})); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSONToODM reads the JSON form of the 10,000-user document back into ODM, as
// `odmadmin convert --to odm` does with a .json input.
func BenchmarkJSONToODM(b *testing.B) {
	var js bytes.Buffer
	if err := odm.StreamJSON(&js, odm.NewReader(bytes.NewReader(benchInput(b, 10000)), odm.ReadOptions{})); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(js.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := odm.JSONToODM(io.Discard, bytes.NewReader(js.Bytes()), odm.ReadOptions{}, odm.WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRoundTrip decodes and re-encodes the whole 10,000-user document.
func BenchmarkRoundTrip(b *testing.B) {
	data := benchInput(b, 10000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		doc, err := odm.Decode(bytes.NewReader(data), odm.ReadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if err := odm.Encode(io.Discard, doc, odm.WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// tokenLoop and streamUsersOpts are the measured work of one iteration, as named functions so
// that instruction counts (valgrind --tool=callgrind --toggle-collect) can isolate them
// from input generation on this noisy shared machine.
//
//go:noinline
func tokenLoop(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

//go:noinline
func streamUsersOpts(data []byte, opts odm.ReadOptions) (int, error) {
	r := odm.NewReader(bytes.NewReader(data), opts)
	users := 0
	for node, err := range r.All() {
		if err != nil {
			return users, err
		}
		if _, ok := node.(*odm.User); ok {
			users++
		}
	}
	return users, nil
}
