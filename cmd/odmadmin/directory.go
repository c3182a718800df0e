package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	inp "github.com/odmadmin/odmadmin/internal/input"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// readODMDirectory reads a user directory from ODM XML (diff, plan, map's other inputs).
// It streams with mapping.FromReader, which holds compact user records rather than a
// document tree. An OpenClinica file's site studies are Study elements, which the stream
// skips: the file is copied to a temporary file (removed at once) to be read twice, first
// for them (mapping.StudyElements), then streamed.
func readODMDirectory(br io.Reader, name string, opts mapping.Options) (*mapping.Directory, []mapping.Warning, error) {
	return readODMDirectoryKeep(br, name, opts, nil)
}

// readODMDirectoryKeep is readODMDirectory keeping only the users keep returns (all when
// keep is nil; see mapping.ReadEach).
func readODMDirectoryKeep(br io.Reader, name string, opts mapping.Options, keep func(*mapping.User) *mapping.User) (*mapping.Directory, []mapping.Warning, error) {
	var d *mapping.Directory
	ws, err := readODMWith(br, name, opts, false, func(rd *odm.Reader, opts mapping.Options) ([]mapping.Warning, error) {
		var ws []mapping.Warning
		var err error
		if keep != nil {
			d, ws, err = mapping.ReadEach(rd, opts, keep)
		} else {
			d, ws, err = mapping.FromReader(rd, opts)
		}
		return ws, err
	})
	if err != nil {
		return nil, nil, err
	}
	return d, ws, nil
}

// readODMWith reads the ODM XML br (an OpenClinica file first for its Study elements, see
// readODMDirectory; any other for those before its first AdminData, their names) with read, given the reader with its header read and opts (with the
// Study elements), and returns the reader's warnings and then read's, each with the
// input's name.
//
// The reader recycles each record (odm.ReadOptions.Reuse): every read given here builds a
// directory through mapping's builder (FromReader, ReadEach, ReadEachSpec,
// MergeStream.AddODM), which copies what it keeps of a record and has the reader keep
// the records the directory holds whole (Reader.Keep); TestDirectoryReadersReuse in
// mapping holds them to the same results. values reads the values alone as well
// (ValuesOnly: no layout), for a directory that is never written back as ODM: diff's
// sides and plan's existing users. Against fresh records with their layout, at 1,000,000
// InForm users plan took 0.77 of the CPU and diff (two such files) 0.85 (medians of 5
// interleaved pairs): a fresh block of memory for each record, and its collection, is
// most of what the reading saves.
func readODMWith(br io.Reader, name string, opts mapping.Options, values bool, read func(*odm.Reader, mapping.Options) ([]mapping.Warning, error)) ([]mapping.Warning, error) {
	ro := limited(opts.Context, odm.ReadOptions{Name: name, Reuse: true, ValuesOnly: values})
	// Keep what the header read takes, so that an OpenClinica file can be read again from
	// the start even from stdin.
	start := &headCapture{}
	rd := odm.NewReader(io.TeeReader(br, start), ro)
	h, err := rd.Header()
	if err != nil {
		return nil, err
	}
	prof := opts.Profile
	if prof == "" {
		prof = mapping.DetectHeader(h)
	}
	var late *mapping.LateStudies
	if prof == mapping.ProfileOpenClinica {
		f, err := tempCopy(io.MultiReader(&start.buf, br))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		defer f.close()
		if opts.Studies, err = mapping.StudyElements(f.open, limited(opts.Context, odm.ReadOptions{Name: name})); err != nil {
			return nil, err
		}
		r, err := f.open()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		rd = odm.NewReader(r, ro)
		if _, err := rd.Header(); err != nil {
			return nil, err
		}
	} else {
		// The other flavours take the studies' names from the Study elements before the
		// first AdminData (mapping.LeadingStudyElements): the head of the input is read
		// for them and kept (start), then read again by the stream, followed by the rest.
		// Without them diff labelled a study by its OID where the export names it. An
		// input the scan refuses is left to the stream, which refuses it in odm's words.
		head := bytes.Clone(start.buf.Bytes())
		list, err := mapping.LeadingStudyElements(io.MultiReader(bytes.NewReader(head), io.TeeReader(br, start)), limited(opts.Context, odm.ReadOptions{Name: name}))
		if err == nil {
			opts.Studies = list
			// A Study after AdminData is not read: the stream's reader counts those it
			// skips, so that their names are said to be missing rather than silently
			// absent.
			late = mapping.NewLateStudies()
		}
		if start.err != nil {
			return nil, fmt.Errorf("%s: %w", name, start.err)
		}
		r, err := start.replay()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		rd = odm.NewReader(io.MultiReader(r, br), ro)
		if _, err := rd.Header(); err != nil {
			return nil, err
		}
		defer start.close()
	}
	start.done()
	mws, err := read(rd, opts)
	if err != nil {
		return nil, wrapName(name, err)
	}
	late.Add(rd.LateStudies())
	rws := rd.Warnings()
	ws := make([]mapping.Warning, 0, len(rws)+len(mws))
	for _, x := range rws {
		ws = append(ws, quirkWarning(x))
	}
	for _, w := range mws {
		if w.File == "" {
			w.File = name // the file its Line and Col are in
		}
		ws = append(ws, w)
	}
	return append(ws, late.Warnings(name)...), nil
}

