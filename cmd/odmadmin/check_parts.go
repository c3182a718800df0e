package main

import (
	"bytes"
	"fmt"
	"io"

	"github.com/odmadmin/odmadmin/internal/xmlenc"
	"github.com/odmadmin/odmadmin/odm"
	"github.com/odmadmin/odmadmin/validate"
)

// partScan watches the text a check reads for Study and Location start tags (under any
// prefix). A vendor export that never holds them (Rave's Users.odm, InForm's AdminData
// downloads of users) refers to studies and sites defined in other files; its references
// to them cannot resolve and are no errors of the file. A comment that spells such a tag
// counts as one: the check then stays strict, the safe side. It is given the file's bytes
// and looks at them decoded as the reader decodes them (xmlenc.Writer): in the raw bytes
// of UTF-16 no tag or namespace is found, and a partial export was strict there alone.
type partScan struct {
	dec             io.WriteCloser // decodes what Write is given into the scan (tags)
	tags            tagScan
	study, location bool
	// vendor: the file uses Rave's or InForm's namespace, whose exports come in parts.
	vendor bool
}

func newPartScan() *partScan {
	p := &partScan{}
	p.tags.p = p
	p.dec = xmlenc.Writer(&p.tags)
	return p
}

func (p *partScan) Write(b []byte) (int, error) {
	if p.dec == nil || p.study && p.location && p.vendor {
		return len(b), nil
	}
	return p.dec.Write(b)
}

// finish makes the scan see the end of what it was given: the decoder holds the first
// bytes until it knows their encoding, and the end of a multi-byte character.
func (p *partScan) finish() {
	if p.dec != nil {
		p.dec.Close()
	}
}

// tagScan scans the decoded text for partScan.
type tagScan struct {
	p    *partScan
	tail []byte
	seam []byte // the tail and the start of the write after it
}

func (t *tagScan) Write(b []byte) (int, error) {
	// The seam with the write before (its last tagSeam bytes and the first of b), then
	// b itself, in place: b was copied after the tail into memory of its own, a 64 KiB
	// allocation for each write, a gigabyte of garbage for a million users.
	t.seam = append(append(t.seam[:0], t.tail...), b[:min(len(b), tagSeam)]...)
	t.scan(t.seam)
	t.scan(b)
	// Keep enough of the end for a tag split across two writes.
	if len(b) >= tagSeam {
		t.tail = append(t.tail[:0], b[len(b)-tagSeam:]...)
	} else {
		t.tail = append(t.tail, b...)
		t.tail = append(t.tail[:0], t.tail[max(0, len(t.tail)-tagSeam):]...)
	}
	return len(b), nil
}

// tagSeam is how much of the end of one write tagScan looks at again with the next: more
// than a start tag's name with its prefix, or a namespace name, takes.
const tagSeam = 128

func (t *tagScan) scan(b []byte) {
	p := t.p
	p.study = p.study || hasStartTag(b, "Study")
	p.location = p.location || hasStartTag(b, "Location")
	p.vendor = p.vendor || bytes.Contains(b, []byte(odm.NSRave)) || bytes.Contains(b, []byte(odm.NSInForm))
}

// hasStartTag reports whether b holds a start tag <local or <prefix:local followed by white
// space, ">" or "/". It looks for local with bytes.Index and checks the few bytes around
// each hit: a regular expression over every byte of a large export cost seconds.
func hasStartTag(b []byte, local string) bool {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte(local))
		if i < 0 {
			return false
		}
		i += off
		off = i + 1
		end := i + len(local)
		if i == 0 || end >= len(b) || !isTagEnd(b[end]) {
			continue
		}
		j := i - 1
		if b[j] == ':' {
			// A prefix: name characters back to the "<", the first a letter or "_".
			k := j
			for k > 0 && isNameChar(b[k-1]) {
				k--
			}
			if k == j || k == 0 || !isNameStart(b[k]) {
				continue
			}
			j = k - 1
		}
		if b[j] == '<' {
			return true
		}
	}
}

func isTagEnd(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' || c == '/'
}

// partRelax turns the errors about references a partial vendor export (Rave or InForm)
// cannot resolve into warnings: its Study references when none of the files checked
// together holds a Study, and its LocationRefs when none holds a Location either. The
// references were resolved against all the files, so what is left points into files the
// check was not given. What the files hold is known once the first reads of all of them
// are done (partScan), which is before the check gives out its first finding.
type partRelax struct {
	parts           []*partScan
	seen            bool // study and location are set
	study, location bool
	relaxed         int // how many findings it relaxed (a counting finding counts its count)
}

func newPartRelax(parts []*partScan) *partRelax { return &partRelax{parts: parts} }

// relax changes f, a finding of file i, when it is such an error.
func (r *partRelax) relax(i int, f *validate.Finding) {
	if !r.seen {
		r.seen = true
		for _, p := range r.parts {
			p.finish()
			r.study = r.study || p.study
			r.location = r.location || p.location
		}
	}
	if r.study || !r.parts[i].vendor || f.Severity != validate.SeverityError {
		return
	}
	what := "Study"
	switch f.Code {
	case validate.CodeDanglingStudyOID, validate.CodeDanglingMetaDataVersionRef:
	case validate.CodeDanglingLocationRef:
		if r.location {
			return
		}
		what = "Location"
	default:
		return
	}
	f.Severity = validate.SeverityWarning
	if len(r.parts) == 1 {
		f.Message += " (a partial export: the file holds no " + what + ")"
	} else {
		f.Message += " (a partial export: none of the files holds a " + what + ")"
	}
	r.relaxed += max(1, f.Count) // the finding counting those past the check's bound
}

// partNote says how to check the references of a partial export across its files.
func partNote(names []string, n int) string {
	what := names[0] + " is a partial vendor export (it holds no Study)"
	if len(names) > 1 {
		what = "the files are a partial vendor export (none holds a Study)"
	}
	return fmt.Sprintf("%s: %d references into its other files are warnings. "+
		"To check references across its files, pass the study file too: odmadmin check Users.odm Sites.odm study.xml "+
		"(or check them merged: odmadmin map --to odm Users.odm Sites.odm | odmadmin check --series)", what, n)
}
