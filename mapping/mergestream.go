package mapping

import (
	"fmt"
	"io"
	"iter"
	"slices"
	"time"

	"github.com/odmadmin/odmadmin/odm"
)

// MergeStream is [MergeNamed] for files added one at a time, holding the merged users in
// a temporary file rather than in memory: what stays in memory per user is some 14 to 26
// bytes of index (where its encoding is; its OID and folded login by hash, one entry when
// they are the same), plus the studies and groups, the sites packed into one string
// (mergesites.go), and for each user a later file merges into some 7 bytes more (which
// of the encodings in a second temporary file is its latest, 4 bytes, and each one's
// length, 2: see laterIndex). Once the merged directory is asked for (to be written), the
// sites are built as model values and the index by OID and login is let go. An ODM file
// is read into it as WriteJSON reads one (AddODM), and a table held as compact records
// one user at a time (AddCompact), so that several large files of one export are mapped
// in the memory one of them takes. The merged directory, its users and warnings are
// MergeNamed's for the directories the files hold, in its order.
type MergeStream struct {
	m     merger
	heads *mergeHeads
	users mergeStore
	// keys finds a user by its own OID and by its folded login, both in one table: an
	// entry is checked against the user's encoding (its OID for an OID, its folded login
	// for a login), so that a user whose OID is its folded login needs one entry, not
	// one in each of two tables (8 bytes over 0.675 a key: 12 MB a million). alias
	// finds one by another OID that a record matched by login had.
	keys  *idIndex
	alias map[string]int32
	// fileFirst[i] is the first user file i added (users are added file by file).
	fileFirst []int32
	// tables[i] says file i is a user table by OID; listed has a bit for each user a
	// file that is not one lists (see orphanTableUsers): 1 bit a user. orphansDone says
	// Warnings has reported them.
	tables      []bool
	listed      []uint64
	orphansDone bool
	refs        []*fileRefs
	// sites are the merged sites, packed until the merged directory is asked for
	// (mergesites.go); unpacked says they are mergeHeads' from then on.
	sites    mergedSites
	unpacked bool
}

// NewMergeStream starts a merge. Close removes its temporary files.
func NewMergeStream() (*MergeStream, error) {
	s := &MergeStream{m: merger{w: &warner{}, origin: map[any]int{}}, keys: newIDIndex()}
	s.heads = newMergeHeads(&s.m)
	var err error
	if s.users.sp, err = newSpill(); err != nil {
		return nil, err
	}
	if s.users.laterIndex.later, err = newSpill(); err != nil {
		s.users.sp.close()
		return nil, err
	}
	return s, nil
}

// Close removes the temporary files and returns the first I/O error met on them.
func (s *MergeStream) Close() error {
	err := s.users.sp.close()
	if e := s.users.later.close(); err == nil {
		err = e
	}
	return err
}

// Add merges the directory d read from the file name.
func (s *MergeStream) Add(name string, d *Directory) (err error) {
	if d == nil {
		return nil
	}
	defer catchSpill(&err)
	fi := s.begin(name, d, slices.Values(d.Sites), idsOf(d.Sites))
	for _, u := range d.Users {
		if err := s.user(fi, u); err != nil {
			return err
		}
	}
	s.refs[fi].done()
	return s.users.err()
}

// AddCompact merges the directory c holds, read from the file name, as Add merges it, one
// user at a time: the users of a table held as compact records (ReadCompact) are built
// one by one and none is held, where Add takes a directory whose users are all in
// memory (a Clinical One template of 200,000 users merged into an export of the same
// users took 341 MiB that way).
func (s *MergeStream) AddCompact(name string, c *CompactDirectory) (err error) {
	if c == nil {
		return nil
	}
	defer catchSpill(&err)
	d := c.shell
	fi := s.begin(name, d, slices.Values(d.Sites), idsOf(d.Sites))
	var uerr error
	if _, err := c.Each(func(u *User) *User {
		if uerr == nil {
			uerr = s.user(fi, u)
		}
		return nil
	}); err != nil {
		return err
	}
	if uerr != nil {
		return uerr
	}
	s.refs[fi].done()
	return s.users.err()
}