// tempFile is a copy of an input in a temporary file, read from its start by open. The
// file is removed at once where the system allows an open file to be removed (then it is
// gone on every exit path), else by close.
type tempFile struct {
	f      *os.File
	remove string
}

func tempCopy(r io.Reader) (*tempFile, error) {
	f, err := os.CreateTemp("", "odmadmin-input-*")
	if err != nil {
		return nil, err
	}
	t := &tempFile{f: f}
	if os.Remove(f.Name()) != nil {
		t.remove = f.Name()
	}
	if _, err := io.Copy(f, r); err != nil {
		t.close()
		return nil, fmt.Errorf("copying the input to a temporary file: %w", err)
	}
	return t, nil
}

func (t *tempFile) open() (io.Reader, error) {
	if _, err := t.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return bufio.NewReaderSize(t.f, 64<<10), nil
}

func (t *tempFile) close() {
	t.f.Close()
	if t.remove != "" {
		os.Remove(t.remove)
	}
}

// headCapture keeps the bytes written to it until done is called, then drops them: in
// memory up to headInMemory, past it in a temporary file (an export's Study elements, read
// before its first AdminData, may hold a study's whole metadata).
type headCapture struct {
	buf  bytes.Buffer
	file *tempFile
	stop bool
	err  error // of the temporary file
}

// headInMemory is how much of an input's head headCapture holds in memory.
const headInMemory = 4 << 20

func (h *headCapture) Write(p []byte) (int, error) {
	if h.stop || h.err != nil {
		return len(p), nil
	}
	if h.file == nil && h.buf.Len()+len(p) > headInMemory {
		f, err := tempCopy(&h.buf)
		if err != nil {
			h.err = err
			return len(p), nil
		}
		h.file, h.buf = f, bytes.Buffer{}
	}
	if h.file != nil {
		if _, err := h.file.f.Write(p); err != nil {
			h.err = err
		}
		return len(p), nil
	}
	h.buf.Write(p)
	return len(p), nil
}

// replay returns what h holds, from its start, and stops the capture.
func (h *headCapture) replay() (io.Reader, error) {
	h.stop = true
	if h.file != nil {
		return h.file.open()
	}
	// A reader of its own: done drops the buffer.
	return bytes.NewReader(h.buf.Bytes()), nil
}

func (h *headCapture) done() {
	h.stop = true
	h.buf = bytes.Buffer{}
}

// close removes the temporary file, if any.
func (h *headCapture) close() {
	if h.file != nil {
		h.file.close()
		h.file = nil
	}
}

// wrapName prefixes err with the input's name unless it is a reader's own error (the ODM
// reader's or a table reader's), which names the input already.
func wrapName(name string, err error) error {
	var oe *odm.Error
	if errors.As(err, &oe) {
		return err
	}
	return inp.WithName(name, err)
}
