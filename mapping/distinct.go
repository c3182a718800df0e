package mapping

import "slices"

// distinct collects values in the order first met, each once. The lists it serves (a
// user's sites, a site's versions, a user's pairs of study and site) hold a few values as a
// rule, which a scan finds fastest; past distinctScan values a set takes over, so that a
// list of tens of thousands (one user assigned to every site of a large study: 80,000
// LocationRefs took map --to csv 10 s and --to odm2 16 s, scanning the list for each)
// costs time linear in its length.
type distinct[T comparable] struct {
	list []T
	set  map[T]struct{}
	// probes counts the values compared and the set's look-ups, for the writer's count of
	// its work (writer.scans, TestWholeDirectoryWriteLinear).
	probes int
}

// distinctScan is the longest list searched by a scan.
const distinctScan = 32

// add appends v unless the list holds it, and reports whether it did.
func (d *distinct[T]) add(v T) bool {
	if d.set == nil {
		d.probes += len(d.list)
	} else {
		d.probes++
	}
	switch {
	case d.set != nil:
		if _, ok := d.set[v]; ok {
			return false
		}
		d.set[v] = struct{}{}
	case slices.Contains(d.list, v):
		return false
	case len(d.list) >= distinctScan:
		d.set = make(map[T]struct{}, 2*len(d.list))
		for _, x := range d.list {
			d.set[x] = struct{}{}
		}
		d.set[v] = struct{}{}
	}
	d.list = append(d.list, v)
	return true
}

// reset empties d for another list, keeping its memory.
func (d *distinct[T]) reset() {
	d.list = d.list[:0]
	d.set = nil // a large set is not kept for lists that are short as a rule
}

// appendDistinct appends to list each value of vals that list (or an earlier value of
// vals) does not hold yet, in linear time however long both are.
func appendDistinct[T comparable](list, vals []T) []T {
	if len(vals) == 0 {
		return list
	}
	d := distinct[T]{list: list}
	if len(list) > distinctScan {
		d.set = make(map[T]struct{}, len(list)+len(vals))
		for _, x := range list {
			d.set[x] = struct{}{}
		}
	}
	for _, v := range vals {
		d.add(v)
	}
	return d.list
}
