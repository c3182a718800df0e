package validate

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/odmadmin/odmadmin/odm"
)

// TestScanDecodesAsOdm: the side scan reads an input's encoding as odm's reader does
// (one detection, internal/xmlenc): it fails where odm fails for the encoding and reads
// the same text where odm reads it, so that the scan's positions are odm's. Before, the
// scan had its own copy, which put U+FFFD where odm refuses a lone surrogate and read
// UTF-32 as bytes.
func TestScanDecodesAsOdm(t *testing.T) {
	doc := func(decl, name string) string {
		return decl + `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileOID="F" ODMVersion="1.3"><AdminData><User OID="U1"><FirstName>` +
			name + `</FirstName></User></AdminData></ODM>`
	}
	u16 := func(s string, big, bom bool) []byte {
		var b []byte
		if bom {
			if big {
				b = append(b, 0xFE, 0xFF)
			} else {
				b = append(b, 0xFF, 0xFE)
			}
		}
		for _, c := range utf16.Encode([]rune(s)) {
			if big {
				b = append(b, byte(c>>8), byte(c))
			} else {
				b = append(b, byte(c), byte(c>>8))
			}
		}
		return b
	}
	latin1 := []byte(doc(`<?xml version="1.0" encoding="ISO-8859-1"?>`, "Zo\xeb"))
	lone := u16(doc(`<?xml version="1.0" encoding="UTF-16"?>`, "Zo\u00eb"), false, true)
	i := bytes.Index(lone, []byte{0xeb, 0x00})
	lone = append(append(append([]byte{}, lone[:i]...), 0x00, 0xD8), lone[i+2:]...) // a high surrogate alone
	for _, tc := range []struct {
		reason string
		in     []byte
		fails  bool
	}{
		{"UTF-8 with a byte-order mark", append([]byte{0xEF, 0xBB, 0xBF}, doc(`<?xml version="1.0"?>`, "Zoë")...), false},
		{"UTF-16 little-endian with a mark", u16(doc(`<?xml version="1.0" encoding="UTF-16"?>`, "Zoë"), false, true), false},
		{"UTF-16 big-endian without a mark, told from <?", u16(doc(`<?xml version="1.0" encoding="UTF-16"?>`, "Zoë"), true, false), false},
		{"Latin-1 as the declaration names it", latin1, false},
		{"UTF-16 with a lone surrogate: an error, never U+FFFD", lone, true},
		{"UTF-32: refused", append([]byte{0xFF, 0xFE, 0, 0}, []byte("<\x00\x00\x00")...), true},
		{"a declaration saying UTF-16 over UTF-8 bytes: refused", []byte(doc(`<?xml version="1.0" encoding="UTF-16"?>`, "Zoë")), true},
		{"an encoding x/text does not know: refused", []byte(doc(`<?xml version="1.0" encoding="x-nonsense-42"?>`, "Zoe")), true},
	} {
		d, odmErr := odm.Decode(bytes.NewReader(tc.in), odm.ReadOptions{})
		odmFails := errors.Is(odmErr, odm.ErrEncoding)
		if odmFails != tc.fails {
			t.Fatalf("%s: odm: %v, want failure %v", tc.reason, odmErr, tc.fails)
		}
		var text []byte
		r, err := utf8View(bytes.NewReader(tc.in))
		if err == nil {
			text, err = io.ReadAll(r)
		}
		if (err != nil) != tc.fails {
			t.Errorf("%s: the scan's view: %v, want failure %v (as odm)", tc.reason, err, tc.fails)
			continue
		}
		if tc.fails {
			continue
		}
		name := d.AdminData()[0].Users[0].FirstName
		if !strings.Contains(string(text), "<FirstName>"+name+"</FirstName>") {
			t.Errorf("%s: odm reads %q; the scan's view is\n%s", tc.reason, name, text)
		}
	}
}
