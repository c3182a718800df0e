package input

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/odmadmin/odmadmin/internal/xmlenc"
	"github.com/odmadmin/odmadmin/internal/xmlscan"
)

// A workbook's rows are read with the XML scanner the ODM reader uses (internal/xmlscan),
// not excelize's Rows: excelize decodes each cell with encoding/xml, which was three
// quarters of reading a 200,000-row template (5.4 s of CPU, against 1.0 s for the same
// rows as CSV). The rows are excelize's all the same: fastBook gives, cell for cell, what
// Rows.Next and Rows.Columns with RawCellValue give, and wherever it meets something it
// does not read exactly as they do (a part written in a way it does not know, a damaged
// part, a cell or row reference it does not parse as excelize does), it hands the
// workbook to excelize: before the first row (newFastBook fails), or at the row where it
// met it (fastRows.bail), excelize then reading that sheet from its start and skipping
// the rows already given. TestFastRowsAsExcelize and FuzzFastRowsAsExcelize hold the two
// to the same rows.

// book is a workbook open for its rows: fastBook, or excelize's File (exBook).
type book interface {
	sheetList() []string
	is1904() bool
	rows(sheet string) (sheetRows, error)
	close() error
}

// sheetRows are the rows of one sheet, read as excelize.Rows reads them.
type sheetRows interface {
	Next() bool
	Columns(opts ...excelize.Options) ([]string, error)
	Error() error
	Close() error
}

// exBook is a workbook excelize opened.
type exBook struct{ f *excelize.File }

func (b exBook) sheetList() []string { return b.f.GetSheetList() }

func (b exBook) is1904() bool {
	p, err := b.f.GetWorkbookProps()
	return err == nil && p.Date1904 != nil && *p.Date1904
}

func (b exBook) rows(sheet string) (sheetRows, error) {
	rows, err := b.f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	return &exRows{Rows: rows, f: b.f, sheet: sheet}, nil
}

func (b exBook) close() error { return b.f.Close() }

const (
	// maxSharedStrings bounds the shared strings part fastBook holds in memory (as
	// inflated XML; the strings take less). A larger one is read by excelize, which
	// keeps it in a temporary file.
	maxSharedStrings = 64 << 20
	totalRows        = excelize.TotalRows
	maxColumns       = excelize.MaxColumns
	nsMain           = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
	nsRelations      = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	relOfficeDoc     = nsRelations + "/officeDocument"
)

// errFallback makes the caller read the workbook with excelize.
var errFallback = errors.New("read by excelize")

// fastBook is a workbook whose sheets fastRows reads.
type fastBook struct {
	parts  map[string]*zip.File // by name as excelize names them
	names  []string             // the sheets, in the workbook's order
	paths  map[string]string    // sheet name to its part
	date   bool
	sst    []string
	openEx func() (book, error) // excelize's book, for fastRows.bail
	ex     book                 // opened by bail, closed by close
}

