package odm

// PoisonRecycledStrings has r overwrite the strings it recycles (in StreamJSON) when it
// hands their memory out again, so that a string held past its record's reset reads as
// '#'s in what is written, never as the next record's bytes by chance.
func PoisonRecycledStrings(r *Reader) *Reader {
	r.s.ar.strs.poison = true
	return r
}
