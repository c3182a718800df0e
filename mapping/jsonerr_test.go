package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/internal/jsontext"
	"github.com/odmadmin/odmadmin/odm"
)

// jsonDirCases are directories in JSON that encoding/json refuses, each with where the
// refused value starts and what the error says of it.
var jsonDirCases = []struct {
	name       string
	doc        string
	line, col  int
	path       string
	reasonPart string
}{
	{"a list given as a number: the path names the key, the reason the JSON kinds",
		`{"users": 5}`, 1, 11, "users", "a number where an array belongs"},
	{"a number for a login, in the second user: the path has the index",
		"{\"users\": [\n {\"id\": \"u1\"},\n {\"id\": \"u2\", \"login\": 7}\n]}", 3, 24, "users[1].login", "a number where a string belongs"},
	{"one e-mail given as a string where the model holds a list",
		`{"users": [{"id": "u1", "emails": "u1@example.org"}]}`, 1, 35, "users[0].emails", "a string where an array belongs"},
	{"a misspelt key, refused (DisallowUnknownFields): placed at the key",
		`{"users": [{"id": "u1", "logn": "x"}]}`, 1, 25, "users[0]", `unknown key "logn"`},
	{"an unknown key at the top level",
		`{"users": [], "userz": []}`, 1, 15, "(top level)", `unknown key "userz"`},
	{"a value the model's own UnmarshalJSON refuses (a status), placed",
		`{"users": [{"id": "u1", "status": "Sleeping"}]}`, 1, 35, "users[0].status", "unknown user status"},
	{"a nested object where a string belongs, deep in a user",
		`{"users": [{"id": "u1", "assignments": [{"role": {"name": 5}}]}]}`, 1, 59, "users[0].assignments[0].role.name", "a number where a string belongs"},
	{"true for a site's name",
		`{"sites": [{"id": "S1", "name": true}], "users": []}`, 1, 33, "sites[0].name", "a boolean where a string belongs"},
}

// TestDirectoryJSONErrorsPlaced: a directory in JSON that does not fit the model is
// refused at the line and column of the value, with its path and JSON's kinds, not Go's
// types; the error is an *input.Error around a *DirectoryError (ErrInvalidDirectory).
func TestDirectoryJSONErrorsPlaced(t *testing.T) {
	for _, c := range jsonDirCases {
		t.Run(c.name, func(t *testing.T) {
			// The case must be one encoding/json refuses: the explanation never refuses
			// what the decoder takes.
			dec := json.NewDecoder(strings.NewReader(c.doc))
			dec.DisallowUnknownFields()
			var d Directory
			if dec.Decode(&d) == nil {
				t.Fatalf("encoding/json takes %s", c.doc)
			}
			_, _, err := ReadAny(strings.NewReader(c.doc), "dir.json", Options{})
			if err == nil {
				t.Fatal("read without error")
			}
			var ie *input.Error
			var de *DirectoryError
			if !errors.As(err, &ie) || !errors.As(err, &de) || !errors.Is(err, ErrInvalidDirectory) {
				t.Fatalf("error %T %q: want an *input.Error around a *DirectoryError", err, err)
			}
			if ie.Name != "dir.json" || ie.Line != c.line || ie.Column != c.col {
				t.Errorf("placed at %s %d:%d, want dir.json %d:%d", ie.Name, ie.Line, ie.Column, c.line, c.col)
			}
			if de.Path != c.path || !strings.Contains(de.Reason, c.reasonPart) {
				t.Errorf("got %q: %q, want %q: ...%q...", de.Path, de.Reason, c.path, c.reasonPart)
			}
			if msg := err.Error(); strings.Contains(msg, "Go ") || strings.Contains(msg, "mapping.") {
				t.Errorf("message names Go types: %s", msg)
			}
		})
	}
}

// TestDirectoryJSONSyntaxPlaced: a break of JSON's grammar is placed too.
func TestDirectoryJSONSyntaxPlaced(t *testing.T) {
	_, _, err := ReadAny(strings.NewReader("{\"users\": [\n  {\"id\": \"u1\", \"login\": }\n]}"), "dir.json", Options{})
	var ie *input.Error
	if !errors.As(err, &ie) || ie.Line != 2 || ie.Column != 25 {
		t.Fatalf("got %v, want an *input.Error at line 2, column 25 (the brace)", err)
	}
}

// TestExplainDirectoryJSONAgrees: on a directory encoding/json takes, the walk finds no
// fault (it would otherwise report one for a file that reads), and it never quotes a
// value: only keys and kinds.
func TestExplainDirectoryJSONAgrees(t *testing.T) {
	for _, name := range []string{"inform.xml", "odm13.xml", "odm2.xml", "openclinica.xml", "rave.xml"} {
		src, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := WriteJSON(&buf, odm.NewReader(bytes.NewReader(src), odm.ReadOptions{}), Options{}); err != nil {
			t.Fatal(err)
		}
		if buf.Len() < 100 {
			t.Fatalf("%s: %d bytes of JSON", name, buf.Len())
		}
		if e := explainDirectoryJSON("x.json", buf.Bytes(), errors.New("any")); e != nil {
			t.Fatalf("%s: a fault in map's own output: %v", name, e)
		}
	}
	const secret = "Zelda-Fictus-555"
	doc := `{"users": [{"id": "u1", "login": "` + secret + `", "emails": "` + secret + `"}]}`
	e := explainDirectoryJSON("x.json", []byte(doc), errors.New("any"))
	if e == nil || strings.Contains(e.Error(), secret) {
		t.Fatalf("got %v: want a fault that quotes no value", e)
	}
}

// FuzzExplainDirectoryJSON: the walk never panics, and where encoding/json takes the
// input it finds nothing to refuse.
func FuzzExplainDirectoryJSON(f *testing.F) {
	for _, c := range jsonDirCases {
		f.Add(c.doc)
	}
	f.Add(`{"users": [{"id": "u1", "login": "a", "status": "available"}], "Sites": null}`)
	f.Fuzz(func(t *testing.T, doc string) {
		dec := json.NewDecoder(strings.NewReader(doc))
		dec.DisallowUnknownFields()
		var d Directory
		derr := dec.Decode(&d)
		e := explainDirectoryJSON("f.json", []byte(doc), errors.New("any"))
		if derr == nil && e != nil && json.Valid([]byte(doc)) {
			t.Fatalf("encoding/json takes %q, the walk refuses it: %v", doc, e)
		}
		// What encoding/json refuses for the model's sake (not the grammar's) the walk
		// finds, so that ReadAny places it.
		var te *json.UnmarshalTypeError
		grammar := jsontext.CheckValue(strings.NewReader(doc)) == nil // what ReadAny checks first
		if grammar && (errors.As(derr, &te) || strings.HasPrefix(fmt.Sprint(derr), "json: unknown field")) && e == nil {
			t.Fatalf("encoding/json refuses %q (%v); the walk finds nothing", doc, derr)
		}
	})
}
