package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/odmadmin/odmadmin/internal/jsontext"
	"github.com/odmadmin/odmadmin/validate"
)

// JSON contact records are read with jsontext's token decoder, not encoding/json: decoding
// each element into a *validate.Contact (the decoder's reflection, then UnmarshalJSON's
// own json.Unmarshal into a map) cost 4.9 s of CPU for a million records, eight times the
// same records as CSV. The records read are the ones validate.Contact's UnmarshalJSON
// makes of each element, and a record it refuses is refused here for the same reason:
//
//   - a syntax error anywhere in the element comes first (encoding/json reads the whole
//     value before decoding it);
//   - then null ("null instead of a record object") and an element that is no object;
//   - then the first member, in document order, whose value is not a string or null;
//   - then the first (in sorted order) of the names that are no contact field and whose
//     last value is not null (a member given twice counts as its last value, as in a
//     map; null means "not given", so an unknown name given null is no error);
//   - then secondaryId and identifier both given, with different values.
//
// TestJSONContactsAsUnmarshal holds the two readers to the same records and messages.

// contactMember is a member of the record being read: its value, or null.
type contactMember struct {
	name, value string
	null        bool
}

// jsonContacts reads the elements of a JSON array of contact records one at a time.
type jsonContacts struct {
	name string
	dec  *jsontext.Decoder
	lt   *lineTracker
	g    *recordGuard
	i    int // index of the record next reads
	done bool
	// line and col are where the record next returned last starts.
	line, col int
	members   []contactMember // of the record being read, reused
	last      map[string]int  // name -> index of its last member, for records of many members
}

func newJSONContacts(r io.Reader, name string) (*contactSource, error) {
	g := &recordGuard{r: r, max: maxContactRecord}
	lt := &lineTracker{r: g, name: name}
	j := &jsonContacts{name: name, lt: lt, g: g, dec: jsontext.NewDecoder(lt)}
	// Strings are cut from shared arrays (one allocation for many): a record's strings
	// are not kept past its findings, and one that is keeps only its array alive.
	j.dec.SharedStrings = true
	if k, _, err := j.dec.Next(); err != nil || k != jsontext.ArrayStart { // the '[' seen by the sniffer
		if err == nil {
			err = errors.New("the input is not a JSON array")
		}
		return nil, j.inputError(-1, j.dec.InputOffset(), err)
	}
	at := func() Diagnostic { return Diagnostic{File: name, Line: j.line, Col: j.col} }
	return &contactSource{next: j.next, at: at, column: func(string) string { return "" }}, nil
}

func (j *jsonContacts) next() (validate.Contact, error) {
	if j.done {
		return validate.Contact{}, io.EOF
	}
	if !j.dec.More() {
		j.done = true
		return validate.Contact{}, j.end()
	}
	start := j.dec.ValueOffset()
	j.line, j.col = j.lt.pos(start)
	rec, off, err := j.record()
	if err != nil {
		if off < 0 {
			off = start
		}
		return validate.Contact{}, j.inputError(j.i, off, err)
	}
	j.i++
	j.g.mark(j.dec.InputOffset())
	return rec, nil
}

// end reads the closing bracket and what follows it: nothing but white space. A value
// there is named by its kind, never quoted: it may be a person's data.
func (j *jsonContacts) end() error {
	if _, _, err := j.dec.Next(); err != nil {
		return j.inputError(-1, -1, err)
	}
	c, err := j.dec.PeekByte()
	switch {
	case err == io.EOF:
		return io.EOF
	case err != nil:
		return j.inputError(-1, -1, err)
	}
	off := j.dec.InputOffset()
	j.dec.AllowNextValue()
	k, _, err := j.dec.Next()
	switch {
	case err == io.ErrUnexpectedEOF:
		// A value cut short by the end of input (the array is closed, whatever
		// encoding/json's stream decoder said of this): named by how it starts.
		return j.inputError(-1, off, fmt.Errorf("unexpected %s after the closing ]", jsonByteKind(c)))
	case err != nil:
		return j.inputError(-1, -1, err)
	}
	kind := jsonKindName(k)
	if k == jsontext.ObjectStart || k == jsontext.ArrayStart {
		kind = strconv.Quote(string(rune(k))) // a bracket or brace carries no data
	}
	return j.inputError(-1, off, fmt.Errorf("unexpected %s after the closing ]", kind))
}

