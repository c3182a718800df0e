package odm

import (
	"encoding/binary"
	"reflect"
	"unsafe"
)

// The decoder keeps every value it reads in a record's own memory: the strings, attribute
// lists, layout entries and small slices of one User (or Location, ...) are cut from a few
// shared arrays instead of forty separate allocations. A record ends with cut: later values
// never share an array with earlier ones, so a record the caller keeps pins only its own
// memory, never its neighbours'. Every slice handed out is capped at its length, so an
// append by the caller copies instead of writing into the next value.
//
// In recycle mode (streams whose consumer is done with a record before asking for the
// next: StreamJSON, Transform without a callback, a Reader with ReadOptions.Reuse) the
// arrays are not left to the garbage collector: reset hands the same arrays out again, so
// a long stream allocates almost nothing per record. Strings are not recycled there: a
// string read stays valid (and unchanged) for as long as anyone holds it, and a Reader's
// caller may keep one. Only a consumer of this package that holds no string of a record
// past its reset turns their recycling on as well (strPool.recycle: StreamJSON, whose
// strings go straight into the JSON, and Transform without a callback, into the XML): at
// 200,000 users the strings were the only garbage of convert --to json and --to odm, and
// collecting them and faulting in fresh memory for them a sixth to a quarter of their CPU.

const (
	poolMaxHint = 4096 // elements: a huge record does not make the next ones reserve as much
	poolAlone   = 1024 // elements: a slice this long gets its own array
	strMaxHint  = 64 << 10
	strAlone    = 4096 // bytes: a string this long gets its own array
)

// pool hands out sub-slices of one array at a time.
//
// The pools and the string pool note what they handed out as an index into the array
// (off, and the string pool's length), never by moving a slice's pointer: a pointer
// stored into the scanner's own memory passes the collector's write barrier, which while
// the collector marks (often, in a stream that allocates each record anew) costs far more
// than the store, and a record's dozens of values each took one.
type pool[T any] struct {
	buf  []T // the current array; buf[off:] is not handed out yet
	off  int
	used int // elements handed out since the last cut
	hint int // elements the previous record used: the size of its first array
	// all is, in recycle mode, the whole current array (buf is its unused tail), which
	// reset clears and hands out again.
	all     []T
	recycle bool
}

// take returns a slice of n elements, capped at n. The caller sets every element it uses
// (the decoder assigns whole values or appends to a [:0] slice): in recycle mode they hold
// what an earlier record left there.
func (p *pool[T]) take(n int) []T {
	if n > len(p.buf)-p.off {
		if n >= poolAlone {
			p.used += n
			return make([]T, n)
		}
		if p.recycle {
			// A larger array for the rest of this record and, after reset, for the next
			// ones; the values already handed out stay in the old one.
			p.all = make([]T, max(2*len(p.all), n, 16))
			p.buf, p.off = p.all, 0
		} else {
			// The first array of a record is as large as the last record needed; a record
			// that outgrows it gets arrays as large as what it used so far (doubling).
			size := p.hint
			if size < n || p.used > 0 {
				size = max(p.used, n, 4)
			}
			p.buf, p.off = make([]T, size), 0
		}
	}
	off := p.off
	s := p.buf[off : off+n : off+n]
	p.off = off + n
	p.used += n
	return s
}

// one returns a pointer to a T to overwrite (see take).
func (p *pool[T]) one() *T { return &p.take(1)[0] }

func (p *pool[T]) cut() {
	if p.recycle {
		return
	}
	p.hint = min(p.used, poolMaxHint)
	p.used = 0
	p.buf, p.off = nil, 0
}

// reset, in recycle mode, makes everything handed out so far free to hand out again.
// The used part is not cleared: take's callers overwrite what they use, and what an old
// value still points to is at most one array's worth of a recent record. An array grown
// by one huge record is not kept for the ones after it.
func (p *pool[T]) reset() {
	if !p.recycle {
		return
	}
	if len(p.all) > 4*poolMaxHint {
		p.detach()
		return
	}
	p.buf, p.off = p.all, 0
	p.used = 0
}

// detach leaves everything handed out so far to its holders: it is never handed out again.
func (p *pool[T]) detach() {
	p.all, p.buf, p.off, p.used = nil, nil, 0, 0
}

// strPool hands out strings cut from one byte array at a time. The array is only ever
// appended to, never written twice, so the bytes of a string it returned never change (the
// invariant strings.Builder rests on, without its per-call overhead).
type strPool struct {
	buf  []byte
	used int
	hint int
	// recycle (set by the few consumers that hold no string past the record's reset, see
	// above) has reset hand the array out again: all is the array (buf is all, as long as
	// what was cut from it). The strings cut from it before are then overwritten.
	recycle bool
	all     []byte
	// poison, in tests, overwrites what reset hands out again, so that a string held past
	// it reads as garbage instead of as the next record's bytes by chance.
	poison bool
}

// strRecycleMax is the largest array a recycling strPool keeps after reset: a huge record
// does not keep its strings' memory for the rest of the stream.
const strRecycleMax = 1 << 20

