package odmtest

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/mapping"
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

// ReadDirectory reads the file at path into a directory, or fails tb: whatever
// mapping.ReadAny reads (an ODM export of any profile in any encoding, ODM JSON, a JSON
// directory as "odmadmin map --to json" writes it, the Clinical One template or an
// OpenClinica 4 user table as CSV or .xlsx, a user table by OID), recognized from its
// bytes.
func ReadDirectory(tb testing.TB, path string, opts mapping.Options) *mapping.Directory {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	d, _, err := mapping.ReadAny(f, path, opts)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return d
}

// EqualAcross is Equal for directories read from different systems, as "odmadmin diff"
// compares them: got's sites named by number or name are first given want's site IDs,
// and want's likewise, and a side without a study gets the other's (mapping.AlignTo,
// which modifies both).
func EqualAcross(tb testing.TB, want, got *mapping.Directory, opts diff.Options) bool {
	tb.Helper()
	mapping.AlignTo(got, want)
	mapping.AlignTo(want, got)
	return Equal(tb, want, got, opts)
}
