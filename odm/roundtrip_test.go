package odm_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

// fixtures returns our own fixtures plus, when ../shared is present, every reference sample.
func fixtures(t *testing.T, withShared bool) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(testenv.RepoRoot(), "testdata", "*", "*.xml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	if withShared {
		dir := testenv.Shared(t, "reference/samples")
		more, err := filepath.Glob(filepath.Join(dir, "*", "*.xml"))
		require.NoError(t, err)
		require.NotEmpty(t, more)
		files = append(files, more...)
	}
	return files
}

// c14n returns the exclusive canonical form of an XML file as computed by libxml2.
func c14n(t *testing.T, path string) []byte {
	t.Helper()
	out, err := exec.Command(testenv.Xmllint(t), "--exc-c14n", path).Output()
	require.NoError(t, err, "xmllint --exc-c14n %s", path)
	return out
}

func encode(t *testing.T, doc *odm.Document, opts odm.WriteOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, odm.Encode(&buf, doc, opts))
	return buf.Bytes()
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, data, 0o644))
	return p
}

// TestRoundTripC14N: decode then encode an unmodified document gives the same exclusive
// canonical XML as the input (prefixes, namespace declarations, attribute values including
// &#9;/&#10;, comments, PIs, everything outside AdminData).
func TestRoundTripC14N(t *testing.T) {
	for _, f := range fixtures(t, true) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc, err := odm.DecodeFile(f, odm.ReadOptions{})
			require.NoError(t, err)
			out := writeTemp(t, "out.xml", encode(t, doc, odm.WriteOptions{}))
			want, got := c14n(t, f), c14n(t, out)
			if !bytes.Equal(want, got) {
				t.Errorf("canonical forms differ (-input +output):\n%s", cmp.Diff(string(want), string(got)))
			}
		})
	}
}

// TestRoundTripStable: decode -> encode -> decode -> encode is a fixed point, and the typed
// values read back are the ones first read. Runs without xmllint.
func TestRoundTripStable(t *testing.T) {
	for _, f := range fixtures(t, false) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			doc, err := odm.DecodeFile(f, odm.ReadOptions{})
			require.NoError(t, err)
			first := encode(t, doc, odm.WriteOptions{})
			doc2, err := odm.Decode(bytes.NewReader(first), odm.ReadOptions{})
			require.NoError(t, err)
			second := encode(t, doc2, odm.WriteOptions{})
			require.Equal(t, string(first), string(second))
			if d := cmp.Diff(doc.AdminData(), doc2.AdminData(), typedOnly()); d != "" {
				t.Errorf("typed values changed (-first +second):\n%s", d)
			}
		})
	}
}

// TestUnchangedBytes: for our fixtures, which use double quotes and no character
// references, the output is byte for byte the input (the normalizations listed in doc.go
// do not apply).
func TestUnchangedBytes(t *testing.T) {
	for _, f := range fixtures(t, false) {
		in, err := os.ReadFile(f)
		require.NoError(t, err)
		doc, err := odm.Decode(bytes.NewReader(in), odm.ReadOptions{})
		require.NoError(t, err)
		got := string(encode(t, doc, odm.WriteOptions{}))
		want := string(in)
		// Known normalizations present in the fixtures: white space inside start tags
		// is folded to one space, and <x /> is written <x/>.
		want = foldTagSpace(want)
		if got != want {
			t.Errorf("%s: output differs (-want +got):\n%s", filepath.Base(f), cmp.Diff(want, got))
		}
	}
}

// foldTagSpace applies the encoder's two lexical normalizations to a fixture: runs of white
// space between attributes become one space, and " />" becomes "/>".
func foldTagSpace(s string) string {
	var b strings.Builder
	inTag, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case inTag && (c == '"' || c == '\''):
			quote = c
		case c == '<':
			inTag = true
		case c == '>':
			inTag = false
		case inTag && (c == ' ' || c == '\n' || c == '\t' || c == '\r'):
			j := i
			for j < len(s) && strings.IndexByte(" \n\t\r", s[j]) >= 0 {
				j++
			}
			if j < len(s) && (s[j] == '/' || s[j] == '>' || s[j] == '?') {
				i = j - 1
				continue
			}
			b.WriteByte(' ')
			i = j - 1
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// typedOnly compares typed values by content: unexported layout and positions are ignored.
func typedOnly() cmp.Option {
	return cmp.Options{
		cmp.FilterPath(func(p cmp.Path) bool {
			if sf, ok := p.Last().(cmp.StructField); ok {
				switch sf.Name() {
				case "Line", "Col", "slots", "src", "base":
					return true
				}
			}
			return false
		}, cmp.Ignore()),
		cmp.Exporter(func(reflect.Type) bool { return true }),
	}
}
