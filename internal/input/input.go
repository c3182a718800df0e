// Package input opens the files odmadmin's commands read and tells what they are: ODM XML
// (in any encoding the odm package reads), the two JSON forms odmadmin writes (the ODM JSON
// of "convert" and the directory JSON of "map"), a JSON array, CSV (any separator, UTF-8
// or UTF-16, or an 8-bit character set named by the caller) and Excel .xlsx workbooks.
//
// Kinds are told apart from the bytes, never from the file name, so that stdin works and a
// misnamed file is read for what it is. What cannot be read gets a one-line error that says
// what the input looked like and what is accepted; formats people commonly have instead
// (.xls, .xlsb, .ods, a spreadsheet saved as a web page, gzip) are named with the way out.
//
// Every reader is bounded: a CSV line or record, a workbook and what its parts inflate to
// have limits (see Options), so hostile input gives an error, not an exhausted machine.
//
// Workbooks are excelize's, but their rows are read by code of ours (xlsxfast.go) over the
// XML scanner the ODM reader uses: excelize decodes every cell with encoding/xml, which
// made a workbook 4 to 5 times slower to read than the same rows as CSV. The rows are
// excelize's cell for cell, and whatever our reader does not read as excelize does it
// hands to excelize.
package input

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"

	xenc "golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Kind is what an input holds.
type Kind string

// The kinds of input.
const (
	Unknown       Kind = ""
	ODM           Kind = "ODM XML"
	ODMJSON       Kind = "ODM JSON"
	DirectoryJSON Kind = "directory JSON"
	JSONArray     Kind = "JSON array"
	CSV           Kind = "CSV"
	XLSX          Kind = "Excel workbook"
)

// ErrUnknown is wrapped by the error returned for an input whose kind cannot be told or
// that is a format no reader exists for.
var ErrUnknown = errors.New("unrecognized input")

// nilReader is the error of New and NewCSV given a nil reader: no input, reported as an
// empty one is (ErrUnknown), with what is wrong with it.
func nilReader(name string) *Error {
	return errorf(name, "%w: no input: the reader is nil", ErrUnknown)
}

// ErrLimit is wrapped by errors for input past one of the limits of Options.
var ErrLimit = errors.New("input limit exceeded")

// ErrUncalculated is wrapped by the error of a workbook cell that holds a formula and no
// computed value (see Table.Uncalculated): it would read as empty, its value lost.
var ErrUncalculated = errors.New("the cell holds a formula that was never calculated")

// Default limits.
const (
	// DefaultMaxWorkbookBytes bounds a workbook file, which is read in place (a workbook
	// on stdin or a pipe is read into memory, up to 64 MiB). A 1,000,000-row Clinical One
	// template as map --to xlsx writes it is 42 MB.
	DefaultMaxWorkbookBytes = 256 << 20
	// DefaultMaxUnzippedBytes bounds what a workbook's parts inflate to in total: the
	// disk and time a workbook may cost, not its memory (a sheet or the shared strings
	// above 16 MiB go to temporary files, and the parts held in memory are bounded apart,
	// see maxInMemoryParts). The sheet of a 1,000,000-row template is 549 MB, so one at
	// Excel's limit of 1,048,576 rows some 580 MB; wider sheets take more.
	DefaultMaxUnzippedBytes = 2 << 30
	// DefaultMaxLineBytes bounds one physical line of CSV.
	DefaultMaxLineBytes = 1 << 20
	// DefaultMaxRecordBytes bounds one CSV record (quoted fields may span lines).
	DefaultMaxRecordBytes = 8 << 20
)

// Options configure opening. The zero value is ready to use.
type Options struct {
	// Charset is the character set of CSV input without a byte-order mark, as an IANA or
	// WHATWG name ("windows-1252", "ISO-8859-1", "Shift_JIS"). Default: UTF-8, or UTF-16
	// when the bytes say so. A byte-order mark wins over Charset. XML says its own
	// encoding, so Charset does not apply to it.
	Charset string
	// MaxWorkbookBytes bounds the size of a workbook file. Default DefaultMaxWorkbookBytes.
	MaxWorkbookBytes int64
	// MaxUnzippedBytes bounds a workbook's inflated size. Default DefaultMaxUnzippedBytes.
	MaxUnzippedBytes int64
	// MaxLineBytes bounds a CSV line. Default DefaultMaxLineBytes.
	MaxLineBytes int
	// MaxRecordBytes bounds a CSV record. Default DefaultMaxRecordBytes.
	MaxRecordBytes int
}

