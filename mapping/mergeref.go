package mapping

// Each file of a several-file export is read alone, so a reference into another of its
// files (a Rave Users.odm's LocationRef to a site of Sites.odm, an InForm page's GroupRef to
// a group another page defines) is reported as dangling by the file's reader. Once the
// files are merged, such a reference is resolved and the warning is wrong.

const locationRefField = "User/LocationRef/@LocationOID"

// ResolvedAcross returns ws, the warnings of reading dirs (dirs[i] read from the input
// named names[i]), with the dangling-reference warnings of sites and groups brought in line
// with merged, the directory the files were merged into (MergeNamed): a warning whose
// references all name a site or group another file defines is left out; one with some that
// none of the files defines counts those only and says so. A warning whose file or count
// does not match what the directory shows is kept as it is.
func ResolvedAcross(names []string, dirs []*Directory, merged *Directory, ws []Warning) []Warning {
	if len(dirs) < 2 || merged == nil {
		return ws
	}
	sites := map[string]bool{}
	for _, s := range merged.Sites {
		sites[s.ID] = true
	}
	groups := map[string]bool{}
	for _, g := range merged.Groups {
		groups[g.ID] = true
	}
	out := ws[:0:0]
	for _, w := range ws {
		if w.Code != CodeDanglingRef || (w.Field != locationRefField && w.Field != groupRefField) {
			out = append(out, w)
			continue
		}
		i := indexOf(names, w.File)
		if i < 0 || i >= len(dirs) || dirs[i] == nil {
			out = append(out, w)
			continue
		}
		total, left, first := danglingIn(dirs[i], w.Field, sites, groups)
		switch {
		case total != w.Count: // counted otherwise than the reader did: keep its word
			out = append(out, w)
		case left == 0:
			// every reference is defined in another of the files
		default:
			if first != w.Subject {
				w.Line, w.Col = 0, 0 // the place was the first value's, now resolved
			}
			w.Count, w.Subject = left, first
			w.Message += " (nor in the other files read with it)"
			out = append(out, w)
		}
	}
	return out
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}

// danglingIn counts the references of d's users (site references for locationRefField,
// group references for groupRefField, each (user, id) pair once per user as the reader
// warns) that d itself does not define, how many of them the merged definitions
// (sites, groups) do not define either, and the subject of the first of those.
func danglingIn(d *Directory, field string, sites, groups map[string]bool) (total, left int, first string) {
	own := map[string]bool{}
	if field == locationRefField {
		for _, s := range d.Sites {
			own[s.ID] = true
		}
	} else {
		for _, g := range d.Groups {
			own[g.ID] = true
		}
	}
	for _, u := range d.Users {
		var ids []string
		if field == locationRefField {
			for _, a := range u.Assignments {
				ids = append(ids, a.Site)
			}
		} else {
			for _, g := range u.Groups {
				ids = append(ids, g.ID)
			}
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if id == "" || own[id] || seen[id] {
				continue
			}
			seen[id] = true
			total++
			if (field == locationRefField && sites[id]) || (field == groupRefField && groups[id]) {
				continue
			}
			if left == 0 {
				first = "User " + u.ID
			}
			left++
		}
	}
	return total, left, first
}
