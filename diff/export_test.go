package diff

import (
	"context"
	"hash/maphash"

	"github.com/odmadmin/odmadmin/mapping"
)

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

// FingerprintComparer hashes users as CompareSides's first pass does, with the default
// options.
type FingerprintComparer struct {
	c *comparer
	f fingerprinter
}

func NewFingerprintComparer() *FingerprintComparer {
	fc := &FingerprintComparer{c: &comparer{fields: allFields, same: true, byName: true}}
	fc.f.seeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}
	return fc
}

// Fingerprint hashes u under its key.
func (fc *FingerprintComparer) Fingerprint(u *mapping.User) [2]uint64 {
	return fc.f.user(fc.c, fc.c.userKey(u), u)
}
