package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInputPipeByPath: an input named by a path that is a pipe (/dev/stdin, a shell's
// <(...), a FIFO) is read once, as stdin is: a command that reads its input twice copies
// it first. Taken for a regular file it was read again from a pipe already drained
// ("unrecognized input: the input is empty") or sought ("seek /dev/stdin: illegal seek").
func TestInputPipeByPath(t *testing.T) {
	dir := t.TempDir()
	// A directory JSON that the compact reader leaves to the whole read (a key spelled
	// in another letter case): the input is read a second time.
	recase := filepath.Join(dir, "recase.json")
	if err := os.WriteFile(recase, []byte(`{"studies": [], "sites": [], "users": [{"id": "U1", "login": "u1", "Status": "Available"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		feed string   // the file fed into the FIFO
		args []string // "FIFO" stands for its path
		want string   // in stdout
	}{
		{"check reads an ODM file twice (its two passes)", mapInForm,
			[]string{"check", "FIFO"}, ""},
		{"diff reads each side more than once", mapInForm,
			[]string{"diff", "--format", "json", "FIFO", filepath.Join("testdata", "diff", "inform.xml")}, `"event"`},
		{"map reads a directory JSON again whole when the compact read leaves it", recase,
			[]string{"map", "--to", "json", "FIFO"}, `"u1"`},
		{"plan reads the existing export as diff does", filepath.Join("testdata", "plan", "existing.xml"),
			[]string{"plan", "--existing", "FIFO", "--upload", filepath.Join("testdata", "plan", "upload.csv")}, `"actions"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fifo := filepath.Join(t.TempDir(), "in")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skipf("mkfifo: %v", err)
			}
			data, err := os.ReadFile(c.feed)
			if err != nil {
				t.Fatal(err)
			}
			fed := make(chan error, 1)
			done := make(chan struct{})
			go func() {
				// The writer's open waits for the command's. Once the data is written, an
				// open of the FIFO again by the command (a second read, as a pipe would
				// give it) finds a writer that closes at once: it reads nothing, as from
				// a drained pipe, instead of waiting for ever.
				w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
				if err != nil {
					fed <- err
					return
				}
				_, err = w.Write(data)
				w.Close()
				fed <- err
				for {
					select {
					case <-done:
						return
					case <-time.After(5 * time.Millisecond):
					}
					if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
						w.Close()
					}
				}
			}()
			defer close(done)
			args := make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = strings.ReplaceAll(a, "FIFO", fifo)
			}
			// Reference: the same command on the file itself.
			wantCode, wantOut, _ := runCmd(nil, replaceArg(args, fifo, c.feed)...)
			code, out, errs := runCmd(nil, args...)
			if err := <-fed; err != nil {
				t.Fatalf("feeding the FIFO: %v", err)
			}
			if code != wantCode || strings.Contains(errs, "empty") || strings.Contains(errs, "seek") {
				t.Fatalf("exit %d (on the file: %d): %s", code, wantCode, errs)
			}
			if !strings.Contains(out, c.want) || strings.ReplaceAll(out, fifo, c.feed) != wantOut {
				t.Errorf("output (want %q in it):\n%s\non the file:\n%s", c.want, out, wantOut)
			}
		})
	}
}

// replaceArg returns args with from replaced by to.
func replaceArg(args []string, from, to string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == from {
			a = to
		}
		out[i] = a
	}
	return out
}
