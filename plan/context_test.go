package plan

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/odmadmin/odmadmin/mapping"
)

func TestMakeContext(t *testing.T) {
	var rows []Row
	for i := range 1000 {
		rows = append(rows, Row{Number: i + 2, Login: "user" + strconv.Itoa(i), Emails: []string{"u" + strconv.Itoa(i) + "@example.org"}})
	}
	existing := &mapping.Directory{}
	if _, err := Make(existing, rows, Options{Study: "S", Context: context.Background()}); err != nil {
		t.Fatalf("not cancelled: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if p, err := Make(existing, rows, Options{Study: "S", Context: ctx}); !errors.Is(err, context.Canceled) || p != nil {
		t.Errorf("cancelled: %v, %v; want no plan and context.Canceled", p, err)
	}
}
