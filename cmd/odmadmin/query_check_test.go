package main

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

// TestQueryCheckAsReader: the check of query's input (odm.Check, in readChecked and
// streamQuery) accepts, refuses and keeps what an odm.Reader read to the end does: the
// same error, the same bytes for the tree, over every fixture, damaged copies of them
// (cut short, a tag renamed) and the limits.
func TestQueryCheckAsReader(t *testing.T) {
	var inputs [][]byte
	err := filepath.WalkDir(testenv.RepoRoot(), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		ext := filepath.Ext(p)
		if d.IsDir() || (ext != ".xml" && ext != ".odm") || !strings.Contains(p, "testdata") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		inputs = append(inputs, b, b[:len(b)*2/3], bytes.Replace(b, []byte("</User>"), []byte("</Usr>"), 1))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	limits := []odm.ReadOptions{{}, {MaxDepth: 4}, {MaxTokenBytes: 64}, {MaxInputBytes: 2000}}
	refused := 0
	for i, b := range inputs {
		for _, opts := range limits {
			errText := func(err error) string {
				if err == nil {
					return ""
				}
				return err.Error()
			}
			want := errText(readAll(odm.NewReader(bytes.NewReader(b), opts)))
			if want != "" {
				refused++
			}
			data, _, err := readChecked(bytes.NewReader(b), opts, 0)
			if errText(err) != want {
				t.Errorf("input %d, %+v: readChecked %v, the reader %q", i, opts, err, want)
			}
			var out bytes.Buffer
			_, err = streamQuery(&out, bytes.NewReader(b), opts, "//odm:User", map[string]string{}, false, false, false, 0)
			if errText(err) != want {
				t.Errorf("input %d, %+v: streamQuery %v, the reader %q", i, opts, err, want)
			}
			if err == nil && !bytes.Equal(data, b) {
				t.Errorf("input %d, %+v: readChecked keeps other bytes than it read", i, opts)
			}
		}
	}
	if len(inputs) < 60 || refused < 60 {
		t.Fatalf("%d inputs, %d refused: the fixtures were not found", len(inputs), refused)
	}
}

// readAll reads the whole document with rd: its first error, nil at the end.
func readAll(rd *odm.Reader) error {
	if _, err := rd.Header(); err != nil {
		return err
	}
	for {
		if _, err := rd.Next(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}