// AddODM reads r as [FromReader] does and merges the directory it holds, read from the
// file name, one user at a time: the file's users are held as WriteJSON holds them while
// it is read. It returns FromReader's warnings.
func (s *MergeStream) AddODM(name string, r *odm.Reader, opts Options) (ws []Warning, err error) {
	// The builder holds the file's sites packed (sitepack.go), each built from its
	// packing where it is merged; those the merge holds already, as the merge's.
	b, err := readStreamSites(r, opts, true, newSitePacker(s.sites.t))
	if err != nil {
		return nil, err
	}
	defer b.close()
	defer catchSpill(&err)
	b.finishPrepare()
	fi := s.begin(name, b.dir, b.sitePack.all(), b.sitePack.ids())
	// The merge holds its own copies of the sites (begin); what the users need of the
	// builder's is a study per site. Held twice while the users are merged, the sites
	// were most of what every collection marked, as in WriteJSON.
	b.siteStudies()
	b.sitePack, b.sites, b.dir.Sites = nil, nil, []*Site{}
	// s.user keeps no pointer into a user (it encodes it, and merges into a copy
	// decoded from the store), so each is built in the memory of the one before.
	b.reuseUsers = true
	if err := b.finishEach(func(_ int, u *User) error { return s.user(fi, u) }); err != nil {
		return nil, err
	}
	s.refs[fi].done()
	if err := b.close(); err != nil {
		return nil, err
	}
	return b.w.result(), s.users.err()
}

// begin merges everything of d, file name's directory, but its users, and returns the
// file's index. sites are d's sites (d.Sites may be empty: the builder's are packed),
// built anew each time they are asked for when they are packed, and ids their IDs.
func (s *MergeStream) begin(name string, d *Directory, sites iter.Seq[*Site], ids iter.Seq[string]) int {
	fi := len(s.m.files)
	s.m.files = append(s.m.files, name)
	s.fileFirst = append(s.fileFirst, s.users.n)
	s.tables = append(s.tables, d.userTable)
	if s.unpacked {
		head := *d
		head.Sites = slices.Collect(sites)
		s.heads.add(fi, &head)
	} else {
		// As heads.add, in its order (studies, sites, groups), with the sites packed.
		head := *d
		head.Sites, head.Groups = nil, nil
		s.heads.add(fi, &head)
		if !s.mergeSites(fi, sites) {
			s.unpack()
			s.heads.add(fi, &Directory{Sites: slices.Collect(sites)})
		}
		s.heads.add(fi, &Directory{Groups: d.Groups})
	}
	s.refs = append(s.refs, newFileRefs(ids, d.Groups))
	return fi
}

// user merges u, the next user of file fi, as MergeNamed does: into the person of an
// earlier user with its OID, else its login, else as a new user.
func (s *MergeStream) user(fi int, u *User) error {
	if u == nil {
		return nil
	}
	s.refs[fi].user(u)
	if s.keys == nil {
		s.rekey()
	}
	p := int32(-1)
	if u.ID != "" {
		p = s.findID(u.ID)
	}
	if p < 0 && u.Login != "" {
		p = s.findLogin(LoginKey(u.Login))
	}
	var pu *User
	if p < 0 {
		// The store encodes the user (it keeps no pointer into it); a user with decoded
		// records (a directory decoded whole) is encoded without them, as a copy.
		c := u
		if u.Source != nil && len(u.Source.recs) > 0 {
			cp := *u
			cp.Source = cloneSource(u.Source)
			c = &cp
		}
		var err error
		if p, err = s.users.add(c); err != nil {
			return err
		}
		// A new person: neither its OID nor its login was found above.
		if c.ID != "" {
			s.keys.add(c.ID, p)
		}
		if k := LoginKey(c.Login); k != "" && k != c.ID {
			s.keys.add(k, p)
		}
		s.list(fi, p)
		return nil
	}
	s.list(fi, p)
	pu = s.users.user(p)
	s.m.first, s.m.at = s.origin(p), recordAt(u.Source)
	s.m.mergeUser(pu, u)
	if err := s.users.set(p, pu); err != nil {
		return err
	}
	if pu.ID != "" && s.findID(pu.ID) < 0 {
		s.keys.add(pu.ID, p)
	}
	if u.ID != "" && s.findID(u.ID) < 0 {
		if s.alias == nil {
			s.alias = map[string]int32{}
		}
		s.alias[u.ID] = p
	}
	if pu.Login != "" {
		if k := LoginKey(pu.Login); s.findLogin(k) < 0 {
			s.keys.add(k, p)
		}
	}
	return nil
}

