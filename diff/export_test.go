package diff

import "context"

// CompareSidesHeld is CompareSides that also returns how many users of each side its
// second pass held (in its temporary files), for the tests of what it reads again.
func CompareSidesHeld(ctx context.Context, a, b Side, opts SidesOptions) ([]Change, [2]int, error) {
	var out []Change
	var held [2]int
	err := compareSides(ctx, a, b, opts, func(ch Change) error {
		out = append(out, ch)
		return nil
	}, &held)
	return out, held, err
}
