package odm

import (
	"io"
	"iter"
)

// Reader reads the AdminData content of an ODM document as a stream of typed records, in
// bounded memory however large the file: it keeps one record at a time and skips Study,
// ClinicalData and everything else outside AdminData without building a tree.
//
// Next returns, in document order:
//   - *AdminData when an AdminData element starts (attributes only: its Users and other
//     slices stay empty; the records that follow belong to it until the next *AdminData);
//   - *User, *Organization, *Location, *SignatureDef for each child of AdminData;
//   - *Element, *Comment, *ProcInst or *Text for vendor or other unmodelled content
//     directly inside AdminData (such as pf:GroupDef).
//
// The values are the same types Decode produces and can be written with a Writer.
type Reader struct {
	s     *scanner
	hdr   *Header
	state int // 0 before the root, 1 inside the root, 2 inside AdminData, 3 done
	ad    *AdminData
	err   error
	maxKi int // highest schema position among the current AdminData's records so far
	late  int // Study elements skipped after the first AdminData (LateStudies)
}

// NewReader returns a Reader of the ODM document in r.
func NewReader(r io.Reader, opts ReadOptions) *Reader {
	s := newScanner(r, opts)
	s.boxing = true
	return &Reader{s: s}
}

// Header reads and returns the prolog and the ODM start tag.
func (r *Reader) Header() (*Header, error) {
	if r == nil {
		// A nil *Reader reads as a nil io.Reader does: a consumer handed one (mapping's
		// FromReader, say) reports it instead of panicking.
		return nil, nilReader("")
	}
	if r.hdr != nil || r.err != nil {
		return r.hdr, r.err
	}
	r.hdr, r.err = r.s.readHeader()
	if r.err == nil {
		r.state = 1
		if r.s.opts.Reuse {
			r.s.ar.setRecycle(true) // the header is detached: it stays
		}
	}
	return r.hdr, r.err
}

// AdminData returns the AdminData the last record belongs to (attributes only), or nil.
func (r *Reader) AdminData() *AdminData {
	if r == nil {
		return nil
	}
	return r.ad
}

// LateStudies returns how many Study elements of the document's namespace the Reader
// has skipped so far after the first AdminData, out of ODM's order (Study elements come
// first). A caller that reads the studies from the head of the document alone (as
// mapping's LeadingStudyElements does) learns so, once the Reader has read to the end,
// which ones it missed; the count costs nothing, where watching the bytes of the input
// for Study start tags cost some 2.5% of the CPU of map --to json on a large export.
func (r *Reader) LateStudies() int {
	if r == nil {
		return 0
	}
	return r.late
}

// Warnings returns the warnings found so far.
func (r *Reader) Warnings() []*Error {
	if r == nil {
		return nil
	}
	return r.s.warnings
}

// Next returns the next record, or io.EOF after the end of the document.
func (r *Reader) Next() (Node, error) {
	if r == nil {
		return nil, nilReader("")
	}
	if r.state == 0 {
		if _, err := r.Header(); err != nil {
			return nil, err
		}
	}
	// With ReadOptions.Reuse the caller is done with what the last call returned.
	r.s.ar.reset()
	for r.err == nil {
		switch r.state {
		case 3:
			r.err = io.EOF
		case 1:
			tk, err := r.s.next()
			if err != nil {
				r.err = err
				break
			}
			switch {
			case tk.kind == tEnd:
				if _, err := r.s.readEpilog(); err != nil {
					r.err = err
				} else {
					r.state = 3
				}
			case tk.kind == tStart && tk.is(r.s.odmNS, "AdminData"):
				ad := new(AdminData)
				if err := r.s.readAttrs(ad.model(), tk); err != nil {
					r.err = err
					break
				}
				ownHeader(ad)   // kept while its records are read (Reader.AdminData), and after
				r.s.ar.detach() // nor is the arena's memory handed out again
				r.ad = ad
				r.state = 2
				r.maxKi = 0
				return ad, nil
			case tk.kind == tStart:
				if r.ad != nil && tk.is(r.s.odmNS, "Study") {
					r.late++
				}
				r.err = r.s.skip()
				// What the skipped element's tags took from the arena is free again. With
				// Reuse nothing else frees it before the next record: 800,000 ClinicalData
				// elements before AdminData grew it to 32 MiB.
				r.s.ar.reset()
			}
		case 2:
			k, err := r.s.raw()
			if err != nil {
				r.err = err
				break
			}
			tk := r.s.recordStart(k)
			if tk == nil {
				tk = r.s.fill(k, true)
			}
			switch tk.kind {
			case tEnd:
				r.state = 1
			case tStart:
				sp := r.ad.model().spec(r.s.version)
				if k, ki, ok := sp.kid(tk.name.Local); ok && tk.name.Space == r.s.odmNS {
					if ki < r.maxKi {
						msg := tk.name.Local + " stands after " + sp.kids[r.maxKi].name + " inside AdminData, out of schema order"
						if err := r.s.warn(ErrQuirk, WarnElementOrder, msg, tk.line, tk.col); err != nil {
							r.err = err
							break
						}
					} else {
						r.maxKi = ki
					}
					m, v := r.s.newRecord(k.field)
					if err := r.s.readTyped(m, tk); err != nil {
						r.err = err
						break
					}
					if u, ok := v.(*User); ok && !r.s.ar.recycling() {
						r.s.boxed(u)
					}
					return v, nil
				}
				if tk.lazy {
					tk.attrs, tk.lazy = r.s.attrs(), false
				}
				e, err := r.s.readRawToken(tk)
				if err != nil {
					r.err = err
					break
				}
				r.s.ar.detach() // vendor nodes inside AdminData are not recycled
				if e.Space == r.s.odmNS || e.Space == "" {
					if err := r.s.warn(ErrUnknown, WarnUnknownElement, "element "+e.Local+" is not defined inside AdminData", e.Line, e.Col); err != nil {
						r.err = err
						break
					}
				}
				return e, nil
			case tText:
				if !tk.blank {
					if err := r.s.warn(ErrUnknown, WarnUnexpectedText, "text is not allowed directly inside AdminData", tk.line, tk.col); err != nil {
						r.err = err
						break
					}
					return tk.textNode(), nil
				}
			default:
				return tk.other, nil
			}
		}
	}
	return nil, r.err
}

