package main

import (
	"bytes"
	"fmt"
	"io"
	"regexp"

	"github.com/odmadmin/odmadmin/odm"
	"github.com/odmadmin/odmadmin/validate"
)

// partScan watches the bytes a check reads for Study and Location start tags (under any
// prefix). A vendor export that never holds them (Rave's Users.odm, InForm's AdminData
// downloads of users) refers to studies and sites defined in other files; its references
// to them cannot resolve and are no errors of the file. A comment that spells such a tag
// counts as one: the check then stays strict, the safe side.
type partScan struct {
	tail            []byte
	study, location bool
	// vendor: the file uses Rave's or InForm's namespace, whose exports come in parts.
	vendor bool
}

var (
	studyTag    = regexp.MustCompile(`<([A-Za-z_][\w.-]*:)?Study[\s>/]`)
	locationTag = regexp.MustCompile(`<([A-Za-z_][\w.-]*:)?Location[\s>/]`)
)

func (p *partScan) Write(b []byte) (int, error) {
	if p.study && p.location && p.vendor {
		return len(b), nil
	}
	buf := append(p.tail, b...)
	p.study = p.study || studyTag.Match(buf)
	p.location = p.location || locationTag.Match(buf)
	p.vendor = p.vendor || bytes.Contains(buf, []byte(odm.NSRave)) || bytes.Contains(buf, []byte(odm.NSInForm))
	// Keep enough of the end for a tag split across two writes.
	keep := min(len(buf), 128)
	p.tail = append(p.tail[:0], buf[len(buf)-keep:]...)
	return len(b), nil
}

// scanParts returns r teed through a partScan.
func scanParts(r io.Reader) (io.Reader, *partScan) {
	p := &partScan{}
	return io.TeeReader(r, p), p
}

// relaxParts turns the errors about references a partial vendor export (Rave or InForm,
// holding no Study) cannot resolve into warnings: its Study references, and its
// LocationRefs when it holds no Location either. It returns how many it relaxed.
func relaxParts(findings []validate.Finding, p *partScan) int {
	if !p.vendor || p.study {
		return 0
	}
	n := 0
	for i := range findings {
		f := &findings[i]
		if f.Severity != validate.SeverityError {
			continue
		}
		switch f.Code {
		case validate.CodeDanglingStudyOID, validate.CodeDanglingMetaDataVersionRef:
			if p.study {
				continue
			}
		case validate.CodeDanglingLocationRef:
			if p.location {
				continue
			}
		default:
			continue
		}
		f.Severity = validate.SeverityWarning
		what := "Study"
		if f.Code == validate.CodeDanglingLocationRef {
			what = "Location"
		}
		f.Message += " (a partial export: the file holds no " + what + ")"
		n++
	}
	return n
}

// partNote says how to check the references of a partial export across its files.
func partNote(name string, n int) string {
	return fmt.Sprintf("%s is a partial vendor export (it holds no Study): %d references into its other files are warnings. "+
		"To check references across its files, check them merged: odmadmin map --to odm Users.odm Sites.odm | odmadmin check --series", name, n)
}
