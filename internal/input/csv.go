package input

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	xenc "golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/transform"
)

// Separators are the field separators CSV sniffing chooses from: comma, semicolon (what
// Excel writes where the decimal mark is a comma) and tab (Excel's "Unicode text").
var separators = []rune{',', ';', '\t'}

// LookupCharset returns the 8-bit (or legacy multi-byte) character set called name, by
// its IANA or WHATWG name.
func LookupCharset(name string) (xenc.Encoding, error) {
	// IANA first: it maps ISO-8859-1 to Latin-1 exactly, whereas the WHATWG index treats
	// it as windows-1252.
	if e, err := ianaindex.IANA.Encoding(name); err == nil && e != nil {
		return e, nil
	}
	if e, err := htmlindex.Get(name); err == nil && e != nil {
		return e, nil
	}
	return nil, fmt.Errorf("unknown character set %q (want a name such as windows-1252, ISO-8859-1, ISO-8859-15, Shift_JIS)", name)
}

// NewCSV returns the table of CSV text r (UTF-8, or as opts.Charset says), with its
// separator sniffed. It is Table for a reader known to be CSV.
func NewCSV(r io.Reader, name string, opts Options, topts TableOptions) (*Table, error) {
	if r == nil {
		return nil, nilReader(name)
	}
	in := &Input{Name: name, br: bufio.NewReaderSize(r, 64<<10), opts: opts, Kind: CSV}
	head, err := in.br.Peek(4096)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, &Error{Name: name, Err: err}
	}
	if len(head) > 0 {
		if err := in.sniff(head); err != nil {
			return nil, err
		}
		if in.Kind != CSV {
			return nil, in.Expect(CSV)
		}
	}
	in.Kind = CSV
	return in.Table(topts)
}

func (in *Input) csvTable() (*Table, error) {
	var text io.Reader = in.br
	checkUTF8 := false
	switch in.enc {
	case encUTF8BOM:
		in.br.Discard(3)
		checkUTF8 = true
	case encUTF16LE, encUTF16BE:
		if in.bom {
			in.br.Discard(2)
		}
		text = transform.NewReader(in.br, utf16(in.enc).NewDecoder())
	default:
		if in.opts.Charset != "" && !isUTF8Name(in.opts.Charset) && !looksUTF8(in.head()) {
			e, err := LookupCharset(in.opts.Charset)
			if err != nil {
				return nil, err
			}
			text = transform.NewReader(in.br, e.NewDecoder())
		} else {
			checkUTF8 = true
		}
	}
	g := &lineGuard{r: &crLines{br: bufio.NewReaderSize(text, 64<<10)}, maxLine: in.opts.maxLine(), maxRecord: in.opts.maxRecord(), name: in.Name}
	br := bufio.NewReaderSize(g, 64<<10)
	head, _ := br.Peek(64 << 10)
	sep, skip := sniffSeparator(head)
	lineBase := 0
	if skip > 0 {
		br.Discard(skip)
		lineBase = 1
	}
	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = sep != '\t'
	t := &Table{Name: in.Name}
	t.next = func() ([]string, int, error) {
		g.record = 0
		rec, err := cr.Read()
		if err != nil {
			if g.err != nil {
				return nil, 0, g.err
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, 0, &Error{Name: in.Name, Line: pe.Line + lineBase, Column: pe.Column, Err: pe.Err}
			}
			if err == io.EOF {
				return nil, 0, io.EOF
			}
			return nil, 0, &Error{Name: in.Name, Err: err}
		}
		line, _ := cr.FieldPos(0)
		if checkUTF8 {
			for i, f := range rec {
				if utf8.ValidString(f) {
					continue
				}
				l, c := cr.FieldPos(i)
				off := invalidAt(f)
				if nl := strings.LastIndexByte(f[:off], '\n'); nl >= 0 {
					l += strings.Count(f[:off], "\n")
					c = off - nl
				} else {
					c += off
				}
				return nil, 0, &Error{Name: in.Name, Line: l + lineBase, Column: c,
					Err: fmt.Errorf("byte 0x%02X is not UTF-8; name the file's character set with --charset (for example --charset windows-1252) or save it as UTF-8", f[off])}
			}
		}
		return rec, line + lineBase, nil
	}
	return t, nil
}

func isUTF8Name(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "utf-8", "utf8":
		return true
	}
	return false
}

