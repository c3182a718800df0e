package odm

// Poisoned returns opts with which the strings StreamJSON and Transform recycle are
// overwritten when their memory is handed out again, so that a string held past its
// record's reset reads as '#'s in what is written, never as the next record's bytes by
// chance.
func Poisoned(opts ReadOptions) ReadOptions {
	opts.poison = true
	return opts
}
