package odm

import "strings"

// The decoder keeps every value it reads in a record's own memory: the strings, attribute
// lists, layout entries and small slices of one User (or Location, ...) are cut from a few
// shared arrays instead of forty separate allocations. A record ends with cut: later values
// never share an array with earlier ones, so a record the caller keeps pins only its own
// memory, never its neighbours'. Every slice handed out is capped at its length, so an
// append by the caller copies instead of writing into the next value.

const (
	poolMaxHint = 4096 // elements: a huge record does not make the next ones reserve as much
	poolAlone   = 1024 // elements: a slice this long gets its own array
	strMaxHint  = 64 << 10
	strAlone    = 4096 // bytes: a string this long gets its own array
)

// pool hands out sub-slices of one array at a time.
type pool[T any] struct {
	buf  []T // the unused part of the current array
	used int // elements handed out since the last cut
	hint int // elements the previous record used: the size of its first array
}

// take returns a zeroed slice of n elements, capped at n.
func (p *pool[T]) take(n int) []T {
	if n > len(p.buf) {
		if n >= poolAlone {
			p.used += n
			return make([]T, n)
		}
		// The first array of a record is as large as the last record needed; a record that
		// outgrows it gets arrays as large as what it used so far (doubling).
		size := p.hint
		if size < n || p.used > 0 {
			size = max(p.used, n, 4)
		}
		p.buf = make([]T, size)
	}
	s := p.buf[:n:n]
	p.buf = p.buf[n:]
	p.used += n
	return s
}

// one returns a pointer to a new zero T.
func (p *pool[T]) one() *T { return &p.take(1)[0] }

func (p *pool[T]) cut() {
	p.hint = min(p.used, poolMaxHint)
	p.used = 0
	p.buf = nil
}

// strPool hands out strings cut from one strings.Builder at a time: the builder only
// appends, so the bytes of a string it returned never change.
type strPool struct {
	sb   strings.Builder
	used int
	hint int
}

func (p *strPool) str(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > p.sb.Cap()-p.sb.Len() {
		if len(b) >= strAlone {
			p.used += len(b)
			return string(b)
		}
		p.sb = strings.Builder{} // the old array stays with the strings cut from it
		p.sb.Grow(max(p.hint, p.used, len(b), 64))
	}
	off := p.sb.Len()
	p.sb.Write(b)
	p.used += len(b)
	return p.sb.String()[off:]
}

func (p *strPool) cut() {
	p.hint = min(p.used+p.used/8, strMaxHint)
	p.used = 0
	p.sb = strings.Builder{}
}

// arena is the record memory of a scanner.
type arena struct {
	strs    strPool
	attrs   pool[Attr]
	entries pool[entry]
	srcs    pool[source]
	elems   pool[Element]
	texts   pool[string]
	nodes   pool[Node]
}

// cut ends the current record.
func (a *arena) cut() {
	a.strs.cut()
	a.attrs.cut()
	a.entries.cut()
	a.srcs.cut()
	a.elems.cut()
	a.texts.cut()
	a.nodes.cut()
}