// positiveOr is v when it is positive, else d: an option left at zero (or set below it)
// takes its default.
func positiveOr[T int | int64](v, d T) T {
	if v > 0 {
		return v
	}
	return d
}

func (o Options) maxWorkbook() int64 { return positiveOr(o.MaxWorkbookBytes, DefaultMaxWorkbookBytes) }
func (o Options) maxUnzipped() int64 { return positiveOr(o.MaxUnzippedBytes, DefaultMaxUnzippedBytes) }
func (o Options) maxLine() int       { return positiveOr(o.MaxLineBytes, DefaultMaxLineBytes) }
func (o Options) maxRecord() int     { return positiveOr(o.MaxRecordBytes, DefaultMaxRecordBytes) }

// textEnc is the text encoding found from a byte-order mark or the byte pattern.
type textEnc int

const (
	encUTF8 textEnc = iota
	encUTF8BOM
	encUTF16LE
	encUTF16BE
)

func (e textEnc) String() string {
	switch e {
	case encUTF16LE:
		return "UTF-16LE"
	case encUTF16BE:
		return "UTF-16BE"
	}
	return "UTF-8"
}

// Input is an opened, recognized input. Read it with the method for its Kind: Raw for ODM
// XML (the odm package decodes XML's encodings itself), Text for JSON, Table for CSV and
// workbooks.
type Input struct {
	// Name is the name errors cite: the path, or "<stdin>".
	Name string
	// Kind is what the input holds.
	Kind Kind

	br    *bufio.Reader
	enc   textEnc
	bom   bool // a byte-order mark starts the input
	opts  Options
	close func() error
	// src is the file New was given, when it was one (os.File or a reader that names its
	// file, Filer), at its start: a workbook is read from it in place.
	src *os.File
	// wb is a recognized workbook's archive (sniffZip).
	wb   *archive
	used bool
}

// Filer is implemented by a reader over a whole file that can hand out the file itself
// (a wrapper that adds cancellation or progress): New reads a workbook from the file in
// place, at any offset (io.ReaderAt), instead of copying it. File returns nil when there
// is no such file.
type Filer interface {
	File() *os.File
}

