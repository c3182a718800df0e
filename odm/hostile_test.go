package odm_test

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/odmadmin/odmadmin/odm"
)

const odmHead = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00" ODMVersion="1.3.2">`

// repeatReader yields prefix, then n copies of chunk, then suffix, without holding them all.
func repeatReader(prefix, chunk string, n int, suffix string) io.Reader {
	rs := []io.Reader{strings.NewReader(prefix)}
	rs = append(rs, &repeater{chunk: chunk, n: n})
	rs = append(rs, strings.NewReader(suffix))
	return io.MultiReader(rs...)
}

type repeater struct {
	chunk string
	n     int
	off   int
}

func (r *repeater) Read(p []byte) (int, error) {
	w := 0
	for w < len(p) && r.n > 0 {
		c := copy(p[w:], r.chunk[r.off:])
		w += c
		r.off += c
		if r.off == len(r.chunk) {
			r.off = 0
			r.n--
		}
	}
	if w == 0 && r.n == 0 {
		return 0, io.EOF
	}
	return w, nil
}

// TestHostileInput: every hostile or broken input fails fast with a positioned error that
// wraps the right sentinel, without panicking and with bounded memory.
func TestHostileInput(t *testing.T) {
	const mib = 1 << 20
	tests := []struct {
		name   string
		reason string
		input  func() io.Reader
		opts   odm.ReadOptions
		want   error
	}{
		// Memory is checked as bytes allocated while failing; every case fails within the
		// first tens of MiB of a 64 MiB or larger input.
		{"billion-laughs", "entities are never expanded: an undefined entity is an error",
			func() io.Reader {
				return strings.NewReader(`<?xml version="1.0"?><!DOCTYPE ODM [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>` +
					`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><AdminData><User OID="u"><LoginName>&lol2;</LoginName></User></AdminData></ODM>`)
			}, odm.ReadOptions{}, odm.ErrSyntax},
		{"external-entity", "an external entity is never fetched",
			func() io.Reader {
				return strings.NewReader(`<?xml version="1.0"?><!DOCTYPE ODM [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
					`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><AdminData><User OID="u"><LoginName>&xxe;</LoginName></User></AdminData></ODM>`)
			}, odm.ReadOptions{}, odm.ErrSyntax},
		{"deep-nesting", "200,000 nested elements stop at the depth limit",
			func() io.Reader { return repeatReader(odmHead, "<a>", 200000, "") }, odm.ReadOptions{}, odm.ErrDepth},
		{"deep-nesting-in-admindata", "the limit also holds inside vendor elements of AdminData",
			func() io.Reader { return repeatReader(odmHead+`<AdminData><x:e xmlns:x="urn:x">`, "<x:e>", 200000, "") }, odm.ReadOptions{}, odm.ErrDepth},
		{"huge-attribute", "a 64 MiB attribute value stops at the token limit before it is buffered",
			func() io.Reader {
				return repeatReader(odmHead+`<AdminData><User OID="`, strings.Repeat("A", 1024), 64*1024, `"/></AdminData></ODM>`)
			},
			odm.ReadOptions{}, odm.ErrTokenTooLarge},
		{"huge-text", "a 64 MiB text node stops at the token limit",
			func() io.Reader {
				return repeatReader(odmHead+`<AdminData><User OID="u"><LoginName>`, strings.Repeat("b", 1024), 64*1024, `</LoginName></User></AdminData></ODM>`)
			}, odm.ReadOptions{}, odm.ErrTokenTooLarge},
		{"huge-cdata-with-lt", "a CDATA section full of '<' is still one token",
			func() io.Reader {
				return repeatReader(odmHead+`<Study OID="s"><![CDATA[`, strings.Repeat("<x>", 400), 64*1024, `]]></Study></ODM>`)
			}, odm.ReadOptions{}, odm.ErrTokenTooLarge},
		{"huge-comment", "a 64 MiB comment stops at the token limit",
			func() io.Reader { return repeatReader(odmHead+`<!--`, strings.Repeat("c", 1024), 64*1024, `--></ODM>`) },
			odm.ReadOptions{}, odm.ErrTokenTooLarge},
		{"many-attributes", "a start tag with a million attributes is one huge token",
			func() io.Reader {
				return repeatReader(odmHead+`<AdminData><User `, `a="1" `, 1<<21, `/></AdminData></ODM>`)
			},
			odm.ReadOptions{}, odm.ErrTokenTooLarge},
		{"attribute-limit", "past MaxAttrs the error is ErrTooManyAttrs (a kind of ErrTokenTooLarge), so that a caller can name the limit to raise",
			func() io.Reader {
				return strings.NewReader(odmHead + `<AdminData><User OID="u" a="1" b="2" c="3" d="4"/></AdminData></ODM>`)
			},
			odm.ReadOptions{MaxAttrs: 3}, odm.ErrTooManyAttrs},
		{"input-limit", "MaxInputBytes bounds the whole input",
			func() io.Reader {
				return repeatReader(odmHead+`<Study OID="s">`, `<!-- a comment of padding -->`, 1<<22, `</Study></ODM>`)
			},
			odm.ReadOptions{MaxInputBytes: 4 * mib}, odm.ErrInputTooLarge},
		{"truncated", "a file cut in the middle is reported as truncated",
			func() io.Reader { return strings.NewReader(odmHead + `<AdminData><User OID="u"><LoginName>ab`) }, odm.ReadOptions{}, odm.ErrTruncated},
		{"truncated-in-tag", "a file cut inside a tag is reported as truncated",
			func() io.Reader { return strings.NewReader(odmHead + `<AdminData><User OID="u`) }, odm.ReadOptions{}, odm.ErrTruncated},
		{"empty", "an empty input has no root element", func() io.Reader { return strings.NewReader("") }, odm.ReadOptions{}, odm.ErrTruncated},
		{"invalid-utf8", "bytes that are not UTF-8 are rejected",
			func() io.Reader {
				return strings.NewReader(odmHead + "<AdminData><User OID=\"u\"><LoginName>\xff\xfe</LoginName></User></AdminData></ODM>")
			},
			odm.ReadOptions{}, odm.ErrEncoding},
		{"not-odm", "a well-formed file with another root is not ODM",
			func() io.Reader { return strings.NewReader(`<?xml version="1.0"?><html><body/></html>`) }, odm.ReadOptions{}, odm.ErrNotODM},
		{"odm-in-other-namespace", "an ODM root in a namespace other than CDISC's is not ODM (one in no namespace is read: TestNoNamespaceRoot)",
			func() io.Reader { return strings.NewReader(`<ODM xmlns="urn:not-cdisc" ODMVersion="1.3.2"/>`) }, odm.ReadOptions{}, odm.ErrNotODM},
		{"doctype-comment-gt", "a '>' inside a comment inside the DOCTYPE does not end it: a 64 MiB DOCTYPE stops at the token limit",
			func() io.Reader {
				return repeatReader(`<?xml version="1.0"?><!DOCTYPE ODM [<!-- > -->`, "<!-- "+strings.Repeat("d", 1014)+" > -->", 64*1024, `]><ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"/>`)
			}, odm.ReadOptions{}, odm.ErrTokenTooLarge},
		{"two-doctypes", "one DOCTYPE only", func() io.Reader {
			return strings.NewReader(`<!DOCTYPE ODM><!DOCTYPE ODM><ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"/>`)
		}, odm.ReadOptions{}, odm.ErrSyntax},
		{"doctype-in-element", "a DOCTYPE inside an element is not well-formed", func() io.Reader {
			return strings.NewReader(odmHead + `<!DOCTYPE ODM></ODM>`)
		}, odm.ReadOptions{}, odm.ErrSyntax},
		{"xml-decl-in-element", "an XML declaration inside an element is not well-formed", func() io.Reader {
			return strings.NewReader(odmHead + `<?xml version="1.0"?></ODM>`)
		}, odm.ReadOptions{}, odm.ErrSyntax},
		{"standalone-maybe", "standalone is yes or no", func() io.Reader {
			return strings.NewReader(`<?xml version="1.0" standalone="maybe"?><ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"/>`)
		}, odm.ReadOptions{}, odm.ErrSyntax},
		{"utf16-lone-surrogate", "malformed UTF-16 is an error, not U+FFFD", func() io.Reader {
			b, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(odmHead + `<AdminData><User OID="u"><LoginName>X</LoginName></User></AdminData></ODM>`))
			i := bytes.Index(b, []byte{'X', 0})
			b[i], b[i+1] = 0x00, 0xD8 // a high surrogate with no low half
			return bytes.NewReader(b)
		}, odm.ReadOptions{}, odm.ErrEncoding},
		{"mismatched-tags", "end tags must match", func() io.Reader { return strings.NewReader(odmHead + `<AdminData></Study></ODM>`) }, odm.ReadOptions{}, odm.ErrSyntax},
		{"undeclared-prefix", "a prefix must be declared", func() io.Reader { return strings.NewReader(odmHead + `<AdminData><q:x/></AdminData></ODM>`) }, odm.ReadOptions{}, odm.ErrSyntax},
		{"duplicate-attribute", "an attribute may occur once", func() io.Reader {
			return strings.NewReader(odmHead + `<AdminData><User OID="a" OID="b"/></AdminData></ODM>`)
		}, odm.ReadOptions{}, odm.ErrSyntax},
		{"second-root", "one root element only", func() io.Reader { return strings.NewReader(odmHead + `</ODM><ODM/>`) }, odm.ReadOptions{}, odm.ErrSyntax},
		{"text-before-root", "no text before the root", func() io.Reader { return strings.NewReader(`hello<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"/>`) }, odm.ReadOptions{}, odm.ErrSyntax},
		{"utf32", "UTF-32 is refused clearly", func() io.Reader { return bytes.NewReader([]byte{0xFF, 0xFE, 0, 0, '<', 0, 0, 0}) }, odm.ReadOptions{}, odm.ErrEncoding},
		{"unknown-encoding", "an encoding nobody knows is refused", func() io.Reader {
			return strings.NewReader(`<?xml version="1.0" encoding="X-NOPE-9"?><ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"/>`)
		}, odm.ReadOptions{}, odm.ErrEncoding},
		{"strict-quirk", "Strict turns a producer quirk into an error",
			func() io.Reader {
				return strings.NewReader(odmHead + `<AdminData><Location OID="L" Name="n"><MetaDataVersionRef StudyOID="S" MetaDataVersionOID="M" EffectiveDate="2020-01-01T00:00:00"/></Location></AdminData></ODM>`)
			}, odm.ReadOptions{Strict: true}, odm.ErrQuirk},
		{"strict-unknown", "Strict turns unknown ODM content into an error",
			func() io.Reader {
				return strings.NewReader(odmHead + `<AdminData><User OID="u"><Nickname>x</Nickname></User></AdminData></ODM>`)
			},
			odm.ReadOptions{Strict: true}, odm.ErrUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NotEmpty(t, tt.reason)
			for _, mode := range []string{"decode", "stream"} {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				opts := tt.opts
				opts.Name = "hostile.xml"
				var err error
				if mode == "decode" {
					_, err = odm.Decode(tt.input(), opts)
				} else {
					r := odm.NewReader(tt.input(), opts)
					for _, err = r.Next(); err == nil; _, err = r.Next() {
					}
				}
				runtime.ReadMemStats(&after)
				require.Error(t, err, mode)
				require.ErrorIs(t, err, tt.want, "%s: %v", mode, err)
				if tt.want == odm.ErrTooManyAttrs {
					// What callers that knew ErrTokenTooLarge alone still find.
					require.ErrorIs(t, err, odm.ErrTokenTooLarge, mode)
				}
				var pe *odm.Error
				require.True(t, errors.As(err, &pe), "%s: want *odm.Error, got %T", mode, err)
				require.Equal(t, "hostile.xml", pe.File, mode)
				require.Greater(t, pe.Line, 0, "%s: error has no line: %v", mode, err)
				require.True(t, strings.HasPrefix(err.Error(), "hostile.xml:"), "%s: %q", mode, err)
				// Bounded memory: hostile inputs of 64 MiB and more must not be buffered.
				if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 48*mib {
					t.Errorf("%s: allocated %d MiB", mode, alloc/mib)
				}
			}
		})
	}
}

// TestDeclarationSaysUTF8: the output's XML declaration names UTF-8; one that named it
// already is written as it was read.
func TestDeclarationSaysUTF8(t *testing.T) {
	tests := []struct{ reason, decl, want string }{
		{"a UTF-8 label in lower case stays as written (a UTF-8 file written back as read)", `version="1.0" encoding="utf-8"`, `version="1.0" encoding="utf-8"`},
		{"so do utf8 and single quotes", `version='1.0' encoding='utf8' standalone='yes'`, `version='1.0' encoding='utf8' standalone='yes'`},
		{"UTF-8 as such", `version="1.0" encoding="UTF-8"`, `version="1.0" encoding="UTF-8"`},
		{"no encoding named: nothing to change", `version="1.0"`, `version="1.0"`},
		{"US-ASCII becomes UTF-8: the output may hold any character", `version="1.0" encoding="us-ascii" standalone="no"`, `version="1.0" encoding="UTF-8" standalone="no"`},
		{"a transcoded input says UTF-8", `version="1.0" encoding = "ISO-8859-1"`, `version="1.0" encoding = "UTF-8"`},
	}
	for _, tt := range tests {
		in := "<?xml " + tt.decl + "?>\n<ODM xmlns=\"http://www.cdisc.org/ns/odm/v1.3\"><AdminData/></ODM>"
		doc, err := odm.Decode(strings.NewReader(in), odm.ReadOptions{})
		require.NoError(t, err, tt.reason)
		out := string(encode(t, doc, odm.WriteOptions{}))
		require.True(t, strings.HasPrefix(out, "<?xml "+tt.want+"?>\n"), "%s: wrote %q", tt.reason, out)
	}
}

// TestEncodings: UTF-16 with a BOM, and declared ISO-8859-1 and windows-1252 inputs decode
// to the same text as UTF-8; the output is UTF-8 with the declaration saying so.
func TestEncodings(t *testing.T) {
	const name = "Zoë Ærø – “Demo”"
	body := func(enc string) string {
		return `<?xml version="1.0" encoding="` + enc + `"?>` + "\n" +
			`<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><AdminData><User OID="u1"><FullName>` + name + `</FullName></User></AdminData></ODM>` + "\n"
	}
	utf16 := func(order unicode.Endianness, enc string) []byte {
		b, err := unicode.UTF16(order, unicode.UseBOM).NewEncoder().Bytes([]byte(body(enc)))
		require.NoError(t, err)
		return b
	}
	latin1 := func(enc string, cm *charmap.Charmap) []byte {
		b, err := cm.NewEncoder().Bytes([]byte(body(enc)))
		require.NoError(t, err)
		return b
	}
	tests := []struct {
		name, reason string
		input        []byte
		want         string
	}{
		{"utf8", "the common case", []byte(body("UTF-8")), name},
		{"utf8-bom", "a UTF-8 byte-order mark is skipped", append([]byte{0xEF, 0xBB, 0xBF}, body("UTF-8")...), name},
		{"utf16le-bom", "UTF-16 little endian with BOM (Windows exports)", utf16(unicode.LittleEndian, "UTF-16"), name},
		{"utf16be-bom", "UTF-16 big endian with BOM", utf16(unicode.BigEndian, "UTF-16"), name},
		{"windows-1252", "declared windows-1252 decodes its curly quotes and dash", latin1("windows-1252", charmap.Windows1252), name},
		{"iso-8859-1", "declared ISO-8859-1 decodes Latin-1 letters", nil, ""},
		{"xmlx-pi", "only a real XML declaration names the encoding, not <?xmlx encoding=...?>",
			[]byte(`<?xmlx encoding="ISO-8859-1"?>` + "\n" + strings.SplitN(body("UTF-8"), "\n", 2)[1]), name},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.input
			want := tt.want
			if tt.name == "iso-8859-1" {
				// Latin-1 has no curly quotes or dashes: use a name it can carry.
				src := strings.Replace(body("ISO-8859-1"), name, "Zoë Ærø", 1)
				b, err := charmap.ISO8859_1.NewEncoder().Bytes([]byte(src))
				require.NoError(t, err)
				in, want = b, "Zoë Ærø"
			}
			doc, err := odm.Decode(bytes.NewReader(in), odm.ReadOptions{})
			require.NoError(t, err, tt.reason)
			require.Equal(t, want, doc.AdminData()[0].Users[0].FullName, tt.reason)
			out := string(encode(t, doc, odm.WriteOptions{}))
			if bytes.HasPrefix(in, []byte("<?xml ")) || !bytes.HasPrefix(in, []byte("<")) {
				require.Contains(t, out, `encoding="UTF-8"`) // the declaration is rewritten
			}
			require.Contains(t, out, "<FullName>"+want+"</FullName>")
		})
	}
}

