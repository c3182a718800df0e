package main

import (
	"io"
	"os"
)

// input is an opened command input with the name errors should cite.
type input struct {
	io.Reader
	Name  string
	close func() error
	// file is the opened file (nil for stdin), for commands that read it twice.
	file *os.File
}

// File returns the opened file (nil for stdin): internal/input reads a workbook from it
// in place (input.Filer) rather than from the reader, which adds cancellation and
// progress.
func (in *input) File() *os.File { return in.file }

func (in *input) Close() error {
	if in.close == nil {
		return nil
	}
	return in.close()
}

// openInput opens path, or stdin when path is "" or "-".
func openInput(e *env, path string) (*input, error) {
	if path == "" || path == "-" {
		return &input{Reader: e.trackInput(ctxReader{e.context(), e.stdin}, nil), Name: "<stdin>"}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &input{Reader: e.trackInput(ctxReader{e.context(), f}, f), Name: path, close: f.Close, file: f}, nil
}
