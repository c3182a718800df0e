package mapping

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// The users Patch adds to a block (those the document did not have, say every row of a
// template patched into a base file that names none of them) are written by odm.Transform
// where the block starts, before its own records: Transform writes the records its
// callback put into the block's *AdminData then, all of them, so holding them there cost
// about 2 KB a user (401 MiB for 200,000 new users). Instead the block gets one marker
// user, and the output goes through a splicer, which replaces the marker's bytes with the
// new users, built again one batch at a time and written by a second Transform over a
// small document of the same root, AdminData and white space: the same writer in the same
// namespace scope writes the same bytes. What is held per new user is its index (4 bytes).

// spliceBatch is how many new users one rendering Transform writes.
const spliceBatch = 256

// spliceKeep is how much of the output the splicer holds back while it looks for a
// marker: enough for the marker element's start and the white space before it.
const spliceKeep = 16 << 10

// errSplice reports output the splicer did not find as it placed it (a bug, not bad input).
var errSplice = errors.New("mapping: new users could not be placed in the output")

// splicer passes the output of Transform on to out, replacing each marker user, in the
// order they were armed, with what its splice renders.
type splicer struct {
	out     io.Writer
	pending []byte
	queue   []*splice
	err     error
}

type splice struct {
	marker []byte
	// render writes the new users in place of the marker element: the first without
	// the white space before it (the output has it already), each later one after
	// child, the white space that stood before the marker.
	render func(w io.Writer, child string) error
}

func (s *splicer) arm(sp *splice) { s.queue = append(s.queue, sp) }

func (s *splicer) Write(b []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if len(s.queue) == 0 && len(s.pending) == 0 {
		if _, err := s.out.Write(b); err != nil {
			s.err = err
			return 0, err
		}
		return len(b), nil
	}
	s.pending = append(s.pending, b...)
	if err := s.scan(false); err != nil {
		s.err = err
		return 0, err
	}
	return len(b), nil
}

// scan places the markers found in pending and writes on what cannot hold one. final
// says the output is complete: a marker not found then is an error.
func (s *splicer) scan(final bool) error {
	for len(s.queue) > 0 {
		sp := s.queue[0]
		i := bytes.Index(s.pending, sp.marker)
		if i < 0 {
			if final {
				return errSplice
			}
			return s.pass(len(s.pending) - len(sp.marker) - spliceKeep)
		}
		gt := bytes.IndexByte(s.pending[i:], '>')
		if gt < 0 {
			if final {
				return errSplice
			}
			return s.pass(i - spliceKeep)
		}
		gt += i
		// Attribute values are written with '<' and '>' escaped: the marker element
		// starts at the last '<' before its OID and ends at the first '>' after.
		lt := bytes.LastIndexByte(s.pending[:i], '<')
		if lt < 0 || s.pending[gt-1] != '/' {
			return errSplice
		}
		j := lt
		for j > 0 && isXMLSpace(s.pending[j-1]) {
			j--
		}
		child := string(s.pending[j:lt])
		if _, err := s.out.Write(s.pending[:lt]); err != nil {
			return err
		}
		if err := sp.render(s.out, child); err != nil {
			return err
		}
		s.pending = append(s.pending[:0], s.pending[gt+1:]...)
		s.queue = s.queue[1:]
	}
	return s.pass(len(s.pending))
}

// pass writes the first n bytes pending on.
func (s *splicer) pass(n int) error {
	if n <= 0 {
		return nil
	}
	if _, err := s.out.Write(s.pending[:n]); err != nil {
		return err
	}
	s.pending = append(s.pending[:0], s.pending[n:]...)
	return nil
}

// finish writes what is pending once Transform has returned; with a *bufio.Writer as out
// it is flushed, as Transform flushes one given to it directly.
func (s *splicer) finish(ok bool) error {
	if s.err != nil {
		return s.err
	}
	if ok {
		if err := s.scan(true); err != nil {
			return err
		}
	} else if err := s.pass(len(s.pending)); err != nil {
		return err
	}
	if bw, isBuf := s.out.(*bufio.Writer); isBuf && ok {
		return bw.Flush()
	}
	return nil
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// prefixCapture keeps the first bytes read from r, for the document's header (the prolog
// and the root's start tag), which the rendering Transform reproduces.
type prefixCapture struct {
	r   io.Reader
	buf []byte
	max int
}

func (c *prefixCapture) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if room := c.max - len(c.buf); room > 0 && n > 0 {
		c.buf = append(c.buf, p[:min(n, room)]...)
	}
	return n, err
}

// spliceHeaderMax bounds prefixCapture: a document whose root start tag ends later (a huge
// DOCTYPE, say) has its new users held as before.
const spliceHeaderMax = 1 << 20

// newMarker returns a marker OID no document holds by chance.
func newMarker() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "odmadmin-new-users-" + hex.EncodeToString(b[:])
}

// header returns the document's header, read from the bytes captured (nil when they do
// not hold it whole).
func (p *patcher) header() *odm.Header {
	if p.hdrDone {
		return p.hdr
	}
	p.hdrDone = true
	if p.capture == nil {
		return nil
	}
	h, err := odm.NewReader(bytes.NewReader(p.capture.buf), p.ropts).Header()
	if err != nil || h == nil || h.Root == nil {
		return nil
	}
	p.hdr = h
	p.capture.max = 0 // no more is needed
	p.capture.buf = nil
	return h
}