// Open opens path ("" or "-" is stdin) and recognizes it.
func Open(path string, stdin io.Reader, opts Options) (*Input, error) {
	if path == "" || path == "-" {
		return New(stdin, "<stdin>", opts)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	in, err := New(f, path, opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	in.close = f.Close
	return in, nil
}

// New recognizes the input r; name is what errors cite.
func New(r io.Reader, name string, opts Options) (*Input, error) {
	if r == nil {
		return nil, nilReader(name)
	}
	in := &Input{Name: name, br: bufio.NewReaderSize(r, 64<<10), opts: opts, src: fileAtStart(r)}
	head, err := in.br.Peek(4096)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, &Error{Name: name, Err: err}
	}
	if len(head) == 0 {
		return nil, errorf(name, "%w: the input is empty", ErrUnknown)
	}
	if err := in.sniff(head); err != nil {
		return nil, err
	}
	return in, nil
}

// fileAtStart returns the file r reads, when it is one (or names one, Filer) and has
// not been read from yet.
func fileAtStart(r io.Reader) *os.File {
	var f *os.File
	switch r := r.(type) {
	case *os.File:
		f = r
	case Filer:
		f = r.File()
	case *workbookReader:
		if off, err := r.Seek(0, io.SeekCurrent); err != nil || off != 0 || r.file == nil {
			return nil
		}
		// The archive spans the whole file (sniffZip): read in place again.
		return r.file
	}
	if f == nil {
		return nil
	}
	if off, err := f.Seek(0, io.SeekCurrent); err != nil || off != 0 {
		return nil
	}
	return f
}

// workbookReader is what Raw returns for a workbook: its archive, which New, given it
// again, reads in place.
type workbookReader struct {
	*io.SectionReader
	file *os.File
}

// Close closes the underlying file, if Open opened one.
func (in *Input) Close() error {
	if in == nil || in.close == nil {
		return nil
	}
	c := in.close
	in.close = nil
	return c()
}

// Charset returns the character set CSV input is read with when it is not UTF-8 or
// UTF-16 (Options.Charset).
func (in *Input) Charset() string { return in.opts.Charset }

// head returns the first bytes, as many as are buffered (up to 64 KiB).
func (in *Input) head() []byte {
	b, _ := in.br.Peek(in.br.Size())
	return b
}

// XML returns ODM XML as UTF-8 for XML parsers that read only what encoding/xml reads:
// UTF-16 is decoded and its declaration's encoding rewritten. Other input is as Raw.
func (in *Input) XML() io.Reader {
	if in.enc != encUTF16LE && in.enc != encUTF16BE {
		return in.br
	}
	text := bufio.NewReaderSize(in.Text(), 64<<10)
	head, _ := text.Peek(256)
	if m := xmlDeclEncoding.FindSubmatchIndex(head); m != nil {
		fixed := append(append(append([]byte{}, head[:m[2]]...), "UTF-8"...), head[m[3]:]...)
		text.Discard(len(head))
		return io.MultiReader(bytes.NewReader(fixed), text)
	}
	return text
}

// xmlDeclEncoding matches the encoding of a real XML declaration only: at the very start
// (after a byte-order mark at most) and with "xml" followed by white space, so that a PI
// such as <?xmlx encoding="..."?> is never taken for one and never rewritten.
var xmlDeclEncoding = regexp.MustCompile(`^(?:\x{FEFF})?<\?xml[ \t\r\n][^>]*?[ \t\r\n]encoding[ \t\r\n]*=[ \t\r\n]*["']([A-Za-z0-9._:-]+)["']`)

// Tee has every byte read from the input from now on (through Raw, XML, Text or a
// table) written to w as well, the bytes read ahead to tell its kind included: a second
// reader of the same bytes (odmadmin map's scan for what its output does not carry)
// reads them as the first does, stdin too. Call it before anything reads the input.
func (in *Input) Tee(w io.Writer) {
	in.br = bufio.NewReaderSize(io.TeeReader(in.br, w), 64<<10)
}

// Raw returns the input's bytes as they are (an ODM reader decodes XML's encodings).
func (in *Input) Raw() io.Reader {
	if in.wb != nil {
		// A workbook was read to its end to be recognized: its archive, from the start.
		return &workbookReader{in.wb.readerAt(), in.wb.file}
	}
	return in.br
}

// Text returns the input as UTF-8: a byte-order mark removed, UTF-16 decoded. It is for
// JSON; CSV goes through Table, which also checks the bytes.
func (in *Input) Text() io.Reader {
	switch in.enc {
	case encUTF8BOM:
		in.br.Discard(3)
	case encUTF16LE, encUTF16BE:
		if in.bom {
			in.br.Discard(2)
		}
		return transform.NewReader(in.br, utf16(in.enc).NewDecoder())
	}
	return in.br
}

// utf16 returns the UTF-16 encoding of e, without byte-order mark handling (the caller
// skips a mark).
func utf16(e textEnc) xenc.Encoding {
	order := unicode.LittleEndian
	if e == encUTF16BE {
		order = unicode.BigEndian
	}
	return unicode.UTF16(order, unicode.IgnoreBOM)
}

// Expect returns nil when the input is of one of the kinds, else a one-line error naming
// what it is and what cmd accepts.
func (in *Input) Expect(kinds ...Kind) error {
	for _, k := range kinds {
		if in.Kind == k {
			return nil
		}
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return errorf(in.Name, "%w: it is %s; want %s", ErrUnknown, article(in.Kind), orList(names))
}

func article(k Kind) string {
	switch k {
	case ODM, ODMJSON, XLSX:
		return "an " + string(k)
	}
	return "a " + string(k)
}

// orList joins names as "a, b or c".
func orList(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// accepted is the list of kinds every error about an unrecognized input ends with.
const accepted = "want ODM XML, odmadmin's JSON, CSV or an .xlsx workbook"

// sniff sets Kind from the first bytes.
func (in *Input) sniff(head []byte) error {
	fail := func(format string, args ...any) error {
		return errorf(in.Name, "%w: %s", ErrUnknown, fmt.Sprintf(format, args...))
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return in.sniffZip()
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return fail("an Excel 97-2003 workbook (.xls) or a password-protected workbook, which odmadmin does not read; save it as .xlsx (without a password) or CSV")
	case bytes.HasPrefix(head, []byte{0x1F, 0x8B}):
		return fail("a gzip-compressed file; unpack it first (gunzip)")
	case bytes.HasPrefix(head, []byte("%PDF")):
		return fail("a PDF document; " + accepted)
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0, 0}), bytes.HasPrefix(head, []byte{0, 0, 0xFE, 0xFF}):
		return fail("UTF-32 text, which odmadmin does not read; save it as UTF-8")
	}
	text := head
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		in.enc = encUTF8BOM
		text = head[3:]
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		in.enc, in.bom = encUTF16LE, true
		text = head[2:]
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		in.enc, in.bom = encUTF16BE, true
		text = head[2:]
	case len(head) >= 4 && head[0] != 0 && head[1] == 0 && head[2] != 0 && head[3] == 0:
		in.enc = encUTF16LE
	case len(head) >= 4 && head[0] == 0 && head[1] != 0 && head[2] == 0 && head[3] != 0:
		in.enc = encUTF16BE
	}
	if in.enc == encUTF16LE || in.enc == encUTF16BE {
		dec, _, _ := transform.Bytes(utf16(in.enc).NewDecoder(), text[:len(text)&^1])
		text = dec
	}
	t := bytes.TrimLeft(text, " \t\r\n")
	if len(t) == 0 {
		return fail("the input holds only white space")
	}
	lower := bytes.ToLower(t[:min(len(t), 512)])
	switch t[0] {
	case '<':
		// Web applications often send an HTML table with an .xls name; other HTML is left
		// to the ODM reader, which says it is not ODM.
		page := bytes.HasPrefix(lower, []byte("<html")) || bytes.HasPrefix(lower, []byte("<!doctype html"))
		if bytes.HasPrefix(lower, []byte("<table")) || page && bytes.Contains(bytes.ToLower(t), []byte("<table")) {
			return fail("an HTML page (a spreadsheet saved as a web page, or a download that is HTML with an .xls name); save it as .xlsx or CSV")
		}
		in.Kind = ODM
		return nil
	case '{':
		key, err := firstKey(t)
		switch {
		case err != nil:
			return fail("JSON that cannot be read (%v); %s", err, accepted)
		case key == "odm":
			in.Kind = ODMJSON
		case key == "studies" || key == "sites" || key == "users" || key == "groups" || key == "organizations" || key == "signatures" || key == "source" || key == "":
			in.Kind = DirectoryJSON
		default:
			return fail("a JSON object whose first member is %q; want the ODM JSON of \"odmadmin convert\" (first member \"odm\") or the directory of \"odmadmin map --to json\" (\"studies\", \"sites\", \"users\")", key)
		}
		return nil
	case '[':
		in.Kind = JSONArray
		return nil
	}
	if binary(t, in.enc == encUTF8 && in.opts.Charset == "") {
		n := min(len(head), 8)
		return fail("binary data (first bytes % X); %s", head[:n], accepted)
	}
	in.Kind = CSV
	return nil
}

