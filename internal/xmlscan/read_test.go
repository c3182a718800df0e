package xmlscan

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

// sizes is a reader that notes how many bytes each call of Read asked for.
type sizes struct {
	r    io.Reader
	asks []int
}

func (s *sizes) Read(p []byte) (int, error) {
	s.asks = append(s.asks, len(p))
	return s.r.Read(p)
}

// TestReadChunk: every read the scanner asks of its reader is at least 64 KiB, so a
// 64 KiB bufio.Reader under it (what xmlenc.UTF8 puts there), once drained of what it
// buffered, passes the read through into the scanner's buffer instead of filling
// its own and copying; the tokens are the same as read in reads of 1,000 bytes. The cases differ
// in what the scanner keeps from one read to the next: tokens short, of some kilobytes,
// and longer than the room beside a read (the buffer grows; reads stay large).
func TestReadChunk(t *testing.T) {
	cases := []struct {
		name, rec string
		large     bool // every read asks for readChunk bytes or more
	}{
		{"short records, whose tails the buffer keeps", `<u id="1"><n>Ada Example</n></u>`, true},
		{"text of 3 KiB, under the 4 KiB kept beside a read", `<u>` + strings.Repeat("t", 3<<10) + `</u>`, true},
		// A token of more than 4 KiB kept leaves less room for the read after it: that
		// read is smaller (bufio copies it), the tokens are the same.
		{"text of 9 KiB", `<u>` + strings.Repeat("t", 9<<10) + `</u>`, false},
	}
	for _, c := range cases {
		doc := "<r>" + strings.Repeat(c.rec, (2<<20)/len(c.rec)) + "</r>"
		asks := &sizes{r: bufio.NewReaderSize(strings.NewReader(doc), 64<<10)}
		got, err := tokenDump(New(asks, Options{}))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want, err := tokenDump(New(&short{r: strings.NewReader(doc)}, Options{}))
		if err != nil || got != want {
			t.Errorf("%s: tokens differ from reads of 1,000 bytes (%v)", c.name, err)
		}
		for i, n := range asks.asks {
			if c.large && n < readChunk {
				t.Errorf("%s: read %d asked for %d bytes, less than %d", c.name, i+1, n, readChunk)
				break
			}
		}
	}
}

// short is a reader that returns at most 1,000 bytes a call.
type short struct{ r io.Reader }

func (o *short) Read(p []byte) (int, error) {
	if len(p) > 1000 {
		p = p[:1000]
	}
	return o.r.Read(p)
}

// tokenDump is every token's kind and its name or data, in order. (A text is one token
// wherever the reads end: FuzzChunking holds the scanner to that.)
func tokenDump(s *Scanner) (string, error) {
	var b bytes.Buffer
	for {
		k, err := s.Next()
		if err == io.EOF {
			return b.String(), nil
		}
		if err != nil {
			return b.String(), err
		}
		if k == StartElement || k == EndElement {
			fmt.Fprintf(&b, "|%d %s", k, s.Local())
		} else {
			fmt.Fprintf(&b, "|%d %s", k, s.Data())
		}
	}
}
