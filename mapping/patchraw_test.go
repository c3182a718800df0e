package mapping

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/odm"
)

// patchStreamCount runs PatchStream of doc into itself, read again (Reread), and returns
// its output, warnings and the number of User records the patcher decoded.
func patchStreamCount(t *testing.T, doc []byte, opts PatchOptions) ([]byte, []Warning, int) {
	t.Helper()
	decoded := -1
	opts.decoded = &decoded
	var out bytes.Buffer
	ws, err := PatchStream(&out, odm.NewReader(bytes.NewReader(doc), odm.ReadOptions{}), func() (io.Reader, error) {
		return bytes.NewReader(doc), nil
	}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), ws, decoded
}

// TestPatchStreamCopiesUndecoded counts the User records PatchStream decodes in its second
// pass over a document patched into itself (Reread, as map --to odm has it): none when
// every user is as read from it, so each record costs a scan of its bytes, not a decode,
// a look-up, a user built and compared; and only the records of a person read from two of
// them (merged), which are decoded to find the person and then written as read too
// (patcher.mergedAsRead; before, each was written from the merged values, here not what
// one of them holds). The output and warnings are Patch's. Before odm.TransformRaw every
// record was decoded.
func TestPatchStreamCopiesUndecoded(t *testing.T) {
	users := []informUser{
		{oid: "U1", login: "ana", given: "Ana", family: "Example", site: "S1", group: "G1"},
		{oid: "U2", login: "ben", given: "Ben", family: "Example", site: "S2", group: "G2"},
		{oid: "U3", login: "cleo", given: "Cleo", family: "Example", site: "S3", group: "G1"},
		{oid: "U4", login: "dan", given: "Dan", family: "Example", site: "S1", group: "G2"},
	}
	doc := editedInForm([]string{"EDIT-A"}, [][]informUser{users})
	out, ws, decoded := patchStreamCount(t, doc, PatchOptions{Reread: true})
	if decoded != 0 {
		t.Errorf("unchanged: %d of %d user records decoded, want none", decoded, len(users))
	}
	if want := patchBoth(t, "unchanged", doc, doc, PatchOptions{Reread: true}); !bytes.Equal(out, want) {
		t.Errorf("unchanged: the output differs from Patch's")
	}
	if !bytes.Equal(out, transformedDoc(t, doc)) {
		t.Errorf("unchanged: the output is not the document as copied")
	}
	// Without Reread the document may be another: every record is decoded.
	if _, ws2, decoded := patchStreamCount(t, doc, PatchOptions{}); decoded != len(users) || !reflect.DeepEqual(ws, ws2) {
		t.Errorf("without Reread: %d records decoded, want %d; warnings %v, with Reread %v", decoded, len(users), ws2, ws)
	}

	// Ben listed twice, the second record with another site: both records were written
	// from the merged user (its sites S2 and S3), so neither was as read. They are now.
	twice := append(append([]informUser(nil), users...), informUser{oid: "U2", login: "ben", given: "Ben", family: "Example", site: "S3", group: "G2"})
	doc = editedInForm([]string{"EDIT-A"}, [][]informUser{twice})
	out, _, decoded = patchStreamCount(t, doc, PatchOptions{Reread: true})
	if decoded != 2 {
		t.Errorf("a merged person: %d user records decoded, want its 2", decoded)
	}
	if want := patchBoth(t, "merged", doc, doc, PatchOptions{Reread: true}); !bytes.Equal(out, want) {
		t.Errorf("merged: the output differs from Patch's:\n%s", cmp.Diff(string(want), string(out)))
	}
	if !bytes.Equal(out, transformedDoc(t, doc)) {
		t.Errorf("merged: the merged person's records did not come back as read:\n%s", cmp.Diff(string(transformedDoc(t, doc)), string(out)))
	}
	// Written from the merged values, they are not: the fixture tests something.
	if out, _, _ = patchStreamCount(t, doc, PatchOptions{Reread: true, mergedValues: true}); bytes.Equal(out, transformedDoc(t, doc)) {
		t.Errorf("merged: the merged values are what the records hold; the fixture tests nothing")
	}
}

// transformedDoc is doc copied by odm.Transform.
func transformedDoc(t *testing.T, doc []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := odm.Transform(&b, bytes.NewReader(doc), odm.ReadOptions{}, odm.WriteOptions{}, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// FuzzPatchStreamReread: for any document the reader accepts, PatchStream of it into
// itself writes the same output and warnings, and fails alike, with Reread (records of
// users as read copied undecoded) and without (each decoded and compared). Seeded as
// FuzzMapToODMRoundTrip.
func FuzzPatchStreamReread(f *testing.F) {
	for _, x := range fixtures {
		if b, err := os.ReadFile(filepath.Join("testdata", x.file)); err == nil {
			f.Add(b)
		}
	}
	more, _ := filepath.Glob(filepath.Join("..", "testdata", "*", "*.xml"))
	cmdFiles, _ := filepath.Glob(filepath.Join("..", "cmd", "odmadmin", "testdata", "*", "*.xml"))
	valFiles, _ := filepath.Glob(filepath.Join("..", "validate", "testdata", "*", "*.xml"))
	for _, m := range append(append(more, cmdFiles...), valFiles...) {
		if b, err := os.ReadFile(m); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		run := func(reread bool) ([]byte, []Warning, error) {
			var out bytes.Buffer
			ro := odm.ReadOptions{MaxInputBytes: 1 << 20}
			ws, err := PatchStream(&out, odm.NewReader(bytes.NewReader(b), ro), func() (io.Reader, error) {
				return bytes.NewReader(b), nil
			}, PatchOptions{Read: ro, Reread: reread})
			return out.Bytes(), ws, err
		}
		want, wantWs, wantErr := run(false)
		got, gotWs, gotErr := run(true)
		if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
			t.Fatalf("error %v with Reread, %v without", gotErr, wantErr)
		}
		if wantErr != nil {
			return
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("the output differs with Reread:\n%s", cmp.Diff(string(want), string(got)))
		}
		if !reflect.DeepEqual(gotWs, wantWs) {
			t.Fatalf("the warnings differ with Reread:\n%s", cmp.Diff(wantWs, gotWs))
		}
	})
}
