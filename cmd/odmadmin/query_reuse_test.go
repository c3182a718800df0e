package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

// TestDrainReuse: the reader that checks query's input (drain, readChecked) recycles each
// record (drainOptions) and accepts, refuses and keeps what a reader without recycling
// does: the same error, the same bytes for the tree, over every fixture, damaged copies
// of them (cut short, a tag renamed) and the limits.
func TestDrainReuse(t *testing.T) {
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
			want := errText(drain(odm.NewReader(bytes.NewReader(b), opts)))
			got := errText(drain(odm.NewReader(bytes.NewReader(b), drainOptions(opts))))
			if want != got {
				t.Errorf("input %d, %+v: drain without reuse %q, with %q", i, opts, want, got)
			}
			if want != "" {
				refused++
			}
			// readChecked reads with drainOptions; the reader's verdict without them is want.
			data, _, err := readChecked(bytes.NewReader(b), opts, 0)
			if errText(err) != want {
				t.Errorf("input %d, %+v: readChecked %v, the reader without reuse %q", i, opts, err, want)
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
