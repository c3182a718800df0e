package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"slices"

	"github.com/odmadmin/odmadmin/odm"
)

// WriteJSON reads r like [FromReader] and writes the directory as JSON, byte for byte what
// json.Encoder with a two-space indent writes for the Directory FromReader returns. It
// never holds the directory: the users are kept as the compact records FromReader reads
// them into, in a temporary file, and each is written in turn straight from its record
// (without opts.Spec; a person read in several AdminData blocks, or with the spec each
// user, is built as a User first, written and dropped). Memory
// is a small index per user (see the package's Performance notes), not the records nor
// the model values. It returns FromReader's warnings (and, with opts.Spec, the spec's).
func WriteJSON(w io.Writer, r *odm.Reader, opts Options) ([]Warning, error) {
	// Without a spec (which renames the directory's sites before the users come) the
	// sites are read into the temporary file and written from there.
	b, err := readValues(r, opts, valuesOpts{spillSites: opts.Spec == nil || opts.Spec.Spec == nil, spillDefs: true})
	if err != nil {
		return nil, err
	}
	defer b.close()
	b.finishPrepare()
	run := startSpec(b.dir, opts)
	jw, err := b.writeJSONSites(w)
	if err != nil {
		return nil, err
	}
	jw.orgs, jw.sigs = b.orgJSON, b.sigJSON
	// Neither the spec's run nor jw keeps a pointer into a user.
	b.reuseUsers = true
	if run == nil && !b.keep && !jsonViaUsers {
		// Without a spec to apply to each User, users are written from their records.
		b.jsonOut, b.jrec = jw, &jsonRecord{assigns: make([]Assignment, 0, 4)}
		jw.enc.schemas = b.schemas // all read by now
		// recordTrace keeps nothing of a record past it: the spill's chunks are read
		// into the memory of those read before.
		b.spill.recycle = true
		jw.enc.reused = b.spill.holds
	}
	if err := b.finishEach(func(_ int, u *User) error {
		if run != nil && !run.user(u) {
			return nil
		}
		return jw.user(u)
	}); err != nil {
		return nil, err
	}
	// The organizations and signatures are read back from the temporary file: it is
	// closed once they are written.
	if err := jw.end(); err != nil {
		return nil, err
	}
	return append(b.w.result(), run.result()...), b.close()
}

// jsonUsers writes a directory's JSON around users written one at a time.
type jsonUsers struct {
	w   io.Writer
	d   *Directory
	n   int
	enc userJSON
	// orgs and sigs, when set, hold the JSON of d's organizations and signatures
	// (builder.orgJSON and sigJSON).
	orgs, sigs *spilledJSON
}

// shellJSON returns the JSON of d without its users and sites, and where the arrays of
// sites and users are in it (between at-1 and at).
func shellJSON(d *Directory) (b []byte, sitesAt, usersAt int, err error) {
	shell := *d
	shell.Users = []*User{}
	if shell.Sites != nil {
		shell.Sites = []*Site{}
	}
	// The groups, organizations and signatures follow the users; jsonUsers.end writes
	// them one at a time (tailArrays), as many as the users in some exports, so that
	// neither this shell nor its JSON holds them all twice over.
	shell.Groups, shell.Organizations, shell.Signatures = nil, nil, nil
	// So are the source's blocks (one per AdminData element, as many as the users in an
	// export of one block per user), which close the JSON: their array is left empty.
	if src := d.Source; src != nil && len(src.Blocks) > 0 {
		c := *src
		c.Blocks = []Block{}
		shell.Source = &c
	}
	b, err = json.MarshalIndent(&shell, "", "  ")
	if err != nil {
		return nil, 0, 0, err
	}
	find := func(key string) int {
		if i := bytes.Index(b, []byte(key)); i >= 0 {
			return i + len(key) - 1
		}
		return -1
	}
	sitesAt, usersAt = find("\n  \"sites\": []"), find("\n  \"users\": []")
	if usersAt < 0 || (d.Sites != nil && (sitesAt < 0 || sitesAt > usersAt)) {
		return nil, 0, 0, errors.New("mapping: no users or sites key in the directory JSON")
	}
	return b, sitesAt, usersAt, nil
}

// newJSONUsers writes d (its Users left out) up to the users' array. The sites, a large
// part of a large export, are written one at a time, and what follows the users is made
// again at the end rather than held meanwhile.
func newJSONUsers(w io.Writer, d *Directory) (*jsonUsers, error) {
	return newJSONUsersSites(w, d, slices.Values(d.Sites), len(d.Sites))
}

