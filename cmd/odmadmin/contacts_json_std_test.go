package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/odmadmin/odmadmin/validate"
)

// The reader of JSON contact records before contacts_json.go: encoding/json's Decoder,
// each element decoded into a *validate.Contact by its UnmarshalJSON. Kept as the oracle
// TestJSONContactsAsUnmarshal compares the token reader with.

func newJSONContactsStd(r io.Reader, name string) (*contactSource, error) {
	g := &recordGuard{r: r, max: maxContactRecord}
	lt := &lineTracker{r: g, name: name}
	dec := json.NewDecoder(lt)
	var line, col int
	if _, err := dec.Token(); err != nil { // the '[' seen by the sniffer
		return nil, jsonInputErrorStd(name, dec, -1, err)
	}
	i := 0
	done := false
	next := func() (validate.Contact, error) {
		if done {
			return validate.Contact{}, io.EOF
		}
		if !dec.More() {
			done = true
			if _, err := dec.Token(); err != nil {
				return validate.Contact{}, jsonInputErrorStd(name, dec, -1, err)
			}
			if tok, err := dec.Token(); err != io.EOF {
				if err == nil {
					// The token may be a person's data: say only what kind of value it is.
					err = fmt.Errorf("unexpected %s after the closing ]", jsonTokenKind(tok))
				}
				return validate.Contact{}, jsonInputErrorStd(name, dec, -1, err)
			}
			return validate.Contact{}, io.EOF
		}
		line, col = lt.pos(recordStartStd(dec))
		// A pointer lets a null element be told apart from an empty object.
		var rec *validate.Contact
		if err := dec.Decode(&rec); err != nil {
			return validate.Contact{}, jsonInputErrorStd(name, dec, i, err)
		}
		if rec == nil {
			return validate.Contact{}, jsonInputErrorStd(name, dec, i, errors.New("null instead of a record object"))
		}
		i++
		g.mark(dec.InputOffset())
		return *rec, nil
	}
	at := func() Diagnostic { return Diagnostic{File: name, Line: line, Col: col} }
	return &contactSource{next: next, at: at, column: func(string) string { return "" }}, nil
}

// recordStart is the offset of the next JSON value: the decoder's offset after the last
// token, moved past the white space and comma it has buffered.
func recordStartStd(dec *json.Decoder) int64 {
	off := dec.InputOffset()
	buf, _ := io.ReadAll(io.LimitReader(dec.Buffered(), 4096))
	for _, c := range buf {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ',' {
			break
		}
		off++
	}
	return off
}

// jsonInputError names the file, the record (when known) and the byte offset. JSON input
// has no line numbers to cite without keeping the text; the offset finds the spot.
func jsonInputErrorStd(name string, dec *json.Decoder, index int, err error) error {
	var te *textError
	if errors.As(err, &te) {
		return err
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = errors.New("unexpected end of input; the array is not closed")
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	off := dec.InputOffset()
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	}
	where := ""
	if index >= 0 {
		where = " record " + strconv.Itoa(index) + ","
	}
	return fmt.Errorf("%s:%s byte %d: %v", name, where, off, err)
}

// jsonTokenKind names the kind of a JSON token without its value, for messages that must
// not quote a person's data.
func jsonTokenKind(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		return fmt.Sprintf("%q", tok) // a bracket or brace carries no data
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "a value"
}
