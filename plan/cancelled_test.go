package plan

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/mapping"
)

// TestMakeCancelledBeforeStart: Make with a context cancelled before the call returns
// ctx.Err(), as its Options promise, for an upload of fewer rows than its loop checks at
// (every 256) and for one of no row; both were planned in full.
func TestMakeCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tt := range []struct {
		name, reason string
		n            int
	}{
		{"100 rows", "fewer than the loop's period", 100},
		{"no row", "the loop never runs", 0},
	} {
		var rows []Row
		for i := range tt.n {
			rows = append(rows, Row{Number: i + 2, Login: "user" + strconv.Itoa(i)})
		}
		p, err := Make(&mapping.Directory{}, rows, Options{Study: "S", Context: ctx})
		if !errors.Is(err, context.Canceled) || p != nil {
			t.Errorf("%s (%s): plan %v, %v", tt.name, tt.reason, p != nil, err)
		}
	}
}

// TestReadNilReader: the template readers given a nil reader say so (they panicked).
func TestReadNilReader(t *testing.T) {
	for _, tt := range []struct {
		name string
		read func() ([]Row, error)
	}{
		{"ReadCSV", func() ([]Row, error) { return ReadCSV(nil) }},
		{"ReadXLSX", func() ([]Row, error) { return ReadXLSX(nil) }},
	} {
		rows, err := tt.read()
		if err == nil || rows != nil || !strings.Contains(err.Error(), "the reader is nil") {
			t.Errorf("%s(nil): %v, %v", tt.name, rows, err)
		}
	}
}
