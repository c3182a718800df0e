// Package nsscope indexes a stack of namespace bindings by key (a prefix, or a namespace
// URI), for the rare scopes too large to scan. A document declares a handful of
// namespaces, which a scan from the innermost binding finds fastest; but the reader's
// limits allow 1,024 declarations on each of 256 nested elements, and a scan of those for
// every prefixed name made the scanner, the writer and query's printer quadratic (a 6 MB
// file took 13 to 60 s). The three keep their bindings in stacks of their own and share
// this index, used while a stack holds more than At bindings.
package nsscope

// At is the number of bindings on a stack past which look-ups go through an Index.
const At = 32

// Index maps each key to its innermost binding on a stack (by position) and notes, for
// each binding, the one of the same key it shadows, so that it unwinds as the stack
// shrinks. It is valid while the stack holds more than At bindings; its zero value is
// ready to use.
type Index struct {
	top  map[string]int32
	prev []int32 // prev[i]: the binding of binding i's key that i shadows, -1 for none
}

// Grow notes that the stack holds n bindings (n > At), the last of them new; key(i) is
// binding i's key. A stack passing At (n == At+1) has the index built afresh from all
// its bindings.
func (x *Index) Grow(n int, key func(i int) string) {
	from := n - 1
	if n == At+1 {
		if x.top == nil {
			x.top = make(map[string]int32)
		}
		clear(x.top)
		x.prev, from = x.prev[:0], 0
	}
	for i := from; i < n; i++ {
		k := key(i)
		shadowed, ok := x.top[k]
		if !ok {
			shadowed = -1
		}
		x.prev = append(x.prev, shadowed)
		x.top[k] = int32(i)
	}
}

// Shrink unwinds the bindings from mark on of a stack of n, innermost first, so that each
// is its key's innermost binding as it goes; key as for Grow. Below At+1 bindings the
// index is not in use: a shrink to there leaves it to be built afresh.
func (x *Index) Shrink(mark, n int, key func(i int) string) {
	if mark <= At {
		return
	}
	for i := n - 1; i >= mark; i-- {
		if sh := x.prev[i]; sh >= 0 {
			x.top[key(i)] = sh
		} else {
			delete(x.top, key(i))
		}
	}
	x.prev = x.prev[:mark]
}

// Find returns the position of the innermost binding of key.
func (x *Index) Find(key string) (int, bool) {
	i, ok := x.top[key]
	return int(i), ok
}

// FindBytes is Find of a key held as bytes (the map look-up converts without a copy).
func (x *Index) FindBytes(key []byte) (int, bool) {
	i, ok := x.top[string(key)]
	return int(i), ok
}

// Shadowed returns the position of the binding of the same key that binding i shadows,
// -1 for none.
func (x *Index) Shadowed(i int) int { return int(x.prev[i]) }