// list notes that file fi lists user p, unless fi is a user table by OID.
func (s *MergeStream) list(fi int, p int32) {
	if s.tables[fi] {
		return
	}
	for int(p>>6) >= len(s.listed) {
		s.listed = append(s.listed, 0)
	}
	s.listed[p>>6] |= 1 << (p & 63)
}

func (s *MergeStream) findID(id string) int32 {
	if i, ok := s.alias[id]; ok {
		return i
	}
	if i, ok := s.keys.find(id, func(j int32) bool { return userID(s.users.record(j)) == id }); ok {
		return i
	}
	return -1
}

func (s *MergeStream) findLogin(folded string) int32 {
	if i, ok := s.keys.find(folded, func(j int32) bool {
		_, login := userKeys(s.users.record(j))
		return LoginKey(login) == folded
	}); ok {
		return i
	}
	return -1
}

// origin is the file user i was first read from.
func (s *MergeStream) origin(i int32) int {
	k, found := slices.BinarySearch(s.fileFirst, i+1)
	_ = found
	return k - 1
}

// Resolved returns ws, the warnings of reading the files added, as ResolvedAcross gives
// them for the merged directory (the files' names as added).
func (s *MergeStream) Resolved(ws []Warning) []Warning {
	if len(s.refs) < 2 {
		return ws
	}
	// The sites' IDs, read from their packing if they are still packed: building the
	// sites for them held some 14 MB of model values at a million users in 3 files, while
	// the table of keys (as much again) was still held.
	ids := map[string]bool{}
	for _, site := range s.heads.out.Sites {
		ids[site.ID] = true
	}
	if t := s.sites.t; t != nil {
		for i := range t.len() {
			ids[siteID(t.data[t.offs[i]:])] = true
		}
	}
	return resolvedAcross(s.m.files, s.refs, ids, s.heads.out.Groups, ws)
}

// Warnings returns the merge's warnings so far (MergeNamed's). The people only a user
// table by OID lists are reported the first time it is called (orphanTableUsers): call
// it once every file is added.
func (s *MergeStream) Warnings() []Warning {
	if !s.orphansDone {
		s.orphansDone = true
		orphanTableUsers(s.m.w, s.m.files, s.tables, func(yield func(string, int) bool) {
			for p := int32(0); p < s.users.n; p++ {
				if int(p>>6) < len(s.listed) && s.listed[p>>6]&(1<<(p&63)) != 0 {
					continue
				}
				fi := s.origin(p)
				if fi < 0 || !s.tables[fi] {
					continue
				}
				if !yield(userID(s.users.record(p)), fi) {
					return
				}
			}
		})
	}
	return s.m.w.result()
}

// Directory returns the merged directory but its users (Users is empty): see Users.
// Its sites are built from their packing the first time (files added after are merged
// into them as model values). It lets go of the table of keys (12 MB a million users),
// which only adding needs: the directory is asked for to be written, and no user is
// looked up then (a file added after builds the table again, rekey).
func (s *MergeStream) Directory() *Directory {
	s.keys = nil // first: the sites built next need as much again at a million users
	s.unpack()
	return s.heads.out
}

// written returns the merged directory to be written, as Directory returns it but for
// the sites while they are packed: the directory is then a copy of the merged one (its
// studies, groups and so on the merge's own), whose sites, built anew from their packing
// when withSites (else none: the caller writes them from the packing), are the caller's
// alone. A writer that has written them, or packed them itself (writeSpilled), so lets
// go of them; as Directory built them into the merge, they were held through the whole
// write. Like Directory, it lets go of the table of keys.
func (s *MergeStream) written(withSites bool) *Directory {
	s.keys = nil
	if s.unpacked || s.sites.t == nil {
		return s.Directory()
	}
	d := *s.heads.out
	d.Sites = []*Site{}
	if withSites {
		s.buildSites(&d)
	}
	return &d
}

