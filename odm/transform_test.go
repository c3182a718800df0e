package odm_test

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

// TestTransformMatchesEncode: streaming a document through Transform writes exactly what
// Decode followed by Encode writes, for our fixtures and, when present, every reference
// sample.
func TestTransformMatchesEncode(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(), "testdata", "*", "*.xml"))
	if dir := filepath.Join(testenv.RepoRoot(), "..", "shared", "reference", "samples"); dirExists(dir) {
		more, _ := filepath.Glob(filepath.Join(dir, "*", "*.xml"))
		files = append(files, more...)
	}
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			require.NoError(t, err)
			doc, err := odm.Decode(bytes.NewReader(in), odm.ReadOptions{})
			require.NoError(t, err)
			want := encode(t, doc, odm.WriteOptions{})
			var got bytes.Buffer
			warnings, err := odm.Transform(&got, bytes.NewReader(in), odm.ReadOptions{}, odm.WriteOptions{}, nil)
			require.NoError(t, err)
			require.Equal(t, string(want), got.String())
			require.Equal(t, len(doc.Warnings), len(warnings), "the same warnings as Decode")
		})
	}
}

// TestTransformEdits: fn edits, drops and adds records; only those change.
func TestTransformEdits(t *testing.T) {
	in, doc := informFixture(t)
	_ = doc
	var out bytes.Buffer
	_, err := odm.Transform(&out, strings.NewReader(readFileString(t, filepath.Join(testenv.RepoRoot(), "testdata", "inform", "htn-demo.xml"))),
		odm.ReadOptions{}, odm.WriteOptions{}, func(n odm.Node) (odm.Node, error) {
			switch v := n.(type) {
			case *odm.User:
				if v.OID == "tgrant_old" {
					return nil, nil // drop the terminated user
				}
				if v.OID == "amorel" {
					v.Emails[0] = "ada.m@site01.example.org"
				}
			case *odm.Element:
				if v.Local == "ProductLocale" {
					return nil, nil
				}
			}
			return n, nil
		})
	require.NoError(t, err)
	want := strings.Replace(in, "<Email>ada.morel@site01.example.org</Email>", "<Email>ada.m@site01.example.org</Email>", 1)
	i := strings.Index(want, "\n    <User OID=\"tgrant_old\"")
	j := strings.Index(want[i:], "</User>") + i + len("</User>")
	want = want[:i] + want[j:]
	want = strings.Replace(want, "\n    <pf:ProductLocale xml:lang=\"en-US\"/>", "", 1)
	require.Equal(t, want, out.String())
}

// TestTransformBoundedMemory: a large file streams through with little memory, ClinicalData
// included. The heap is sampled while output is being written: holding the document as a
// tree (about 1.5 KB per user) would show as well over the bound.
func TestTransformBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("large input")
	}
	const users = 100000
	src := repeatReader(odmHead+"\n<AdminData StudyOID=\"S\">", "\n  <User OID=\"u\"><LoginName>x</LoginName><FirstName>Ann</FirstName></User>", users,
		"\n</AdminData>\n<ClinicalData StudyOID=\"S\" MetaDataVersionOID=\"M\">"+strings.Repeat("<SubjectData SubjectKey=\"1\"/>", 20000)+"</ClinicalData>\n</ODM>\n")
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	w := &sampler{}
	_, err := odm.Transform(w, src, odm.ReadOptions{}, odm.WriteOptions{}, nil)
	require.NoError(t, err)
	require.Greater(t, w.n, int64(users*60), "everything was written")
	require.Greater(t, w.samples, 50)
	require.Less(t, w.peak, base.HeapAlloc+24<<20, "heap reached %d MiB above the start while streaming", (w.peak-base.HeapAlloc)>>20)
}

// sampler counts the bytes written and records the largest heap seen at a write.
type sampler struct {
	n       int64
	samples int
	peak    uint64
}

func (s *sampler) Write(p []byte) (int, error) {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	s.samples++
	s.peak = max(s.peak, m.HeapAlloc)
	s.n += int64(len(p))
	return len(p), nil
}

func dirExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

func readFileString(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return string(b)
}