// TestWarnings: producer quirks are read, kept verbatim, and reported with positions.
func TestWarnings(t *testing.T) {
	src := odmHead + "\n" + `<AdminData StudyOID="S ">
<User OID="USR_7 "><FullName>Ian  Sparks</FullName><Address/><Fax/></User>
<Location OID="L" Name="n"><MetaDataVersionRef StudyOID="S" MetaDataVersionOID="M" EffectiveDate="2020-01-01T00:00:00+00:00"/></Location>
<Location OID="L2" Name="n"/>
</AdminData></ODM>`
	doc, err := odm.Decode(strings.NewReader(src), odm.ReadOptions{Name: "q.xml"})
	require.NoError(t, err)
	u := doc.AdminData()[0].Users[0]
	require.Equal(t, "USR_7 ", u.OID, "OIDs are kept as written")
	require.Equal(t, "Ian  Sparks", u.FullName, "names are kept as written")
	require.Equal(t, "2020-01-01T00:00:00+00:00", doc.AdminData()[0].Locations[0].MetaDataVersionRefs[0].EffectiveDate)
	var msgs []string
	for _, w := range doc.Warnings {
		require.ErrorIs(t, w, odm.ErrQuirk)
		require.Equal(t, "q.xml", w.File)
		require.Greater(t, w.Line, 1)
		msgs = append(msgs, w.Msg)
		require.NotContains(t, w.Error(), "Sparks", "warnings must not quote personal data")
	}
	for _, want := range []string{"AdminData/@StudyOID has leading or trailing white space", "User/@OID has leading or trailing white space",
		"FullName contains consecutive spaces", "empty Address element", "empty Fax element",
		"MetaDataVersionRef/@EffectiveDate is a dateTime", "Location has no MetaDataVersionRef"} {
		found := false
		for _, m := range msgs {
			found = found || strings.Contains(m, want)
		}
		require.True(t, found, "missing warning %q in %q", want, msgs)
	}
}