// writeJSONSites writes b's directory up to its users' array (newJSONUsers), the sites
// from b's packer where it spilled them. Then what the users need of the sites is a study
// per site, and that is all the builder keeps of them: the sites themselves (some
// thousand bytes of strings, slices and maps each, most of the heap by then) would be
// marked by every collection while the users are written, which at a million users ran
// a collection every few thousand users.
func (b *builder) writeJSONSites(w io.Writer) (*jsonUsers, error) {
	if b.sitePack != nil && b.sitePack.spills {
		return b.jsonSpilledSites(w)
	}
	jw, err := newJSONUsers(w, b.dir)
	if err != nil {
		return nil, err
	}
	b.letGoOfSites()
	return jw, nil
}

// jsonSpilledSites is newJSONUsers of b's directory and the n sites b's packer spilled,
// read back in order. It takes what resolve needs of each (siteStudies) as it goes, and
// lets go of the packer: the sites are not read again.
func (b *builder) jsonSpilledSites(w io.Writer) (jw *jsonUsers, err error) {
	defer catchSpill(&err)
	p := b.sitePack
	// The look-ups of the sites read are done with: their index goes before resolve's
	// is made.
	p.byID, p.listed = nil, nil
	b.siteStudy = newSiteStudies(p.len())
	jw, err = newJSONUsersSites(w, b.dir, func(yield func(*Site) bool) {
		for s := range p.all() {
			// Resolve's index is taken here: reading the sites back again for it
			// would decode each twice.
			b.siteStudy.add(s.ID, s)
			if !yield(s) {
				return
			}
		}
	}, p.len())
	b.sitePack = nil
	return jw, err
}

// newJSONUsersSites is newJSONUsers of d with its n sites, which sites yields, in
// place of d.Sites.
func newJSONUsersSites(w io.Writer, d *Directory, sites iter.Seq[*Site], n int) (*jsonUsers, error) {
	head, sitesAt, usersAt, err := shellJSON(d)
	if err != nil {
		return nil, err
	}
	jw := &jsonUsers{w: w, d: d, enc: userJSON{prefix: "    "}}
	from := 0
	if n > 0 {
		if _, err := w.Write(head[:sitesAt]); err != nil {
			return nil, err
		}
		// Written as the users are (userJSON, as json.Encoder indents them), gathered
		// jsonBatch at a time.
		e := &jw.enc
		i := -1
		for s := range sites {
			i++
			if i == 0 {
				e.b = append(e.b, "\n    "...)
			} else {
				e.b = append(e.b, ",\n    "...)
			}
			e.site(s)
			if len(e.b) >= jsonBatch {
				if err := jw.flush(); err != nil {
					return nil, err
				}
			}
		}
		e.b = append(e.b, "\n  "...)
		if err := jw.flush(); err != nil {
			return nil, err
		}
		from = sitesAt
	}
	if _, err := w.Write(head[from:usersAt]); err != nil {
		return nil, err
	}
	return jw, nil
}

// jsonViaUsers (tests only) has WriteJSON build every user as a User and write that,
// as before builder.recordTrace, to compare the two.
var jsonViaUsers = false

// jsonBatch is how much of the users' JSON jsonUsers gathers before writing it: a
// bufio.Writer (what the command writes through) hands a write at least as large as its
// buffer straight on, where it copied each user's 2 to 3 KB into its buffer first.
const jsonBatch = 64 << 10

// usersBatch is jsonBatch for the users' array, the bulk of the output (some 2.7 KB a
// user of an InForm export, 2.7 GB at a million users): written 64 KiB at a time that
// was 41,000 writes, whose system calls cost 1% of map --to json's CPU into /dev/null;
// 512 KiB at a time is 5,200 of them, for half a megabyte more held.
const usersBatch = 512 << 10

func (j *jsonUsers) user(u *User) error {
	e := &j.enc
	e.trace, e.vals = e.trace[:0], e.vals[:0]
	e.walk(u)
	return j.traced()
}

// traced writes the user whose trace and values are in j.enc (user, or
// builder.recordTrace).
func (j *jsonUsers) traced() error {
	e := &j.enc
	if j.n == 0 {
		e.b = append(e.b, "\n    "...)
	} else {
		e.b = append(e.b, ",\n    "...)
	}
	j.n++
	e.write()
	if len(e.b) < usersBatch {
		return nil
	}
	return j.flush()
}

// flush writes the users' JSON gathered so far.
func (j *jsonUsers) flush() error {
	e := &j.enc
	if len(e.b) == 0 {
		return nil
	}
	_, err := j.w.Write(e.b)
	e.b = e.b[:0]
	return err
}

