package odm

import (
	"bytes"
	"io"
	"reflect"
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
		{"vendor node between", "a vendor node without a position among standard children", 4, []entry{usual, {kind: eExt, item: 1, ws: 7, aux: 1}, {kind: eField, field: 4, line: 13, col: 7, ws: 7}}},
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

// TestPackEntriesAlike: records laid out alike pack to the same bytes wherever they
// stand in the file, vendor nodes (which the decoder notes without a line) among their
// children too. The JSON writer copies the layout it wrote for the last record when the
// bytes are the same (layCache.samePacked); with vendor nodes packed as a difference to
// the line before, no two Users of an InForm export packed alike.
func TestPackEntriesAlike(t *testing.T) {
	at := func(line int32) []byte {
		lay := []entry{
			{kind: eField, flags: fText, field: 1, line: line + 1, col: 7, ws: 7},
			{kind: eExt, item: 1, ws: 7, aux: 1},
			{kind: eField, flags: fText, field: 4, line: line + 3, col: 7, ws: 7},
			{kind: eExt, item: 2, ws: 7, aux: 2},
		}
		return packEntries(nil, lay, line)
	}
	require.Equal(t, at(4), at(25), "a record on line 25 packs unlike the same on line 4")
	require.Equal(t, at(4), at(1<<20), "a record far down the file packs unlike the same on line 4")

	var in bytes.Buffer
	require.NoError(t, gen.InForm(&in, 50))
	r := NewReader(&in, ReadOptions{})
	// Users whose entries differ only in their lines pack alike.
	var last []byte
	var lastLay []entry
	alike := 0
	for {
		v, err := r.Next()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		u, ok := v.(*User)
		if !ok {
			continue
		}
		lay := u.src.entries(nil)
		for i := range lay {
			if lay[i].kind == eField {
				lay[i].line -= u.src.line0
			}
		}
		if reflect.DeepEqual(lay, lastLay) {
			require.Equal(t, string(last), string(u.src.lay), "a user packs unlike the one before it, laid out alike")
			alike++
		}
		last, lastLay = append(last[:0], u.src.lay...), lay
	}
	require.Greater(t, alike, 40, "too few generated users laid out like the one before them")
}

// TestReaderBytesPerUser: the default Reader allocates no more per generated user than
// its values and packed layouts take. With layouts of 24-byte entries it took 3,024
// bytes a user (go test -bench StreamDecode), with packed ones 2,700; 2,728 here before
// users written alike shared the list of their start tag's attributes in their sources
// (recordAttrs), 2,469 after (the record block fits a 2,048-byte size class, not 2,304).
// With ValuesOnly it took some 2,460 bytes while those users' standard attributes were still
// copied into their records; some 2,200 since they are not (recordAttrs, a 1,792-byte block).
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
	require.Less(t, perUser, 2600.0, "the default Reader allocates %.0f bytes a user", perUser)
	require.Less(t, values, 2300.0, "a ValuesOnly Reader allocates %.0f bytes a user", values)
	// The layout is what ValuesOnly leaves out: packed, it is a fifth of the rest at most.
	require.Less(t, perUser-values, values/5, "layouts take %.0f bytes a user", perUser-values)
}