// newFastBook reads the workbook's structure and shared strings from the zip archive, or
// fails with errFallback where excelize is to read it. The sheet list and the workbook's
// properties are excelize's own: it opens the archive without its worksheets and shared
// strings (a few small parts, copied as they are), so that a workbook it refuses to open
// is refused as before (errFallback: the caller opens it whole, and gets the error).
func newFastBook(zr *zip.Reader, xo excelize.Options, openEx func() (book, error)) (*fastBook, error) {
	b := &fastBook{parts: map[string]*zip.File{}, paths: map[string]string{}, openEx: openEx}
	var small bytes.Buffer
	zw := zip.NewWriter(&small)
	for _, f := range zr.File {
		name := strings.ReplaceAll(f.Name, "\\", "/")
		switch strings.ToLower(name) {
		case "[content_types].xml":
			name = "[Content_Types].xml"
		case "xl/sharedstrings.xml":
			name = "xl/sharedStrings.xml"
		}
		if _, dup := b.parts[name]; dup {
			return nil, errFallback
		}
		b.parts[name] = f
		if name == "xl/sharedStrings.xml" || strings.HasPrefix(strings.ToLower(name), "xl/worksheets/sheet") {
			continue
		}
		if err := copyRaw(zw, f); err != nil {
			return nil, errFallback
		}
	}
	if err := zw.Close(); err != nil {
		return nil, errFallback
	}
	f, err := excelize.OpenReader(bytes.NewReader(small.Bytes()), xo)
	if err != nil {
		return nil, errFallback
	}
	defer f.Close()
	b.names = f.GetSheetList()
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		b.date = *p.Date1904
	}
	// The sheets' parts, found as excelize's getSheetMap finds them.
	var rels relationships
	if err := b.decodeSmall("_rels/.rels", &rels); err != nil {
		return nil, err
	}
	wbPath := ""
	for _, r := range rels.Rels {
		if r.Type == relOfficeDoc {
			wbPath = strings.TrimPrefix(r.Target, "/")
			break
		}
	}
	relsPath := "_rels/" + filepath.Base(wbPath) + ".rels"
	if dir := filepath.Dir(wbPath); dir != "." {
		relsPath = strings.TrimPrefix(dir+"/_rels/"+filepath.Base(wbPath)+".rels", "/")
	}
	var wbRels relationships
	if err := b.decodeSmall(relsPath, &wbRels); err != nil {
		return nil, err
	}
	if f.WorkBook == nil {
		return nil, errFallback
	}
	for _, s := range f.WorkBook.Sheets.Sheet {
		for _, r := range wbRels.Rels {
			if r.ID != s.ID {
				continue
			}
			p := filepath.ToSlash(strings.TrimPrefix(strings.ReplaceAll(filepath.Clean(filepath.Dir(wbPath)+"/"+r.Target), "\\", "/"), "/"))
			if strings.HasPrefix(r.Target, "/") {
				p = filepath.ToSlash(strings.TrimPrefix(strings.ReplaceAll(filepath.Clean(r.Target), "\\", "/"), "/"))
			}
			if _, ok := b.parts[p]; ok {
				b.paths[s.Name] = p
			}
		}
	}
	// excelize finds a sheet by a name equal to it ignoring case, in no fixed order.
	for i, n := range b.names {
		for _, m := range b.names[:i] {
			if strings.EqualFold(n, m) {
				return nil, errFallback
			}
		}
	}
	if err := b.readSharedStrings(); err != nil {
		return nil, err
	}
	return b, nil
}

// copyRaw copies a zip entry into zw as it is, compressed.
func copyRaw(zw *zip.Writer, f *zip.File) error {
	r, err := f.OpenRaw()
	if err != nil {
		return err
	}
	fh := f.FileHeader
	w, err := zw.CreateRaw(&fh)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, r)
	return err
}

// decodeSmall decodes a small part (relationships, the workbook) with encoding/xml, as
// excelize does; a part missing, written in the Strict dialect (which excelize rewrites
// first) or not decoding is errFallback.
func (b *fastBook) decodeSmall(name string, v any) error {
	f, ok := b.parts[name]
	if !ok || f.UncompressedSize64 > 16<<20 {
		return errFallback
	}
	rc, err := f.Open()
	if err != nil {
		return errFallback
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil || strings.Contains(string(data), "purl.oclc.org") {
		return errFallback
	}
	if err := xml.Unmarshal(data, v); err != nil {
		return errFallback
	}
	return nil
}

type relationships struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Target string `xml:"Target,attr"`
		Type   string `xml:"Type,attr"`
	} `xml:"Relationship"`
}

func (b *fastBook) sheetList() []string { return b.names }
func (b *fastBook) is1904() bool        { return b.date }

func (b *fastBook) close() error {
	if b.ex != nil {
		return b.ex.close()
	}
	return nil
}

