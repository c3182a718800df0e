package input

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"regexp"
	"strconv"
	"strings"
	utf16enc "unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// This file writes a worksheet row of text cells byte for byte as excelize v2.11.1's
// StreamWriter.SetRow writes it for a []any of strings (stream.go: SetRow, writeCell;
// cell.go: setInlineStr, trimCellValue; lib.go: bstrMarshal, countUTF16String,
// truncateUTF16Units). excelize does not export these helpers; the test
// TestSheetWriterMatchesExcelize compares the two on hostile text, so that an upgrade of
// excelize that changes its output fails there.

// cellEncoder writes rows; it keeps scratch space between them.
type cellEncoder struct {
	num []byte
	esc bytes.Buffer
}

// writeRow writes <row r="row"> and its cells, unstyled inline strings from column A.
// cells has at most excelize.MaxColumns cells. A write error of w is returned (bufio
// keeps it for every later write).
func (e *cellEncoder) writeRow(w *bufio.Writer, row int, cells []string) error {
	e.num = strconv.AppendInt(e.num[:0], int64(row), 10)
	w.WriteString(`<row r="`)
	w.Write(e.num)
	w.WriteString(`">`)
	for i, v := range cells {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		v = truncateCell(v)
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
	e.esc.Reset()
	xml.EscapeText(&e.esc, []byte(v))
	esc := bytes.ReplaceAll(e.esc.Bytes(), []byte("&#xA;"), []byte("\n"))
	if bytes.Contains(esc, []byte("_x")) {
		w.WriteString(bstrMarshal(string(esc)))
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

// The _xHHHH_ escapes of excelize's bstrMarshal (read-only after initialisation).
var (
	bstrExp       = regexp.MustCompile(`_x[a-fA-F\d]{4}_`)
	bstrEscapeExp = regexp.MustCompile(`x[a-fA-F\d]{4}_`)
)

// bstrMarshal is excelize's bstrMarshal (lib.go), kept as it is, quirks included: text
// that looks like an escape, _xHHHH_, is written as _x005F_xHHHH_ so that Excel reads it
// as written.
func bstrMarshal(s string) (result string) {
	matches, l, cursor := bstrExp.FindAllStringSubmatchIndex(s, -1), len(s), 0
	var b strings.Builder
	for _, match := range matches {
		b.WriteString(s[cursor:match[0]])
		subStr := s[match[0]:match[1]]
		if subStr == "_x005F_" {
			cursor = match[1]
			if match[1]+6 <= l && bstrEscapeExp.MatchString(s[match[1]:match[1]+6]) {
				_, err := strconv.Unquote(`"\u` + s[match[1]+1:match[1]+5] + `"`)
				if err == nil {
					b.WriteString(subStr + "x005F" + subStr)
					continue
				}
			}
			b.WriteString(subStr + "x005F_")
			continue
		}
		if bstrExp.MatchString(subStr) {
			cursor = match[1]
			if _, err := strconv.Unquote(`"\u` + s[match[0]+2:match[1]-1] + `"`); err == nil {
				b.WriteString("_x005F" + subStr)
				continue
			}
		}
	}
	if cursor < l {
		b.WriteString(s[cursor:])
	}
	return b.String()
}
