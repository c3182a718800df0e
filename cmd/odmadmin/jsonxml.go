package main

import (
	"errors"
	"io"
	"sync"

	inp "github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/odm"
)

// odmStream returns the ODM XML an input of kind ODM or ODMJSON holds, for the readers
// that stream ODM XML: XML as it is, odmadmin's JSON form converted while it is read
// (odm.JSONToODM into a pipe), so that the JSON form is read one record at a time as the
// XML is (decoding it whole held every record and refused more than about 50,000 users).
// The caller passes the error of its read to finish, which stops a conversion the reader
// left early and returns the JSON's own error, which names its place in the JSON, in
// place of what the XML reader made of it. Warnings about the XML name places in the XML
// the JSON describes, as they did when the JSON was decoded whole.
func odmStream(in *inp.Input, opts odm.ReadOptions) (xml io.Reader, finish func(error) error) {
	if in.Kind != inp.ODMJSON {
		return in.Raw(), func(err error) error { return err }
	}
	if opts.JSONPositions == nil {
		opts.JSONPositions = placesOf(opts.Context).forName(in.Name)
	}
	opts = limited(opts.Context, opts)
	xml, done := jsonAsXML(in.Text(), opts)
	return xml, func(err error) error {
		_, err = done(err)
		return err
	}
}

// placedInJSON marks an error of the JSON form's conversion (odm.JSONToODM's), which
// the JSON reader placed in the JSON: jsonPlaces.fixErr leaves its position as it is.
// Without the mark, an error of the JSON whose sentinel is not odm.ErrJSON itself (a
// nesting or input limit) had its JSON line taken for a line of the XML, and lost.
type placedInJSON struct{ err error }

func (p placedInJSON) Error() string { return p.err.Error() }
func (p placedInJSON) Unwrap() error { return p.err }

// errNotConverted is what the reader of the XML jsonAsXML makes gets when the conversion
// fails; the caller's finish gives the conversion's own error instead.
var errNotConverted = errors.New("the JSON form could not be converted to ODM XML")

// jsonAsXML is odmStream for the JSON form read from r; its finish also returns the
// warnings of the conversion (odm.JSONToODM's), once it has ended.
func jsonAsXML(r io.Reader, opts odm.ReadOptions) (xml io.Reader, finish func(error) ([]*odm.Error, error)) {
	pr, pw := io.Pipe()
	type result struct {
		ws  []*odm.Error
		err error
	}
	done := make(chan result, 1)
	go func() {
		ws, err := odm.JSONToODM(pw, r, opts, odm.WriteOptions{})
		// The reader of the XML gets an error of its own, not err: odm's readers give an
		// *odm.Error without a position theirs, a place in the XML, where err is placed
		// in the JSON (or by its path there). finish returns err as it is.
		if err != nil && !errors.Is(err, io.ErrClosedPipe) {
			pw.CloseWithError(errNotConverted)
		} else {
			pw.Close()
		}
		done <- result{ws, err}
	}()
	var once sync.Once
	var res result
	return pr, func(err error) ([]*odm.Error, error) {
		once.Do(func() {
			pr.CloseWithError(io.ErrClosedPipe) // stops a conversion the reader left early
			res = <-done
		})
		if res.err != nil && !errors.Is(res.err, io.ErrClosedPipe) {
			return res.ws, placedInJSON{res.err}
		}
		return res.ws, err
	}
}