// readSharedStrings reads xl/sharedStrings.xml, if there is one, as excelize's
// sharedStringsReader decodes it.
func (b *fastBook) readSharedStrings() error {
	f, ok := b.parts["xl/sharedStrings.xml"]
	if !ok {
		return nil
	}
	if f.UncompressedSize64 > maxSharedStrings {
		return errFallback
	}
	rc, err := f.Open()
	if err != nil {
		return errFallback
	}
	defer rc.Close()
	sc, err := scanPart(rc)
	if err != nil {
		return err
	}
	k, err := sc.Next()
	for err == nil && k != xmlscan.StartElement {
		k, err = sc.Next()
	}
	if err != nil || string(sc.Local()) != "sst" || sc.Space() != nsMain {
		return errFallback
	}
	for i := range sc.NumAttrs() {
		_, _, local, value := sc.Attr(i)
		if (string(local) == "count" || string(local) == "uniqueCount") && !isInt(value) {
			return errFallback
		}
	}
	var text strings.Builder
	for {
		k, err := sc.Next()
		if err != nil {
			return errFallback
		}
		if k == xmlscan.EndElement {
			break
		}
		if k != xmlscan.StartElement {
			continue
		}
		if string(sc.Local()) != "si" {
			if err := skipElement(sc, false); err != nil {
				return err
			}
			continue
		}
		s, err := readItem(sc, &text)
		if err != nil {
			return err
		}
		b.sst = append(b.sst, s)
	}
	return nil
}

// scanPart returns a scanner of a part's XML, transcoded to UTF-8 as excelize's decoder
// reads other encodings.
func scanPart(r io.Reader) (*xmlscan.Scanner, error) {
	u, err := xmlenc.UTF8(r)
	if err != nil {
		return nil, errFallback
	}
	return xmlscan.New(u, xmlscan.Options{MaxDepth: 1000, MaxTokenBytes: 64 << 20, MaxAttrs: 10000}), nil
}

// skipElement consumes the rest of the element whose start tag was just read. With
// checked, the element is one that excelize's decoder skips too (it holds no field that
// is read), and a namespace declaration inside fails (see noNSDecls).
func skipElement(sc *xmlscan.Scanner, checked bool) error {
	for depth := 1; depth > 0; {
		k, err := sc.Next()
		if err != nil {
			return errFallback
		}
		switch k {
		case xmlscan.StartElement:
			if checked {
				if err := noNSDecls(sc); err != nil {
					return err
				}
			}
			depth++
		case xmlscan.EndElement:
			depth--
		}
	}
	return nil
}

// text reads the character data directly inside the element whose start tag was just
// read (CDATA sections too), as encoding/xml gives a ",chardata" field; an element
// inside is errFallback.
func text(sc *xmlscan.Scanner, buf *strings.Builder) (string, error) {
	buf.Reset()
	for {
		k, err := sc.Next()
		if err != nil {
			return "", errFallback
		}
		switch k {
		case xmlscan.EndElement:
			return buf.String(), nil
		case xmlscan.StartElement:
			return "", errFallback
		case xmlscan.Text, xmlscan.CDATA:
			buf.Write(sc.Data())
		}
	}
}

// readItem reads a string item (si in the shared strings, is in a cell) whose start tag
// was just read, as excelize's xlsxSI.String gives it: the text of its t and of the t of
// each run r, phonetic runs left out, _xHHHH_ escapes decoded. What would fail
// excelize's decoding of it (a typed attribute that does not parse) is errFallback.
func readItem(sc *xmlscan.Scanner, buf *strings.Builder) (string, error) {
	if noNSDecls(sc) != nil {
		return "", errFallback
	}
	var t string
	var runs []string
	err := children(sc, func(local []byte) error {
		var err error
		switch string(local) {
		case "t":
			// A second t directly in the item replaces the first, as the decoder sets the
			// field again.
			t, err = text(sc, buf)
		case "r":
			var s string
			s, err = readRun(sc, buf)
			runs = append(runs, s)
		case "rPh":
			if err = checkAttrs(sc, uintAttr("sb"), uintAttr("eb")); err == nil {
				err = skipElement(sc, true)
			}
		case "phoneticPr":
			if err = checkAttrs(sc, intAttr("fontId")); err == nil {
				err = skipElement(sc, true)
			}
		default:
			err = skipElement(sc, true)
		}
		return err
	})
	if err != nil {
		return "", err
	}
	s := t + strings.Join(runs, "")
	if s == "" {
		return "", nil
	}
	return unescapeBSTR(s), nil
}

