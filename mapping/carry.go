package mapping

import (
	"bytes"
	"errors"
	"io"
	"strconv"

	"github.com/odmadmin/odmadmin/internal/xmlenc"
)

// NotCarried reads the ODM document in r and reports, one Warning of code CodeNotCarried
// per kind with its count, the content outside AdminData that a write into another
// flavour (ToDocument, WriteODM) does not carry: each kind of element directly inside the
// ODM root other than AdminData (Study, ReferenceData, ClinicalData, Association,
// ds:Signature, vendor elements), comments and processing instructions outside AdminData
// and a DOCTYPE. Read it with odm first, whose limits and checks it has already met:
// NotCarried only finds the markup (see markupScan), it does not check it. A document
// that ends inside markup or an element is an error.
func NotCarried(r io.Reader) ([]Warning, error) {
	// A document in another encoding is transcoded as odm reads it.
	u, err := xmlenc.UTF8(r)
	if err != nil {
		return nil, err
	}
	type kind struct{ field, what string }
	counts := map[kind]int{}
	var order []kind
	add := func(k kind) {
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	s := &markupScan{r: u, buf: make([]byte, 0, 64<<10)}
	depth := 0
	for {
		c, ok := s.markup()
		if !ok {
			break
		}
		switch c {
		case '/':
			if !s.past(">") {
				return nil, errEndsInMarkup
			}
			depth--
		case '?':
			name := s.name()
			if string(name) != "xml" && depth <= 1 {
				add(kind{"processing-instruction", "processing instruction"})
			}
			if !s.past("?>") {
				return nil, errEndsInMarkup
			}
		case '!':
			switch {
			case s.skipIf("!--"):
				if depth <= 1 {
					add(kind{"comment", "comment"})
				}
				if !s.past("-->") {
					return nil, errEndsInMarkup
				}
			case s.skipIf("![CDATA["):
				if !s.past("]]>") {
					return nil, errEndsInMarkup
				}
			case s.skipIf("!DOCTYPE"):
				if depth == 0 {
					add(kind{"DOCTYPE", "document type declaration"})
				}
				if !s.doctype() {
					return nil, errEndsInMarkup
				}
			default:
				return nil, errors.New("mapping: not-carried: markup \"<!\" is neither a comment, a CDATA section nor a DOCTYPE")
			}
		default: // a start tag
			if depth == 1 {
				name := s.name()
				local := name[bytes.LastIndexByte(name, ':')+1:]
				if string(local) != "AdminData" {
					add(kind{"ODM/" + string(name), "element"})
				}
			}
			empty, ok := s.tagEnd()
			if !ok {
				return nil, errEndsInMarkup
			}
			if !empty {
				depth++
			}
		}
	}
	if s.err != io.EOF {
		return nil, s.err
	}
	if depth != 0 {
		return nil, errEndsInMarkup
	}
	var w warner
	for _, k := range order {
		w.list = append(w.list, Warning{Code: CodeNotCarried, Field: k.field, Count: counts[k],
			Message: strconv.Itoa(counts[k]) + " " + k.what + plural(counts[k]) + " outside AdminData; a write into another flavour holds AdminData only and leaves them out"})
	}
	return w.list, nil
}

var errEndsInMarkup = errors.New("mapping: not-carried: the document ends inside markup or an element")

// markupScan finds the markup of a document odm has read already (so well-formed): the
// start of each tag, comment, CDATA section, processing instruction and DOCTYPE, and
// where each ends, without the tokenizer's work on names, attributes, references and
// checks. Text and attribute values are skipped with bytes.IndexByte. Through
// internal/xmlscan this pass took as long as a fifth of map --to odm2.
type markupScan struct {
	r       io.Reader
	buf     []byte // buf[i:] is what is read and not yet looked at
	i       int
	err     error  // what ended the input (io.EOF at its end)
	scratch []byte // the name name returns
}

// fill drops what has been looked at and reads more; false when no more came.
func (s *markupScan) fill() bool {
	if s.err != nil {
		return false
	}
	n := copy(s.buf[:cap(s.buf)], s.buf[s.i:])
	s.buf, s.i = s.buf[:n], 0
	if n == cap(s.buf) {
		s.buf = append(s.buf, 0)[:n] // grow: a construct longer than the buffer
	}
	for {
		m, err := s.r.Read(s.buf[n:cap(s.buf)])
		s.buf = s.buf[:n+m]
		if err != nil {
			s.err = err
		}
		if m > 0 || err != nil {
			return m > 0
		}
	}
}

// need makes at least n bytes available at i when the input has them.
func (s *markupScan) need(n int) bool {
	for len(s.buf)-s.i < n {
		if !s.fill() {
			return false
		}
	}
	return true
}

// markup skips text to the next "<" and returns the byte after it, not consumed; false
// at the end of the input.
func (s *markupScan) markup() (byte, bool) {
	for {
		if j := bytes.IndexByte(s.buf[s.i:], '<'); j >= 0 {
			s.i += j + 1
			if !s.need(1) {
				return 0, false
			}
			c := s.buf[s.i]
			if c == '/' || c == '?' {
				s.i++
			}
			return c, true
		}
		s.i = len(s.buf)
		if !s.fill() {
			return 0, false
		}
	}
}

// skipIf consumes p if the input continues with it.
func (s *markupScan) skipIf(p string) bool {
	if !s.need(len(p)) || string(s.buf[s.i:s.i+len(p)]) != p {
		return false
	}
	s.i += len(p)
	return true
}

// past consumes the input up to and including the first d.
func (s *markupScan) past(d string) bool {
	for {
		if j := bytes.Index(s.buf[s.i:], []byte(d)); j >= 0 {
			s.i += j + len(d)
			return true
		}
		// Keep what may be the start of d.
		s.i = max(s.i, len(s.buf)-(len(d)-1))
		if !s.fill() {
			return false
		}
	}
}

// name returns the name at i (a tag's or a processing instruction's target), ending at
// white space, "/", ">" or "?". The slice is valid until the next call.
func (s *markupScan) name() []byte {
	s.scratch = s.scratch[:0]
	for s.need(1) {
		c := s.buf[s.i]
		if nameEnd[c] {
			break
		}
		s.scratch = append(s.scratch, c)
		s.i++
	}
	return s.scratch
}

var nameEnd = func() (t [256]bool) {
	for _, c := range " \t\r\n/>?" {
		t[c] = true
	}
	return t
}()

// tagEnd consumes the rest of a start tag, quoted attribute values (which may hold ">")
// included, and reports whether it ends with "/>".
func (s *markupScan) tagEnd() (empty, ok bool) {
	// Most tags: the first ">" ends the tag when the double quotes before it pair up
	// and no single quote stands there (a few vector searches instead of a byte loop).
	rest := s.buf[s.i:]
	if j := bytes.IndexByte(rest, '>'); j > 0 {
		if t := rest[:j]; bytes.IndexByte(t, '\'') < 0 && bytes.Count(t, []byte{'"'})%2 == 0 {
			s.i += j + 1
			return t[j-1] == '/', true
		}
	}
	var prev byte
	for {
		b := s.buf
		for s.i < len(b) {
			c := b[s.i]
			s.i++
			switch c {
			case '>':
				return prev == '/', true
			case '"', '\'':
				for {
					if j := bytes.IndexByte(s.buf[s.i:], c); j >= 0 {
						s.i += j + 1
						break
					}
					s.i = len(s.buf)
					if !s.fill() {
						return false, false
					}
				}
				b = s.buf
			}
			prev = c
		}
		if !s.fill() {
			return false, false
		}
	}
}

// doctype consumes the rest of a DOCTYPE: quoted literals, and in the internal subset
// ("[" to "]") comments and processing instructions, may hold ">" and brackets.
func (s *markupScan) doctype() bool { return s.declUntil('>') }

// declUntil consumes declaration text up to and including end (">" for the DOCTYPE, "]"
// for its internal subset, which "[" opens): quoted literals, comments and processing
// instructions are skipped whole.
func (s *markupScan) declUntil(end byte) bool {
	for s.need(1) {
		c := s.buf[s.i]
		switch {
		case c == end:
			s.i++
			return true
		case c == '"' || c == '\'':
			s.i++
			if !s.past(string(c)) {
				return false
			}
		case s.skipIf("<!--"):
			if !s.past("-->") {
				return false
			}
		case s.skipIf("<?"):
			if !s.past("?>") {
				return false
			}
		case c == '[' && end == '>':
			s.i++
			if !s.declUntil(']') {
				return false
			}
		default:
			s.i++
		}
	}
	return false
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
