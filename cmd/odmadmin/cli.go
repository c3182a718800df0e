package main

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
)

// input is an opened command input with the name errors should cite.
type input struct {
	io.Reader
	Name  string
	close func() error
}

func (in *input) Close() error {
	if in.close == nil {
		return nil
	}
	return in.close()
}

// openInput opens path, or stdin when path is "" or "-".
func openInput(e *env, path string) (*input, error) {
	if path == "" || path == "-" {
		return &input{Reader: e.stdin, Name: "<stdin>"}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &input{Reader: f, Name: path, close: f.Close}, nil
}

// writeOutput runs write against path, or stdout when path is "" or "-". A file is written
// to a temporary file in the same directory and renamed over path only when write and the
// flush succeed, so a failed command leaves no half-written output behind.
func writeOutput(e *env, path string, write func(w io.Writer) error) error {
	if path == "" || path == "-" {
		bw := bufio.NewWriterSize(e.stdout, 64<<10)
		if err := write(bw); err != nil {
			bw.Flush()
			return err
		}
		return bw.Flush()
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	// CreateTemp makes the file 0600; give the result the mode a plain create would, or
	// the mode of the file it replaces.
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := tmp.Chmod(mode); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	ok = true
	return nil
}
