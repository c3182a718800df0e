package diff

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/odmadmin/odmadmin/mapping"
)

// TestCancelledBeforeStart: a context cancelled before the call stops CompareContext at
// once, with ctx.Err() and no changes, whatever the number of users; a comparison of fewer
// users than the loops check at (every 1024) ran to its end and returned them all.
func TestCancelledBeforeStart(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := func(n int) *mapping.Directory {
		d := &mapping.Directory{Sites: []*mapping.Site{{ID: "01", Name: "One"}}}
		for i := range n {
			d.Users = append(d.Users, &mapping.User{ID: "U" + strconv.Itoa(i), Login: "u" + strconv.Itoa(i)})
		}
		return d
	}
	for _, tt := range []struct {
		name, reason string
		n            int
	}{
		{"1000 users", "fewer than the loop's period", 1000},
		{"one user", "a single user", 1},
		{"no user", "only a site: the users' loop never checks", 0},
	} {
		changes, err := CompareContext(ctx, dir(tt.n), nil, Options{})
		if !errors.Is(err, context.Canceled) || changes != nil {
			t.Errorf("CompareContext, %s (%s): %d changes, %v", tt.name, tt.reason, len(changes), err)
		}
	}
}

// TestTargetNil: a nil user is named as an empty one (it panicked).
func TestTargetNil(t *testing.T) {
	if got, want := Target(nil), Target(&mapping.User{}); got != want {
		t.Errorf("Target(nil) = %q, want %q (an empty user's)", got, want)
	}
}
