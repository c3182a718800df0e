package odm

import (
	"bytes"
	"io"
	"sync"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
)

// Emit-only benchmarks: the records are decoded once, outside the timer, and only the
// writing is measured, so that one run shows decode and emit side by side (issue 12: emit
// at least as fast as decode). BenchmarkEmit/decode is the reading of the same records.

const emitUsers = 10000

var (
	emitMu   sync.Mutex
	emitData []byte
	emitRecs []Node
)

// emitInput returns the generated file and its AdminData records as the Reader returns them.
func emitInput(b *testing.B) ([]byte, []Node) {
	emitMu.Lock()
	defer emitMu.Unlock()
	if emitData == nil {
		var buf bytes.Buffer
		if err := gen.InForm(&buf, emitUsers); err != nil {
			b.Fatal(err)
		}
		r := NewReader(bytes.NewReader(buf.Bytes()), ReadOptions{})
		for n, err := range r.All() {
			if err != nil {
				b.Fatal(err)
			}
			if _, ok := n.(*AdminData); !ok {
				emitRecs = append(emitRecs, n)
			}
		}
		emitData = buf.Bytes()
	}
	return emitData, emitRecs
}

func BenchmarkEmit(b *testing.B) {
	data, recs := emitInput(b)
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			r := NewReader(bytes.NewReader(data), ReadOptions{})
			for _, err := range r.All() {
				if err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/emitUsers, "ns/user")
	})
	b.Run("json", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			emitJSON(io.Discard, recs)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/emitUsers, "ns/user")
	})
	b.Run("writer", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := emitWriter(io.Discard, recs); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/emitUsers, "ns/user")
	})
	b.Run("transform", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := Transform(io.Discard, bytes.NewReader(data), ReadOptions{}, WriteOptions{}, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/emitUsers, "ns/user")
	})
	b.Run("streamjson", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if err := StreamJSON(io.Discard, NewReader(bytes.NewReader(data), ReadOptions{})); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/emitUsers, "ns/user")
	})
}

// emitJSON writes the records' JSON objects as StreamJSON writes each record.
//
//go:noinline
func emitJSON(w io.Writer, recs []Node) {
	j := &jw{w: w}
	for _, n := range recs {
		if v, ok := n.(interface{ model() model }); ok {
			j.typed(v.model(), &recHead{ws: "\n    "})
			j.flush()
		}
	}
	j.flush()
}

// emitWriter writes the records through a Writer as an InForm-shaped document.
//
//go:noinline
func emitWriter(w io.Writer, recs []Node) error {
	wr := NewWriter(w, WriteOptions{})
	if err := wr.WriteHeader(nil); err != nil {
		return err
	}
	if err := wr.Write(&AdminData{StudyOID: "GEN-STUDY"}); err != nil {
		return err
	}
	for _, n := range recs {
		if err := wr.Write(n); err != nil {
			return err
		}
	}
	return wr.Close()
}
