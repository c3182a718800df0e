package odm

import (
	"bytes"
	"io"
	"strings"

	"github.com/odmadmin/odmadmin/internal/xmlscan"
)

// RawCopy lets a Transform callback have records copied as their input bytes without
// their being decoded at all: for a caller that knows, before a record is read, that it
// would return AsRead for it (the record read once already, say, and found unchanged).
// Decoding a record costs most of a Transform; copying its bytes, a scan of them.
type RawCopy struct {
	// Want is called with the start tag of each record (User, Location, SignatureDef,
	// Organization) inside AdminData, before the record is read. When it returns true,
	// the record is scanned to its end tag without being decoded and, where AsRead would
	// copy its bytes (see AsRead: they are what encoding it writes, and the namespaces
	// in scope are the reader's), written as its input bytes; Copied is then called,
	// and the Transform callback is not. Where they cannot be so written, the record is
	// decoded from its bytes and handed to the callback as any other (Copied is not
	// called). Want is not called for records in ODM 2.0 documents (whose encoding may
	// leave out what 2.0 cannot hold, which only a decoded record tells).
	Want func(start *RecordStart) bool
	// Copied is called after the record Want chose last was written as its input bytes.
	Copied func()
}

// RecordStart is the start tag of a record inside AdminData as RawCopy.Want sees it. It
// is valid only until Want returns.
type RecordStart struct {
	s *scanner
}

// Local returns the record's element name: "User", "Location", "SignatureDef" or
// "Organization".
func (r *RecordStart) Local() string { return r.s.cur.name.Local }

// Attr returns the value of the start tag's attribute of no namespace named local, as
// read (references decoded, white space kept), and whether it has one.
func (r *RecordStart) Attr(local string) (string, bool) {
	for _, a := range r.s.cur.attrs {
		if a.Space == "" && a.Prefix == "" && a.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

// TransformRaw is Transform with the records raw chooses copied as their input bytes,
// undecoded (see RawCopy). Such a record is not checked beyond being well-formed: the
// reader gives no warning about it (nor an error but a syntax error), so Want is for
// records the caller has read already. A record Want chose that cannot be copied so is
// decoded from its bytes alone: the positions of what it holds (Ext.Line and Col, and
// those of the reader's warnings about it) are then counted from its start tag as if it
// stood at line 1, column 1, of a document of its own.
func TransformRaw(w io.Writer, r io.Reader, ropts ReadOptions, wopts WriteOptions, fn func(Node) (Node, error), raw RawCopy) ([]*Error, error) {
	return transform(w, r, ropts, wopts, fn, raw)
}

// copyRaw scans the record whose start tag is the scanner's current token (line and col
// its position) to its end tag, collecting its bytes in t.rawBuf, and writes them after
// ws when AsRead would. It returns false, with the record decoded from its bytes in node
// (field is its AdminData field), when it cannot.
func (t *transformer) copyRaw(field int, line, col int, ws string) (copied bool, node Node, err error) {
	s, x := t.s, t.x
	// The bytes are collected token by token (each held alone: a hold of the whole
	// record would lapse past xmlscan's bound, and the record is needed whole).
	buf := append(t.rawBuf[:0], s.xs.Held()...)
	for depth := 1; depth > 0; {
		k, err := s.raw()
		if err != nil {
			return false, nil, err
		}
		switch k {
		case xmlscan.EndElement:
			depth--
			if s.xs.Empty() {
				continue // the end of <x/>: its bytes are its start tag's
			}
		case xmlscan.StartElement:
			depth++
		}
		s.xs.Hold()
		buf = append(buf, s.xs.Held()...)
	}
	s.empty = s.xs.Empty()
	t.rawBuf = buf
	if asWritten(buf) {
		x.str(ws)
		x.bytes(buf)
		return true, nil, x.err
	}
	v, err := t.decodeRaw(field, buf, line, col)
	return false, v, err
}

// decodeRaw decodes the record of AdminData field field whose bytes are b (read at line
// and col), as a document of its own: the record inside an element that declares the
// namespaces in scope where it was read (asReadOK found them, in t.binds).
func (t *transformer) decodeRaw(field int, b []byte, line, col int) (Node, error) {
	s := t.s
	var doc bytes.Buffer
	doc.WriteString("<r")
	for _, nb := range t.binds {
		if nb.prefix == "" {
			doc.WriteString(` xmlns="`)
		} else {
			doc.WriteString(" xmlns:" + nb.prefix + `="`)
		}
		doc.WriteString(rawAttrEscaper.Replace(nb.uri))
		doc.WriteString(`"`)
	}
	doc.WriteString(">")
	pre := doc.Len()
	doc.Write(b)
	doc.WriteString("</r>")
	opts := s.opts
	opts.Reuse = false
	sub := newScanner(&doc, opts)
	sub.version, sub.odmNS, sub.seenRoot = s.version, s.odmNS, true
	fix := func(e *Error) {
		if e.Line <= 1 {
			e.Col = max(e.Col-pre, 1) + col - 1
		}
		e.Line += line - 1
	}
	var v Node
	var err error
	if _, err = sub.next(); err == nil {
		var tk *token
		if tk, err = sub.next(); err == nil {
			var mm model
			mm, v = sub.newRecord(field)
			err = sub.readTyped(mm, tk)
		}
	}
	for _, w := range sub.warnings {
		fix(w)
		if s.wbound.keep(&s.warnings, w, resolveMaxWarnings(s.opts.MaxWarnings)) {
			s.warnings = append(s.warnings, w)
		}
	}
	if err != nil {
		if e, ok := err.(*Error); ok {
			fix(e)
		}
		s.err = err
		return nil, err
	}
	return v, nil
}

// rawAttrEscaper escapes a namespace URI for decodeRaw's wrapper element.
var rawAttrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", `"`, "&quot;", "\t", "&#9;", "\n", "&#10;", "\r", "&#13;")

// rawWanted reports whether the record whose start tag was just read is to be copied
// undecoded: RawCopy.Want says so, and its bytes may be written as read (asReadOK held
// for its AdminData, and its encoding leaves nothing out, which only ODM 2.0's may).
func (t *transformer) rawWanted() bool {
	if t.raw.Want == nil || !t.rawOK || t.x.version != t.s.version || t.x.version.is2() {
		return false
	}
	return t.raw.Want(&RecordStart{s: t.s})
}