// grow makes room for n more bytes: a new array, the old one left to the strings cut from
// it (never written again).
func (p *strPool) grow(n int) {
	if p.recycle {
		p.all = make([]byte, 0, max(2*cap(p.all), n, 4096))
		p.buf = p.all
		return
	}
	p.buf = make([]byte, 0, max(p.hint, p.used, n, 64))
}

func (p *strPool) str(b []byte) string {
	n := len(b)
	if n == 0 {
		return ""
	}
	if n > cap(p.buf)-len(p.buf) {
		if n >= strAlone {
			p.used += n
			return string(b)
		}
		p.grow(n) // the old array stays with the strings cut from it
	}
	// The array's length grows in place (a reslice of itself from 0 stores no pointer),
	// not by storing append's result.
	off := len(p.buf)
	p.buf = p.buf[:off+n]
	d := p.buf[off : off+n]
	if n >= 8 && n <= 16 {
		// Most values of a record (names, OIDs, phone numbers) are this long: two words,
		// overlapping for fewer than 16 bytes, cost less than the call copy makes.
		first, last := binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[n-8:n])
		binary.LittleEndian.PutUint64(d[:8], first)
		binary.LittleEndian.PutUint64(d[n-8:n], last)
	} else {
		copy(d, b)
	}
	p.used += n
	return unsafe.String(&d[0], n)
}

// bytes is str returning the copy as bytes, capped at their length, which the caller
// must not write to: the packed layout of a value (source.lay), pointer-free as the
// strings are, so that the two share one allocation per record.
func (p *strPool) bytes(b []byte) []byte {
	n := len(b)
	if n == 0 {
		return nil
	}
	if n > cap(p.buf)-len(p.buf) {
		if n >= strAlone {
			p.used += n
			return append([]byte(nil), b...)
		}
		p.grow(n)
	}
	off := len(p.buf)
	p.buf = p.buf[:off+n]
	copy(p.buf[off:], b)
	p.used += n
	return p.buf[off : off+n : off+n]
}

// cut ends the strings of a record: the next ones are cut from a new array. A recycling
// pool goes on in the same array until reset.
func (p *strPool) cut() {
	if p.recycle {
		return
	}
	// A cut with nothing cut since the last one keeps the hint: a Reader with
	// ReadOptions.Reuse cuts at the end of each record and again at the next Next, and
	// the second cut made the hint nothing, so each record's strings took four growing
	// arrays instead of one.
	if p.used > 0 {
		p.hint = min(p.used+p.used/8, strMaxHint)
	}
	p.used = 0
	p.buf = nil
}

// reset, when the pool recycles, hands its array out again from the start: the strings
// cut from it are dead (see recycle). Otherwise it is cut.
func (p *strPool) reset() {
	if !p.recycle {
		p.cut()
		return
	}
	if p.poison {
		for i := range p.buf {
			p.buf[i] = '#'
		}
	}
	if cap(p.all) > strRecycleMax {
		p.all = nil
	}
	p.buf, p.used = p.all[:0], 0
}

// detach leaves the strings cut so far to their holders: the array is never handed out
// again.
func (p *strPool) detach() {
	p.all, p.buf, p.used = nil, nil, 0
}

// arena is the record memory of a scanner.
type arena struct {
	strs  strPool
	attrs pool[Attr]
	lays  pool[byte] // packed layouts in recycle mode (else they are cut from strs)
	srcs  pool[source]
	elems pool[Element]
	texts pool[string]
	nodes pool[Node]
	// blocks are the types of the record blocks made so far, by shape (block).
	blocks []blockType
	// box is the room for the next record, if it is a user, made in its block (cut):
	// taken by the scanner's newRecord for that record only, dropped by the next cut or
	// detach, so a user never pins a block other than its own.
	box *userBox
}

// blockShape is how many values of each kind a record block holds: attributes, sources,
// elements, strings and nodes; and whether it holds a userBox (1) or not (0).
type blockShape [6]int32

// blockType is the type of the record blocks of one shape and where each array stands.
type blockType struct {
	shape blockShape
	typ   reflect.Type
	off   [6]uintptr
}

const (
	maxBlockTypes = 32       // shapes of record blocks a scanner makes types for
	maxBlockBytes = 16 << 10 // a record larger than that gets an array per pool
)

