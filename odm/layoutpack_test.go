package odm

import (
	"bytes"
	"io"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/internal/gen"
)

// TestPackEntries: a layout packed and unpacked gives its entries back, whatever their
// values; the usual entry (an indented standard child) takes seven bytes.
func TestPackEntries(t *testing.T) {
	usual := entry{kind: eField, flags: fText, field: 3, line: 11, col: 7, ws: 7}
	tests := []struct {
		name, reason string
		line0        int32
		lay          []entry
	}{
		{"usual", "an indented text child of a pretty-printed export", 10, []entry{usual}},
		{"none", "an element without children packs to nothing", 10, nil},
		{"every flag", "empty, mixed and text flags all kept", 1, []entry{{kind: eField, flags: fEmpty | fMixed | fText, field: 1, line: 1, col: 1}}},
		{"vendor node", "an eExt entry with its slot and node", 5, []entry{{kind: eExt, item: 4, line: 6, col: 3, ws: 5, aux: 2}}},
		{"large field", "a field id past one varint byte", 1, []entry{{kind: eField, field: 250, line: 2, col: 2}}},
		{"tabs", "white space of a tab-indented file (wsTabs+n)", 1, []entry{{kind: eField, line: 2, col: 3, ws: wsTabs + 2}}},
		{"odd white space", "white space that is no indentation run: a negative index into aux", 1, []entry{{kind: eExt, line: 3, col: 1, ws: -1 - 70000, aux: 70001}}},
		{"one long line", "a file on one line: large columns, no line change", 1, []entry{{kind: eField, field: 1, line: 1, col: 1 << 30}, {kind: eField, field: 2, line: 1, col: 1<<30 + 40}}},
		{"far lines", "lines far from the element's own, back and forth", 1 << 30, []entry{{kind: eField, line: 3, col: 1}, {kind: eField, line: 1<<31 - 1, col: 1}, {kind: eField, line: 1<<30 + 5, col: 2}}},
		{"large items", "the hundred-thousandth repeat of a child", 1, []entry{{kind: eField, field: 4, item: 1<<31 - 1, line: 2, col: 1}}},
		{"usual run", "a User's children in a row", 100, []entry{usual, {kind: eField, flags: fText, field: 4, line: 12, col: 7, ws: 7}, {kind: eField, field: 9, item: 1, line: 13, col: 7, ws: 7}, {kind: eExt, item: 3, line: 14, col: 7, ws: 7, aux: 1}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &source{line0: tc.line0, lay: packEntries([]byte("xyz")[:0], tc.lay, tc.line0)}
			got := s.entries(nil)
			if len(tc.lay) == 0 {
				require.Empty(t, s.lay, tc.reason)
				require.Empty(t, got, tc.reason)
				return
			}
			require.Equal(t, tc.lay, got, tc.reason)
			// Appended after other bytes, it reads back the same from where it starts.
			more := packEntries([]byte("head"), tc.lay, tc.line0)
			require.Equal(t, "head", string(more[:4]), tc.reason)
			require.Equal(t, tc.lay, (&source{line0: tc.line0, lay: more[4:]}).entries(nil), tc.reason)
		})
	}
	require.Len(t, packEntries(nil, []entry{usual}, 10), 7, "the usual entry takes more than seven bytes")
}

// TestReaderBytesPerUser: the default Reader allocates no more per generated user than
// its values and packed layouts take. With layouts of 24-byte entries it took 3,024
// bytes a user (go test -bench StreamDecode), with packed ones 2,700.
func TestReaderBytesPerUser(t *testing.T) {
	const users = 3000
	var in bytes.Buffer
	require.NoError(t, gen.InForm(&in, users))
	data := in.Bytes()
	read := func(opts ReadOptions) float64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := NewReader(bytes.NewReader(data), opts)
		n := 0
		for {
			v, err := r.Next()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			if _, ok := v.(*User); ok {
				n++
			}
		}
		runtime.ReadMemStats(&after)
		require.Equal(t, users, n)
		return float64(after.TotalAlloc-before.TotalAlloc) / users
	}
	perUser := read(ReadOptions{})
	values := read(ReadOptions{ValuesOnly: true})
	t.Logf("%.0f bytes a user, %.0f with ValuesOnly", perUser, values)
	require.Less(t, perUser, 2850.0, "the default Reader allocates %.0f bytes a user", perUser)
	// The layout is what ValuesOnly leaves out: packed, it is a fifth of the rest at most.
	require.Less(t, perUser-values, values/5, "layouts take %.0f bytes a user", perUser-values)
}
