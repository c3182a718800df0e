package xmlenc

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf16"
	"unicode/utf8"
)

// le and be encode s as UTF-16 little- or big-endian, without a byte-order mark.
func le(s string) []byte { return utf16Bytes(s, false) }
func be(s string) []byte { return utf16Bytes(s, true) }

func utf16Bytes(s string, big bool) []byte {
	var out []byte
	for _, u := range utf16.Encode([]rune(s)) {
		if big {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

const doc = `<?xml version="1.0"?><ODM><User OID="U1"><FirstName>Zoë</FirstName></User></ODM>`

func TestUTF8(t *testing.T) {
	for _, tc := range []struct {
		name, why string
		in        []byte
		want      string // the UTF-8 text read; ignored when err is set
		err       bool
	}{
		{"plain", "UTF-8 without a mark passes through byte for byte", []byte(doc), doc, false},
		{"utf8-bom", "a UTF-8 byte-order mark is not part of the document", cat([]byte{0xEF, 0xBB, 0xBF}, []byte(doc)), doc, false},
		{"utf16le-bom", "UTF-16LE is told by its mark and decoded", cat([]byte{0xFF, 0xFE}, le(doc)), doc, false},
		{"utf16be-bom", "UTF-16BE is told by its mark and decoded", cat([]byte{0xFE, 0xFF}, be(doc)), doc, false},
		{"utf16le-nobom", "without a mark, '<?' in UTF-16LE tells the encoding (XML 1.0 Appendix F)", le(doc), doc, false},
		{"utf16be-nobom", "without a mark, '<?' in UTF-16BE tells the encoding", be(doc), doc, false},
		{"surrogate-pair", "a character outside the BMP arrives whole", cat([]byte{0xFF, 0xFE}, le("<a>\U0001F600</a>")), "<a>\U0001F600</a>", false},
		{"latin1", "ISO-8859-1 maps every byte to the code point of its value (IANA, not windows-1252)",
			[]byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>caf\xe9 \x80</a>"),
			"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>café \u0080</a>", false},
		{"windows-1252", "windows-1252 maps 0x80 to the euro sign",
			[]byte("<?xml version='1.0' encoding='windows-1252'?><a>\x80</a>"),
			"<?xml version='1.0' encoding='windows-1252'?><a>€</a>", false},
		{"declared-utf8", "a declaration naming UTF-8 changes nothing",
			[]byte(`<?xml version="1.0" encoding="UTF-8"?><a>é</a>`), `<?xml version="1.0" encoding="UTF-8"?><a>é</a>`, false},
		{"declared-ascii", "US-ASCII is read as the UTF-8 subset it is",
			[]byte(`<?xml version="1.0" encoding="us-ascii"?><a/>`), `<?xml version="1.0" encoding="us-ascii"?><a/>`, false},
		{"not-a-declaration", "a PI named xmlx is not the XML declaration: its encoding is ignored",
			[]byte("<?xmlx version=\"1.0\" encoding=\"ISO-8859-1\"?><a>é</a>"), "<?xmlx version=\"1.0\" encoding=\"ISO-8859-1\"?><a>é</a>", false},
		{"late-declaration", "only a declaration at the very start names the encoding",
			[]byte("\n<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>é</a>"), "\n<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>é</a>", false},
		{"empty", "empty input is empty output; the XML reader reports it", nil, "", false},
		{"utf32le-bom", "UTF-32 is refused, not misread as UTF-16", cat([]byte{0xFF, 0xFE, 0, 0}, []byte("<\x00\x00\x00")), "", true},
		{"utf32be-nobom", "UTF-32BE without a mark is refused", []byte{0, 0, 0, '<', 0, 0, 0, '?'}, "", true},
		{"utf32le-nobom", "UTF-32LE without a mark is refused", []byte{'<', 0, 0, 0, '?', 0, 0, 0}, "", true},
		{"utf16-declared-over-utf8", "a UTF-16 declaration over UTF-8 bytes is a lie, not a hint",
			[]byte(`<?xml version="1.0" encoding="UTF-16"?><a/>`), "", true},
		{"unknown-label", "an encoding nobody knows is refused",
			[]byte(`<?xml version="1.0" encoding="x-odm-unknown"?><a/>`), "", true},
		{"lone-high-surrogate", "a high surrogate followed by a character is not text",
			cat([]byte{0xFF, 0xFE}, le("<a>"), []byte{0x3D, 0xD8, 'x', 0}), "", true},
		{"lone-low-surrogate", "a low surrogate alone is not text", cat([]byte{0xFF, 0xFE}, le("<a>"), []byte{0x00, 0xDC}), "", true},
		{"high-surrogate-at-end", "input ending inside a surrogate pair is truncated", cat([]byte{0xFF, 0xFE}, le("<a>"), []byte{0x3D, 0xD8}), "", true},
		{"odd-byte-count", "UTF-16 with an odd number of bytes is truncated", cat([]byte{0xFF, 0xFE}, le("<a/>"), []byte{'x'}), "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// One-byte reads as well: a mark, a surrogate pair or a declaration split over
			// reads must give the same answer.
			for _, small := range []bool{false, true} {
				var src io.Reader = bytes.NewReader(tc.in)
				if small {
					src = iotest.OneByteReader(src)
				}
				got, err := readAll(src)
				if tc.err {
					if err == nil {
						t.Fatalf("%s (one-byte reads %v): read %q, want an error", tc.why, small, got)
					}
					if !errors.Is(err, ErrEncoding) {
						t.Fatalf("%s: error %v does not wrap ErrEncoding", tc.why, err)
					}
					var e *Error
					if !errors.As(err, &e) {
						t.Fatalf("%s: error %T is not an *Error", tc.why, err)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s (one-byte reads %v): %v", tc.why, small, err)
				}
				if got != tc.want {
					t.Fatalf("%s (one-byte reads %v):\n got %q\nwant %q", tc.why, small, got, tc.want)
				}
			}
		})
	}
}

// readAll runs UTF8 and reads its result to the end; an error from either is returned.
func readAll(r io.Reader) (string, error) {
	u, err := UTF8(r)
	if err != nil {
		return "", err
	}
	b, err := io.ReadAll(u)
	return string(b), err
}

// TestErrorsHoldNoInput: an encoding error is shown to users, so it must not carry the
// document's bytes (which are personal data in an AdminData export).
func TestErrorsHoldNoInput(t *testing.T) {
	secret := "Sample-Bertha"
	for _, in := range [][]byte{
		[]byte(`<?xml version="1.0" encoding="x-` + secret + `"?><a/>`),
		cat([]byte{0xFF, 0xFE}, le("<a>"+secret), []byte{0x00, 0xDC}),
	} {
		_, err := readAll(bytes.NewReader(in))
		if err == nil {
			t.Fatalf("no error for %q", in)
		}
		if bytes.Contains([]byte(err.Error()), []byte(secret)) {
			t.Fatalf("error %q repeats the input", err)
		}
	}
}

func TestLookupPrefersIANA(t *testing.T) {
	e, err := Lookup("ISO-8859-1")
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.NewDecoder().Bytes([]byte{0x80})
	if err != nil {
		t.Fatal(err)
	}
	// The WHATWG index reads ISO-8859-1 as windows-1252, where 0x80 is the euro sign;
	// XML means the real Latin-1, where it is U+0080.
	if string(out) != "\u0080" {
		t.Fatalf("ISO-8859-1 0x80 decoded as %q, want U+0080", out)
	}
	if _, err := Lookup("no-such-charset"); !errors.Is(err, ErrEncoding) {
		t.Fatalf("unknown label: err %v, want ErrEncoding", err)
	}
}

// FuzzUTF16 encodes valid text as UTF-16 (both orders, with and without a mark) and
// requires the reader to give the text back exactly; arbitrary bytes after a mark must
// either decode or fail with ErrEncoding, never yield invalid UTF-8.
func FuzzUTF16(f *testing.F) {
	for _, s := range []string{doc, "<?x?>", "<a>\U0001F600\u00e9</a>", "<?xml version='1.0'?><a b='\uFFFD'/>"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		// Text starting with U+0000 is not XML, and after a little-endian mark its first
		// bytes are the UTF-32LE mark (FF FE 00 00), which is refused on purpose.
		if utf8.Valid(b) && (len(b) == 0 || b[0] != 0) {
			s := string(b)
			for _, in := range [][]byte{cat([]byte{0xFF, 0xFE}, le(s)), cat([]byte{0xFE, 0xFF}, be(s))} {
				got, err := readAll(bytes.NewReader(in))
				if err != nil {
					t.Fatalf("valid text %q: %v", s, err)
				}
				if got != s {
					t.Fatalf("valid text %q read back as %q", s, got)
				}
			}
		}
		got, err := readAll(bytes.NewReader(cat([]byte{0xFF, 0xFE}, b)))
		if err != nil {
			if !errors.Is(err, ErrEncoding) {
				t.Fatalf("raw bytes: error %v does not wrap ErrEncoding", err)
			}
			return
		}
		if !utf8.ValidString(got) {
			t.Fatalf("raw bytes %x decoded to invalid UTF-8 %q", b, got)
		}
	})
}

// TestWriter: what Writer writes out is what UTF8 reads, whatever the sizes of the writes,
// and input UTF8 refuses gives nothing.
func TestWriter(t *testing.T) {
	long := "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<ODM>" + strings.Repeat("<User OID=\"é\"/>", 100) + "</ODM>"
	latin := []byte("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><ODM a=\"\xe9\"/>")
	for _, tc := range []struct {
		in     []byte
		reason string
	}{
		{[]byte("<ODM/>"), "UTF-8, shorter than the 512 bytes held: Close decides"},
		{cat([]byte{0xEF, 0xBB, 0xBF}, []byte(long)), "UTF-8 with a byte-order mark, dropped"},
		{cat([]byte{0xFF, 0xFE}, le(long)), "UTF-16LE with a mark, longer than the bytes held"},
		{cat([]byte{0xFE, 0xFF}, be(long)), "UTF-16BE with a mark"},
		{le(long), "UTF-16LE told from \"<?\""},
		{cat([]byte{0xFE, 0xFF}, be("<a>\U0001F600</a>")), "a surrogate pair, short"},
		{latin, "an 8-bit encoding the declaration names"},
		{[]byte{0xFF, 0xFE, 0, 0, '<', 0, 0, 0}, "UTF-32, which UTF8 refuses: nothing"},
	} {
		want, err := readAll(bytes.NewReader(tc.in))
		if err != nil {
			want = "" // refused before any text
		}
		for _, size := range []int{1, 7, 4096} {
			var got bytes.Buffer
			w := Writer(&got)
			for b := tc.in; len(b) > 0; b = b[min(size, len(b)):] {
				if n, err := w.Write(b[:min(size, len(b))]); err != nil || n != min(size, len(b)) {
					t.Fatalf("%s: Write = %d, %v", tc.reason, n, err)
				}
			}
			w.Close()
			if got.String() != want {
				t.Errorf("%s, writes of %d: %q, want %q", tc.reason, size, got.String(), want)
			}
		}
	}
}
