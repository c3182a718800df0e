package odm

import (
	"testing"
	"unsafe"
)

// TestBlockSlicesInside: every array block cuts for a record points inside the block,
// and one of no values is nil. A zero-length array ends a block when the last kinds of
// value have no room (here no nodes): a pointer to it points past the block, which
// unsafe.Pointer's rules forbid and the race detector's checks stop the program on.
func TestBlockSlicesInside(t *testing.T) {
	for _, c := range []struct {
		why   string
		hints [5]int
		user  bool
	}{
		{"no nodes, no user box: the nodes' array would end the block", [5]int{3, 2, 0, 4, 0}, false},
		{"nothing but attributes", [5]int{5, 0, 0, 0, 0}, false},
		{"every kind, and a user box after them", [5]int{1, 1, 1, 1, 1}, true},
		{"no nodes but a user box after them", [5]int{2, 1, 0, 1, 0}, true},
	} {
		var a arena
		a.attrs.hint, a.srcs.hint, a.elems.hint, a.texts.hint, a.nodes.hint = c.hints[0], c.hints[1], c.hints[2], c.hints[3], c.hints[4]
		a.block(c.user)
		shape := blockShape{int32(c.hints[0]), int32(c.hints[1]), int32(c.hints[2]), int32(c.hints[3]), int32(c.hints[4]), 0}
		if c.user {
			shape[5] = 1
		}
		bt := a.blockType(shape)
		if bt == nil {
			t.Fatalf("%s: no block type", c.why)
		}
		size := bt.typ.Size()
		// The block's start: the first non-empty array's address less its offset.
		var start uintptr
		for i, p := range []unsafe.Pointer{unsafe.Pointer(unsafe.SliceData(a.attrs.buf)), unsafe.Pointer(unsafe.SliceData(a.srcs.buf)),
			unsafe.Pointer(unsafe.SliceData(a.elems.buf)), unsafe.Pointer(unsafe.SliceData(a.texts.buf)), unsafe.Pointer(unsafe.SliceData(a.nodes.buf))} {
			if c.hints[i] > 0 && start == 0 {
				start = uintptr(p) - bt.off[i]
			}
		}
		check := func(kind string, n int, p unsafe.Pointer, elem uintptr) {
			if n == 0 {
				if p != nil {
					t.Errorf("%s: %s has no values but points at %#x (block %#x, %d bytes)", c.why, kind, uintptr(p), start, size)
				}
				return
			}
			if a := uintptr(p); a < start || a+uintptr(n)*elem > start+size {
				t.Errorf("%s: %s at %#x, %d values, outside the block %#x of %d bytes", c.why, kind, a, n, start, size)
			}
		}
		check("attrs", len(a.attrs.buf), unsafe.Pointer(unsafe.SliceData(a.attrs.buf)), unsafe.Sizeof(Attr{}))
		check("sources", len(a.srcs.buf), unsafe.Pointer(unsafe.SliceData(a.srcs.buf)), unsafe.Sizeof(source{}))
		check("elements", len(a.elems.buf), unsafe.Pointer(unsafe.SliceData(a.elems.buf)), unsafe.Sizeof(Element{}))
		check("texts", len(a.texts.buf), unsafe.Pointer(unsafe.SliceData(a.texts.buf)), unsafe.Sizeof(""))
		check("nodes", len(a.nodes.buf), unsafe.Pointer(unsafe.SliceData(a.nodes.buf)), unsafe.Sizeof(Node(nil)))
	}
}
