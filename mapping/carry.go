package mapping

import (
	"bytes"
	"errors"
	"io"
	"strconv"

	"github.com/odmadmin/odmadmin/internal/xmlenc"
	"github.com/odmadmin/odmadmin/odm"
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
	if r == nil {
		return nil, nilODMReader()
	}
	return notCarried(r, nil)
}

// nilODMReader is the error for a nil reader of an ODM document: the odm package's own
// (its readers' for a nil io.Reader), as where odm reads the document itself (Patch
// reads it with odm.Transform after a look of its own at the first bytes).
func nilODMReader() error {
	return &odm.Error{Err: odm.ErrTruncated, Msg: "no input: the reader is nil"}
}

// notCarried is NotCarried; marks, when set, gets the count of the markup the scan
// stopped at (tests).
func notCarried(r io.Reader, marks *int) ([]Warning, error) {
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
	if marks != nil {
		defer func() { *marks = s.marks }()
	}
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
			if depth != 1 {
				empty, ok := s.tagEnd()
				if !ok {
					return nil, errEndsInMarkup
				}
				if !empty {
					depth++
				}
				break
			}
			// A child of the root: nothing inside it is counted, so its content is
			// skipped to its end tag (skipElement), not looked at tag by tag.
			name := s.name()
			local := name[bytes.LastIndexByte(name, ':')+1:]
			if string(local) != "AdminData" {
				add(kind{"ODM/" + string(name), "element"})
			}
			s.qname = append(s.qname[:0], name...)
			empty, ok := s.tagEnd()
			if !ok {
				return nil, errEndsInMarkup
			}
			if !empty {
				if err := s.skipElement(s.qname); err != nil {
					return nil, err
				}
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
	qname   []byte // the name of the root's child skipElement skips
	// marks counts the markup markup and skipElement stopped at (tests).
	marks int
	fills int // the times fill moved what buf holds
}

// fill drops what has been looked at and reads more; false when no more came.
func (s *markupScan) fill() bool {
	if s.err != nil {
		return false
	}
	n := copy(s.buf[:cap(s.buf)], s.buf[s.i:])
	s.buf, s.i = s.buf[:n], 0
	s.fills++
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
			s.marks++
			return c, true
		}
		s.i = len(s.buf)
		if !s.fill() {
			return 0, false
		}
	}
}

// skipElement consumes the content of an element named q, whose start tag was just
// read, up to and including its end tag. The document is well-formed (odm has read it),
// so what ends the element is the first "</q" followed by white space or ">" that is
// not inside a comment, a CDATA section or a processing instruction (attribute values
// and text hold no "<") and does not close an element of the same name inside it (one
// in another namespace). Only q, "!" and "?" are looked for, each with a vector search
// (and the byte or two before each looked at: "<q", "</q", "<!", "<?"), not every tag
// in between: tag by tag (markup and tagEnd), the users of AdminData took 7% of map
// --to odm2's CPU. "<" is the most frequent byte of markup, a bad one to search for.
func (s *markupScan) skipElement(q []byte) error {
	// Where each of q, "!" and "?" is next found in buf; -1: to be looked for (a
	// position below i is looked for again); len(buf): not in what is read.
	var at [3]int
	pats := [3][]byte{q, []byte("!"), []byte("?")}
	reset := func() {
		for k := range at {
			at[k] = -1
		}
	}
	reset()
	nest := 0
	for {
		j, which := -1, -1
		for k, p := range pats {
			if at[k] < s.i {
				var x int
				if len(p) == 1 {
					x = bytes.IndexByte(s.buf[s.i:], p[0])
				} else {
					x = bytes.Index(s.buf[s.i:], p)
				}
				if x >= 0 {
					at[k] = s.i + x
				} else {
					at[k] = len(s.buf)
				}
			}
			if at[k] < len(s.buf) && (j < 0 || at[k] < j) {
				j, which = at[k], k
			}
		}
		if j < 0 || j+len(pats[which]) >= len(s.buf) {
			// None found, or the byte after the first one is not read yet: read more,
			// keeping what may be the start of q and the two bytes before it.
			if j < 0 {
				s.i = max(s.i, len(s.buf)-(len(q)+1))
			} else {
				s.i = max(s.i, j-2)
			}
			if !s.fill() {
				return errEndsInMarkup
			}
			reset()
			continue
		}
		// The byte before (and for q the one before that): the markup it begins, if any.
		lt := j >= 1 && s.buf[j-1] == '<'
		endTag := which == 0 && !lt && j >= 2 && s.buf[j-1] == '/' && s.buf[j-2] == '<'
		s.i = j + len(pats[which])
		if !lt && !endTag || which == 0 && !nameEnd[s.buf[s.i]] {
			s.i = j + 1 // text, an attribute value or a longer name
			continue
		}
		s.marks++
		fills := s.fills
		switch {
		case endTag:
			if !s.past(">") {
				return errEndsInMarkup
			}
			if nest == 0 {
				return nil
			}
			nest--
		case which == 0: // a start tag of q, inside the one skipped
			empty, ok := s.tagEnd()
			if !ok {
				return errEndsInMarkup
			}
			if !empty {
				nest++
			}
		case which == 1: // a comment or a CDATA section
			s.i = j
			switch {
			case s.skipIf("!--"):
				if !s.past("-->") {
					return errEndsInMarkup
				}
			case s.skipIf("![CDATA["):
				if !s.past("]]>") {
					return errEndsInMarkup
				}
			default:
				return errors.New("mapping: not-carried: markup \"<!\" inside an element is neither a comment nor a CDATA section")
			}
		default: // a processing instruction
			if !s.past("?>") {
				return errEndsInMarkup
			}
		}
		// past, skipIf and tagEnd may have read more, moving what buf holds: the
		// positions found are then stale.
		if s.fills != fills {
			reset()
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
