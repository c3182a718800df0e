package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	inp "github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// readFlags are the input flags of the commands that read user directories.
type readFlags struct {
	charset *string
}

func addReadFlags(fs *cmdFlags) *readFlags {
	return &readFlags{
		charset: fs.String("charset", "", "character `SET` of CSV input that has no byte-order mark and is not UTF-8 (e.g. windows-1252, ISO-8859-1)"),
	}
}

func (r *readFlags) options() (inp.Options, error) {
	o := inp.Options{Charset: strings.TrimSpace(*r.charset)}
	if o.Charset != "" {
		if _, err := inp.LookupCharset(o.Charset); err != nil && !strings.EqualFold(o.Charset, "utf-8") {
			return o, fmt.Errorf("--charset: %w", err)
		}
	}
	return o, nil
}

// pathList is a repeatable flag naming files.
type pathList []string

func (l *pathList) String() string     { return strings.Join(*l, ",") }
func (l *pathList) Set(s string) error { *l = append(*l, s); return nil }

// openAny opens path ("" or "-" is stdin) and recognizes what it holds.
func openAny(e *env, path string, o inp.Options) (*inp.Input, error) {
	return inp.Open(path, e.stdin, o)
}

// readerDiagnostics returns a directory reader's warnings as diagnostics, as map lists
// them (code, count, file:line:col or row and column, no personal data): the odm reader's
// quirks, values the reader normalized or could not read, and the merge conflicts of a
// person that several files (or AdminData blocks) give different values. diff and plan
// list them: what they compare or plan rests on what was read. name is the input's name
// for warnings that carry none.
func readerDiagnostics(name string, ws []mapping.Warning) []Diagnostic {
	ds := make([]Diagnostic, 0, len(ws))
	for _, w := range ws {
		ds = append(ds, mappingDiagnostic(name, w))
	}
	return ds
}

// readDirectories reads each path as a user directory and merges them into one
// (mapping.Merge): several files of one system are one directory.
func readDirectories(e *env, paths []string, o inp.Options, opts mapping.Options) (*mapping.Directory, []mapping.Warning, error) {
	return readDirectoriesCarry(e, paths, o, opts, nil)
}

// readDirectoriesCarry is readDirectories that, with carry set, also scans each ODM input
// for what a write of the merged directory does not carry (carryScan) into *carry.
func readDirectoriesCarry(e *env, paths []string, o inp.Options, opts mapping.Options, carry *[]mapping.Warning) (*mapping.Directory, []mapping.Warning, error) {
	if len(paths) == 0 {
		paths = []string{""}
	}
	if err := stdinOnce(paths); err != nil {
		return nil, nil, err
	}
	var dirs []*mapping.Directory
	var names []string
	var warnings []mapping.Warning
	for _, p := range paths {
		in, err := openAny(e, p, o)
		if err != nil {
			return nil, nil, err
		}
		cs := startCarry(in, carry)
		d, ws, err := readDirectoryFrom(in, opts)
		if err == nil {
			err = cs.finish()
		} else {
			cs.abort()
		}
		in.Close()
		if err != nil {
			return nil, nil, err
		}
		dirs, names = append(dirs, d), append(names, in.Name)
		warnings = append(warnings, ws...)
	}
	// Named, so that a conflict says which file's value is kept and which is dropped.
	d, ws := mapping.MergeNamed(names, dirs...)
	// A reference into another of the files is dangling in its own file only.
	warnings = mapping.ResolvedAcross(names, dirs, d, warnings)
	return d, append(warnings, ws...), nil
}

