package jsontext

import (
	"encoding/json"
	"fmt"
	"io"
)

// CheckValue reads one whole JSON value from r and reports the first object that names a
// key twice, and anything after the value. encoding/json silently lets the last of two
// equal keys win (a second "users" replaces the first) and, reading with a Decoder,
// ignores what follows the value; readers of odmadmin's JSON forms refuse both. Errors
// give the input offset and the key, never a value.
func CheckValue(r io.Reader) error {
	d := NewDecoder(r)
	var stack []openValue
	for {
		off := d.InputOffset()
		tok, err := d.Token()
		if err == io.EOF {
			return nil // Token has checked that one complete value came first
		}
		if err != nil {
			return err
		}
		if n := len(stack); n > 0 && stack[n-1].keys != nil && stack[n-1].wantKey {
			if tok == json.Delim('}') {
				stack = done(stack[:n-1])
				continue
			}
			key, _ := tok.(string) // Token allows nothing else here
			if stack[n-1].keys[key] {
				return &SyntaxError{Offset: off, Msg: fmt.Sprintf("duplicate key %q in one object (offset %d)", key, off)}
			}
			stack[n-1].keys[key] = true
			stack[n-1].wantKey = false
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, openValue{keys: map[string]bool{}, wantKey: true})
		case json.Delim('['):
			stack = append(stack, openValue{})
		case json.Delim(']'), json.Delim('}'):
			stack = done(stack[:len(stack)-1])
		default:
			stack = done(stack)
		}
	}
}

// openValue is an object or array being read: an object's keys so far, and whether its
// next token is a key (or the closing brace).
type openValue struct {
	keys    map[string]bool // nil for an array
	wantKey bool
}

// done notes that a value of the innermost open object or array is complete: an object
// then expects its next key.
func done(stack []openValue) []openValue {
	if n := len(stack); n > 0 && stack[n-1].keys != nil {
		stack[n-1].wantKey = true
	}
	return stack
}
