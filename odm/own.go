package odm

import "strings"

// ownHeader makes ad, an AdminData header as Reader hands it out, hold only memory of its
// own. Its callers keep a header while the records after it are read, and often to the
// end (mapping keeps every block's, for writing back): read into the arena's arrays,
// which are sized for the records around it (a user's layout and attributes, or in
// recycle mode sixteen of each), it would pin some three kilobytes, at an OpenClinica
// export's five thousand site studies fifteen megabytes. The copy is a few hundred bytes.
func ownHeader(ad *AdminData) {
	ad.StudyOID = strings.Clone(ad.StudyOID)
	ad.Attrs = ownAttrs(ad.Attrs)
	if ad.src != nil {
		c := *ad.src
		c.attrs = ownAttrs(c.attrs)
		ad.src = &c
	}
}

// ownAttrs returns a copy of attrs in an array of its own, the values copied too (names
// are shared by the scanner, not cut from the arena).
func ownAttrs(attrs []Attr) []Attr {
	if attrs == nil {
		return nil
	}
	out := make([]Attr, len(attrs))
	for i, a := range attrs {
		a.Value = strings.Clone(a.Value)
		out[i] = a
	}
	return out
}
