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
	// file is the opened file (nil for stdin and anything else that is no regular
	// file), for commands that read it twice.
	file *os.File
}

// File returns the opened regular file (nil for stdin or a pipe): internal/input reads a workbook from it
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
	in := &input{Reader: e.trackInput(ctxReader{e.context(), f}, f), Name: path, close: f.Close}
	// Only a regular file can be read again from its start: a path that names a pipe
	// (/dev/stdin, a shell's <(...), a FIFO) or a device is read once, as stdin is, and
	// copied where a second look is needed. Taken for a file, its second read failed
	// ("seek /dev/stdin: illegal seek") or read nothing.
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		in.file = f
	}
	return in, nil
}

// namesStream reports whether path is read once, as a stream: stdin ("" or "-"), or a
// path that names no regular file (see openInput). A path that cannot be looked at is
// left to the open, which reports it.
func namesStream(path string) bool {
	if path == "" || path == "-" {
		return true
	}
	fi, err := os.Stat(path)
	return err == nil && !fi.Mode().IsRegular()
}
