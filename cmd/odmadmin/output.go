package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// tempFiles are a run's temporary files (the atomic -o file being written, a copy of
// stdin). An interrupt cancels the command's context; the command then stops at its next
// read or write and removes its own temporary files. One that does not stop within
// interruptGrace (blocked on a read of a terminal, say) is ended by afterInterrupt, which
// removes the files still registered first. It is made once in main and reached through env.
type tempFiles struct {
	mu    sync.Mutex
	files map[string]string // temporary path → the -o path it stands for ("" for others)
}

// interruptGrace is how long a command may take to stop after an interrupt.
const interruptGrace = 3 * time.Second

func newTempFiles() *tempFiles {
	return &tempFiles{files: map[string]string{}}
}

// afterInterrupt waits for ctx to be cancelled (an interrupt) and, unless done is closed
// within interruptGrace, removes the registered files and exits with status 2.
func (t *tempFiles) afterInterrupt(ctx context.Context, done <-chan struct{}, stderr io.Writer) {
	select {
	case <-done:
		return
	case <-ctx.Done():
	}
	select {
	case <-done:
		return
	case <-time.After(interruptGrace):
	}
	t.mu.Lock() // held until exit, so that no new temporary file is made meanwhile
	msg := "odmadmin: interrupted"
	for tmp, out := range t.files {
		os.Remove(tmp)
		if out != "" {
			msg += "; " + out + " not written"
		}
	}
	fmt.Fprintln(stderr, msg)
	os.Exit(2)
}

// add registers a temporary file (for output path out, or "" for none).
func (t *tempFiles) add(tmp, out string) {
	if t == nil {
		return
	}
	t.mu.Lock()
	t.files[tmp] = out
	t.mu.Unlock()
}

// remove forgets a temporary file, which has been removed or renamed.
func (t *tempFiles) remove(tmp string) {
	if t == nil {
		return
	}
	t.mu.Lock()
	delete(t.files, tmp)
	t.mu.Unlock()
}