// buildSites sets the sites of d, a directory from written, from their packing.
func (s *MergeStream) buildSites(d *Directory) {
	if t := s.sites.t; t != nil && !s.unpacked {
		d.Sites = make([]*Site, t.len())
		for i := range d.Sites {
			d.Sites[i] = t.site(i)
		}
	}
}

// unpack builds the packed sites into the merged directory, once.
func (s *MergeStream) unpack() {
	if !s.unpacked {
		s.unpackSites()
		s.unpacked = true
	}
}

// rekey builds the table of keys again from the users' encodings: each user's OID and
// folded login unless an earlier user's has it, as user adds them (a user's first key
// of each kind wins; alias, which the encodings cannot tell, was kept).
func (s *MergeStream) rekey() {
	s.keys = newIDIndex()
	for i := range s.users.n {
		id, login := userKeys(s.users.record(i))
		if id != "" && s.findID(id) < 0 {
			s.keys.add(id, i)
		}
		if k := LoginKey(login); k != "" && s.findLogin(k) < 0 {
			s.keys.add(k, i)
		}
	}
}

// Users hands on the merged users, in MergeNamed's order, each built anew from its
// encoding (so they may be changed, and the sequence run again). An I/O error of the
// temporary file ends the sequence and is returned by Err.
func (s *MergeStream) Users() iter.Seq[*User] {
	return func(yield func(*User) bool) {
		defer func() {
			var err error
			catchSpill(&err)
			if err != nil && s.users.ioErr == nil {
				s.users.ioErr = err
			}
		}()
		for i := range s.users.n {
			if !yield(s.users.user(i)) {
				return
			}
		}
	}
}

// Err returns the first I/O error of the temporary files.
func (s *MergeStream) Err() error { return s.users.err() }

// Whole returns the merged directory with its users in memory, as MergeNamed returns it.
func (s *MergeStream) Whole() (*Directory, error) {
	d := s.Directory()
	d.Users = make([]*User, 0, s.users.n)
	for u := range s.Users() {
		d.Users = append(d.Users, u)
	}
	return d, s.Err()
}

// mergeStore holds the merged users' encodings (usercodec.go): the first of each in
// chunks of the base file, in order (as spilledUsers), a later one (a user merged into)
// appended to the later file, found through laterIndex.
type mergeStore struct {
	packedUsers // the first encoding of each user, in the base file
	laterIndex  // where each later encoding is, in the later file
	// over is, by user, 1 + the index in later of its latest encoding (0: none): a
	// slice, 4 bytes a user once any is merged into, where a map took 32 MB when every
	// one of 1,000,000 users was (an export merged with its own template).
	over []int32
	// last is the encoding set last, of user lastAt (looked at only for a user over
	// marks as merged into, so the zero value is no match): MergeStream.user finds
	// the user it merged into again right after (its OID and login are confirmed
	// against its encoding), which read from the file cost a flush of what was written
	// and a read, two system calls a merged user.
	last   string
	lastAt int32
	// prev is 1 + the later encoding read last: the next one is read ahead (a window
	// of the file, laterIndex.read), as Write reads the users merged into when they were
	// merged in their order.
	prev  int32
	ioErr error
}

// laterIndex finds the later encodings, appended one after another to the later file:
// each one's length (two bytes; a longer one, rare, in big) and the file offset of every
// laterGroup-th, so that one is found by adding up at most laterGroup lengths. The
// spill's table of chunks (an offset and a length, 12 bytes, with room to grow) held some
// 16 to 18 bytes a merged user with over, where this holds 5 to 7 (mergemem_test.go):
// an export merged with its own template, every user merged into, peaked at 81 MiB at a
// million users, 72 with this.
type laterIndex struct {
	later *spill
	lens  []uint16
	base  []int64 // the offset of encoding k*laterGroup
	big   map[int32]int
	size  int64 // the bytes written
	// win is a window of the later file from winOff on (see read).
	win    string
	winOff int64
}