// spliceNew arms the splicer for the new users of the block whose head is given (by
// index, in order) and returns the marker user to put in the head in their place.
func (p *patcher) spliceNew(head *odm.AdminData, study string, idx *indexList) *odm.User {
	marker := newMarker()
	hd := p.hdr
	p.splice.arm(&splice{marker: []byte(marker), render: func(out io.Writer, child string) (err error) {
		defer catchSpill(&err)
		return p.renderNew(out, child, hd, head, study, idx)
	}})
	return &odm.User{OID: marker}
}

// renderNew writes the users idx of the block head (of study) as Transform writes them
// where the block starts, with child before each (but the first).
func (p *patcher) renderNew(out io.Writer, child string, hd *odm.Header, head *odm.AdminData, study string, idx *indexList) error {
	unit := indentUnit(p.wopts)
	nl := "\n"
	if unit != "" {
		// Transform lays a block's records out at the last line of the white space
		// before the block, one unit in: the same white space before the rendered block
		// gives the same child.
		if !strings.HasPrefix(child, "\n") || !strings.HasSuffix(child, unit) || len(child) < 1+len(unit) {
			return errSplice
		}
		nl = child[:len(child)-len(unit)]
	} else if child != "" {
		return errSplice
	}
	// The document rendered: the header as the writer writes it, the block (in the
	// root's namespace, as the reader takes the ODM namespace from the root) and the
	// root's end.
	var hb bytes.Buffer
	hw := odm.NewWriter(&hb, p.wopts)
	if err := hw.WriteHeader(hd); err != nil {
		return err
	}
	if err := hw.Close(); err != nil {
		return err
	}
	text := hb.String()
	end := strings.LastIndex(text, "</")
	if end < 0 {
		return errSplice
	}
	doc := text[:end] + nl + `<AdminData xmlns="` + attrEscaper.Replace(hd.Root.Space) + `"/>` + text[end:]
	m1, m2 := newMarker(), newMarker()
	batch := make([]*odm.User, 0, spliceBatch+2)
	var buf bytes.Buffer
	rd := idx.reader()
	for k := 0; k < idx.n; k += spliceBatch {
		batch = append(batch[:0], &odm.User{OID: m1})
		for range min(spliceBatch, idx.n-k) {
			i := rd.next()
			batch = append(batch, p.quietUser(p.users.user(i), study))
		}
		batch = append(batch, &odm.User{OID: m2})
		buf.Reset()
		_, err := odm.Transform(&buf, strings.NewReader(doc), odm.ReadOptions{Name: p.ropts.Name}, p.wopts, func(n odm.Node) (odm.Node, error) {
			if _, ok := n.(*odm.AdminData); ok {
				c := *head
				c.Users, c.Organizations, c.Locations, c.SignatureDefs, c.Nodes = batch, nil, nil, nil, nil
				return &c, nil
			}
			return n, nil
		})
		clear(batch)
		if err != nil {
			return err
		}
		b := buf.Bytes()
		i1, i2 := bytes.Index(b, []byte(m1)), bytes.Index(b, []byte(m2))
		if i1 < 0 || i2 < i1 {
			return errSplice
		}
		from := i1 + bytes.IndexByte(b[i1:], '>') + 1
		to := bytes.LastIndexByte(b[:i2], '<')
		users := b[from:to]
		if !bytes.HasPrefix(users, []byte(child)) || !bytes.HasSuffix(users, []byte(child)) {
			return errSplice
		}
		users = users[:len(users)-len(child)]
		if k == 0 {
			users = users[len(child):]
		}
		if _, err := out.Write(users); err != nil {
			return err
		}
	}
	return nil
}

// indexList is a list of users' indexes (the new users of a block, addNew), held as the
// varints of each one's difference from the one before: the users are added in the
// order of their indexes, a byte or two each, where a million new users in one block
// were 4 bytes each (and up to a quarter more, grown) through the rest of the patch.
type indexList struct {
	b    []byte
	last int32
	n    int
}

func (l *indexList) add(i int32) {
	l.b = binary.AppendVarint(l.b, int64(i)-int64(l.last))
	l.last = i
	l.n++
}

// reader returns a reader of the indexes, in the order they were added.
func (l *indexList) reader() *indexReader { return &indexReader{b: l.b} }

// indexReader reads an indexList's indexes (next: the next one; the list has l.n).
type indexReader struct {
	b    []byte
	last int64
}

func (r *indexReader) next() int32 {
	d, m := binary.Varint(r.b)
	r.b, r.last = r.b[m:], r.last+d
	return int32(r.last)
}

// quietUser builds the odm.User the writer wrote for u into a block of study when addNew
// added it, again: its warnings were given and its groups and organizations made then,
// so this call's are let go.
func (p *patcher) quietUser(u *User, study string) *odm.User {
	w := p.w
	warn, verbatim, groups, orgs := w.warn, w.verbatim, len(w.newGroup), len(w.newOrg)
	w.warn, w.verbatim = warner{}, nil
	o := w.user(u, nil, w.siteAccess(p.assignmentsIn(u, study), u.ID), study)
	w.warn, w.verbatim = warn, verbatim
	w.newGroup, w.newOrg = w.newGroup[:min(groups, len(w.newGroup))], w.newOrg[:min(orgs, len(w.newOrg))]
	return o
}

// indentUnit is odm's indentation unit for opts (WriteOptions.indent).
func indentUnit(opts odm.WriteOptions) string {
	switch {
	case opts.Compact:
		return ""
	case opts.Indent == "":
		return "  "
	}
	return opts.Indent
}

var attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", `"`, "&quot;")