// spoolTemp copies r into a temporary file (removed by the returned cleanup, or on a
// signal) and returns it positioned at its start, for input that is read twice.
func spoolTemp(e *env, r io.Reader) (*os.File, func(), error) {
	f, err := os.CreateTemp("", "odmadmin-stdin-*")
	if err != nil {
		return nil, nil, err
	}
	e.temps.add(f.Name(), "")
	cleanup := func() {
		f.Close()
		os.Remove(f.Name())
		e.temps.remove(f.Name())
	}
	if _, err := io.Copy(f, r); err != nil {
		cleanup()
		return nil, nil, fmt.Errorf("copying stdin to a temporary file: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return nil, nil, err
	}
	return f, cleanup, nil
}

// writeOutput runs write against path, or stdout when path is "" or "-". It is the one way
// every command writes -o:
//
//   - a regular file (or a new one) is written to a temporary file in the same directory and
//     renamed over path only when write and the flush succeed, so a failed or interrupted
//     command leaves neither a half-written output nor the temporary file behind; the file
//     keeps the mode of the one it replaces. Input and output may be the same file: the
//     input stays readable until the rename.
//   - a symbolic link is followed: the file it points to is replaced, the link stays.
//   - a FIFO, socket or device (/dev/null, /dev/stdout on a terminal or pipe), and any path
//     under /dev/fd or /proc/self/fd or named /dev/stdout or /dev/stderr, is written
//     through (opened for appending), never replaced.
//
// Errors name path, never the temporary file.
func writeOutput(e *env, path string, write func(w io.Writer) error) error {
	if path == "" || path == "-" {
		bw := bufio.NewWriterSize(e.stdout, 64<<10)
		if err := write(bw); err != nil {
			bw.Flush()
			return err
		}
		return bw.Flush()
	}
	target, through, err := outputTarget(path)
	if err != nil {
		return err
	}
	ctx := e.context()
	checked := func(w io.Writer) error { return write(ctxWriter{ctx, w}) }
	if through {
		err = writeThrough(path, target, checked)
	} else {
		err = writeAtomic(e, path, target, checked)
	}
	if err != nil && ctx.Err() != nil {
		// Interrupted: whatever failed (a read, a write), the cause is the interrupt.
		return &outputError{path: path, err: ctx.Err()}
	}
	return err
}

// outputError is a write to -o path that did not happen (an interrupt): fail names path.
type outputError struct {
	path string
	err  error
}

func (e *outputError) Error() string { return e.path + " not written: " + e.err.Error() }
func (e *outputError) Unwrap() error { return e.err }

// ctxWriter fails writes once ctx is cancelled, so that an interrupted command stops.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// ctxReader fails reads once ctx is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// outputTarget resolves -o path: the file to write and whether to write through to it.
func outputTarget(path string) (target string, through bool, err error) {
	clean := filepath.Clean(path)
	for _, p := range []string{"/dev/stdout", "/dev/stderr"} {
		if clean == p {
			return path, true, nil
		}
	}
	for _, p := range []string{"/dev/fd/", "/proc/self/fd/"} {
		if strings.HasPrefix(clean, p) {
			return path, true, nil
		}
	}
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return path, false, nil
	case err != nil:
		return "", false, err
	}
	target = path
	if fi.Mode()&fs.ModeSymlink != 0 {
		resolved, err := filepath.EvalSymlinks(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			// A dangling link: create the file it names.
			dest, rerr := os.Readlink(path)
			if rerr != nil {
				return "", false, rerr
			}
			if !filepath.IsAbs(dest) {
				dest = filepath.Join(filepath.Dir(path), dest)
			}
			return dest, false, nil
		case err != nil:
			return "", false, err
		}
		target = resolved
		if fi, err = os.Stat(resolved); err != nil {
			return "", false, err
		}
	}
	switch {
	case fi.IsDir():
		return "", false, fmt.Errorf("-o %s: is a directory", path)
	case fi.Mode().IsRegular():
		return target, false, nil
	}
	return target, true, nil // FIFO, socket, device
}

// writeThrough writes to a FIFO, device or descriptor alias as it is.
func writeThrough(path, target string, write func(w io.Writer) error) error {
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("-o %s: %w", path, unwrapPath(err))
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	err = write(bw)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return renamePathErr(err, target, path)
}

// writeAtomic writes target (path, or the file the link path points to) through a
// temporary file renamed over it.
func writeAtomic(e *env, path, target string, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		// Said as what failed: "open: no such file or directory" for an -o that exists
		// (/proc/version) read as if the file were missing.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("-o %s: cannot create a temporary file in %s to write the output through: %w", path, filepath.Clean(dir), err)
	}
	name := tmp.Name()
	e.temps.add(name, path)
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(name)
			err = renamePathErr(err, name, path)
		}
		e.temps.remove(name)
	}()
	// CreateTemp makes the file 0600; give the result the mode a plain create would, or
	// the mode of the file it replaces.
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(target); err == nil {
		mode = fi.Mode().Perm()
	} else {
		mode &^= os.FileMode(umask())
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
	if err := e.context().Err(); err != nil {
		return err // interrupted: do not replace the output
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(name, target)
}

// renamePathErr makes an error about the temporary file (or a resolved target) name the
// -o path instead.
func renamePathErr(err error, tmp, path string) error {
	if err == nil {
		return nil
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == tmp {
		return fmt.Errorf("-o %s: %s: %w", path, pe.Op, pe.Err)
	}
	var le *os.LinkError
	if errors.As(err, &le) && (le.Old == tmp || le.New == tmp) {
		return fmt.Errorf("-o %s: %s: %w", path, le.Op, le.Err)
	}
	if strings.Contains(err.Error(), tmp) {
		return errors.New(strings.ReplaceAll(err.Error(), tmp, path))
	}
	return err
}

// unwrapPath drops the path from an *fs.PathError (the caller names the -o path itself).
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}
