package odm_test

import (
	"bytes"
	"io"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// recordJSON is the JSON of one record as a document of its own.
func recordJSON(t *testing.T, v odm.Node) string {
	t.Helper()
	ad := &odm.AdminData{}
	switch v := v.(type) {
	case *odm.User:
		ad.Users = []*odm.User{v}
	case *odm.Location:
		ad.Locations = []*odm.Location{v}
	default:
		ad.Nodes = []odm.Node{v}
	}
	doc := &odm.Document{Version: odm.V13, Root: &odm.Element{Name: odm.Name{Space: odm.NS13, Local: "ODM"}, Children: []odm.Node{ad}}}
	var b bytes.Buffer
	require.NoError(t, odm.EncodeJSON(&b, doc))
	var x bytes.Buffer
	require.NoError(t, odm.NewEncoder(&x, odm.WriteOptions{}).Encode(doc))
	return b.String() + x.String()
}

// TestKeptRecordsStayIntact: without ReadOptions.Reuse a record is the caller's for good:
// records kept while many more are read (which share no memory with them) still read and
// write as they did when Next returned them. With Reuse, so is a record the caller hands
// Reader.Keep, while the records around it are recycled.
func TestKeptRecordsStayIntact(t *testing.T) {
	var in bytes.Buffer
	require.NoError(t, gen.InForm(&in, 3000))
	inputs := [][]byte{in.Bytes()}
	for _, tc := range layoutCases {
		inputs = append(inputs, repeatRoot(t, []byte(layoutDoc(tc.users)), 50))
	}
	for _, reuse := range []bool{false, true} {
		for _, input := range inputs {
			r := odm.NewReader(bytes.NewReader(input), odm.ReadOptions{Reuse: reuse})
			type kept struct {
				n    odm.Node
				json string
			}
			var keep []kept
			i := 0
			for n, err := range r.All() {
				require.NoError(t, err)
				if _, ok := n.(*odm.AdminData); ok {
					continue
				}
				if i%7 == 0 {
					r.Keep()
					keep = append(keep, kept{n, recordJSON(t, n)})
				}
				i++
			}
			require.NotEmpty(t, keep)
			for _, k := range keep {
				require.Equal(t, k.json, recordJSON(t, k.n), "Reuse %v: a kept record changed after more were read", reuse)
			}
		}
	}
}

// TestKeptRecordPinsLittle: a caller that keeps one record of a long stream holds that
// record's memory, not the memory of the records around it nor of the reader.
func TestKeptRecordPinsLittle(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 5,000 generated users four times")
	}
	var in bytes.Buffer
	require.NoError(t, gen.InForm(&in, 5000))
	data := in.Bytes()
	held := func(keepAt int) uint64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		var kept odm.Node
		func() {
			r := odm.NewReader(bytes.NewReader(data), odm.ReadOptions{})
			i := 0
			for {
				n, err := r.Next()
				if err == io.EOF {
					return
				}
				require.NoError(t, err)
				if _, ok := n.(*odm.User); ok {
					if i == keepAt {
						kept = n
					}
					i++
				}
			}
		}()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		runtime.KeepAlive(kept)
		if keepAt >= 0 {
			require.NotNil(t, kept)
		}
		return max(ms.HeapAlloc, base) - base
	}
	none := held(-1)
	for _, at := range []int{0, 2500, 4999} {
		got := held(at)
		t.Logf("keeping user %d holds %d bytes (%d with none kept)", at, got, none)
		// One generated user takes about 3.5 KB; 32 KiB leaves room for the collector's
		// rounding, never for a batch of neighbours or the reader's buffers.
		require.Less(t, got, none+32<<10, "keeping user %d holds %d bytes (%d with none kept)", at, got, none)
	}
}
