package odm_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/internal/testenv"
	"github.com/odmadmin/odmadmin/odm"
)

// rawDoc has three users: U1 and U3 written as the encoder writes them, U2 not (a single
// quote, a tab before an attribute) and with an element the reader warns about.
const rawDoc = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InForm/2008/ODM" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2024-01-01T00:00:00">
  <AdminData StudyOID="S">
    <User OID="U1" pf:Active="Yes">
      <LoginName>ana</LoginName>
      <LocationRef LocationOID="L1"/>
    </User>
    <User OID='U2'	pf:Active="No">
      <LoginName>ben</LoginName>
      <Hobby>chess</Hobby>
    </User>
    <User OID="U3"/>
    <Location OID="L1" Name="Site one"/>
  </AdminData>
</ODM>
`

// TestTransformRawCopiesUndecoded: the records RawCopy.Want chooses are written as their
// input bytes without being decoded (the callback never sees them), where AsRead would
// copy them; one whose bytes are not what encoding writes is decoded from them and handed
// to the callback, with the reader's warnings at the positions Transform gives; the
// output is Transform's.
func TestTransformRawCopiesUndecoded(t *testing.T) {
	var want bytes.Buffer
	wantWs, err := odm.Transform(&want, bytes.NewReader([]byte(rawDoc)), odm.ReadOptions{}, odm.WriteOptions{}, nil)
	require.NoError(t, err)
	require.NotEmpty(t, wantWs, "the fixture's U2 is warned about")

	var asked, copied []string
	var last string
	var decoded []string
	var got bytes.Buffer
	ws, err := odm.TransformRaw(&got, bytes.NewReader([]byte(rawDoc)), odm.ReadOptions{}, odm.WriteOptions{}, func(n odm.Node) (odm.Node, error) {
		switch v := n.(type) {
		case *odm.User:
			decoded = append(decoded, v.OID+"/"+v.LoginName)
		case *odm.Location:
			decoded = append(decoded, v.OID)
		}
		return odm.AsRead(), nil
	}, odm.RawCopy{
		Want: func(rs *odm.RecordStart) bool {
			oid, _ := rs.Attr("OID")
			asked = append(asked, rs.Local()+" "+oid)
			last = oid
			return rs.Local() == "User"
		},
		Copied: func() { copied = append(copied, last) },
	})
	require.NoError(t, err)
	require.Equal(t, want.String(), got.String())
	require.Equal(t, []string{"User U1", "User U2", "User U3", "Location L1"}, asked)
	require.Equal(t, []string{"U1", "U3"}, copied)
	require.Equal(t, []string{"U2/ben", "L1"}, decoded, "U2 decoded from its bytes, L1 not chosen")
	require.Equal(t, len(wantWs), len(ws))
	for i := range ws {
		require.Equal(t, wantWs[i].Error(), ws[i].Error())
	}
}

// TestTransformRawSameAsTransform: every record of the repository's ODM files chosen,
// TransformRaw writes what Transform writes.
func TestTransformRawSameAsTransform(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(), "testdata", "*", "*.xml"))
	more, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(), "cmd", "odmadmin", "testdata", "*", "*.xml"))
	files = append(files, more...)
	require.NotEmpty(t, files)
	for _, f := range files {
		in, err := os.ReadFile(f)
		require.NoError(t, err)
		var want, got bytes.Buffer
		_, werr := odm.Transform(&want, bytes.NewReader(in), odm.ReadOptions{}, odm.WriteOptions{}, nil)
		copies := 0
		_, gerr := odm.TransformRaw(&got, bytes.NewReader(in), odm.ReadOptions{}, odm.WriteOptions{}, nil, odm.RawCopy{
			Want:   func(*odm.RecordStart) bool { return true },
			Copied: func() { copies++ },
		})
		if werr != nil {
			require.Error(t, gerr, f)
			continue
		}
		require.NoError(t, gerr, f)
		require.Equal(t, want.String(), got.String(), f)
	}
}
