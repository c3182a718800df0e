package odm

import (
	"bytes"
	"io"
	"runtime"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/internal/testenv"
)

// TestJSONToODMAllocationsPerUser: reading the JSON form back allocates a few dozen
// values a user, not the hundreds it took when every JSON value, member slice, token
// and error path was allocated anew (some 900 a user, 39 KB); and no map to find a
// duplicate key in each user object, no path string for each attribute checked, no
// packed layout at five times its size, no record head for a nested value (46.6
// allocations and 7,562 bytes a generated user with those, 38.4 and 5,879 with the
// head, 36.4 and 5,763 without).
func TestJSONToODMAllocationsPerUser(t *testing.T) {
	if testenv.Race {
		t.Skip("skipping: the race detector allocates on its own; the plain build checks the bound")
	}
	const users = 300
	var x, js bytes.Buffer
	require.NoError(t, gen.InForm(&x, users))
	require.NoError(t, StreamJSON(&js, NewReader(&x, ReadOptions{})))
	run := func() {
		_, err := JSONToODM(io.Discard, bytes.NewReader(js.Bytes()), ReadOptions{}, WriteOptions{})
		require.NoError(t, err)
	}
	allocs := testing.AllocsPerRun(2, run)
	require.Less(t, allocs/users, 38.0, "allocations per user")
	run() // warm, as AllocsPerRun is
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	run()
	runtime.ReadMemStats(&after)
	require.Less(t, float64(after.TotalAlloc-before.TotalAlloc)/users, 6500.0, "bytes allocated per user")
}

// TestCheckAttrsAllocatesNothing: checking a valid attribute list (namespace declarations,
// prefixed and plain attributes) allocates nothing: paths are built for errors only, and
// a short list is checked for repeats without a map.
func TestCheckAttrsAllocatesNothing(t *testing.T) {
	attrs := []Attr{
		{Name: Name{Space: NSXMLNS, Local: "xmlns"}, Value: "http://www.cdisc.org/ns/odm/v1.3"},
		{Name: Name{Space: NSXMLNS, Prefix: "xmlns", Local: "pf"}, Value: "urn:pf"},
		{Name: Name{Local: "OID"}, Value: "u1"},
		{Name: Name{Space: "urn:pf", Prefix: "pf", Local: "GUID"}, Value: "g"},
		{Name: Name{Space: "urn:other", Prefix: "pf", Local: "GUID"}, Value: "same local name, other namespace"},
		{Name: Name{Space: NSXML, Prefix: "xml", Local: "lang"}, Value: "en"},
	}
	p := &jparser{}
	// A path as long as a record's deep in a file: a short one is concatenated on the
	// stack, which would hide a path built for every attribute.
	const path = "adminData[0].users[123456].nodes[1].attrs"
	require.NoError(t, p.checkAttrs(path, attrs))
	require.Zero(t, testing.AllocsPerRun(100, func() { _ = p.checkAttrs(path, attrs) }))
}

// TestSetLayoutExactSize: a layout read from JSON keeps its packed bytes only, not the
// room for the longest packing of every entry (maxPacked bytes each) packEntries starts
// from: that was five times the bytes kept for each record.
func TestSetLayoutExactSize(t *testing.T) {
	raw := make([]rawEntry, 12)
	for i := range raw {
		raw[i] = rawEntry{kind: eField, field: uint8(i % 4), line: int32(3 + i), col: 7, ws: "\n      "}
	}
	var src source
	ents, packed := src.setLayout(raw, nil, nil)
	require.NotEmpty(t, src.lay)
	require.Equal(t, len(src.lay), cap(src.lay), "the layout kept is as long as its bytes")
	require.Less(t, len(src.lay), 12*maxPacked/2, "an indented child packs to a few bytes")
	require.Len(t, src.entries(nil), 12, "every entry is read back")
	// The buffers come back for the next layout, emptied.
	require.Empty(t, ents)
	require.Empty(t, packed)
	require.Positive(t, cap(packed))
}

