// Package intern gives names read again and again (element and attribute names, prefixes)
// one shared string each, instead of a new string for each occurrence.
package intern

// maxNames bounds the names a Table keeps: input with ever new names (generated or hostile)
// does not grow it past that; a name past it is a string of its own at each occurrence.
const maxNames = 4096

// Table interns names. The zero value is ready to use; a Table is not safe for
// concurrent use.
type Table struct {
	// recent holds the name last found for each value of a cheap hash of a few of its
	// bytes: a pretty-printed export repeats the same few dozen names, so most lookups end
	// here with one comparison, without hashing the whole name for the map.
	recent [256]string
	all    map[string]string
}

// Name returns b as a string, the same string for the same bytes as long as the table
// holds them ("" for none).
func (t *Table) Name(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	h := (uint(len(b))*131 + uint(b[0])*31 + uint(b[len(b)-1])*7 + uint(b[len(b)/2])) % uint(len(t.recent))
	if v := t.recent[h]; v == string(b) {
		return v
	}
	v, ok := t.all[string(b)]
	if !ok {
		v = string(b)
		if t.all == nil {
			t.all = make(map[string]string)
		}
		if len(t.all) < maxNames {
			t.all[v] = v
		}
	}
	t.recent[h] = v
	return v
}
