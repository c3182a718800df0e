package mapping

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// TestWriteJSONMatchesEncoder checks that the streamed JSON is what encoding/json writes
// for the directory FromReader builds, on the fixtures and a generated export large
// enough to span several blocks of records.
func TestWriteJSONMatchesEncoder(t *testing.T) {
	inputs := map[string][]byte{}
	var g bytes.Buffer
	if err := gen.InForm(&g, 3000); err != nil {
		t.Fatal(err)
	}
	inputs["generated"] = g.Bytes()
	files, err := filepath.Glob(filepath.Join("..", "testdata", "*", "*.xml"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[f] = b
	}
	if len(inputs) < 4 {
		t.Fatalf("only %d inputs", len(inputs))
	}
	compared := 0
	for name, data := range inputs {
		d, wantWarn, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), Options{})
		if err != nil {
			continue // a fixture FromReader refuses is not this test's business
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(d); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		gotWarn, err := WriteJSON(&got, odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		compared++
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: WriteJSON differs from encoding/json (%d vs %d bytes)", name, got.Len(), want.Len())
		}
		if len(gotWarn) != len(wantWarn) {
			t.Errorf("%s: %d warnings, FromReader gives %d", name, len(gotWarn), len(wantWarn))
		}
	}
	if compared < 4 {
		t.Fatalf("only %d inputs compared", compared)
	}
}

// TestReadEach checks that ReadEach gives FromReader's directory with only the users kept.
func TestReadEach(t *testing.T) {
	var g bytes.Buffer
	if err := gen.InForm(&g, 2500); err != nil {
		t.Fatal(err)
	}
	full, _, err := FromReader(odm.NewReader(bytes.NewReader(g.Bytes()), odm.ReadOptions{}), Options{})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	part, _, err := ReadEach(odm.NewReader(bytes.NewReader(g.Bytes()), odm.ReadOptions{}), Options{}, func(u *User) *User {
		seen++
		if seen%7 == 0 {
			return u
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != len(full.Users) {
		t.Fatalf("keep saw %d users, FromReader has %d", seen, len(full.Users))
	}
	var want []*User
	for i, u := range full.Users {
		if (i+1)%7 == 0 {
			want = append(want, u)
		}
	}
	full.Users = want
	if a, b := mustJSON(t, full), mustJSON(t, part); !bytes.Equal(a, b) {
		t.Errorf("ReadEach differs from FromReader with the same users kept (%d vs %d bytes of JSON)", len(b), len(a))
	}
}

// writeCounter counts the writes and bytes handed to it.
type writeCounter struct{ writes, bytes int }

func (c *writeCounter) Write(p []byte) (int, error) {
	c.writes++
	c.bytes += len(p)
	return len(p), nil
}

// TestWriteJSONUsersBatched: the users' JSON goes to the writer usersBatch bytes at a
// time (what the command writes through hands a write that large straight on: one
// system call each), where it went 64 KiB at a time, some eight times as many writes.
func TestWriteJSONUsersBatched(t *testing.T) {
	var g bytes.Buffer
	if err := gen.InForm(&g, 4000); err != nil {
		t.Fatal(err)
	}
	var c writeCounter
	if _, err := WriteJSON(&c, odm.NewReader(bytes.NewReader(g.Bytes()), odm.ReadOptions{}), Options{}); err != nil {
		t.Fatal(err)
	}
	// The sites, the parts around the arrays and what follows the users are a few dozen
	// writes more.
	if most := c.bytes/usersBatch + 40; c.writes > most {
		t.Errorf("%d writes for %d bytes, want at most %d", c.writes, c.bytes, most)
	}
	if c.bytes < 8<<20 {
		t.Errorf("%d bytes written: too few users for the test", c.bytes)
	}
}
