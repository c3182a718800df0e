package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/internal/gen"
)

// TestStdoutPartialOnFailure checks what the README says of a run that fails part way:
// the commands that stream write to stdout as they go, so a document that breaks after
// many records leaves part of the output on stdout (and exit 2 with the error), while
// with -o the same run leaves no file. A command that holds its output until the end
// (map --to json) prints nothing.
func TestStdoutPartialOnFailure(t *testing.T) {
	var doc bytes.Buffer
	require.NoError(t, gen.InForm(&doc, 2000))
	// Cut in the middle of the last third of the users: well-formed up to there.
	cut := doc.Bytes()[:doc.Len()*2/3]
	dir := t.TempDir()
	in := filepath.Join(dir, "cut.xml")
	require.NoError(t, os.WriteFile(in, cut, 0o644))

	cases := []struct {
		args    []string
		partial bool
		why     string
	}{
		{[]string{"convert", "--to", "json"}, true, "convert streams its JSON record by record"},
		{[]string{"convert", "--to", "odm"}, true, "convert streams the document it copies"},
		{[]string{"query", "--format", "text", "--xpath", "//odm:User/odm:LoginName"}, true, "a per-record query prints each match as it is found"},
		{[]string{"map", "--to", "json"}, false, "map reads the whole directory before writing"},
		{[]string{"check"}, false, "check lists findings after reading"},
	}
	for _, c := range cases {
		code, stdout, stderr := runCmd(nil, append(append([]string{}, c.args...), in)...)
		require.Equal(t, 2, code, "%v: %s", c.args, stderr)
		require.Contains(t, stderr, "unexpected end of input", c.args)
		if c.partial {
			require.NotEmpty(t, stdout, "%v: %s", c.args, c.why)
		} else {
			require.Empty(t, stdout, "%v: %s", c.args, c.why)
		}
		out := filepath.Join(dir, "out")
		code, _, _ = runCmd(nil, append(append([]string{}, c.args...), "-o", out, in)...)
		require.Equal(t, 2, code, c.args)
		_, err := os.Stat(out)
		require.True(t, os.IsNotExist(err), "%v: -o leaves no file after a failure", c.args)
	}
}