// laterGroup is how many encodings share one offset in laterIndex.base.
const laterGroup = 64

// put appends p, an encoding, to the later file and returns its index.
func (x *laterIndex) put(p []byte) int32 {
	k := int32(len(x.lens))
	if k%laterGroup == 0 {
		x.base = append(x.base, x.size)
	}
	n := len(p)
	if n >= 1<<16-1 {
		if x.big == nil {
			x.big = map[int32]int{}
		}
		x.big[k] = n
		n = 1<<16 - 1
	}
	x.lens = append(x.lens, uint16(n))
	if sp := x.later; sp.err == nil {
		if _, err := sp.w.Write(p); err != nil {
			sp.err = fmt.Errorf("%w: %v", errSpill, err)
		}
	}
	x.size += int64(len(p))
	return k
}

// span returns the offset and length of encoding k.
func (x *laterIndex) span(k int32) (off, n int64) {
	length := func(j int32) int64 {
		if l := x.lens[j]; l != 1<<16-1 {
			return int64(l)
		}
		return int64(x.big[j])
	}
	g := k / laterGroup
	off = x.base[g]
	for j := g * laterGroup; j < k; j++ {
		off += length(j)
	}
	return off, length(k)
}

// read returns encoding k: from the window read last, else, when seq (the one after
// the one read last), in a window of spillWindow bytes read from it on, else alone.
// The window is new memory each time (a user decoded from it keeps substrings of it).
// An I/O error panics with a spillFailure.
func (x *laterIndex) read(k int32, seq bool) string {
	off, n := x.span(k)
	if n == 0 {
		return ""
	}
	if off >= x.winOff && off+n <= x.winOff+int64(len(x.win)) {
		d := off - x.winOff
		return x.win[d : d+n]
	}
	size := n
	if seq && n*2 <= spillWindow {
		size = min(spillWindow, x.size-off)
	}
	str := x.later.span(off, size)
	if size > n {
		x.win, x.winOff = str, off
	}
	return str[:n]
}

func (s *mergeStore) err() error {
	if s.ioErr != nil {
		return s.ioErr
	}
	if s.sp.err != nil {
		return s.sp.err
	}
	return s.later.err
}

// set replaces user i's encoding.
func (s *mergeStore) set(i int32, u *User) error {
	var err error
	if s.enc, err = appendUser(s.enc[:0], u); err != nil {
		return err
	}
	if int(i) >= len(s.over) {
		s.over = slices.Grow(s.over, int(i)+1-len(s.over))[:int(i)+1]
	}
	s.over[i] = s.put(s.enc) + 1
	s.last, s.lastAt = string(s.enc), i
	return s.later.err
}

// record returns user i's latest encoding (and, for a first encoding, what follows it
// in its chunk). An I/O error panics with a spillFailure.
func (s *mergeStore) record(i int32) string {
	if int(i) < len(s.over) && s.over[i] != 0 {
		if i == s.lastAt {
			return s.last
		}
		k := s.over[i] - 1
		next := k == s.prev // the encoding after the one read last
		s.prev = k + 1
		return s.laterIndex.read(k, next)
	}
	return s.packedUsers.record(i)
}

func (s *mergeStore) user(i int32) *User { return decodeUser(s.record(i)) }

// userKeys returns the ID and login of the user p starts with.
func userKeys(p string) (id, login string) {
	d := userDec{p: p}
	return d.str(), d.str()
}

