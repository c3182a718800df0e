package odm_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/odm"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestGoldenJSON pins the JSON form of every fixture: scripts depend on it, so any change
// to it must show up as a diff here. Refresh with go test ./odm -run Golden -update.
func TestGoldenJSON(t *testing.T) {
	for _, f := range fixtures(t, false) {
		name := filepath.Base(filepath.Dir(f)) + "-" + strings.TrimSuffix(filepath.Base(f), ".xml") + ".json"
		t.Run(name, func(t *testing.T) {
			doc, err := odm.DecodeFile(f, odm.ReadOptions{})
			require.NoError(t, err)
			var got bytes.Buffer
			require.NoError(t, odm.EncodeJSON(&got, doc))
			golden := filepath.Join("testdata", "golden", name)
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, got.Bytes(), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "missing golden file: run go test ./odm -run Golden -update")
			if d := cmp.Diff(string(want), got.String()); d != "" {
				t.Errorf("JSON form changed (-golden +got):\n%s", d)
			}
		})
	}
}
