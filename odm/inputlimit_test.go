package odm_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/odmadmin/odmadmin/odm"
)

// TestXMLInputLimitPlaced: MaxInputBytes met by the XML reader is ErrInputTooLarge at the
// first byte past the limit, as the JSON reader places its own, whether the input comes
// in one read or a byte at a time. It was at the token being read when a read went past
// the limit: 1:1 for each case here, both ways (the reading ahead under the scanner read
// past the limit before the first token).
func TestXMLInputLimitPlaced(t *testing.T) {
	doc := `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileOID="F" ODMVersion="1.3">
  <AdminData>
    <User OID="U1"><LoginName>ada</LoginName></User>
  </AdminData>
</ODM>`
	for _, tt := range []struct {
		name, reason string
		limit        int
	}{
		{"in the root's start tag", "the limit inside the first token", 30},
		{"in a login name", "the limit inside a text on line 3", strings.Index(doc, "ada") + 1},
		{"in an end tag", "the limit inside an end tag on line 4", strings.Index(doc, "</AdminData>") + 3},
	} {
		// The place of the first byte past the limit, counted here: doc[limit].
		line := 1 + strings.Count(doc[:tt.limit], "\n")
		col := tt.limit - strings.LastIndexByte(doc[:tt.limit], '\n')
		for _, oneByte := range []bool{false, true} {
			r := iotest.DataErrReader(bytes.NewReader([]byte(doc)))
			if oneByte {
				r = iotest.OneByteReader(strings.NewReader(doc))
			}
			_, err := odm.Decode(r, odm.ReadOptions{MaxInputBytes: int64(tt.limit)})
			var pe *odm.Error
			if !errors.Is(err, odm.ErrInputTooLarge) || !errors.As(err, &pe) {
				t.Fatalf("%s (one byte %v): %s: got %v, want ErrInputTooLarge", tt.name, oneByte, tt.reason, err)
			}
			if pe.Line != line || pe.Col != col {
				t.Errorf("%s (one byte %v): %s: error at %d:%d, want %d:%d (%v)", tt.name, oneByte, tt.reason, pe.Line, pe.Col, line, col, err)
			}
		}
	}
}