func (j *jsonUsers) end() error {
	if err := j.flush(); err != nil {
		return err
	}
	if j.n > 0 {
		if _, err := io.WriteString(j.w, "\n  "); err != nil {
			return err
		}
	}
	tail, _, i, err := shellJSON(j.d)
	if err != nil {
		return err
	}
	// tail[i] closes the users' array; the arrays shellJSON left out follow it.
	if _, err := j.w.Write(tail[i : i+1]); err != nil {
		return err
	}
	if err := j.tailArrays(); err != nil {
		return err
	}
	rest := tail[i+1:]
	if src := j.d.Source; src != nil && len(src.Blocks) > 0 {
		// The source's blocks, the last key of the source, the last key of the directory.
		const key = "\n    \"blocks\": []"
		k := bytes.LastIndex(rest, []byte(key))
		if k < 0 {
			return errors.New("mapping: no blocks key in the directory JSON")
		}
		k += len(key) - 1
		if _, err := j.w.Write(rest[:k]); err != nil {
			return err
		}
		if err := j.blocks(src.Blocks); err != nil {
			return err
		}
		rest = rest[k:]
	}
	if _, err := j.w.Write(rest); err != nil {
		return err
	}
	_, err = io.WriteString(j.w, "\n")
	return err
}

// blocks writes the elements of the source's blocks array as MarshalIndent writes them
// within the whole directory, gathering jsonBatch bytes at a time.
func (j *jsonUsers) blocks(bs []Block) error {
	if err := j.elements(len(bs), "      ", func(i int) any { return &bs[i] }); err != nil {
		return err
	}
	j.enc.b = append(j.enc.b, "\n    "...)
	return j.flush()
}

// elements writes n array elements, elem(i) each, as MarshalIndent writes them at the
// given indent within the whole directory, gathering jsonBatch bytes at a time.
func (j *jsonUsers) elements(n int, indent string, elem func(int) any) error {
	e := &j.enc
	nl := "\n" + indent
	for i := range n {
		v, err := json.MarshalIndent(elem(i), indent, "  ")
		if err != nil {
			return err
		}
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.b = append(append(e.b, nl...), v...)
		if len(e.b) >= jsonBatch {
			if err := j.flush(); err != nil {
				return err
			}
		}
	}
	return nil
}

// tailArrays writes the directory's groups, organizations and signatures (those of its
// keys json.Marshal writes after "users", each left out when empty) as MarshalIndent
// writes them within the whole directory, one element at a time.
func (j *jsonUsers) tailArrays() error {
	d := j.d
	if len(d.Groups) > 0 {
		if err := j.tailArray("groups", len(d.Groups), func(i int) any { return d.Groups[i] }); err != nil {
			return err
		}
	}
	if j.orgs.len() > 0 {
		if err := j.orgs.writeArray(j, "organizations"); err != nil {
			return err
		}
	} else if len(d.Organizations) > 0 {
		if err := j.tailArray("organizations", len(d.Organizations), func(i int) any { return d.Organizations[i] }); err != nil {
			return err
		}
	}
	if j.sigs.len() > 0 {
		return j.sigs.writeArray(j, "signatures")
	}
	if len(d.Signatures) > 0 {
		return j.tailArray("signatures", len(d.Signatures), func(i int) any { return d.Signatures[i] })
	}
	return nil
}

// tailArray writes the key and array of n elements, elem(i) each, at the directory's
// top level, gathering jsonBatch bytes at a time.
func (j *jsonUsers) tailArray(key string, n int, elem func(int) any) error {
	e := &j.enc
	e.b = append(append(append(e.b, ",\n  \""...), key...), "\": ["...)
	if err := j.elements(n, "    ", elem); err != nil {
		return err
	}
	e.b = append(e.b, "\n  ]"...)
	return j.flush()
}

// ReadEach reads r like [FromReader] but keeps only the users keep returns: keep gets each
// user in turn, built from its compact record once the stream is read, and returns the
// user to keep (the same one, a smaller stand-in) or nil. The users kept are the returned
// directory's Users, in order; everything else in the directory is as FromReader gives
// it. A caller that needs a few users of a large export (plan keeps those its rows name)
// so holds a small index per user while reading (the compact records are in a temporary
// file, as for WriteJSON) and the users it keeps, not the model values of every user.
func ReadEach(r *odm.Reader, opts Options, keep func(*User) *User) (*Directory, []Warning, error) {
	opts.Spec = nil // ReadEach applies none
	d, ws, _, err := ReadEachSpec(r, opts, keep)
	return d, ws, err
}
