package input

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	utf16enc "unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// This file writes a worksheet row of text cells with the bytes excelize v2.11.1's
// StreamWriter.SetRow writes for a []any of strings, in code of our own: excelize does
// not export the pieces. The test TestSheetWriterMatchesExcelize compares the two on
// hostile text, so that an upgrade of excelize that changes its output fails there.

// cellEncoder writes rows; it keeps scratch space between them.
type cellEncoder struct {
	num []byte
	esc bytes.Buffer
	// cut lists the columns (from 0) of the last row's cells cut to excelize.TotalCellChars.
	cut []int
}

// writeRow writes <row r="row"> and its cells, unstyled inline strings from column A.
// cells has at most excelize.MaxColumns cells. A write error of w is returned (bufio
// keeps it for every later write).
func (e *cellEncoder) writeRow(w *bufio.Writer, row int, cells []string) error {
	e.num = strconv.AppendInt(e.num[:0], int64(row), 10)
	w.WriteString(`<row r="`)
	w.Write(e.num)
	w.WriteString(`">`)
	e.cut = e.cut[:0]
	for i, v := range cells {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if t := truncateCell(v); len(t) != len(v) {
			v = t
			e.cut = append(e.cut, i)
		}
		w.WriteString(`<c r="`)
		w.WriteString(col)
		w.Write(e.num)
		w.WriteString(`" t="inlineStr"><is><t`)
		if edgeSpace(v) {
			w.WriteString(` xml:space="preserve"`)
		}
		w.WriteString(`>`)
		e.writeText(w, v)
		w.WriteString(`</t></is></c>`)
	}
	_, err := w.WriteString(`</row>`)
	return err
}

// truncateCell cuts v to excelize.TotalCellChars UTF-16 code units, as excelize does.
func truncateCell(v string) string {
	// A UTF-16 code unit takes at least one byte of UTF-8 (an invalid byte counts as
	// U+FFFD, one unit), so a short string needs no count.
	if len(v) <= excelize.TotalCellChars {
		return v
	}
	n := 0
	for i, r := range v {
		if n += utf16enc.RuneLen(r); n > excelize.TotalCellChars {
			return v[:i]
		}
	}
	return v
}

// edgeSpace reports whether v begins or ends with white space, which excelize keeps with
// xml:space="preserve".
func edgeSpace(v string) bool {
	if v == "" {
		return false
	}
	first, last := v[0], v[len(v)-1]
	for _, c := range []byte{9, 10, 13, 32} {
		if first == c || last == c {
			return true
		}
	}
	return false
}

// writeText writes v as excelize writes a cell's text: escaped by xml.EscapeText except
// for new lines, which stay as they are, and then with excelize's _xHHHH_ escapes.
func (e *cellEncoder) writeText(w *bufio.Writer, v string) {
	if plainText(v) {
		w.WriteString(v)
		return
	}
	if i := strings.IndexFunc(v, notXMLChar); i >= 0 {
		e.writeEscaped(w, v, i)
		return
	}
	e.writeXMLText(w, v)
}

// notXMLChar reports whether r is a character XML 1.0 cannot hold: a control character
// other than TAB, LF and CR, U+FFFE or U+FFFF (xml.EscapeText writes U+FFFD for it, and
// the cell read back was another value).
func notXMLChar(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF
}

// writeEscaped writes v, whose first character XML cannot hold is at i, with each such
// character as the escape "_xHHHH_" (ECMA-376 Part 1, 22.9.2.19 ST_Xstring), as Excel
// writes it and readers decode it. Text before an escape that ends in "_x" and four hex
// digits would make a run with the escape's "_" and is marked as markEscapes marks one.
func (e *cellEncoder) writeEscaped(w *bufio.Writer, v string, i int) {
	for i >= 0 {
		seg := v[:i]
		if n := len(seg); n >= 6 && escapeAt(seg+"_", n-6) {
			e.writeXMLText(w, seg[:n-6])
			w.WriteString("_x005F")
			e.writeXMLText(w, seg[n-6:])
		} else if seg != "" {
			e.writeXMLText(w, seg)
		}
		r, size := utf8.DecodeRuneInString(v[i:])
		fmt.Fprintf(w, "_x%04X_", r)
		v = v[i+size:]
		i = strings.IndexFunc(v, notXMLChar)
	}
	if v != "" {
		e.writeXMLText(w, v)
	}
}

// writeXMLText writes v, which XML can hold, escaped for XML and with runs a reader
// would take for an escape marked (markEscapes).
func (e *cellEncoder) writeXMLText(w *bufio.Writer, v string) {
	if plainText(v) {
		w.WriteString(v)
		return
	}
	e.esc.Reset()
	xml.EscapeText(&e.esc, []byte(v))
	esc := bytes.ReplaceAll(e.esc.Bytes(), []byte("&#xA;"), []byte("\n"))
	if bytes.Contains(esc, []byte("_x")) {
		w.WriteString(markEscapes(string(esc)))
		return
	}
	w.Write(esc)
}

// plainText reports whether v is printable ASCII that neither XML nor excelize's _xHHHH_
// escapes change: most cells, written without a copy.
func plainText(v string) bool {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c < 0x20 || c > 0x7e:
			return false
		case c == '&' || c == '<' || c == '>' || c == '"' || c == '\'':
			return false
		case c == '_' && i+1 < len(v) && v[i+1] == 'x':
			return false
		}
	}
	return true
}

// markEscapes returns s (cell text, XML-escaped) with "_x005F" (the escape of '_')
// before every run a reader would take for a character escape, "_x" four hex digits "_"
// (ECMA-376 Part 1, 22.9.2.19 ST_Xstring), so that "_x0041_" typed into a cell reads
// back as typed, not as "A". A reader decodes escapes from the left, so a run that starts
// on the '_' ending the one before ("_x0041_x0042_") is marked too.
//
// For all other text this is what excelize writes, byte for byte (the test
// TestSheetWriterMatchesExcelize): its rules for "_x005F_" followed by a run come to the
// same bytes. It differs where excelize's text does not read back as written: it marks
// only runs that do not overlap ("_x0041_x0042_" read back "_x0041B") and leaves out a
// run naming a UTF-16 surrogate ("a_xD800_b" read back "ab"); see
// TestSheetWriterEscapeLookalikes.
func markEscapes(s string) string {
	var b strings.Builder
	done := 0 // s[:done] is in b
	for i := 0; i+7 <= len(s); i++ {
		if !escapeAt(s, i) {
			continue
		}
		b.WriteString(s[done:i])
		b.WriteString("_x005F")
		done = i
		i += 5 // the run's last '_' may start the next one
	}
	b.WriteString(s[done:])
	return b.String()
}

// escapeAt reports whether s holds "_x" four hex digits "_" at i.
func escapeAt(s string, i int) bool {
	if i+7 > len(s) || s[i] != '_' || s[i+1] != 'x' || s[i+6] != '_' {
		return false
	}
	for _, c := range []byte(s[i+2 : i+6]) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
