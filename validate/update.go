package validate

// MergeContact returns the record the server holds after update is applied to stored: a
// field the update gives replaces the stored value, and a field it leaves out (empty) keeps
// the stored value. The OpenClinica participant API documents this for secondaryId ("If it
// is not provided, the existing Secondary ID remains unchanged") and applies it to every
// contact field. Register is a request switch, not stored data, so the result has the
// update's.
func MergeContact(stored, update Contact) Contact {
	out := stored
	for i := range contactFields {
		f := &contactFields[i]
		if v := *f.get(&update); v != "" {
			*f.get(&out) = v
		}
	}
	out.Register = update.Register
	return out
}

// CheckUpdate checks an update of an existing participant (r.Existing, whose Contact is the
// stored record) and returns the record after the update with every violation: the
// fields the update gives, checked as [CheckContact] does (the server checks what it is
// sent), then the request rules of [CheckRequest] applied to the merged record. With
// r.Existing nil the update adds a participant and the result is the update itself.
func CheckUpdate(update Contact, r Request, opts Options) (Contact, []Finding) {
	merged := update
	if r.Existing != nil {
		merged = MergeContact(r.Existing.Contact, update)
	}
	out := CheckContact(update, opts)
	return merged, append(out, CheckRequest(merged, r, opts)...)
}
