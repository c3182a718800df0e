package diff

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/odmadmin/odmadmin/mapping"
)

func TestCompareContext(t *testing.T) {
	var a, b mapping.Directory
	for i := range 5000 {
		a.Users = append(a.Users, &mapping.User{ID: "U" + strconv.Itoa(i), Login: "a" + strconv.Itoa(i)})
		b.Users = append(b.Users, &mapping.User{ID: "U" + strconv.Itoa(i), Login: "b" + strconv.Itoa(i)})
	}
	changes, err := CompareContext(context.Background(), &a, &b, Options{})
	if err != nil || len(changes) == 0 {
		t.Fatalf("not cancelled: %d changes, %v", len(changes), err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	changes, err = CompareContext(ctx, &a, &b, Options{})
	if !errors.Is(err, context.Canceled) || changes != nil {
		t.Errorf("cancelled: %d changes, %v; want none and context.Canceled", len(changes), err)
	}
}
