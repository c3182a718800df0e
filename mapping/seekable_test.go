package mapping

import (
	"io"
	"os"
	"runtime"
	"strings"
	"testing"
)

// TestSeekableCopyRemovedAtOnce: a patch's document that cannot seek is copied to a
// temporary file, which holds people's names: it is removed as soon as it is made where
// the system allows it, so that no exit path (a crash, a kill) leaves it behind, as the
// package's other temporary files are. It was removed by done alone.
func TestSeekableCopyRemovedAtOnce(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("an open file cannot be removed on Windows: done removes it")
	}
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	const doc = "<ODM><AdminData/></ODM>"
	rs, done, err := seekable(io.MultiReader(strings.NewReader(doc))) // not a ReadSeeker
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("the copy is in %s while it is read: %v", dir, left)
	}
	b, err := io.ReadAll(rs)
	if err != nil || string(b) != doc {
		t.Errorf("read back %q, %v; want the document", b, err)
	}
	if err := done(); err != nil {
		t.Errorf("done: %v", err)
	}
}
