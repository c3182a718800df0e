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

// TestUserBox: a user read into the room of a userBox (the user before had an Address and
// a LocationRef) is the user Decode reads, with nil for the slices that stayed empty, also
// with two of each; and reading one takes fewer allocations than without the room.
func TestUserBox(t *testing.T) {
	const (
		addr = "\n      <Address><City>c</City></Address>"
		ref  = "\n      <LocationRef LocationOID=\"L1\"/>"
	)
	both := "\n      <LoginName>a</LoginName>" + addr + ref + "\n    "
	bodies := []string{
		both, both, // the second is read into a box
		"\n      <LoginName>b</LoginName>\n    ",                   // neither: nil slices, not empty ones
		both, "\n      <LoginName>c</LoginName>" + addr + "\n    ", // an Address only
		both, "\n      <LoginName>d</LoginName>" + ref + "\n    ", // a LocationRef only
		both, "\n      <LoginName>e</LoginName>" + addr + addr + ref + ref + "\n    ", // two of each
		both,
	}
	in := layShareDoc(bodies...)
	doc, err := Decode(bytes.NewReader([]byte(in)), ReadOptions{})
	require.NoError(t, err)
	want := doc.AdminData()[0].Users
	require.Len(t, want, len(bodies))
	r := NewReader(bytes.NewReader([]byte(in)), ReadOptions{})
	i := 0
	for u, err := range r.Users() {
		require.NoError(t, err)
		require.Equal(t, len(want[i].Addresses) == 0, u.Addresses == nil, "user %d: Addresses", i)
		require.Equal(t, len(want[i].LocationRefs) == 0, u.LocationRefs == nil, "user %d: LocationRefs", i)
		require.Equal(t, encodeNode(t, want[i]), encodeNode(t, u), "user %d", i)
		require.Equal(t, len(want[i].Addresses), len(u.Addresses), "user %d", i)
		require.Equal(t, want[i].Children(), u.Children(), "user %d", i)
		i++
	}
	require.Equal(t, len(bodies), i)

	// The generated users each have one Address and one LocationRef.
	var gin bytes.Buffer
	require.NoError(t, gen.InForm(&gin, 500))
	perUser := testing.AllocsPerRun(2, func() {
		r := NewReader(bytes.NewReader(gin.Bytes()), ReadOptions{})
		for {
			if _, err := r.Next(); err == io.EOF {
				return
			}
		}
	}) / 500
	t.Logf("%.2f allocations per user", perUser)
	// With a block (arena.block) and without the room: 5.2 a user.
	require.Less(t, perUser, 4.5, "a user is not read into the room of a userBox")
}

func encodeNode(t *testing.T, n Node) string {
	t.Helper()
	var b bytes.Buffer
	w := NewWriter(&b, WriteOptions{})
	require.NoError(t, w.Write(&AdminData{}))
	require.NoError(t, w.Write(n))
	require.NoError(t, w.Close())
	return b.String()
}

// TestUserBoxInBlock: a Reader reads a user the user before had an Address and a
// LocationRef for into room in the user's own block (arena.block), not in an allocation of
// its own: the user lies just after its attributes, and no two users share a block.
// Whole-document reading keeps no such room.
func TestUserBoxInBlock(t *testing.T) {
	const users = 500
	var in bytes.Buffer
	require.NoError(t, gen.InForm(&in, users))
	type span struct{ lo, hi uintptr }
	var spans []span
	r := NewReader(bytes.NewReader(in.Bytes()), ReadOptions{})
	for u, err := range r.Users() {
		require.NoError(t, err)
		lo := uintptr(unsafe.Pointer(unsafe.SliceData(u.Attrs)))
		hi := uintptr(unsafe.Pointer(u))
		// The first user has no user before it; the second's block was made before the
		// first was known to be a user with both.
		if len(spans) >= 2 {
			require.Less(t, lo, hi, "user %d: attributes and user apart", len(spans))
			require.Less(t, hi-lo, uintptr(4096), "user %d: user not in its block", len(spans))
		}
		spans = append(spans, span{lo, hi})
	}
	require.Len(t, spans, users)
	for i := 3; i < len(spans); i++ {
		a, b := spans[i-1], spans[i]
		require.True(t, a.hi < b.lo || b.hi < a.lo, "users %d and %d share a block", i-1, i)
	}

	perUser := testing.AllocsPerRun(2, func() {
		r := NewReader(bytes.NewReader(in.Bytes()), ReadOptions{})
		for {
			if _, err := r.Next(); err == io.EOF {
				return
			}
		}
	}) / users
	t.Logf("%.2f allocations per user", perUser)
	// With the room in a userBox of its own: 3.7 a user (500 users; 2.7 with it in the block).
	require.Less(t, perUser, 3.2, "a user's room is not in its block")
}