// readRun reads a rich text run r: the text of its t (the last, if several).
func readRun(sc *xmlscan.Scanner, buf *strings.Builder) (string, error) {
	var t string
	err := children(sc, func(local []byte) error {
		var err error
		switch string(local) {
		case "t":
			t, err = text(sc, buf)
		case "rPr":
			err = checkRunProps(sc)
		default:
			err = skipElement(sc, true)
		}
		return err
	})
	return t, err
}

// checkRunProps consumes run properties (rPr), failing with errFallback where excelize's
// decoding of them fails: a val of a number or boolean property, or an attribute of a
// color, that does not parse.
func checkRunProps(sc *xmlscan.Scanner) error {
	return children(sc, func(local []byte) error {
		var checks []attrCheck
		switch string(local) {
		case "charset", "family":
			checks = []attrCheck{intAttr("val")}
		case "b", "i", "strike", "outline", "shadow", "condense", "extend":
			checks = []attrCheck{boolAttr("val")}
		case "sz":
			checks = []attrCheck{floatAttr("val")}
		case "color":
			checks = []attrCheck{boolAttr("auto"), intAttr("indexed"), intAttr("theme"), floatAttr("tint")}
		}
		if err := checkAttrs(sc, checks...); err != nil {
			return err
		}
		return skipElement(sc, true)
	})
}

// children calls fn at the start tag of each child element of the element whose start
// tag was just read, until its end tag; fn consumes the child. A namespace declaration on
// a child is errFallback (noNSDecls).
func children(sc *xmlscan.Scanner, fn func(local []byte) error) error {
	for {
		k, err := sc.Next()
		if err != nil {
			return errFallback
		}
		if k == xmlscan.EndElement {
			return nil
		}
		if k != xmlscan.StartElement {
			continue
		}
		if err := noNSDecls(sc); err != nil {
			return err
		}
		if err := fn(sc.Local()); err != nil {
			return err
		}
	}
}

// noNSDecls fails with errFallback on a start tag that declares a namespace: encoding/xml
// gives a declaration xmlns:p the local name p, which a field of that name then reads.
func noNSDecls(sc *xmlscan.Scanner) error {
	for i := range sc.NumAttrs() {
		if sc.AttrSpace(i) == xmlscan.NSXMLNS {
			return errFallback
		}
	}
	return nil
}

// attrCheck is an attribute whose value encoding/xml parses into a typed field.
type attrCheck struct {
	local string
	ok    func(string) bool
}

func intAttr(l string) attrCheck {
	return attrCheck{l, func(v string) bool { return parsesInt(v, 64) }}
}
func uintAttr(l string) attrCheck { return attrCheck{l, parsesUint32} }
func boolAttr(l string) attrCheck {
	return attrCheck{l, func(v string) bool {
		_, err := strconv.ParseBool(strings.TrimSpace(v))
		return v == "" || err == nil
	}}
}
func floatAttr(l string) attrCheck {
	return attrCheck{l, func(v string) bool {
		_, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		return v == "" || err == nil
	}}
}

// parsesInt and parsesUint32 are encoding/xml's tests of an integer attribute: empty is
// zero, else the trimmed value must parse.
func parsesInt(v string, bits int) bool {
	_, err := strconv.ParseInt(strings.TrimSpace(v), 10, bits)
	return v == "" || err == nil
}

func parsesUint32(v string) bool {
	_, err := strconv.ParseUint(strings.TrimSpace(v), 10, 32)
	return v == "" || err == nil
}

func isInt(v []byte) bool { return parsesInt(string(v), 64) }

// checkAttrs fails with errFallback when an attribute of the current start tag named as
// one of checks (in any namespace, as encoding/xml matches them) does not parse.
func checkAttrs(sc *xmlscan.Scanner, checks ...attrCheck) error {
	for i := range sc.NumAttrs() {
		_, _, local, value := sc.Attr(i)
		for _, c := range checks {
			if string(local) == c.local && !c.ok(string(value)) {
				return errFallback
			}
		}
	}
	return nil
}

