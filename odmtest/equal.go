package odmtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/mapping"
	"github.com/odmadmin/odmadmin/odm"
)

// MaxReported is the number of changes Equal lists before it only counts the rest.
const MaxReported = 100

// Equal reports whether want and got hold the same users and sites, compared by
// diff.Compare with opts. If they differ it fails tb with the list of changes that turn
// want into got, one per line as "odmadmin diff" prints them (at most MaxReported).
func Equal(tb testing.TB, want, got *mapping.Directory, opts diff.Options) bool {
	tb.Helper()
	changes := diff.Compare(want, got, opts)
	if len(changes) == 0 {
		return true
	}
	var b strings.Builder
	b.WriteString("directories differ: " + strconv.Itoa(len(changes)) + " change")
	if len(changes) != 1 {
		b.WriteString("s")
	}
	b.WriteString(" (want → got):\n")
	for i, ch := range changes {
		if i == MaxReported {
			b.WriteString("\t... and " + strconv.Itoa(len(changes)-i) + " more\n")
			break
		}
		b.WriteString("\t" + ch.String() + "\n")
	}
	tb.Errorf("%s", b.String())
	return false
}

// ReadDirectory reads the file at path into a directory, or fails tb: an ODM export of
// any profile (detected unless opts.Profile says), a Clinical One template saved as CSV,
// or a JSON directory as "odmadmin map --to json" writes it. The kind is recognized from
// the first character: '<' ODM, '{' JSON, anything else CSV.
func ReadDirectory(tb testing.TB, path string, opts mapping.Options) *mapping.Directory {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	head := bytes.TrimLeft(bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	var d *mapping.Directory
	switch {
	case len(head) > 0 && head[0] == '{':
		d = new(mapping.Directory)
		dec := json.NewDecoder(bytes.NewReader(head))
		dec.DisallowUnknownFields()
		err = dec.Decode(d)
	case len(head) > 0 && head[0] != '<' || opts.Profile == mapping.ProfileClinicalOne:
		d, _, err = mapping.ReadClinicalOneCSV(bufio.NewReader(bytes.NewReader(data)), opts)
	default:
		var doc *odm.Document
		doc, err = odm.Decode(bytes.NewReader(data), odm.ReadOptions{Name: path})
		if err == nil {
			d, _, err = mapping.FromDocument(doc, opts)
		}
	}
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return d
}
