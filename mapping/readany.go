package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/internal/jsontext"
	"github.com/odmadmin/odmadmin/odm"
)

// ReadAny reads a directory from whatever r holds, recognized from its bytes: ODM XML (in
// any encoding the odm package reads), odm's JSON form, the directory JSON this package's
// types marshal to, or a table as CSV or .xlsx workbook — the Clinical One user upload
// template (its "Clinical One Users" tab, the header row found by its column names) or a
// user table by OID (ReadUserTable). name is what errors cite, and the File of its
// warnings (a workbook's with the sheet, "users.xlsx[Clinical One Users]"). An input it cannot tell is
// a one-line error saying what it saw and what it reads (an .xls or .xlsb workbook: save
// it as .xlsx or CSV). ODM is decoded whole, reader quirks become CodeQuirk warnings.
func ReadAny(r io.Reader, name string, opts Options) (*Directory, []Warning, error) {
	in, err := input.New(r, name, input.Options{Charset: opts.Charset})
	if err != nil {
		return nil, nil, err
	}
	return readInput(in, name, opts)
}

// readInput is ReadAny on an input already recognized.
func readInput(in *input.Input, name string, opts Options) (*Directory, []Warning, error) {
	var err error
	if opts.Profile.table() != nil {
		if err := in.Expect(input.CSV, input.XLSX); err != nil {
			return nil, nil, err
		}
	}
	switch in.Kind {
	case input.ODM, input.ODMJSON:
		ro := odm.ReadOptions{Name: name, Context: opts.Context}
		var doc *odm.Document
		if in.Kind == input.ODM {
			doc, err = odm.Decode(in.Raw(), ro)
		} else {
			doc, err = odm.DecodeJSON(in.Text(), ro)
		}
		if err != nil {
			return nil, nil, err
		}
		ws := quirkWarnings(doc.Warnings)
		d, mws, err := FromDocument(doc, opts)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		return d, placed(append(ws, mws...), name), nil
	case input.DirectoryJSON:
		// A directory is held whole anyway; its bytes are read once and checked for
		// what encoding/json lets through: a key given twice (the last would win) and
		// data after the object (it would be ignored).
		b, err := io.ReadAll(in.Text())
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		if err := jsontext.CheckValue(bytes.NewReader(b)); err != nil {
			if te := jsonTextError(name, b, err); te != nil {
				return nil, nil, te
			}
			return nil, nil, fmt.Errorf("%s: not a mapping directory in JSON: %w", name, err)
		}
		var d Directory
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			if xe := explainDirectoryJSON(name, b, err); xe != nil {
				return nil, nil, xe
			}
			return nil, nil, fmt.Errorf("%s: not a mapping directory in JSON: %w", name, err)
		}
		return &d, nil, nil
	case input.CSV, input.XLSX:
		t, err := in.Table(input.TableOptions{Sheets: tableSheets(), IsHeader: isTableHeader, Restore: true})
		if err != nil {
			return nil, nil, err
		}
		defer t.Close()
		f := claimTable(t.Header(), opts.Profile)
		d, ws, err := f.read(t, opts)
		if err != nil {
			return nil, nil, input.WithName(t.Name, err)
		}
		return d, placed(ws, t.Name), nil
	}
	return nil, nil, in.Expect(input.ODM, input.ODMJSON, input.DirectoryJSON, input.CSV, input.XLSX)
}

// isTableHeader reports whether a row heads a table a directory is read from.
func isTableHeader(row []string) bool {
	for _, x := range tables() {
		if x.t.isHeader(row) {
			return true
		}
	}
	return false
}

// tableSheets are the workbook tabs the user tables name, which a workbook is read from
// ahead of its other sheets.
func tableSheets() []string {
	var out []string
	for _, x := range tables() {
		if n := x.t.sheet(); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// claimTable returns the user table whose header h is (or, with profile, which the
// caller says it is), else the fallback (the Clinical One template).
func claimTable(h []string, profile Profile) tableFormat {
	for _, x := range tables() {
		if x.t.claims(h, profile) {
			return x.t
		}
	}
	return fallbackTable()
}

// jsonTextError returns, for err of jsontext reading the JSON b, a string that is no text
// (bytes that are not UTF-8, a lone surrogate escape), the error the odm package gives
// for it in its JSON form: an *odm.Error at its line and column wrapping odm.ErrEncoding
// or odm.ErrJSON. encoding/json would read either as U+FFFD, a value the file does not
// hold, written on into an export. Any other break of the grammar it returns as an
// *input.Error at its line and column; nil for any other err.
func jsonTextError(name string, b []byte, err error) error {
	var ee *jsontext.EncodingError
	var se *jsontext.SyntaxError
	switch {
	case errors.As(err, &ee):
		line, col := offsetPos(b, ee.Offset)
		return &odm.Error{File: name, Line: line, Col: col, Err: odm.ErrEncoding, Msg: "not a mapping directory in JSON: " + ee.Msg}
	case errors.As(err, &se) && errors.Is(err, jsontext.ErrLoneSurrogate):
		line, col := offsetPos(b, se.Offset)
		return &odm.Error{File: name, Line: line, Col: col, Err: odm.ErrJSON, Msg: "not a mapping directory in JSON: " + se.Msg}
	case errors.As(err, &se):
		// Any other break of JSON's grammar, placed: encoding/json's message alone gave
		// no line.
		line, col := offsetPos(b, se.Offset)
		return &input.Error{Name: name, Line: line, Column: col, Err: fmt.Errorf("not a mapping directory in JSON: %w", err)}
	}
	return nil
}

// offsetPos returns the line and column (from 1, in bytes) of offset off of b.
func offsetPos(b []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(b)))
	before := b[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	return line, len(before) - (bytes.LastIndexByte(before, '\n') + 1) + 1
}

// quirkWarnings returns the odm reader's warnings xs as CodeQuirk warnings, placed where
// the reader placed them.
func quirkWarnings(xs []*odm.Error) []Warning {
	var ws []Warning
	for _, x := range xs {
		ws = append(ws, Warning{Code: CodeQuirk, Field: "ODM", Count: max(1, x.More), Message: strings.TrimSpace(x.Error()),
			File: x.File, Line: x.Line, Col: x.Col})
	}
	return ws
}