// Write writes the merged directory as to: "json" (the Directory's JSON, as json.Encoder
// with a two-space indent writes what Whole returns), "csv" and "xlsx" (the Clinical One
// template: WriteClinicalOneCSV, WriteClinicalOneXLSX), "oc4users" (WriteOC4Users) or
// "spec-template" (SpecTemplate for target at now), one user at a time. With opts.Spec
// the spec is applied to the directory and each user as Spec.Apply applies it before
// those writers, and its warnings come first (a table of one study, the template or the
// OpenClinica 4 study table, without opts.Study runs it twice: once, on a copy of the
// sites, to find the study from the users it keeps).
func (s *MergeStream) Write(w io.Writer, to string, opts Options, target Profile, now time.Time) ([]Warning, error) {
	dir := s.written(true)
	if to == "spec-template" {
		err := specTemplate(w, dir, s.Users(), target, now)
		if err == nil {
			err = s.Err()
		}
		return nil, err
	}
	study := opts.Study
	if (to == "csv" || to == "xlsx" || to == "oc4users") && study == "" {
		find := *dir
		find.Sites = make([]*Site, len(dir.Sites))
		for i, site := range dir.Sites {
			c := *site
			find.Sites[i] = &c
		}
		var err error
		run := startSpec(&find, opts)
		if study, err = tableStudyOf(to, &find, run.filter(s.Users()), opts); err == nil {
			err = s.Err()
		}
		if err != nil {
			// The spec saw every user (as Apply before the writer): its warnings stand.
			return run.result(), err
		}
	}
	run := startSpec(dir, opts)
	users := run.filter(s.Users())
	if to == "json" {
		err := s.writeJSON(w, dir, users)
		return run.result(), err
	}
	ws, err := writeUsersAs(w, to, dir, users, int(s.users.n), study, opts, s.Err)
	return append(run.result(), ws...), err
}

// writeJSON writes dir, from written, and users as writeUsersAs writes the JSON, but
// lets go of the sites once they are written (before the users): dir's are its own.
func (s *MergeStream) writeJSON(w io.Writer, dir *Directory, users iter.Seq[*User]) error {
	jw, err := newJSONUsers(w, dir)
	if err != nil {
		return err
	}
	if dir != s.heads.out {
		dir.Sites = []*Site{} // as written: not null (the JSON after the users is made again)
	}
	for u := range users {
		if err := jw.user(u); err != nil {
			return err
		}
	}
	if err := s.Err(); err != nil {
		return err
	}
	if err := jw.end(); err != nil {
		return err
	}
	return s.Err()
}

// WriteODM writes the merged directory as WriteODM writes what Whole returns into profile
// p (after opts.Spec applied as Spec.Apply applies it), holding what WriteODMStream
// holds: the users, spec applied and checked, go to a second temporary file and are
// written from there one at a time (writeSpilled). It returns the spec's warnings, then
// the writer's. opts.Now is the writer's.
func (s *MergeStream) WriteODM(out io.Writer, p Profile, opts Options, wopts odm.WriteOptions) (ws []Warning, err error) {
	// The sites are built when the spec needs them (it may rename them); else they stay
	// packed (see below).
	dir := s.written(opts.Spec != nil)
	wo := Options{Now: opts.Now}
	var run *specRun
	defer func() { ws = append(run.result(), ws...) }()
	shell, err := newWriter(&Directory{Source: dir.Source}, p, wo)
	if err != nil {
		// The spec has seen every user first (as Apply before the writer).
		run = startSpec(dir, opts)
		for range run.filter(s.Users()) {
		}
		return nil, err
	}
	users, err := newSpilledUsers(shell)
	if err != nil {
		return nil, err
	}
	defer users.close()
	users.seq = true
	defer catchSpill(&err)
	run = startSpec(dir, opts)
	assigned := &assignedSet{}
	var pairs userPairs
	var invalid error
	kept := 0
	for u := range run.filter(s.Users()) {
		if invalid == nil {
			invalid = checkUser(kept, u)
		}
		kept++
		pairs.add(u, assigned)
		if err := users.add(u); err != nil {
			return nil, err
		}
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	if err := users.seal(); err != nil {
		return nil, err
	}
	if err := dir.checkHead(); err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	if invalid != nil {
		return nil, fmt.Errorf("mapping: %w", invalid)
	}
	// Without a spec the sites are written from the merge's packing, each built when
	// the writer looks at it: built whole here, then packed again by writeSpilled, they
	// were 17 MB at once and 8 MB more held through the write at a million users in 3
	// files, the peak of the command.
	var sites *siteTable
	if opts.Spec == nil && !s.unpacked {
		sites = s.sites.t
	}
	dir.Users = nil
	return writeSpilled(out, dir, sites, p, wo, wopts, users, assigned, &pairs)
}