// All returns an iterator over the records Next returns. It stops after the first error,
// which it yields; io.EOF is not yielded.
func (r *Reader) All() iter.Seq2[Node, error] {
	return func(yield func(Node, error) bool) {
		for {
			n, err := r.Next()
			if err == io.EOF {
				return
			}
			if !yield(n, err) || err != nil {
				return
			}
		}
	}
}

// Users returns an iterator over the users only.
func (r *Reader) Users() iter.Seq2[*User, error] {
	return func(yield func(*User, error) bool) {
		for n, err := range r.All() {
			if err != nil {
				yield(nil, err)
				return
			}
			if u, ok := n.(*User); ok && !yield(u, nil) {
				return
			}
		}
	}
}

// newRecord returns the value to read the next AdminData child for field into: with
// recycling (ReadOptions.Reuse, StreamJSON, Transform) the one read last for field,
// zeroed but for the arrays of its nested values, which grow (model.go) fills again;
// else a new one.
func (s *scanner) newRecord(field int) (model, Node) {
	if !s.ar.recycling() {
		b := s.ar.box
		s.ar.box = nil // the room is this record's or nobody's
		if field == adUsers && s.userBox {
			if b == nil {
				b = new(userBox)
			}
			b.addr.arr[0], b.ref.arr[0] = &b.addr.v, &b.ref.v
			b.u.Addresses, b.u.LocationRefs = b.addr.arr[:0], b.ref.arr[:0]
			return b.u.model(), &b.u
		}
		return newRecord(field)
	}
	switch v := s.recs[field].(type) {
	case *User:
		*v = User{Addresses: v.Addresses[:0], LocationRefs: v.LocationRefs[:0], Telecoms: v.Telecoms[:0]}
		return v.model(), v
	case *Organization:
		*v = Organization{Addresses: v.Addresses[:0], Telecoms: v.Telecoms[:0]}
		return v.model(), v
	case *Location:
		*v = Location{MetaDataVersionRefs: v.MetaDataVersionRefs[:0], Addresses: v.Addresses[:0], Telecoms: v.Telecoms[:0]}
		return v.model(), v
	case *SignatureDef:
		*v = SignatureDef{}
		return v.model(), v
	}
	m, v := newRecord(field)
	s.recs[field] = v
	return m, v
}

// newRecord returns a new AdminData child for field: its model and the value itself.
func newRecord(field int) (model, Node) {
	switch field {
	case adUsers:
		v := new(User)
		return v.model(), v
	case adOrganizations:
		v := new(Organization)
		return v.model(), v
	case adLocations:
		v := new(Location)
		return v.model(), v
	default:
		v := new(SignatureDef)
		return v.model(), v
	}
}

// userBox is a User with room for its first Address and LocationRef (and their slices'
// arrays, as grow makes them) in one allocation instead of three: the usual user of an
// export has one of each. A user is read into one when the user before had both
// (scanner.userBox); grow takes the room as it takes a recycled value's.
type userBox struct {
	u    User
	addr growBox[Address]
	ref  growBox[LocationRef]
}

// boxed notes the shape of u, a user just read (outside recycle mode), for the next one,
// and gives u's slices that stayed empty their zero value, as a user read without the
// room has: nil, not an empty slice of the room.
func (s *scanner) boxed(u *User) {
	s.userBox = len(u.Addresses) > 0 && len(u.LocationRefs) > 0
	if len(u.Addresses) == 0 {
		u.Addresses = nil
	}
	if len(u.LocationRefs) == 0 {
		u.LocationRefs = nil
	}
}
