package mapping

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/internal/jsontext"
)

// A directory in JSON is decoded by encoding/json, whose errors speak of Go ("cannot
// unmarshal number into Go struct field User.users.login of type string") and place
// nothing: an unknown key, or a value a model type refuses in its own UnmarshalJSON
// (a status), comes without a line, and a type error with a byte offset nobody prints.
// A person who edited the file by hand needs the line, the column and the path of the
// value in the file's own terms. explainDirectoryJSON walks the JSON beside the model's
// types to find the first value the decoder refuses and says that instead. It runs only
// once decoding has failed, so the decoder alone still decides what is accepted.

var (
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// explainDirectoryJSON returns, for err of decoding the JSON b (a whole file, name) into
// a Directory, an *input.Error at the line and column of the first value encoding/json
// refuses, wrapping a *DirectoryError with its path ("users[3].login") and what is wrong
// ("a number where a string belongs"). It returns nil when the walk finds no such value,
// for the caller to report err as it is.
func explainDirectoryJSON(name string, b []byte, err error) error {
	if err == nil {
		return nil
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// The grammar was checked before; this is the decoder's own limit (nesting past
		// 10,000 levels), about the input's shape rather than one value: placed as it is.
		line, col := offsetPos(b, se.Offset)
		return &input.Error{Name: name, Line: line, Column: col, Err: fmt.Errorf("not a mapping directory in JSON: %w", err)}
	}
	w := jsonWalk{d: jsontext.NewDecoder(strings.NewReader(string(b))), b: b}
	f, werr := w.value(reflect.TypeFor[Directory](), "")
	if werr != nil || f == nil {
		return nil
	}
	line, col := offsetPos(b, f.off)
	path := f.path
	if path == "" {
		path = "(top level)"
	}
	return &input.Error{Name: name, Line: line, Column: col, Err: &DirectoryError{Path: path, Reason: f.reason}}
}

// jsonFault is a value the decoder refuses: where it starts, its path, and why.
type jsonFault struct {
	off    int64
	path   string
	reason string
}

// jsonWalk reads one JSON value at a time beside the Go type it is decoded into.
type jsonWalk struct {
	d      *jsontext.Decoder
	b      []byte
	fields map[reflect.Type]map[string]reflect.Type // a struct's fields by JSON key, exact
}

// value reads the next value, decoded into a t, and returns the first fault in it (nil
// for none). An error is the JSON's own (the caller checked its grammar before).
func (w *jsonWalk) value(t reflect.Type, path string) (*jsonFault, error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	start := w.d.ValueOffset()
	// A type that decodes itself decides alone; the decoder hands it null too.
	if reflect.PointerTo(t).Implements(jsonUnmarshalerType) {
		if err := w.skip(); err != nil {
			return nil, err
		}
		v := reflect.New(t)
		if err := json.Unmarshal(w.b[start:w.d.InputOffset()], v.Interface()); err != nil {
			return &jsonFault{start, path, err.Error()}, nil
		}
		return nil, nil
	}
	k, s, err := w.d.Next()
	if err != nil {
		return nil, err
	}
	if k == jsontext.Null {
		return nil, nil // null leaves any Go value as it is, or nil
	}
	fault := func() (*jsonFault, error) {
		if err := w.skipRest(k); err != nil {
			return nil, err
		}
		return &jsonFault{start, path, k.Describe() + " where " + jsonWant(t) + " belongs"}, nil
	}
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		if k != jsontext.String {
			return fault()
		}
		if err := reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			return &jsonFault{start, path, err.Error()}, nil
		}
		return nil, nil
	}
	switch t.Kind() {
	case reflect.Interface:
		return nil, w.skipRest(k)
	case reflect.Struct:
		if k != jsontext.ObjectStart {
			return fault()
		}
		return w.members(path, func(key string) (reflect.Type, bool) { return w.field(t, key) })
	case reflect.Map:
		if k != jsontext.ObjectStart {
			return fault()
		}
		return w.members(path, func(string) (reflect.Type, bool) { return t.Elem(), true })
	case reflect.Slice, reflect.Array:
		if k != jsontext.ArrayStart {
			return fault()
		}
		for i := 0; w.d.More(); i++ {
			if f, err := w.value(t.Elem(), path+"["+strconv.Itoa(i)+"]"); f != nil || err != nil {
				return f, err
			}
		}
		_, _, err := w.d.Next() // ]
		return nil, err
	case reflect.String:
		if k != jsontext.String {
			return fault()
		}
	case reflect.Bool:
		if k != jsontext.True && k != jsontext.False {
			return fault()
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if k != jsontext.Number {
			return fault()
		}
		if _, err := strconv.ParseInt(s, 10, t.Bits()); err != nil {
			return &jsonFault{start, path, "a number that is not a whole number in range"}, nil
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if k != jsontext.Number {
			return fault()
		}
		if _, err := strconv.ParseUint(s, 10, t.Bits()); err != nil {
			return &jsonFault{start, path, "a number that is not a whole number in range"}, nil
		}
	case reflect.Float32, reflect.Float64:
		if k != jsontext.Number {
			return fault()
		}
		if _, err := strconv.ParseFloat(s, t.Bits()); err != nil {
			return &jsonFault{start, path, "a number out of range"}, nil
		}
	default:
		return nil, w.skipRest(k)
	}
	return nil, nil
}

// members reads the members of an object whose start was read; typeOf gives the type a
// key's value is decoded into, or false for a key the type does not have.
func (w *jsonWalk) members(path string, typeOf func(string) (reflect.Type, bool)) (*jsonFault, error) {
	for w.d.More() {
		at := w.d.ValueOffset()
		_, key, err := w.d.Next()
		if err != nil {
			return nil, err
		}
		p := key
		if path != "" {
			p = path + "." + key
		}
		t, ok := typeOf(key)
		if !ok {
			// The key is the file's; its value is not quoted (it may be personal data).
			return &jsonFault{at, path, "unknown key " + strconv.Quote(key)}, nil
		}
		if f, err := w.value(t, p); f != nil || err != nil {
			return f, err
		}
	}
	_, _, err := w.d.Next() // }
	return nil, err
}

// field returns the type of the field of struct t that key is decoded into, as
// encoding/json picks it: the key as spelled, else the first in another letter case.
func (w *jsonWalk) field(t reflect.Type, key string) (reflect.Type, bool) {
	fs := w.fields[t]
	if fs == nil {
		fs = map[string]reflect.Type{}
		for _, f := range reflect.VisibleFields(t) {
			tag := f.Tag.Get("json")
			if tag == "-" || (!f.IsExported() && !f.Anonymous) || (f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct) {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if name == "" {
				name = f.Name
			}
			if _, dup := fs[name]; !dup {
				fs[name] = f.Type
			}
		}
		if w.fields == nil {
			w.fields = map[reflect.Type]map[string]reflect.Type{}
		}
		w.fields[t] = fs
	}
	if ft, ok := fs[key]; ok {
		return ft, true
	}
	for name, ft := range fs {
		if strings.EqualFold(name, key) {
			return ft, true
		}
	}
	return nil, false
}

// skip reads the next value whole.
func (w *jsonWalk) skip() error {
	k, _, err := w.d.Next()
	if err != nil {
		return err
	}
	return w.skipRest(k)
}

// skipRest reads the rest of a value whose first token, of kind k, was read.
func (w *jsonWalk) skipRest(k jsontext.Kind) error {
	if k != jsontext.ObjectStart && k != jsontext.ArrayStart {
		return nil
	}
	for depth := 1; depth > 0; {
		k, _, err := w.d.Next()
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

// jsonWant names, in JSON's terms, what a value decoded into a t must be.
func jsonWant(t reflect.Type) string {
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return "a string"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return "a number"
	}
	return "another value"
}
