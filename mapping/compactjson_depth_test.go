package mapping_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/mapping"
)

// TestReadCompactDeepJSON: a directory JSON nested a million arrays deep (2 MB) outside
// "users" is an error, as encoding/json's max depth makes it for the whole read; the
// token reader that copies the members other than "users" recursed once per level and
// the process died of a stack overflow (map --to json, plan --upload, diff).
func TestReadCompactDeepJSON(t *testing.T) {
	const depth = 1_000_000
	in := `{"studies":` + strings.Repeat("[", depth) + strings.Repeat("]", depth) + `}`
	c, _, err := mapping.ReadCompact(strings.NewReader(in), "deep.json", mapping.Options{})
	if err == nil {
		c.Close()
		t.Fatal("no error")
	}
	// The compact reader leaves the input to the whole read, as it does any JSON it does
	// not decode, and the whole read refuses it.
	if !errors.Is(err, mapping.ErrReadWhole) {
		t.Fatalf("error %v, want ErrReadWhole", err)
	}
	if _, _, err := mapping.ReadAny(strings.NewReader(in), "deep.json", mapping.Options{}); err == nil || !strings.Contains(err.Error(), "depth") {
		t.Errorf("ReadAny: error %v, want one about the nesting depth", err)
	}
}
