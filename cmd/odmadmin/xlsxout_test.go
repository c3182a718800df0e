package main

import (
	"errors"
	"io"
	"iter"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/diff"
)

// manyChanges yields n changes of fictitious users with long old and new values and,
// when it yields the last, calls atLast.
func manyChanges(n int, atLast func()) iter.Seq[diff.Change] {
	long := strings.Repeat("x", 1200)
	return func(yield func(diff.Change) bool) {
		for i := range n {
			if i == n-1 && atLast != nil {
				atLast()
			}
			if !yield(diff.Change{Event: diff.ProfileChange, User: "user", Target: "Ada Example (user)", ValueType: "Email", Old: long, New: long}) {
				return
			}
		}
	}
}

func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestDiffXLSXStreamsTheCSV: the audit log's CSV goes to the workbook as it is written,
// not held whole first. 40,000 changes of 2.4 KB make some 100 MB of CSV, which the
// heap held when the last change was asked for; now it holds at most the sheet writer's
// rows in memory (excelize keeps up to 16 MiB before its temporary file).
func TestDiffXLSXStreamsTheCSV(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 100 MB sheet")
	}
	const n = 40000
	base := liveHeap()
	var atLast uint64
	err := writeDiffXLSX(io.Discard, manyChanges(n, func() { atLast = liveHeap() }), diff.Stamp{}, nil)
	require.NoError(t, err)
	grown := int64(atLast) - int64(base)
	t.Logf("heap grown by %d MB", grown>>20)
	require.Less(t, grown, int64(48<<20), "heap grown by the time the last change was asked for: %d MB", grown>>20)
}

// TestDiffXLSXErrors: an error of the destination or of the changes' CSV is returned,
// and the CSV writer is not left running.
func TestDiffXLSXErrors(t *testing.T) {
	tests := []struct {
		name, why string
		w         io.Writer
	}{
		{"destination fails", "the workbook cannot be written", failWriter{}},
		{"fine", "nothing fails", io.Discard},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			err := writeDiffXLSX(tt.w, manyChanges(50, nil), diff.Stamp{}, nil)
			if _, bad := tt.w.(failWriter); bad {
				require.ErrorIs(t, err, errFail, tt.why)
			} else {
				require.NoError(t, err, tt.why)
			}
			require.LessOrEqual(t, runtime.NumGoroutine(), before, "the CSV writer has ended")
		})
	}
}

var errFail = errors.New("disk full")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errFail }

// TestDiffXLSXCellCut: a value longer than an Excel cell holds is cut in the workbook, and
// diff --format xlsx says so, per column, with the count and the first row; it was cut
// without a word. Values that fit give nothing.
func TestDiffXLSXCellCut(t *testing.T) {
	for _, c := range []struct {
		name, why string
		old, new  int // lengths of the values
		want      []Diagnostic
	}{
		{"fits", "32,767 characters fit", 32767, 10, nil},
		{"old-cut", "the OLD VALUE of both changes is cut: one warning counting two cells", 40000, 10,
			[]Diagnostic{{Row: 2, Column: "OLD VALUE", Severity: "warning", Code: "xlsx.cell-cut", Count: 2}}},
		{"both-cut", "both values are cut: a warning per column", 40000, 32768,
			[]Diagnostic{{Row: 2, Column: "OLD VALUE", Severity: "warning", Code: "xlsx.cell-cut", Count: 2},
				{Row: 2, Column: "NEW VALUE", Severity: "warning", Code: "xlsx.cell-cut", Count: 2}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ch := diff.Change{Event: diff.ProfileChange, User: "user", Target: "Ada Example (user)", ValueType: "Email",
				Old: strings.Repeat("o", c.old), New: strings.Repeat("n", c.new)}
			var cut []Diagnostic
			err := writeDiffXLSX(io.Discard, slices.Values([]diff.Change{ch, ch}), diff.Stamp{}, &cut)
			if err != nil {
				t.Fatal(err)
			}
			for i := range cut {
				cut[i].Message = ""
			}
			if !slices.Equal(cut, c.want) {
				t.Errorf("%s: got %+v, want %+v", c.why, cut, c.want)
			}
		})
	}
}
