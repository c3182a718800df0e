package odm

import (
	"bytes"
	"io"
	"testing"
	"unsafe"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/stretchr/testify/require"
)

// TestRecordBlock: outside recycle mode, the arrays of a record's attributes, sources,
// elements, strings and nodes come in one allocation (arena.block), sized from the record
// before: a generated user takes about five allocations, not nine. Each record's arrays
// are its own: two users never share a block.
func TestRecordBlock(t *testing.T) {
	const users = 2000
	var in bytes.Buffer
	require.NoError(t, gen.InForm(&in, users))
	data := in.Bytes()
	read := func(keep func(*User)) int {
		r := NewReader(bytes.NewReader(data), ReadOptions{})
		n := 0
		for {
			v, err := r.Next()
			if err == io.EOF {
				return n
			}
			require.NoError(t, err)
			if u, ok := v.(*User); ok {
				n++
				if keep != nil {
					keep(u)
				}
			}
		}
	}
	perUser := testing.AllocsPerRun(2, func() { read(nil) }) / users
	t.Logf("%.2f allocations per user", perUser)
	// Without blocks: User, attributes, strings, elements, sources, Address, LocationRef,
	// strings of repeated children and nodes, 9.3 a user.
	require.Less(t, perUser, 7.0, "the arrays of a record are not made in one block")

	// Each user's attributes and source lie in one block (the Address's source after
	// the User's), and no two users' do.
	type span struct{ lo, hi uintptr }
	var spans []span
	read(func(u *User) {
		lo := uintptr(unsafe.Pointer(unsafe.SliceData(u.Attrs)))
		hi := uintptr(unsafe.Pointer(u.src))
		if len(spans) > 0 && len(u.Attrs) > 0 {
			require.Less(t, lo, hi, "user %d: attributes and source apart", len(spans))
			require.Less(t, hi-lo, uintptr(4096), "user %d: attributes and source in two allocations", len(spans))
		}
		spans = append(spans, span{lo, hi})
	})
	require.Len(t, spans, users)
	for i := 2; i < len(spans); i++ {
		a, b := spans[i-1], spans[i]
		require.True(t, a.hi < b.lo || b.hi < a.lo, "users %d and %d share a block", i-1, i)
	}
}