// block gives the next record, outside recycle mode, the arrays of its attributes,
// sources, elements, strings and nodes in one allocation instead of one each, each as
// large as the record before needed (the pools' hints; not rounded up: a block of more
// than 512 bytes carries an 8-byte header, and one more value can move it to the next
// size class, 128 bytes more for a user of the generated files). The block is the record's alone:
// it is made after the record before is cut, and whatever the record does not use of it
// is handed to nobody else (cut drops it), so a record kept pins only its own memory, as
// with an array per pool. A record that outgrows an array goes on with one of its own
// (pool.take). The block's type is made with reflect, so the collector knows where its
// pointers are.
//
// With user set (the record just read was a user with an Address and a LocationRef, so the
// next is read into a userBox: scanner.newRecord) the block also holds that userBox: one
// allocation per user instead of two, and one size class's rounding instead of two
// (a userBox alone is 816 bytes in a 896-byte class).
func (a *arena) block(user bool) {
	shape := blockShape{int32(a.attrs.hint), int32(a.srcs.hint), int32(a.elems.hint), int32(a.texts.hint), int32(a.nodes.hint)}
	if shape == (blockShape{}) {
		return
	}
	if user {
		shape[5] = 1
	}
	bt := a.blockType(shape)
	if bt == nil {
		return
	}
	b := reflect.New(bt.typ).UnsafePointer()
	a.attrs.buf = blockSlice[Attr](b, bt.off[0], shape[0])
	a.srcs.buf = blockSlice[source](b, bt.off[1], shape[1])
	a.elems.buf = blockSlice[Element](b, bt.off[2], shape[2])
	a.texts.buf = blockSlice[string](b, bt.off[3], shape[3])
	a.nodes.buf = blockSlice[Node](b, bt.off[4], shape[4])
	if user {
		a.box = (*userBox)(unsafe.Add(b, bt.off[5]))
	}
}

// blockSlice returns the n values of type T at offset off of block b, nil for none: a
// zero-length array that ends the block stands at its end, and a pointer there points
// past the block, which unsafe.Pointer's rules forbid (the race detector's pointer checks
// stop the program on it, and the collector could take it for the next object's).
func blockSlice[T any](b unsafe.Pointer, off uintptr, n int32) []T {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Add(b, off)), n)
}

// blockType returns the type of the blocks of shape, made on first use; nil for a block
// too large or when the scanner made types for as many shapes as it does.
func (a *arena) blockType(shape blockShape) *blockType {
	for i := range a.blocks {
		if a.blocks[i].shape == shape {
			return &a.blocks[i]
		}
	}
	size := uintptr(shape[0])*unsafe.Sizeof(Attr{}) + uintptr(shape[1])*unsafe.Sizeof(source{}) +
		uintptr(shape[2])*unsafe.Sizeof(Element{}) + uintptr(shape[3])*unsafe.Sizeof("") + uintptr(shape[4])*unsafe.Sizeof(Node(nil)) +
		uintptr(shape[5])*unsafe.Sizeof(userBox{})
	if len(a.blocks) >= maxBlockTypes || size > maxBlockBytes {
		return nil
	}
	elems := [6]reflect.Type{reflect.TypeFor[Attr](), reflect.TypeFor[source](), reflect.TypeFor[Element](), reflect.TypeFor[string](), reflect.TypeFor[Node](), reflect.TypeFor[userBox]()}
	// The userBox field only when there is one: a zero-length last field would grow the
	// struct by padding.
	n := len(elems) - 1 + int(shape[5])
	fields := make([]reflect.StructField, n)
	for i, t := range elems[:n] {
		fields[i] = reflect.StructField{Name: string(rune('A' + i)), Type: reflect.ArrayOf(int(shape[i]), t)}
	}
	bt := blockType{shape: shape, typ: reflect.StructOf(fields)}
	for i := range fields {
		bt.off[i] = bt.typ.Field(i).Offset
	}
	a.blocks = append(a.blocks, bt)
	return &a.blocks[len(a.blocks)-1]
}

// setRecycle turns recycle mode on or off; what was handed out before is detached.
func (a *arena) setRecycle(on bool) {
	a.detach()
	a.attrs.recycle, a.lays.recycle, a.srcs.recycle, a.elems.recycle = on, on, on, on
	a.texts.recycle, a.nodes.recycle = on, on
}

// layout returns the packed layout b in the record's memory: with the strings, or in
// recycle mode (where strings are never handed out again) in an array that is.
func (a *arena) layout(b []byte) []byte {
	if !a.recycling() {
		return a.strs.bytes(b)
	}
	l := a.lays.take(len(b))
	copy(l, b)
	return l
}

// recycling reports whether the arena is in recycle mode.
func (a *arena) recycling() bool { return a.attrs.recycle }

// reset, in recycle mode, starts handing out the memory of everything read since the last
// reset again: the caller is done with it. Otherwise it does nothing.
func (a *arena) reset() {
	if !a.recycling() {
		return
	}
	a.strs.reset()
	a.attrs.reset()
	a.lays.reset()
	a.srcs.reset()
	a.elems.reset()
	a.texts.reset()
	a.nodes.reset()
}

// detach leaves everything read so far to its holders (a header or AdminData kept while
// the records after it are read): it is never handed out again, in either mode.
func (a *arena) detach() {
	a.box = nil
	a.strs.cut()
	a.strs.detach()
	a.attrs.detach()
	a.lays.detach()
	a.srcs.detach()
	a.elems.detach()
	a.texts.detach()
	a.nodes.detach()
}

// cut ends the current record. In recycle mode the arrays are kept for reset (a record's
// memory is reused only once its consumer is done with it, which cut does not know);
// otherwise the next record's arrays are made in one block (with a userBox if user: block).
func (a *arena) cut(user bool) {
	a.box = nil
	a.strs.cut()
	a.attrs.cut()
	a.lays.cut()
	a.srcs.cut()
	a.elems.cut()
	a.texts.cut()
	a.nodes.cut()
	if !a.recycling() {
		a.block(user)
	}
}
