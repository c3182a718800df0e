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
//   - then the first member, in document order, whose name was given before in the
//     record ("given twice": which value was meant cannot be told) or whose value is
//     not a string or null;
//   - then the first (in sorted order) of the names that are no contact field and whose
//     value is not null (null means "not given", so an unknown name given null is no
//     error);
//   - then secondaryId and identifier both given, with different values.
//
// TestJSONContactsAsUnmarshal holds the two readers to the same records and messages.

// contactMember is a member of the record being read: its value, or null.
type contactMember struct {
	name string
	contactValue
}

type contactValue struct {
	value string
	null  bool
}

// maxListedMembers is how many members a record's list holds; a record with more (only a
// hostile one) has them in a map by name, so that the look back for a name given twice
// costs nothing.
const maxListedMembers = 32

// maxContactDepth is encoding/json's limit of nesting (its scanner's maxNestingDepth),
// which it counts from the element it decodes: deeper is a syntax error.
const maxContactDepth = 10000

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
	members   []contactMember         // of the record being read, reused
	many      map[string]contactValue // in place of members for a record of many
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
	kind := k.Describe()
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
		if err := j.skip(1); err != nil {
			return rec, j.errOffset(err), err
		}
		fallthrough
	default:
		return rec, -1, fmt.Errorf("a contact record must be a JSON object, not %s", k.Describe())
	}
	j.members, j.many = j.members[:0], nil
	var typeErr error
	var typeOff int64
	for {
		kstart := j.dec.ValueOffset()
		k, key, err := j.dec.Next()
		if err != nil {
			return rec, j.errOffset(err), err
		}
		if k == jsontext.ObjectEnd {
			break
		}
		if typeErr == nil && j.has(key) {
			// Which of the two is the value cannot be told (the validation passed a
			// record whose first e-mail address was invalid and whose second was not),
			// and the CSV reader refuses a column named twice.
			typeErr = fmt.Errorf("field %q given twice", key)
			typeOff = kstart
		}
		vstart := j.dec.ValueOffset()
		vk, v, err := j.dec.Next()
		if err != nil {
			return rec, j.errOffset(err), err
		}
		switch vk {
		case jsontext.String:
			j.add(key, contactValue{value: v})
			continue
		case jsontext.Null:
			j.add(key, contactValue{null: true})
			continue
		case jsontext.ObjectStart, jsontext.ArrayStart:
			if err := j.skip(2); err != nil {
				return rec, j.errOffset(err), err
			}
		}
		if typeErr == nil {
			typeErr = fmt.Errorf("field %q must be a string or null, not %s", key, vk.Describe())
			typeOff = vstart
		}
	}
	if typeErr != nil {
		return rec, typeOff, typeErr
	}
	return j.contact()
}

// has reports whether the record being read has a member name already.
func (j *jsonContacts) has(name string) bool {
	if j.many != nil {
		_, ok := j.many[name]
		return ok
	}
	for _, m := range j.members {
		if m.name == name {
			return true
		}
	}
	return false
}

// add notes a member of the record being read.
func (j *jsonContacts) add(name string, v contactValue) {
	if j.many == nil && len(j.members) == maxListedMembers {
		j.many = make(map[string]contactValue, 2*maxListedMembers)
		for _, m := range j.members {
			j.many[m.name] = m.contactValue
		}
	}
	if j.many != nil {
		j.many[name] = v
		return
	}
	j.members = append(j.members, contactMember{name, v})
}

// contact makes the record of the members read (each name once: see record).
func (j *jsonContacts) contact() (rec validate.Contact, off int64, err error) {
	var unknown []string
	var secondary, identifier *string
	set := func(name string, v *contactValue) {
		if v.null {
			return
		}
		if rec.Set(name, v.value) != nil {
			unknown = append(unknown, name)
		}
		switch name {
		case "secondaryId":
			secondary = &v.value
		case validate.IdentifierAlias:
			identifier = &v.value
		}
	}
	if j.many != nil {
		for name, v := range j.many {
			set(name, &v)
		}
	} else {
		ms := j.members
	members:
		for i := range ms {
			// A member given again later is not the name's value.
			for k := i + 1; k < len(ms); k++ {
				if ms[k].name == ms[i].name {
					continue members
				}
			}
			set(ms[i].name, &ms[i].contactValue)
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

// skip reads the rest of the array or object whose opening delimiter was just read, at
// depth (the record's object is 1). Past maxContactDepth it fails as encoding/json does.
func (j *jsonContacts) skip(depth int) error {
	for top := depth - 1; depth > top; {
		k, _, err := j.dec.Next()
		if err != nil {
			return err
		}
		switch k {
		case jsontext.ObjectStart, jsontext.ArrayStart:
			if depth++; depth > maxContactDepth {
				off := j.dec.InputOffset() - 1
				return &jsontext.SyntaxError{Offset: off, Msg: "invalid character " + strconv.QuoteRune(rune(k)) + " exceeded max depth"}
			}
		case jsontext.ObjectEnd, jsontext.ArrayEnd:
			depth--
		}
	}
	return nil
}

// errOffset is where a decoding error is: a syntax error's own offset, the end of the
// input for input cut short, else (a read error) where the decoder stopped.
func (j *jsonContacts) errOffset(err error) int64 {
	var syn *jsontext.SyntaxError
	switch {
	case errors.As(err, &syn):
		return syn.Offset
	case err == io.ErrUnexpectedEOF || err == io.EOF:
		return j.lt.off
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
