package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// readODMDirectory reads a user directory from ODM XML (diff, plan, map's other inputs).
// It streams with mapping.FromReader, which holds compact user records rather than a
// document tree; OpenClinica files are decoded whole, because their site studies are
// Study elements, which the stream skips.
func readODMDirectory(br io.Reader, name string, opts mapping.Options) (*mapping.Directory, []mapping.Warning, error) {
	return readODMDirectoryKeep(br, name, opts, nil)
}

// readODMDirectoryKeep is readODMDirectory keeping only the users keep returns (all when
// keep is nil; see mapping.ReadEach).
func readODMDirectoryKeep(br io.Reader, name string, opts mapping.Options, keep func(*mapping.User) *mapping.User) (*mapping.Directory, []mapping.Warning, error) {
	// Keep what the header read takes, so that an OpenClinica file can be decoded whole
	// from the start even from stdin.
	start := &headCapture{}
	rd := odm.NewReader(io.TeeReader(br, start), odm.ReadOptions{Name: name})
	h, err := rd.Header()
	if err != nil {
		return nil, nil, err
	}
	prof := opts.Profile
	if prof == "" {
		prof = mapping.DetectHeader(h)
	}
	var d *mapping.Directory
	var mws []mapping.Warning
	var rws []*odm.Error
	if prof == mapping.ProfileOpenClinica {
		doc, err := odm.Decode(io.MultiReader(&start.buf, br), odm.ReadOptions{Name: name})
		if err != nil {
			return nil, nil, err
		}
		rws = doc.Warnings
		if d, mws, err = mapping.FromDocument(doc, opts); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		if keep != nil {
			kept := []*mapping.User{}
			for _, u := range d.Users {
				if k := keep(u); k != nil {
					kept = append(kept, k)
				}
			}
			d.Users = kept
		}
	} else {
		start.done()
		if keep != nil {
			d, mws, err = mapping.ReadEach(rd, opts, keep)
		} else {
			d, mws, err = mapping.FromReader(rd, opts)
		}
		if err != nil {
			return nil, nil, wrapName(name, err)
		}
		rws = rd.Warnings()
	}
	ws := make([]mapping.Warning, 0, len(rws)+len(mws))
	for _, x := range rws {
		ws = append(ws, mapping.Warning{Code: mapping.CodeQuirk, Field: "ODM", Count: 1, Message: strings.TrimSpace(x.Error())})
	}
	for _, w := range mws {
		if w.File == "" {
			w.File = name // the file its Line and Col are in
		}
		ws = append(ws, w)
	}
	return d, ws, nil
}

// headCapture keeps the bytes written to it until done is called, then drops them.
type headCapture struct {
	buf  bytes.Buffer
	stop bool
}

func (h *headCapture) Write(p []byte) (int, error) {
	if !h.stop {
		h.buf.Write(p)
	}
	return len(p), nil
}

func (h *headCapture) done() {
	h.stop = true
	h.buf = bytes.Buffer{}
}

// wrapName prefixes err with the input's name unless it is the reader's own error, which
// names the input already.
func wrapName(name string, err error) error {
	var oe *odm.Error
	if errors.As(err, &oe) {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}
