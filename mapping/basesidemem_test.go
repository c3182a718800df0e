package mapping

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// TestReadBaseSideLetsGoOfTheRead: once the document's side of a table's patch is read
// (readBaseSide), the document's users' keys are in memory again, read back from their
// temporary file, and the AdminData headers the builder kept for writing the blocks back
// are let go of (the patch copies the document's own), for every table profile; what the
// keys answer is the document's.
func TestReadBaseSideLetsGoOfTheRead(t *testing.T) {
	base := string(odmFixtures(t)["testdata/openclinica/demo-site-studies.xml"])
	require.NotEmpty(t, base)
	cases := []struct {
		name  string
		table Profile
	}{
		{"an OpenClinica 4 user table", ProfileOC4Users},
		{"a Clinical One template", ProfileClinicalOne},
	}
	for _, c := range cases {
		shell := &Directory{Source: &FileSource{Vendor: c.table}}
		bs, err := readBaseSide(strings.NewReader(base), odm.ReadOptions{}, ProfileOpenClinica, shell, Options{})
		require.NoError(t, err, c.name)
		require.Nil(t, bs.doc.spilled, "%s: the keys' file is read back and let go of", c.name)
		require.NotNil(t, bs.doc.users, "%s: the keys are loaded", c.name)
		require.NotEmpty(t, bs.shell.Source.Blocks, "%s: the blocks are read", c.name)
		for i, b := range bs.shell.Source.Blocks {
			require.Nil(t, b.ad, "%s: block %d's header", c.name, i)
		}
		n := 0
		r := odm.NewReader(strings.NewReader(base), odm.ReadOptions{})
		for node, err := range r.All() {
			require.NoError(t, err, c.name)
			if u, ok := node.(*odm.User); ok {
				n++
				login := u.LoginName
				if login == "" {
					login = u.OID
				}
				require.True(t, bs.doc.has(docUser, anyStudy, strings.TrimSpace(login)), "%s: user %s", c.name, u.OID)
			}
		}
		require.Positive(t, n, c.name)
		require.False(t, bs.doc.has(docUser, anyStudy, "nobody-here"), c.name)
		require.NoError(t, bs.close(), c.name)
	}
}
