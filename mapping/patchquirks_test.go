package mapping

import (
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

// TestPatchForeignReportsDocumentQuirks: the odm reader's warnings about the document
// patched are the caller's to report when the caller read that document for the
// directory; of another document (PatchOptions.Foreign, map --to odm --base FILE) the
// caller has read nothing, and they were dropped without a word. They are now returned,
// first, as CodeQuirk warnings placed in the document, by Patch, PatchStream and
// CompactDirectory.Patch; a document patched with the directory read from it gives none
// (its reader's warnings were given with the directory).
func TestPatchForeignReportsDocumentQuirks(t *testing.T) {
	const (
		doc = `<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:pf="http://www.phaseforward.com/InFormAdapter/ODM/Extensions/2.0" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-10T10:15:00" ODMVersion="1.3">
<AdminData StudyOID="STA"><User OID="u1"><LoginName>u1</LoginName><LastName>Example</LastName><Bogus>x</Bogus></User></AdminData>
</ODM>
`
		quirk = "quirk|base.xml:3:95"
	)
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	read := func() *odm.Reader { return odm.NewReader(strings.NewReader(doc), odm.ReadOptions{Name: "in.xml"}) }
	quirks := func(ws []Warning) []string {
		var out []string
		for _, w := range ws {
			if w.Code == CodeQuirk {
				out = append(out, string(w.Code)+"|"+w.File+":"+strconv.Itoa(w.Line)+":"+strconv.Itoa(w.Col))
			}
		}
		return out
	}
	for _, foreign := range []bool{true, false} {
		var want []string
		if foreign {
			want = []string{quirk}
		}
		po := PatchOptions{Options: Options{Now: now}, Read: odm.ReadOptions{Name: "base.xml"}, Foreign: foreign}
		dir, _, err := FromReader(read(), Options{})
		require.NoError(t, err)
		ws, err := Patch(io.Discard, strings.NewReader(doc), dir, po)
		require.NoError(t, err)
		require.Equal(t, want, quirks(ws), "Patch, foreign=%v", foreign)

		ws, err = PatchStream(io.Discard, read(), func() (io.Reader, error) { return strings.NewReader(doc), nil }, po)
		require.NoError(t, err)
		require.Equal(t, want, quirks(ws), "PatchStream, foreign=%v", foreign)
	}
	c, _, err := ReadCompactODM(read(), Options{})
	require.NoError(t, err)
	defer c.Close()
	ws, err := c.Patch(io.Discard, strings.NewReader(doc), PatchOptions{Options: Options{Now: now}, Read: odm.ReadOptions{Name: "base.xml"}})
	require.NoError(t, err)
	require.Equal(t, []string{quirk}, quirks(ws), "CompactDirectory.Patch")
	require.Equal(t, CodeQuirk, ws[0].Code, "the document's quirks come first")
}