// jsonByteKind names the kind of JSON value that starts with c.
func jsonByteKind(c byte) string {
	switch c {
	case '"':
		return "a string"
	case '{', '[':
		return strconv.Quote(string(rune(c)))
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// record reads the next element, positioned at its start. A refused element is read to
// its end first, so that a syntax error in it wins (see above); off is where the error
// is, or -1 for the element's start.
func (j *jsonContacts) record() (rec validate.Contact, off int64, err error) {
	k, _, err := j.dec.Next()
	if err != nil {
		return rec, j.errOffset(err), err
	}
	switch k {
	case jsontext.ObjectStart:
	case jsontext.Null:
		return rec, -1, errors.New("null instead of a record object")
	case jsontext.ArrayStart:
		if err := j.skip(); err != nil {
			return rec, j.errOffset(err), err
		}
		fallthrough
	default:
		return rec, -1, fmt.Errorf("a contact record must be a JSON object, not %s", jsonKindName(k))
	}
	j.members = j.members[:0]
	var typeErr error
	var typeOff int64
	for {
		k, key, err := j.dec.Next()
		if err != nil {
			return rec, j.errOffset(err), err
		}
		if k == jsontext.ObjectEnd {
			break
		}
		vstart := j.dec.ValueOffset()
		vk, v, err := j.dec.Next()
		if err != nil {
			return rec, j.errOffset(err), err
		}
		switch vk {
		case jsontext.String:
			j.members = append(j.members, contactMember{name: key, value: v})
			continue
		case jsontext.Null:
			j.members = append(j.members, contactMember{name: key, null: true})
			continue
		case jsontext.ObjectStart, jsontext.ArrayStart:
			if err := j.skip(); err != nil {
				return rec, j.errOffset(err), err
			}
		}
		if typeErr == nil {
			typeErr = fmt.Errorf("field %q must be a string or null, not %s", key, jsonKindName(vk))
			typeOff = vstart
		}
	}
	if typeErr != nil {
		return rec, typeOff, typeErr
	}
	return j.contact()
}

// contact makes the record of the members read: each name's last value.
func (j *jsonContacts) contact() (rec validate.Contact, off int64, err error) {
	ms := j.members
	// A member given again later is not the name's value. Records have a dozen members
	// at most as a rule (a look back at each is cheaper than a map); a hostile one may
	// have a million, which gets a map.
	lastOf := func(i int) bool {
		for k := i + 1; k < len(ms); k++ {
			if ms[k].name == ms[i].name {
				return false
			}
		}
		return true
	}
	if len(ms) > 32 {
		if j.last == nil {
			j.last = make(map[string]int, len(ms))
		}
		clear(j.last)
		for i, m := range ms {
			j.last[m.name] = i
		}
		lastOf = func(i int) bool { return j.last[ms[i].name] == i }
		defer func() {
			if len(j.last) > 1024 {
				j.last = nil // a huge record's map is not kept for the rest of the stream
			}
		}()
	}
	var unknown []string
	var secondary, identifier *string
	for i := range ms {
		m := &ms[i]
		if m.null || !lastOf(i) {
			continue
		}
		if rec.Set(m.name, m.value) != nil {
			unknown = append(unknown, m.name)
		}
		switch m.name {
		case "secondaryId":
			secondary = &m.value
		case validate.IdentifierAlias:
			identifier = &m.value
		}
	}
	if len(unknown) > 0 {
		return rec, -1, fmt.Errorf("unknown contact field %q", slices.Min(unknown))
	}
	if secondary != nil && identifier != nil && *secondary != *identifier {
		return rec, -1, fmt.Errorf("secondaryId and %s are both given, with different values", validate.IdentifierAlias)
	}
	return rec, -1, nil
}

// skip reads the rest of the array or object whose opening delimiter was just read.
func (j *jsonContacts) skip() error {
	for depth := 1; depth > 0; {
		k, _, err := j.dec.Next()
		if err != nil {
			return err
		}
		switch k {
		case jsontext.ObjectStart, jsontext.ArrayStart:
			depth++
		case jsontext.ObjectEnd, jsontext.ArrayEnd:
			depth--
		}
	}
	return nil
}

// errOffset is where a decoding error is: a syntax error's own offset, else (a cut-off
// input, a read error) where the decoder stopped.
func (j *jsonContacts) errOffset(err error) int64 {
	var syn *jsontext.SyntaxError
	if errors.As(err, &syn) {
		return syn.Offset
	}
	return j.dec.InputOffset()
}

// inputError positions err: the file, line and column of input offset off (-1: where the
// decoder stopped), and the record's index when it is about one (index >= 0). An error of
// the text under the JSON (not UTF-8) is positioned already.
func (j *jsonContacts) inputError(index int, off int64, err error) error {
	var te *textError
	if errors.As(err, &te) {
		return err
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		err = errors.New("unexpected end of input; the array is not closed")
	}
	if off < 0 {
		off = j.errOffset(err)
	}
	line, col := j.lt.pos(off)
	where := ""
	if index >= 0 {
		where = " record " + strconv.Itoa(index) + ":"
	}
	return fmt.Errorf("%s:%d:%d:%s %w", j.name, line, col, where, err)
}

// jsonKindName names the JSON type of a token for error messages, without its value.
func jsonKindName(k jsontext.Kind) string {
	switch k {
	case jsontext.ObjectStart:
		return "an object"
	case jsontext.ArrayStart:
		return "an array"
	case jsontext.True, jsontext.False:
		return "a boolean"
	case jsontext.Number:
		return "a number"
	case jsontext.String:
		return "a string"
	}
	return "null"
}
