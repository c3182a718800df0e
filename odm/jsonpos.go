package odm

import (
	"bytes"
	"encoding/binary"
	"sort"
	"sync"
)

// JSONPositions maps lines of the XML that JSONToODM writes back to the places in its
// JSON input they were written from, so that a warning or error a reader of that XML
// gives (at an XML line and column) can name a place in the file the user has: the JSON
// form. JSONToODM adds a mark where the root element, each AdminData element, each
// record (User, Location, SignatureDef, Organization) and each element of the first
// levels outside AdminData (Study, ClinicalData and their children) start; Lookup returns
// the JSON line and column of the object of the last mark at or before an XML line. So a
// warning about a User's e-mail names the line of the User's object, not of its "email"
// member: the JSON form's records are read whole, without the places of their members.
//
// It costs about three bytes a mark (a million users: some 3 MB), and it is safe to call
// Lookup while JSONToODM still writes (a command lists warnings as the conversion goes
// on). The zero value is ready to use.
type JSONPositions struct {
	mu   sync.Mutex
	cps  []posCheckpoint // every posEvery-th mark, whole
	enc  []byte          // the marks after each checkpoint, as varint differences
	last posMark
	n    int
}

type posMark struct{ xml, line, col int }

// posCheckpoint is a mark and where the marks after it start in enc.
type posCheckpoint struct {
	posMark
	at int
}

// posEvery is how many marks a checkpoint stands for: a Lookup decodes at most this many.
const posEvery = 64

// add records that XML line xml was written from the JSON object at line:col. Marks come
// in the order of both files; a later mark on the same XML line is dropped (the first
// element on a line is the one a reader's position most likely falls in).
func (p *JSONPositions) add(xml, line, col int) {
	if line <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n > 0 && (xml <= p.last.xml || line < p.last.line) {
		return
	}
	m := posMark{xml, line, col}
	if p.n%posEvery == 0 {
		p.cps = append(p.cps, posCheckpoint{m, len(p.enc)})
	} else {
		p.enc = binary.AppendUvarint(p.enc, uint64(xml-p.last.xml))
		p.enc = binary.AppendUvarint(p.enc, uint64(line-p.last.line))
		p.enc = binary.AppendUvarint(p.enc, uint64(col))
	}
	p.last = m
	p.n++
}

// Lookup returns the JSON line and column (from 1) of the object the XML line xmlLine was
// written from: the object of the last mark at or before it. ok is false for a line
// before the first mark (or with no marks at all).
func (p *JSONPositions) Lookup(xmlLine int) (line, col int, ok bool) {
	if p == nil {
		return 0, 0, false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	i := sort.Search(len(p.cps), func(i int) bool { return p.cps[i].xml > xmlLine }) - 1
	if i < 0 {
		return 0, 0, false
	}
	m := p.cps[i].posMark
	enc := p.enc[p.cps[i].at:]
	if i+1 < len(p.cps) {
		enc = p.enc[p.cps[i].at:p.cps[i+1].at]
	}
	for len(enc) > 0 {
		dx, n1 := binary.Uvarint(enc)
		dl, n2 := binary.Uvarint(enc[n1:])
		c, n3 := binary.Uvarint(enc[n1+n2:])
		next := posMark{m.xml + int(dx), m.line + int(dl), int(c)}
		if next.xml > xmlLine {
			break
		}
		m, enc = next, enc[n1+n2+n3:]
	}
	return m.line, m.col, true
}

// Len returns the number of marks.
func (p *JSONPositions) Len() int {
	if p == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// lineTally counts the lines of what an xw writes, for the marks of JSONPositions:
// done counts the newlines handed on, inBuf those of buf[:counted], the part of the
// buffer already looked at.
type lineTally struct {
	done, inBuf, counted int
}

// handedOn is called with the buffer just before it is handed on and emptied.
func (t *lineTally) handedOn(buf []byte) {
	if t.counted <= len(buf) {
		t.done += t.inBuf + bytes.Count(buf[t.counted:], []byte{'\n'})
	}
	t.inBuf, t.counted = 0, 0
}

// line returns the line (from 1) the next byte written to buf goes on.
func (t *lineTally) line(buf []byte) int {
	if t.counted <= len(buf) {
		t.inBuf += bytes.Count(buf[t.counted:], []byte{'\n'})
		t.counted = len(buf)
	}
	return t.done + t.inBuf + 1
}
