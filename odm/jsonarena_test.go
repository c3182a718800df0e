package odm

import (
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/internal/gen"
)

// TestJSONToODMAllocationsPerUser: reading the JSON form back allocates a few dozen
// values a user, not the hundreds it took when every JSON value, member slice, token
// and error path was allocated anew (some 900 a user, 39 KB).
func TestJSONToODMAllocationsPerUser(t *testing.T) {
	const users = 300
	var x, js bytes.Buffer
	require.NoError(t, gen.InForm(&x, users))
	require.NoError(t, StreamJSON(&js, NewReader(&x, ReadOptions{})))
	allocs := testing.AllocsPerRun(2, func() {
		_, err := JSONToODM(io.Discard, bytes.NewReader(js.Bytes()), ReadOptions{}, WriteOptions{})
		require.NoError(t, err)
	})
	require.Less(t, allocs/users, 100.0, "allocations per user")
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