// bstrEscape is an escaped character of a shared string: _xHHHH_.
var bstrEscape = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)

// unescapeBSTR decodes the _xHHHH_ escapes of a string item as excelize does: _x005F_ is
// "_", another the character of that UTF-16 code, nothing for a lone surrogate.
func unescapeBSTR(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var out strings.Builder
	last := 0
	for _, m := range bstrEscape.FindAllStringIndex(s, -1) {
		out.WriteString(s[last:m[0]])
		last = m[1]
		code, _ := strconv.ParseUint(s[m[0]+2:m[0]+6], 16, 16)
		switch r := rune(code); {
		case s[m[0]:m[1]] == "_x005F_":
			out.WriteByte('_')
		case utf8.ValidRune(r):
			out.WriteRune(r)
		}
	}
	out.WriteString(s[last:])
	return out.String()
}

func (b *fastBook) rows(sheet string) (sheetRows, error) {
	var path string
	found := false
	for name, p := range b.paths {
		if strings.EqualFold(name, sheet) {
			path, found = p, true
			break
		}
	}
	if !found {
		// excelize's answer, and its error.
		return b.exRows(sheet)
	}
	rc, err := b.parts[path].Open()
	if err != nil {
		return b.exRows(sheet)
	}
	sc, err := scanPart(rc)
	if err != nil {
		rc.Close()
		return b.exRows(sheet)
	}
	return &fastRows{b: b, sheet: sheet, rc: rc, sc: sc}, nil
}

// exRows returns excelize's rows of sheet.
func (b *fastBook) exRows(sheet string) (sheetRows, error) {
	if b.ex == nil {
		ex, err := b.openEx()
		if err != nil {
			return nil, err
		}
		b.ex = ex
	}
	return b.ex.rows(sheet)
}

// fastRows reads a sheet's rows as excelize.Rows does: Next and Columns follow its steps
// over the same elements (found by local name, in any namespace), with its row and
// column numbering; only the cells are read by fastRows itself (cell).
type fastRows struct {
	b     *fastBook
	sheet string
	rc    io.ReadCloser
	sc    *xmlscan.Scanner
	// curRow, seekRow and pending are excelize.Rows's curRow, seekRow and token (a row's
	// start tag read by Next and not yet by Columns), pendR that tag's r.
	curRow, seekRow int
	pending         bool
	pendR           int
	given           int       // Next calls that returned true
	ex              sheetRows // excelize's rows once bail handed the sheet over
	buf             strings.Builder
	// uncalc are the columns (from 1) of the cells of the row Columns gave last that
	// hold a formula and no value: see uncalculated.
	uncalc []int
	// inexact are those of its number cells of more digits than Excel keeps
	// (excelNumber).
	inexact []int
}

// inexactNumbers returns the columns (from 1) of the number cells of the row Columns gave
// last that hold more digits than Excel keeps (excelNumber); excelize's rows once bail
// handed the sheet over.
func (r *fastRows) inexactNumbers() []int {
	if r.ex != nil {
		if e, ok := r.ex.(*exRows); ok {
			return e.inexact
		}
		return nil
	}
	return r.inexact
}

// uncalculated returns the columns (from 1) of the cells of the row Columns gave last
// that hold a formula with no computed value. excelize reads such a cell as empty, as a
// workbook written by a program that does not calculate (excelize, openpyxl) has it
// until a spreadsheet opens and saves it; a reader that took it for an empty cell would
// drop its value without a word. Once the sheet is excelize's (bail), it reports none.
func (r *fastRows) uncalculated() []int {
	if r.ex != nil {
		return nil
	}
	return r.uncalc
}

