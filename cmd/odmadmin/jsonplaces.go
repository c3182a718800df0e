package main

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/odmadmin/odmadmin/odm"
)

// Every command reads the JSON form of convert as the ODM XML it describes, converted as
// it is read (odmStream, and check's temporary file). What the readers and the mapping
// say about that XML names its lines, which no file holds. jsonPlaces keeps, for each
// JSON-form input of a run, where each record of that XML came from
// (odm.JSONPositions: a few bytes a record), and rewrites the positions of diagnostics
// and errors that cite the input to the line and column of the JSON object the record was
// written from: a warning about a user's e-mail names the line where the user's object
// starts. A position before the first record or element with a place (the XML
// declaration) is dropped rather than left pointing at the wrong line.
type jsonPlaces struct {
	mu     sync.Mutex
	byName map[string]*odm.JSONPositions
}

// placesKey is the context key under which env.context carries the run's jsonPlaces, so
// that the readers of an input, given only ReadOptions, find them.
type placesKey struct{}

// placesOf returns the jsonPlaces ctx carries, or nil.
func placesOf(ctx context.Context) *jsonPlaces {
	if ctx == nil {
		return nil
	}
	p, _ := ctx.Value(placesKey{}).(*jsonPlaces)
	return p
}

// forName returns the positions of the JSON-form input name, made on first use. An input
// read twice (diff, map --to odm) adds the same marks again, which JSONPositions drops.
func (p *jsonPlaces) forName(name string) *odm.JSONPositions {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byName == nil {
		p.byName = map[string]*odm.JSONPositions{}
	}
	pos := p.byName[name]
	if pos == nil {
		pos = new(odm.JSONPositions)
		p.byName[name] = pos
	}
	return pos
}

// place returns the JSON place of XML line:col of input file, and whether file is a
// JSON-form input (when it is not, line and col are returned as they are).
func (p *jsonPlaces) place(file string, line, col int) (int, int, bool) {
	if p == nil || line <= 0 {
		return line, col, false
	}
	p.mu.Lock()
	pos := p.byName[file]
	p.mu.Unlock()
	if pos == nil {
		return line, col, false
	}
	l, c, ok := pos.Lookup(line)
	if !ok {
		return 0, 0, true
	}
	return l, c, true
}

// fixDiagnostic rewrites the position of d when it cites a JSON-form input, and the
// lines its message cites (" (line N)": where a first occurrence stood) when they are of
// one: the message's own file when no other file's name comes before the reference.
func (p *jsonPlaces) fixDiagnostic(d *Diagnostic) {
	if p == nil {
		return
	}
	if d.Row == 0 {
		d.Line, d.Col, _ = p.place(d.File, d.Line, d.Col)
	}
	if strings.Contains(d.Message, " (line ") {
		d.Message = p.fixLineRefs(d.File, d.Message)
	}
}

// lineRefText matches a line a message cites.
var lineRefText = regexp.MustCompile(` \(line (\d+)\)`)

// fixLineRefs rewrites the line references of msg, a message about file, that are lines
// of a JSON-form input's XML (see fixDiagnostic).
func (p *jsonPlaces) fixLineRefs(file, msg string) string {
	p.mu.Lock()
	names := make([]string, 0, len(p.byName))
	for n := range p.byName {
		names = append(names, n)
	}
	p.mu.Unlock()
	if len(names) == 0 {
		return msg
	}
	var b strings.Builder
	last := 0
	for _, m := range lineRefText.FindAllStringSubmatchIndex(msg, -1) {
		of := file
		for _, n := range names {
			if strings.HasSuffix(msg[:m[0]], n) {
				of = n
			}
		}
		line, _ := strconv.Atoi(msg[m[2]:m[3]])
		l, _, isJSON := p.place(of, line, 0)
		if !isJSON {
			continue
		}
		b.WriteString(msg[last:m[0]])
		if l > 0 {
			b.WriteString(" (line " + strconv.Itoa(l) + ")")
		}
		last = m[1]
	}
	b.WriteString(msg[last:])
	return b.String()
}

// fixErr rewrites the position of the first *odm.Error in err's chain when it cites a
// JSON-form input: a position in the XML the input was read as. An error of the JSON
// itself (the conversion's, placedInJSON, or of kind odm.ErrJSON) is placed in the JSON
// already and left alone; a reader of the XML that passes it on wraps it in an error
// placed in the XML, which is rewritten.
func (p *jsonPlaces) fixErr(err error) {
	var oe *odm.Error
	var inJSON placedInJSON
	if p == nil || errors.As(err, &inJSON) || !errors.As(err, &oe) || errors.Is(oe.Err, odm.ErrJSON) {
		return
	}
	oe.Line, oe.Col, _ = p.place(oe.File, oe.Line, oe.Col)
}