// TestJVArena: values of a released stretch are handed out again; stretches nest, an
// inner one giving back only its own; a stretch that needed many values does not keep
// them all; outside a stretch every value is new.
func TestJVArena(t *testing.T) {
	var a jvArena
	outside := a.new('s')
	require.NotSame(t, outside, a.new('s'), "outside a stretch every value is its own")
	require.Empty(t, a.chunks)

	m := a.hold()
	first := a.new('{')
	first.obj = append(first.obj, jm{k: "k", v: first})
	inner := a.hold()
	child := a.new('s')
	child.s = "kept until the inner stretch ends"
	a.release(inner)
	again := a.new('[')
	require.Same(t, child, again, "the inner stretch's value is handed out again")
	require.Empty(t, again.s, "a value handed out again is reset")
	require.Equal(t, byte('{'), first.kind, "the outer stretch's value is untouched")
	a.release(m)

	m = a.hold()
	reused := a.new('{')
	require.Same(t, first, reused)
	require.Empty(t, reused.obj, "its members are reset")
	require.Positive(t, cap(reused.obj), "but their room is kept")
	for range (jvKeep + 10) * jvChunk {
		a.new('s')
	}
	a.release(m)
	require.Len(t, a.chunks, jvKeep, "a large stretch does not keep its memory")
}

// TestStreamJSONAllocationsPerUser: StreamJSON writes each record before it reads the
// next, so it hands the memory of a record's strings out again as it does the rest
// (strPool.recycle): a generated user costs no allocation past the stream's own, where
// its strings took four (some 400 bytes, the whole garbage of convert --to json). Counted
// as the difference between 1,200 users and 300, so that what a stream allocates once
// (buffers, the names it interns, its caches) does not count.
func TestStreamJSONAllocationsPerUser(t *testing.T) {
	allocs := func(users int) float64 {
		var x bytes.Buffer
		require.NoError(t, gen.InForm(&x, users))
		return testing.AllocsPerRun(3, func() {
			require.NoError(t, StreamJSON(io.Discard, NewReader(bytes.NewReader(x.Bytes()), ReadOptions{})))
		})
	}
	few, many := allocs(300), allocs(1200)
	require.Less(t, (many-few)/900, 0.5, "allocations per user (%v for 300 users, %v for 1,200)", few, many)
}

// TestStrPoolRecycle: a recycling string pool hands its array out again at reset (the
// next record's strings take the memory of the last's), keeps the strings of a detached
// part for good, and lets go of an array one huge record grew; without recycle, strings
// survive every reset.
func TestStrPoolRecycle(t *testing.T) {
	var keep strPool
	a := keep.str([]byte("kept"))
	keep.reset()
	keep.str([]byte("over"))
	require.Equal(t, "kept", a, "a pool that does not recycle never writes a string twice")

	p := strPool{recycle: true}
	first := p.str([]byte("first record"))
	p.reset()
	second := p.str([]byte("second one!!"))
	require.Equal(t, unsafe.StringData(first), unsafe.StringData(second), "the array is handed out again")

	held := p.str([]byte("header"))
	p.detach()
	p.str([]byte("record"))
	p.reset()
	p.str([]byte("next"))
	require.Equal(t, "header", held, "what was cut before detach is never handed out again")

	p.str(make([]byte, strAlone-1))
	for range 2 * strRecycleMax / (strAlone - 1) {
		p.str(make([]byte, strAlone-1))
	}
	require.Greater(t, cap(p.all), strRecycleMax)
	p.reset()
	require.Zero(t, cap(p.all), "a huge record's array is not kept")

	p = strPool{recycle: true, poison: true}
	gone := p.str([]byte("dead"))
	p.reset()
	require.Equal(t, "####", gone, "poison marks what reset hands out again")
}

// TestReaderReuseAllocationsPerUser: a Reader with ReadOptions.Reuse gives each record's
// strings one array, as large as the record before needed (strPool.hint): the cut at the
// next Next, with nothing cut since the record's own, wiped that size, so the strings of
// each generated user took four growing arrays. Counted as in
// TestStreamJSONAllocationsPerUser.
func TestReaderReuseAllocationsPerUser(t *testing.T) {
	allocs := func(users int) float64 {
		var x bytes.Buffer
		require.NoError(t, gen.InForm(&x, users))
		return testing.AllocsPerRun(3, func() {
			r := NewReader(bytes.NewReader(x.Bytes()), ReadOptions{Reuse: true})
			for {
				_, err := r.Next()
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
			}
		})
	}
	few, many := allocs(300), allocs(1200)
	require.Less(t, (many-few)/900, 1.5, "allocations per user (%v for 300 users, %v for 1,200)", few, many)
}
