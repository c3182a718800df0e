package mapping

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// userRecords counts the User records of an ODM document by AdminData block (its index)
// and OID; nil if it does not read.
func userRecords(doc []byte) map[string]int {
	out := map[string]int{}
	block := 0
	r := odm.NewReader(bytes.NewReader(doc), odm.ReadOptions{})
	for n, err := range r.All() {
		if err != nil {
			return nil
		}
		switch v := n.(type) {
		case *odm.AdminData:
			block++
		case *odm.User:
			out[strconv.Itoa(block)+" "+strings.TrimSpace(v.OID)]++
		}
	}
	return out
}

// noSeek hides a reader's Seek: Patch then spools the document it reads twice.
type noSeek struct{ io.Reader }

// TestPatchUserTheDocumentHas: a user of the directory whose Source does not say where
// the document has it (a template row, a directory built by a program, one read from
// another vendor) is patched at the document's record of it, not also added as new at the
// head of its study's block: every fixture's users, their Source dropped, patched into the
// fixture give each block the User records it had, each once; the same users from a
// template patched into the InForm fixture do too; and a user the document lacks is still
// added.
func TestPatchUserTheDocumentHas(t *testing.T) {
	opts := PatchOptions{Options: Options{Now: time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)}}
	compared := 0
	for name, data := range odmFixtures(t) {
		in := userRecords(data)
		dup := in == nil
		for _, n := range in {
			dup = dup || n > 1
		}
		dir, _, err := FromReader(odm.NewReader(bytes.NewReader(data), odm.ReadOptions{}), opts.Options)
		if err != nil || dup || len(dir.Users) == 0 {
			continue // not readable, or two records of one user in a block already
		}
		for _, u := range dir.Users {
			u.Source = nil
		}
		var seekable, spooled bytes.Buffer
		_, err = Patch(&seekable, bytes.NewReader(data), dir, opts)
		if err != nil {
			continue // a directory the writer refuses (checked elsewhere)
		}
		_, err = Patch(&spooled, noSeek{bytes.NewReader(data)}, dir, opts)
		require.NoError(t, err, name)
		require.Equal(t, seekable.String(), spooled.String(), "%s: the spooled document patches differently", name)
		out := userRecords(seekable.Bytes())
		require.NotNil(t, out, "%s: the output does not read", name)
		for k, n := range out {
			require.Equal(t, 1, n, "%s: block and user %q written %d times", name, k, n)
		}
		compared++
	}
	require.GreaterOrEqual(t, compared, 10, "too few fixtures patched")

	// A template of the InForm fixture's users, and one user it does not have.
	base := odmFixtures(t)["testdata/inform/htn-demo.xml"]
	require.NotNil(t, base)
	tmpl := "First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n" +
		"Ada,Morel,ada.morel@site01.example.org,amorel,02-Dec-2026,,CRC Rights,01,\n" +
		"Olga,Lebedeva,olga.lebedeva@sponsor.example.com,olebedeva,02-Dec-2026,,CRC Rights,01,\n" +
		"Nora,Quill,nora.quill@site01.example.org,nquill,02-Dec-2026,,CRC Rights,01,\n"
	c, _, err := ReadCompact(strings.NewReader(tmpl), "users.csv", Options{})
	require.NoError(t, err)
	defer c.Close()
	var out bytes.Buffer
	_, err = c.Patch(&out, bytes.NewReader(base), PatchOptions{Options: Options{Profile: ProfileInForm, Now: opts.Now}})
	require.NoError(t, err)
	got := userRecords(out.Bytes())
	require.Equal(t, map[string]int{"1 amorel": 1, "1 olebedeva": 1, "1 nquill": 1}, got,
		"the template's users, each once: the two the base has patched, the new one added")
}

// TestPatchReadsDocumentOnlyForForeignUsers: the document is read ahead only when some
// user's Source does not say where it has them: patching a document with the directory
// read from it (map --to odm) reads it once, with a foreign user twice (rewound), and
// from a reader that cannot seek once (spooled).
func TestPatchReadsDocumentOnlyForForeignUsers(t *testing.T) {
	base := odmFixtures(t)["testdata/inform/htn-demo.xml"]
	reads := func(drop, seek bool) int {
		dir, _, err := FromReader(odm.NewReader(bytes.NewReader(base), odm.ReadOptions{}), Options{})
		require.NoError(t, err)
		if drop {
			dir.Users[0].Source = nil
		}
		n := &countingReader{r: bytes.NewReader(base)}
		var src io.Reader = n
		if !seek {
			src = noSeek{n}
		}
		_, err = Patch(io.Discard, src, dir, PatchOptions{})
		require.NoError(t, err)
		return n.n
	}
	require.Equal(t, len(base), reads(false, true), "users read from the document: read once")
	require.Equal(t, 2*len(base), reads(true, true), "a foreign user: read, rewound and read again")
	require.Equal(t, len(base), reads(true, false), "a foreign user, no seeking: read once, and spooled")
}

type countingReader struct {
	r *bytes.Reader
	n int
}

func (c *countingReader) Seek(off int64, whence int) (int64, error) { return c.r.Seek(off, whence) }

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