// reopenable returns the input in, opened from path, with a function that opens it again
// for a reader that takes a second look (nil where none can: standard input of ODM, which
// is streamed once) and one that removes what it made. A table or directory JSON on
// standard input is copied to a temporary file first, which can be read again, so that
// it is read as compact records as a file is, not whole; in is then closed and a new
// input over the copy returned.
func reopenable(e *env, in *inp.Input, path string, o inp.Options) (*inp.Input, func() (*inp.Input, error), func(), error) {
	switch {
	case !namesStream(path):
		return in, func() (*inp.Input, error) { return openAny(e, path, o) }, func() {}, nil
	case in.Kind == inp.CSV || in.Kind == inp.XLSX || in.Kind == inp.DirectoryJSON:
		tmp, done, err := spoolTemp(e, in.Raw())
		in.Close()
		if err != nil {
			return nil, nil, nil, err
		}
		name := in.Name
		copied, err := inp.New(tmp, name, o)
		if err != nil {
			done()
			return nil, nil, nil, err
		}
		reopen := func() (*inp.Input, error) {
			if _, err := tmp.Seek(0, io.SeekStart); err != nil {
				return nil, err
			}
			return inp.New(tmp, name, o)
		}
		return copied, reopen, done, nil
	}
	return in, nil, func() {}, nil
}

// readMerged reads each path as a user directory into one merge (mapping.MergeStream),
// as readDirectories reads and merges them: ODM XML streamed, user by user, so that the
// merged users go to a temporary file and several large files of one export are read in
// the memory of one; other inputs read whole. It returns the readers' warnings (brought
// in line with the merge, mapping.ResolvedAcross), then the merge's. The caller closes
// the merge.
func readMerged(e *env, paths []string, o inp.Options, opts mapping.Options) (*mapping.MergeStream, []mapping.Warning, error) {
	return readMergedCarry(e, paths, o, opts, nil)
}

// readMergedCarry is readMerged that, with carry set, also scans each ODM input for what
// a write of the merged directory does not carry (carryScan) into *carry.
func readMergedCarry(e *env, paths []string, o inp.Options, opts mapping.Options, carry *[]mapping.Warning) (*mapping.MergeStream, []mapping.Warning, error) {
	if err := stdinOnce(paths); err != nil {
		return nil, nil, err
	}
	ms, err := mapping.NewMergeStream()
	if err != nil {
		return nil, nil, err
	}
	var warnings []mapping.Warning
	for _, p := range paths {
		in, err := openAny(e, p, o)
		if err != nil {
			ms.Close()
			return nil, nil, err
		}
		in, reopen, cleanup, err := reopenable(e, in, p, o)
		if err != nil {
			ms.Close()
			return nil, nil, err
		}
		cs := startCarry(in, carry)
		ws, err := mergeInput(ms, in, reopen, opts)
		if err == nil {
			err = cs.finish()
		} else {
			cs.abort()
		}
		in.Close()
		cleanup()
		if err != nil {
			ms.Close()
			return nil, nil, err
		}
		warnings = append(warnings, ws...)
	}
	return ms, append(ms.Resolved(warnings), ms.Warnings()...), nil
}

// mergeInput adds the directory in holds to ms (see readDirectoryFrom), streamed when it
// is ODM XML, and returns the warnings of reading it. A table or directory JSON in a
// file (reopen not nil: it may have to be read again, see readCompact) is held as compact
// records and merged one user at a time.
func mergeInput(ms *mapping.MergeStream, in *inp.Input, reopen func() (*inp.Input, error), opts mapping.Options) ([]mapping.Warning, error) {
	if in.Kind == inp.ODM && opts.Profile != mapping.ProfileClinicalOne && opts.Profile != mapping.ProfileOC4Users {
		return readODMWith(in.Raw(), in.Name, opts, false, func(r *odm.Reader, opts mapping.Options) ([]mapping.Warning, error) {
			return ms.AddODM(in.Name, r, opts)
		})
	}
	if reopen != nil && (in.Kind == inp.CSV || in.Kind == inp.XLSX || in.Kind == inp.DirectoryJSON) {
		c, ws, err := readCompact(in, reopen, opts)
		if err != nil {
			return nil, err
		}
		defer c.Close()
		if err := ms.AddCompact(in.Name, c); err != nil {
			return nil, fmt.Errorf("%s: %w", in.Name, err)
		}
		return ws, nil
	}
	d, ws, err := readDirectoryFrom(in, opts)
	if err != nil {
		return nil, err
	}
	if err := ms.Add(in.Name, d); err != nil {
		return nil, fmt.Errorf("%s: %w", in.Name, err)
	}
	return ws, nil
}

