package xmlscan

import (
	"bytes"
	"strings"
	"testing"
	"testing/iotest"
)

// TestHold: Held returns an element's bytes as read, from its start tag to its end tag,
// also when the input comes a byte at a time (the buffer refilled and moved many times
// while held) and for an element written <x/>; when more input is read while over 1 MiB is
// held, the hold lapses (nil) and the scanner goes on.
func TestHold(t *testing.T) {
	big := strings.Repeat("<v>0123456789</v>", maxHold/16)
	doc := `<r xmlns:p="urn:p"><a x="1" p:y='2'>t&amp;<!--c--><b/></a><e/><big>` + big + `</big></r>`
	for _, oneByte := range []bool{false, true} {
		r := bytes.NewReader([]byte(doc))
		s := New(r, Options{})
		if oneByte {
			s = New(iotest.OneByteReader(bytes.NewReader([]byte(doc))), Options{})
		}
		got := map[string][]byte{}
		depth := 0
		for {
			k, err := s.Next()
			if err != nil {
				break
			}
			switch k {
			case StartElement:
				depth++
				if depth == 2 {
					s.Hold()
				}
			case EndElement:
				if depth == 2 {
					got[string(s.Local())] = bytes.Clone(s.Held())
					s.Release()
				}
				depth--
			}
		}
		for name, want := range map[string]string{"a": `<a x="1" p:y='2'>t&amp;<!--c--><b/></a>`, "e": `<e/>`} {
			if string(got[name]) != want {
				t.Errorf("one byte %v: %s held %q, want %q", oneByte, name, got[name], want)
			}
		}
		// The hold lapses when more input is read while over 1 MiB is held: always a
		// byte at a time; maybe never when the whole input came in one read.
		if b := got["big"]; oneByte && b != nil || b != nil && string(b) != "<big>"+big+"</big>" {
			t.Errorf("one byte %v: an element over 1 MiB held %d bytes", oneByte, len(b))
		}
		if s.Held() != nil {
			t.Errorf("released, yet held")
		}
	}
}