// binary reports whether text looks like no text: NUL or other control characters
// besides tab, line feed, carriage return and form feed, or (when strictUTF8) a start
// that is not UTF-8 at all.
func binary(text []byte, strictUTF8 bool) bool {
	ctl := 0
	for _, c := range text {
		if c == 0 {
			return true
		}
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' {
			ctl++
		}
	}
	if ctl*10 > len(text) || ctl > 8 {
		return true
	}
	if strictUTF8 {
		// An 8-bit text has a stray invalid byte here and there; binary data is mostly
		// invalid. Count the runes that fail.
		bad, n := 0, 0
		for i := 0; i < len(text); n++ {
			r, size := utf8.DecodeRune(text[i:])
			if r == utf8.RuneError && size == 1 && len(text)-i >= utf8.UTFMax {
				bad++
			}
			i += size
		}
		return n > 0 && bad*4 > n
	}
	return false
}

// firstKey returns the name of the first member of the JSON object at the start of b, ""
// for an empty object.
func firstKey(b []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		return "", err
	}
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return "", errors.New("the object is cut short")
		}
		return "", err
	}
	switch v := tok.(type) {
	case string:
		return v, nil
	case json.Delim:
		if v == '}' {
			return "", nil
		}
	}
	return "", fmt.Errorf("unexpected %v", tok)
}