// readDirectoryFrom reads a user directory from any input that holds one (see
// mapping.ReadAny): ODM XML or ODM JSON, the directory JSON of "map --to json", or a table
// (CSV or .xlsx) that is the Clinical One template, an OpenClinica 4 user table or a user
// table by OID.
func readDirectoryFrom(in *inp.Input, opts mapping.Options) (*mapping.Directory, []mapping.Warning, error) {
	if (in.Kind == inp.ODM || in.Kind == inp.ODMJSON) && opts.Profile != mapping.ProfileClinicalOne && opts.Profile != mapping.ProfileOC4Users {
		// Streamed: a large export is not decoded whole (the JSON form neither).
		xml, finish := odmStream(in, odm.ReadOptions{Name: in.Name, Context: opts.Context})
		d, ws, err := readODMDirectory(xml, in.Name, opts)
		if err = finish(err); err != nil {
			return nil, nil, err
		}
		return d, ws, nil
	}
	opts.Charset = in.Charset()
	return mapping.ReadAny(in.Raw(), in.Name, opts)
}

// stdinOnce refuses paths that name stdin ("" or "-") more than once: it can be read once.
func stdinOnce(paths []string) error {
	stdin := 0
	for _, p := range paths {
		if p == "" || p == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return errors.New("stdin (-) can be read once only")
	}
	return nil
}

// carryScan reads the bytes of an ODM input as its reader reads them (inp.Input.Tee) and
// finds what a write of a directory merged from several inputs does not carry: Study,
// ClinicalData, comments and everything else outside AdminData (mapping.NotCarried).
// With one input, map patches the input or rereads it for that; several inputs are no
// one document to patch, and their content outside AdminData was left out without a
// word. A nil *carryScan (no carry asked, or an input that is no ODM XML) does nothing.
type carryScan struct {
	in    *inp.Input
	pw    *io.PipeWriter
	done  chan struct{}
	ws    []mapping.Warning
	err   error
	carry *[]mapping.Warning
}

// startCarry starts the scan of in when carry is set and in is ODM XML; call it before
// anything reads in, and finish or abort after.
func startCarry(in *inp.Input, carry *[]mapping.Warning) *carryScan {
	if carry == nil || in.Kind != inp.ODM {
		return nil
	}
	pr, pw := io.Pipe()
	c := &carryScan{in: in, pw: pw, done: make(chan struct{}), carry: carry}
	in.Tee(pw)
	go func() {
		defer close(c.done)
		c.ws, c.err = mapping.NotCarried(pr)
		io.Copy(io.Discard, pr) // what the scan left, so that the reader never blocks on the pipe
	}()
	return c
}

// finish reads the input to its end (its reader stops after the root element) and adds
// the scan's warnings, placed in the input, to the carry list.
func (c *carryScan) finish() error {
	if c == nil {
		return nil
	}
	_, err := io.Copy(io.Discard, c.in.Raw())
	c.pw.CloseWithError(err)
	<-c.done
	if err == nil {
		err = c.err
	}
	if err != nil {
		return fmt.Errorf("%s: %w", c.in.Name, err)
	}
	for _, w := range c.ws {
		if w.File == "" {
			w.File = c.in.Name
		}
		// The reason is not another flavour here: several inputs make one new document.
		w.Message = strings.Replace(w.Message, "a write into another flavour holds AdminData only and leaves them out", "several inputs are written as one new document, which holds AdminData only and leaves them out", 1)
		*c.carry = append(*c.carry, w)
	}
	return nil
}

// abort ends the scan of an input whose reading failed.
func (c *carryScan) abort() {
	if c == nil {
		return
	}
	c.pw.CloseWithError(errors.New("the input was not read to its end"))
	<-c.done
}
