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
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := odm.JSONToODM(pw, in.Text(), opts, odm.WriteOptions{})
		pw.CloseWithError(err)
		done <- err
	}()
	var once sync.Once
	var jerr error
	return pr, func(err error) error {
		once.Do(func() {
			pr.CloseWithError(io.ErrClosedPipe)
			jerr = <-done
		})
		if jerr != nil && !errors.Is(jerr, io.ErrClosedPipe) {
			return jerr
		}
		return err
	}
}