// bail hands the sheet to excelize, which reads it from the start and skips the rows
// given so far; in Columns (col) the current row is one of them.
func (r *fastRows) bail() sheetRows {
	r.rc.Close()
	ex, err := r.b.exRows(r.sheet)
	if err != nil {
		r.ex = failedRows{err}
		return r.ex
	}
	for range r.given {
		if !ex.Next() {
			break
		}
	}
	r.ex = ex
	return ex
}

// failedRows are the rows of a sheet excelize could not open: none, and its error.
type failedRows struct{ err error }

func (f failedRows) Next() bool                                    { return false }
func (f failedRows) Columns(...excelize.Options) ([]string, error) { return nil, f.err }
func (f failedRows) Error() error                                  { return f.err }
func (f failedRows) Close() error                                  { return nil }

func (r *fastRows) Error() error {
	if r.ex != nil {
		return r.ex.Error()
	}
	return nil
}

func (r *fastRows) Close() error {
	if r.ex != nil {
		return r.ex.Close()
	}
	return r.rc.Close()
}

// rowNumber is excelize's attrValToInt("r") of the current start tag: the last attribute
// of that local name, or 0; ok false where excelize would fail or the number is beyond
// it (then the row is excelize's to read).
func (r *fastRows) rowNumber() (n int, ok bool) {
	sc := r.sc
	for i := range sc.NumAttrs() {
		_, _, local, value := sc.Attr(i)
		if string(local) != "r" {
			continue
		}
		v, err := strconv.Atoi(string(value))
		if err != nil || v < 0 || v > totalRows {
			return 0, false
		}
		n = v
	}
	return n, true
}

func (r *fastRows) Next() bool {
	if r.ex != nil {
		return r.ex.Next()
	}
	r.seekRow++
	if r.curRow >= r.seekRow {
		r.given++
		return true
	}
	for {
		k, err := r.sc.Next()
		if err == io.EOF {
			return false
		}
		if err != nil {
			r.seekRow--
			return r.bail().Next()
		}
		switch {
		case k == xmlscan.StartElement && string(r.sc.Local()) == "row":
			r.curRow++
			n, ok := r.rowNumber()
			if !ok {
				r.seekRow--
				return r.bail().Next()
			}
			if n != 0 {
				r.curRow = n
			}
			r.pending, r.pendR = true, n
			r.given++
			return true
		case k == xmlscan.EndElement && string(r.sc.Local()) == "sheetData":
			return false
		}
	}
}

func (r *fastRows) Columns(opts ...excelize.Options) ([]string, error) {
	if r.ex != nil {
		return r.ex.Columns(opts...)
	}
	r.uncalc, r.inexact = r.uncalc[:0], r.inexact[:0]
	if r.curRow > r.seekRow {
		return nil, nil
	}
	var cells []string
	col := 0
	for {
		var n int
		isRow := false
		if r.pending {
			isRow, n = true, r.pendR
		} else {
			k, err := r.sc.Next()
			if err == io.EOF {
				return cells, nil
			}
			if err != nil {
				return r.bail().Columns(opts...)
			}
			if k == xmlscan.EndElement && string(r.sc.Local()) == "sheetData" {
				return cells, nil
			}
			if k != xmlscan.StartElement {
				continue
			}
			switch string(r.sc.Local()) {
			case "row":
				var ok bool
				if n, ok = r.rowNumber(); !ok {
					return r.bail().Columns(opts...)
				}
				isRow = true
			case "c":
				col++
				at, v, keep, uncalc, inexact, err := r.cell(col)
				if err != nil {
					return r.bail().Columns(opts...)
				}
				col = at
				if uncalc {
					r.uncalc = append(r.uncalc, at)
				}
				if inexact {
					r.inexact = append(r.inexact, at)
				}
				if keep {
					for len(cells) < col-1 {
						cells = append(cells, "")
					}
					cells = append(cells, v)
				}
				continue
			default:
				continue
			}
		}
		if isRow {
			switch {
			case n != 0:
				r.curRow = n
			case !r.pending:
				r.curRow++
			}
			r.pending = false
			if r.curRow > r.seekRow {
				return cells, nil
			}
		}
	}
}

