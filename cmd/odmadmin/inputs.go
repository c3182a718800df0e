package main

import (
	"bufio"
	"bytes"
	"encoding/json"
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

// readDirectories reads each path as a user directory and merges them into one
// (mapping.Merge): several files of one system are one directory.
func readDirectories(e *env, paths []string, o inp.Options, opts mapping.Options) (*mapping.Directory, []mapping.Warning, error) {
	if len(paths) == 0 {
		paths = []string{""}
	}
	stdin := 0
	for _, p := range paths {
		if p == "" || p == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return nil, nil, errors.New("stdin (-) can be read once only")
	}
	var dirs []*mapping.Directory
	var warnings []mapping.Warning
	for _, p := range paths {
		in, err := openAny(e, p, o)
		if err != nil {
			return nil, nil, err
		}
		d, ws, err := readDirectoryFrom(in, opts)
		in.Close()
		if err != nil {
			return nil, nil, err
		}
		dirs = append(dirs, d)
		warnings = append(warnings, ws...)
	}
	d, ws := mapping.Merge(dirs...)
	return d, append(warnings, ws...), nil
}

// directoryKinds are the inputs a user directory is read from.
var directoryKinds = []inp.Kind{inp.ODM, inp.ODMJSON, inp.DirectoryJSON, inp.CSV, inp.XLSX}

// readDirectoryFrom reads a user directory from an ODM file (XML or odmadmin's ODM JSON),
// the directory JSON of "map --to json", or a table (CSV or .xlsx): the Clinical One user
// upload template or a user table by OID.
func readDirectoryFrom(in *inp.Input, opts mapping.Options) (*mapping.Directory, []mapping.Warning, error) {
	if opts.Profile == mapping.ProfileClinicalOne {
		if err := in.Expect(inp.CSV, inp.XLSX); err != nil {
			return nil, nil, err
		}
	}
	switch in.Kind {
	case inp.ODM:
		d, ws, err := readODMDirectory(in.Raw(), in.Name, opts)
		if err != nil {
			return nil, nil, err
		}
		return d, ws, nil
	case inp.ODMJSON:
		doc, err := odm.DecodeJSON(in.Text(), odm.ReadOptions{Name: in.Name})
		if err != nil {
			return nil, nil, err
		}
		var ws []mapping.Warning
		for _, x := range doc.Warnings {
			ws = append(ws, mapping.Warning{Code: mapping.CodeQuirk, Field: "ODM", Count: 1, Message: strings.TrimSpace(x.Error())})
		}
		d, mws, err := mapping.FromDocument(doc, opts)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", in.Name, err)
		}
		return d, append(ws, mws...), nil
	case inp.DirectoryJSON:
		var d mapping.Directory
		dec := json.NewDecoder(in.Text())
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			return nil, nil, fmt.Errorf("%s: not a mapping directory in JSON: %w", in.Name, err)
		}
		return &d, nil, nil
	case inp.CSV, inp.XLSX:
		t, err := in.Table(inp.TableOptions{Sheets: []string{mapping.ClinicalOneSheet}, IsHeader: isDirectoryHeader})
		if err != nil {
			return nil, nil, err
		}
		defer t.Close()
		var d *mapping.Directory
		var ws []mapping.Warning
		switch h := t.Header(); {
		case !mapping.IsClinicalOneHeader(h) && mapping.IsUserTableHeader(h):
			d, ws, err = mapping.ReadUserTable(t, opts)
		default:
			d, ws, err = mapping.ReadClinicalOneTable(t, opts)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", t.Name, err)
		}
		return d, ws, nil
	}
	return nil, nil, in.Expect(directoryKinds...)
}

// isDirectoryHeader reports whether a table row is the header of a table a directory is
// read from.
func isDirectoryHeader(row []string) bool {
	return mapping.IsClinicalOneHeader(row) || mapping.IsUserTableHeader(row)
}

// readDirectory reads one directory from br, whatever kind of input it is.
func readDirectory(br *bufio.Reader, name string, opts mapping.Options) (*mapping.Directory, []mapping.Warning, error) {
	in, err := inp.New(br, name, inp.Options{})
	if err != nil {
		return nil, nil, err
	}
	return readDirectoryFrom(in, opts)
}

// odmXML returns an ODM input as XML for the commands that work on XML (check, query):
// XML as it is, odmadmin's ODM JSON encoded as XML.
func odmXML(in *inp.Input, opts odm.ReadOptions) (io.Reader, error) {
	switch in.Kind {
	case inp.ODM:
		return in.Raw(), nil
	case inp.ODMJSON:
		doc, err := odm.DecodeJSON(in.Text(), opts)
		if err != nil {
			return nil, err
		}
		var buf bytes.Buffer
		if err := odm.NewEncoder(&buf, odm.WriteOptions{}).Encode(doc); err != nil {
			return nil, fmt.Errorf("%s: %w", in.Name, err)
		}
		return &buf, nil
	}
	return nil, in.Expect(inp.ODM, inp.ODMJSON)
}
