package jsontext

import (
	"bytes"
	"encoding/json"
	"io"
	"math/rand"
	"reflect"
	"testing"
	"testing/iotest"
)

// stdTokens returns the tokens of data as encoding/json reads them (UseNumber), and
// whether it ended with an error rather than io.EOF. Anything after the first top-level
// value is an error here, as it is for Decoder (encoding/json reads a stream of values).
func stdTokens(data []byte) ([]json.Token, bool) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var out []json.Token
	depth := 0
	for {
		if len(out) > 0 && depth == 0 {
			_, err := d.Token()
			return out, err != io.EOF
		}
		t, err := d.Token()
		if err == io.EOF {
			return out, depth != 0 // encoding/json's Token ends a cut-off value with io.EOF
		}
		if err != nil {
			return out, true
		}
		if dl, ok := t.(json.Delim); ok {
			if dl == '{' || dl == '[' {
				depth++
			} else {
				depth--
			}
		}
		out = append(out, t)
	}
}

func ourTokens(r io.Reader) ([]json.Token, bool) {
	d := NewDecoder(r)
	var out []json.Token
	for {
		t, err := d.Token()
		if err == io.EOF {
			return out, false
		}
		if err != nil {
			return out, true
		}
		out = append(out, t)
	}
}

var decodeSeeds = []string{
	`{"a":[1,-2.5e+3,true,false,null,"x\"y\\z\/\b\f\n\r\t\u00e9\ud83d\ude00"],"b":{}}`,
	`[]`, `{}`, `"s"`, `0`, `-0.0E-1`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{1:2}`, `[01]`, `[1.]`, `[.5]`, `[1e]`,
	`[tru]`, `[nul`, `"abc`, "\"a\x01b\"", `"\x"`, `"\u12"`, `"\ud800"`, `"\ud800\u0041"`, "\"\xff\xfe\"",
	`{"a":1}{"b":2}`, `{"a":1} x`, ` [ 1 , 2 ] `, `]`, `}`, `[}`, `{]`, `{"a":[{"b":[[[]]]}]}`, ``, `   `,
	`{"k":"v","k2":[1,2,{"k3":null}]}`,
}

// TestDecoderMatchesEncodingJSON: the same tokens as encoding/json's Decoder.Token, and an
// error where it has one, on hand-written inputs, their mutations and one-byte reads.
func TestDecoderMatchesEncodingJSON(t *testing.T) {
	check := func(data []byte) {
		t.Helper()
		want, wantErr := stdTokens(data)
		for _, r := range []io.Reader{bytes.NewReader(data), iotest.OneByteReader(bytes.NewReader(data))} {
			got, gotErr := ourTokens(r)
			if !same(got, want, gotErr, wantErr) {
				t.Fatalf("%q:\nencoding/json: %v err=%v\njsontext:      %v err=%v", data, want, wantErr, got, gotErr)
			}
		}
	}
	rng := rand.New(rand.NewSource(1))
	for _, s := range decodeSeeds {
		check([]byte(s))
		for range 300 {
			d := []byte(s)
			if len(d) == 0 {
				continue
			}
			i := rng.Intn(len(d))
			switch rng.Intn(3) {
			case 0:
				d[i] = `{}[],:"\-0123456789.eE+tfnul xa`[rng.Intn(31)]
			case 1:
				d = append(d[:i:i], d[i+1:]...)
			case 2:
				d = append(d[:i:i], append([]byte{`{}[],:"\-1.e"`[rng.Intn(13)]}, d[i:]...)...)
			}
			check(d)
		}
	}
}

// FuzzDecoder: the same tokens as encoding/json for any input.
func FuzzDecoder(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, wantErr := stdTokens(data)
		got, gotErr := ourTokens(bytes.NewReader(data))
		if !same(got, want, gotErr, wantErr) {
			t.Fatalf("%q:\nencoding/json: %v err=%v\njsontext:      %v err=%v", data, want, wantErr, got, gotErr)
		}
	})
}

// same: the same tokens and outcome. On an error a number cut short ("1E" after "-2.5e+3",
// "01") may be refused whole instead of returning its valid start first.
func same(got, want []json.Token, gotErr, wantErr bool) bool {
	if gotErr != wantErr {
		return false
	}
	if gotErr && len(got) == len(want)-1 {
		if _, ok := want[len(want)-1].(json.Number); ok {
			want = want[:len(got)]
		}
	}
	return len(got) == len(want) && (len(got) == 0 || reflect.DeepEqual(got, want))
}