// invalidAt returns the offset of the first byte of s that is not UTF-8.
func invalidAt(s string) int {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return 0
}

// sniffSeparator chooses the separator of the CSV text that starts with head: the
// candidate found most often on one line, over the first lines outside quotes (so that a
// title line above the header does not decide). A first line "sep=;" (which Excel reads
// and writes) names it; skip is then that line's length, to be discarded.
func sniffSeparator(head []byte) (sep rune, skip int) {
	if len(head) >= 5 && strings.EqualFold(string(head[:4]), "sep=") {
		end := bytes.IndexByte(head, '\n')
		if end < 0 {
			end = len(head) - 1
		}
		line := strings.TrimRight(string(head[4:end]), "\r")
		if r, n := utf8.DecodeRuneInString(line); n > 0 && n == len(line) && r != '"' {
			return r, end + 1
		}
	}
	best := map[rune]int{}
	counts := map[rune]int{}
	quoted := false
	lines := 0
	for _, c := range string(head) {
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			for _, s := range separators {
				best[s] = max(best[s], counts[s])
				counts[s] = 0
			}
			lines++
		default:
			counts[c]++
		}
		if lines == 20 {
			break
		}
	}
	for _, s := range separators {
		best[s] = max(best[s], counts[s])
	}
	sep = ','
	for _, s := range separators {
		if best[s] > best[sep] {
			sep = s
		}
	}
	return sep, 0
}

// lineGuard fails reading when one line or one record grows past its limit, before the
// CSV reader buffers it: encoding/csv has no limits of its own.
type lineGuard struct {
	r         io.Reader
	name      string
	maxLine   int
	maxRecord int
	line      int // bytes since the last line feed
	lines     int
	record    int // bytes since the record began (reset by the table; the CSV reader reads ahead a little)
	err       error
}

func (g *lineGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for _, c := range p[:n] {
		if c == '\n' {
			g.line = 0
			g.lines++
			continue
		}
		g.line++
		if g.line > g.maxLine {
			g.err = &Error{Name: g.name, Line: g.lines + 1, Err: fmt.Errorf("%w: a line longer than %d bytes (is it a CSV table?)", ErrLimit, g.maxLine)}
			return 0, g.err
		}
	}
	g.record += n
	if g.record > g.maxRecord+64<<10 {
		g.err = &Error{Name: g.name, Line: g.lines + 1, Err: fmt.Errorf("%w: a record longer than %d bytes (an unclosed quote?)", ErrLimit, g.maxRecord)}
		return 0, g.err
	}
	return n, err
}

// looksUTF8 reports whether head is UTF-8 text with at least one multi-byte character: an
// 8-bit text practically never is, so a UTF-8 file among 8-bit ones given the same
// --charset is still read as UTF-8.
func looksUTF8(head []byte) bool {
	multi := false
	for i := 0; i < len(head); {
		r, n := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && n == 1 {
			return len(head)-i < utf8.UTFMax && !utf8.FullRune(head[i:]) && multi
		}
		multi = multi || n > 1
		i += n
	}
	return multi
}

// crLines passes CSV text on, with its line ends made LF when its first line ends in a
// CR alone: the classic Mac OS line end, which Excel for Mac still writes ("CSV
// (Macintosh)"). encoding/csv ends lines at LF only, so such a file read as one row: a
// header of every cell of the file, and no users, without an error. A CR alone in a
// file whose first line ends in LF or CRLF is left as it is (a cell's own character).
type crLines struct {
	br   *bufio.Reader
	mode byte // 0 not known yet, 'r' CR line ends, 'n' others
}

func (c *crLines) Read(p []byte) (int, error) {
	if c.mode == 0 {
		c.mode = 'n'
		head, _ := c.br.Peek(c.br.Size())
		// A CR before another CR is no line end of its own: "\r\r\n" is a CRLF file
		// converted once more, which encoding/csv reads as CRLF.
		if i := bytes.IndexAny(head, "\r\n"); i >= 0 && head[i] == '\r' && (i+1 == len(head) || head[i+1] != '\n' && head[i+1] != '\r') {
			c.mode = 'r'
		}
	}
	n, err := c.br.Read(p)
	if c.mode == 'r' {
		for i, b := range p[:n] {
			if b == '\r' {
				p[i] = '\n'
			}
		}
	}
	return n, err
}
