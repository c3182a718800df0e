package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// newFlagSet returns a flag set that reports errors instead of exiting and prints its usage,
// headed by synopsis and followed by example, to the command's stderr.
func newFlagSet(e *env, name, synopsis, example string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "Usage:\n  %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
		if example != "" {
			fmt.Fprintf(out, "\nExample:\n  %s\n", example)
		}
	}
	return fs
}

// parseArgs parses flags that may stand before, between or after the positional arguments
// (the standard flag package stops at the first positional one, which surprises people who
// type "odmadmin convert in.xml --to json"). A lone "-" is a positional argument (stdin).
// Asking for help (-h, -help, --help) prints the usage to stdout and returns flag.ErrHelp;
// the caller then exits 0.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			return nil, flag.ErrHelp
		}
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// flagExit turns a parseArgs error into an exit code: 0 for help, with the usage on
// stdout; 2 otherwise (the flag package has already printed the error and usage to stderr).
func flagExit(e *env, fs *flag.FlagSet, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(e.stdout)
		fs.Usage()
		return 0
	}
	return 2
}

// inputPath returns the single positional argument (or "" for stdin). More than one is a
// usage error: it prints the message and the usage and returns ok false (exit 2).
func inputPath(e *env, fs *flag.FlagSet, cmd string, pos []string) (path string, ok bool) {
	if len(pos) > 1 {
		fmt.Fprintf(e.stderr, "odmadmin %s: at most one input file\n", cmd)
		fs.Usage()
		return "", false
	}
	if len(pos) == 1 {
		return pos[0], true
	}
	return "", true
}

// oneOf reports whether value is one of allowed, printing "--flag must be a or b, not x"
// when it is not.
func oneOf(e *env, cmd, flagName, value string, allowed ...string) bool {
	for _, a := range allowed {
		if value == a {
			return true
		}
	}
	fmt.Fprintf(e.stderr, "odmadmin %s: --%s must be %s, not %q\n", cmd, flagName, strings.Join(allowed, " or "), value)
	return false
}

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