// cell reads the cell whose start tag was just read, numbered col unless its r says
// otherwise, and returns its column, its value as excelize's getValueFrom with raw values
// gives it (a number as Excel shows it, excelNumber, as exRows reads it; inexact: of
// more digits than Excel keeps), whether Columns keeps it (a value, or a formula), and whether it is a formula
// without a value (uncalculated). Whatever excelize's cellXMLHandler would read otherwise,
// or fail on, is errFallback.
func (r *fastRows) cell(col int) (at int, value string, keep, uncalc, inexact bool, err error) {
	sc := r.sc
	at = col
	var t string
	for i := range sc.NumAttrs() {
		space, _, local, v := sc.Attr(i)
		// excelize's cellXMLAttrHandler reads these three alone.
		switch string(local) {
		case "r", "s", "t":
		default:
			continue
		}
		if space == xmlscan.NSXMLNS {
			return 0, "", false, false, false, errFallback
		}
		switch string(local) {
		case "r":
			c, ok := cellColumn(string(v))
			if !ok {
				return 0, "", false, false, false, errFallback
			}
			at = c
		case "s":
			if _, err := strconv.ParseInt(string(v), 10, 64); err != nil {
				return 0, "", false, false, false, errFallback
			}
		case "t":
			t = string(v)
		}
	}
	var v, is string
	hasF, hasV, hasIS := false, false, false
	for {
		k, err := sc.Next()
		if err != nil {
			return 0, "", false, false, false, errFallback
		}
		if k == xmlscan.EndElement {
			break
		}
		if k != xmlscan.StartElement {
			continue
		}
		switch string(sc.Local()) {
		case "v":
			if noNSDecls(sc) != nil {
				return 0, "", false, false, false, errFallback
			}
			if v, err = text(sc, &r.buf); err != nil {
				return 0, "", false, false, false, err
			}
			hasV = true
		case "f":
			if err := checkAttrs(sc, boolAttr("aca"), boolAttr("dt2D"), boolAttr("dtr"), boolAttr("del1"),
				boolAttr("del2"), boolAttr("ca"), boolAttr("bx"), intAttr("si")); err != nil {
				return 0, "", false, false, false, err
			}
			if err := skipElement(sc, true); err != nil {
				return 0, "", false, false, false, err
			}
			hasF = true
		case "is":
			if hasIS {
				return 0, "", false, false, false, errFallback // a second is adds its runs to the first's
			}
			if is, err = readItem(sc, &r.buf); err != nil {
				return 0, "", false, false, false, err
			}
			hasIS = true
		default:
			// excelize reads v, f and is wherever they stand in the cell.
			return 0, "", false, false, false, errFallback
		}
	}
	switch t {
	case "s":
		if v != "" {
			i, _ := strconv.Atoi(strings.TrimSpace(v))
			v = ""
			if i >= 0 && i < len(r.b.sst) {
				v = r.b.sst[i]
			}
		}
	case "inlineStr":
		if hasIS {
			v = is
		}
	default:
		if v != "" && numberCell(t) {
			v, inexact = excelNumber(v)
		}
	}
	return at, v, v != "" || hasF, hasF && !hasV && !hasIS, inexact, nil
}

// cellColumn is the column of a cell reference such as "B12", as excelize's
// CellNameToCoordinates reads the usual ones: letters, then a row number within the
// sheet's. Other forms it reads ($B$12, B+12) are left to it (ok false).
func cellColumn(ref string) (int, bool) {
	i := 0
	col := 0
	for i < len(ref) {
		c := ref[i]
		switch {
		case 'A' <= c && c <= 'Z':
			col = col*26 + int(c-'A'+1)
		case 'a' <= c && c <= 'z':
			col = col*26 + int(c-'a'+1)
		default:
			goto digits
		}
		if col > maxColumns {
			return 0, false
		}
		i++
	}
digits:
	if i == 0 || i == len(ref) {
		return 0, false
	}
	for _, c := range ref[i:] {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	row, err := strconv.Atoi(ref[i:])
	if err != nil || row < 1 || row > totalRows {
		return 0, false
	}
	return col, true
}
