package mapping

import (
	"encoding/json"
	"io"
)

// spilledJSON holds the JSON of a directory's organizations or signatures, which
// WriteJSON writes after the users, in the builder's temporary file instead of as model
// values: as many as the users in some exports (some 500 to 700 bytes each as values,
// held from the moment each is read until the end), they are marshalled as they are read
// (nothing changes them afterwards: FromReader's directory holds them as read, and no
// spec touches them) and their text is copied out at the end. What stays in memory is a
// count, the pages' chunk indexes and the page being filled.
type spilledJSON struct {
	sp    *spill
	n     int     // elements added
	pages []int32 // the pages written to sp, by chunk index
	page  []byte  // the page being filled
	err   error   // the first marshalling error
}

// len is the number of elements added (0 for nil).
func (s *spilledJSON) len() int {
	if s == nil {
		return 0
	}
	return s.n
}

// add appends v's JSON as MarshalIndent writes it as an element of an array at the
// directory's top level within the whole directory: the element's separator and
// indent, then the value indented by 4.
func (s *spilledJSON) add(v any) {
	if s.err != nil {
		return
	}
	p, err := json.MarshalIndent(v, "    ", "  ")
	if err != nil {
		s.err = err
		return
	}
	if s.n > 0 {
		s.page = append(s.page, ',')
	}
	s.n++
	s.page = append(append(s.page, "\n    "...), p...)
	if len(s.page) >= jsonBatch {
		s.pages = append(s.pages, int32(s.sp.putBytes(s.page)))
		s.page = s.page[:0]
	}
}

// writeArray writes the key and the array of what s holds as tailArray does, at the
// directory's top level, through j a page at a time. A read error of the temporary file
// panics with a spillFailure (spill.get), as the builder's readers do: the caller
// catches it (catchSpill).
func (s *spilledJSON) writeArray(j *jsonUsers, key string) error {
	if s.err != nil {
		return s.err
	}
	e := &j.enc
	e.b = append(append(append(e.b, ",\n  \""...), key...), "\": ["...)
	if err := j.flush(); err != nil {
		return err
	}
	for _, k := range s.pages {
		if _, err := io.WriteString(j.w, s.sp.get(int(k))); err != nil {
			return err
		}
	}
	e.b = append(append(e.b, s.page...), "\n  ]"...)
	return j.flush()
}
