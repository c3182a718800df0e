package odm

// Keep hands the record Next returned last to the caller for good when the Reader
// recycles records (ReadOptions.Reuse): nothing of it (its slices, nested values and
// layout, the value itself) is handed out again, so it stays valid after later calls of
// Next, as every record of a Reader without Reuse does. A caller that keeps only a few of
// the records of a long stream (the Locations, Organizations and SignatureDefs of an
// export, say, and none of its users) calls Keep for those and lets the rest be recycled.
// Without Reuse it does nothing: every record is the caller's already.
func (r *Reader) Keep() {
	if r == nil {
		return
	}
	s := r.s
	if !s.ar.recycling() {
		return
	}
	s.ar.detach()
	// The next record of each kind is a new value: the kept one is read into no more.
	s.recs = [len(s.recs)]Node{}
}
