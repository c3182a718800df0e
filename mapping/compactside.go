package mapping

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/odmadmin/odmadmin/internal/input"
)

// CompactDirectory is a directory read once and held with its users as compact records
// (appendUser's encoding, see usercodec.go) in a temporary file: what stays in memory per
// user is an 8-byte locator (and, while a template is read, some 12 bytes of login index),
// not its model values (about 1.7 KB a user). Each builds the users again, one at a time,
// as often as a caller needs them: diff reads each side twice, plan keeps the users its
// rows name.
type CompactDirectory struct {
	shell *Directory    // everything but the users
	users *compactUsers // the users as records, or nil
	whole []*User       // the users of an input read whole (users nil)
	close func() error  // removes the temporary file
	// spent: Patch has let go of the users (spend).
	spent bool
}

// errSpent is the error of a use of a CompactDirectory's users after Patch let go of them.
var errSpent = errors.New("mapping: the directory's users were let go of by its Patch")

// spend lets go of where the users are (their records stay in the file until Close), and
// of the sites: for Patch, which holds the users in a file of its own from then on, and
// the sites resolved against its document. At a million users of a template (20,000
// sites) that was 8 MB and 7.5 MB held through the patch for nothing.
func (c *CompactDirectory) spend() {
	if c.users != nil {
		c.users.locs = userLocs{}
	}
	c.whole, c.spent = nil, true
	c.shell.Sites = nil
}

// ErrReadWhole says that ReadCompact met something its streamed reading does not
// reproduce exactly as ReadAny does (a JSON document that does not decode, a key given in
// two letter cases): the caller reads the input whole with ReadAny instead, which gives
// the directory or ReadAny's own error.
var ErrReadWhole = errors.New("mapping: read the input whole")

// ReadCompact reads a directory from r as ReadAny does, with the same warnings, but holds
// the users of a Clinical One template, an OpenClinica 4 user table and a user table by
// OID (CSV or .xlsx) and of the directory JSON ("map --to json") as compact records in a
// temporary file. Other inputs (ODM, ODM JSON) are read whole, as ReadAny reads them. An error wrapping
// ErrReadWhole asks the caller to read r's input again with ReadAny. Close the
// directory to remove its file.
func ReadCompact(r io.Reader, name string, opts Options) (*CompactDirectory, []Warning, error) {
	in, err := input.New(r, name, input.Options{Charset: opts.Charset})
	if err != nil {
		return nil, nil, err
	}
	switch {
	case in.Kind == input.DirectoryJSON && opts.Profile.table() == nil:
		c, err := readCompactJSON(in.Text(), name)
		return c, nil, err
	case in.Kind == input.CSV || in.Kind == input.XLSX:
		t, err := in.Table(input.TableOptions{Sheets: tableSheets(), IsHeader: isTableHeader, Restore: true})
		if err != nil {
			return nil, nil, err
		}
		defer t.Close()
		f := claimTable(t.Header(), opts.Profile)
		// The tables that name each user by one key (a template's and OpenClinica 4's
		// login, a user table's OID) are read into compact records; any other as a whole.
		var read func(RowReader, Options, templateUsers) (*Directory, []Warning, error)
		var key func(*User) string
		switch f.(type) {
		case clinicalOneTable:
			read = readClinicalOne
		case oc4UsersTable:
			read = readOC4Users
		case oidTable:
			read, key = readUserTable, userOID
		default:
			d, ws, err := f.read(t, opts)
			if err != nil {
				return nil, nil, input.WithName(t.Name, err)
			}
			return wholeCompact(d), placed(ws, t.Name), nil
		}
		users, err := newCompactUsers(true)
		if err != nil {
			return nil, nil, err
		}
		users.key = key
		d, ws, err := readTableCompact(t, opts, users, read)
		if err != nil {
			users.close()
			return nil, nil, input.WithName(t.Name, err)
		}
		return &CompactDirectory{shell: d, users: users, close: users.close}, placed(ws, t.Name), nil
	}
	d, ws, err := readInput(in, name, opts)
	if err != nil {
		return nil, nil, err
	}
	return wholeCompact(d), ws, nil
}

// readTableCompact is read (readClinicalOne, readOC4Users, readUserTable) into users,
// whose last user it encodes.
func readTableCompact(t RowReader, opts Options, users *compactUsers, read func(RowReader, Options, templateUsers) (*Directory, []Warning, error)) (d *Directory, ws []Warning, err error) {
	defer catchSpill(&err)
	if d, ws, err = read(t, opts, users); err != nil {
		return nil, nil, err
	}
	if err := users.finish(); err != nil {
		return nil, nil, err
	}
	return d, ws, nil
}

// WholeDirectory is a directory already in memory as a CompactDirectory (nil is an
// empty one): Each gives its users as they are.
func WholeDirectory(d *Directory) *CompactDirectory { return wholeCompact(d) }

func wholeCompact(d *Directory) *CompactDirectory {
	c := &CompactDirectory{shell: &Directory{}, whole: []*User{}, close: func() error { return nil }}
	if d != nil {
		*c.shell = *d
		c.whole = d.Users
		c.shell.Users = nil
	}
	return c
}

// Compact reports whether the users are held as compact records (else the input was read
// whole).
func (c *CompactDirectory) Compact() bool { return c.users != nil }

// Each calls keep with each user in turn, in the order of the input, and returns the
// directory (studies, sites, groups, source) with the users keep returned, in order, as
// ReadAny's directory would give them. A user held as a record is built anew for each
// call; keep may keep it. Each may be called any number of times, until Patch.
func (c *CompactDirectory) Each(keep func(*User) *User) (out *Directory, err error) {
	if c.spent {
		return nil, errSpent
	}
	out = &Directory{}
	*out = *c.shell
	out.Users = []*User{}
	if c.users == nil {
		for _, u := range c.whole {
			if u == nil {
				continue
			}
			if k := keep(u); k != nil {
				out.Users = append(out.Users, k)
			}
		}
		return out, nil
	}
	defer catchSpill(&err)
	for i := range c.users.locs.len() {
		if k := keep(c.users.user(i)); k != nil {
			out.Users = append(out.Users, k)
		}
	}
	return out, nil
}

// Close removes the temporary file and returns the first I/O error met on it.
func (c *CompactDirectory) Close() error {
	if c == nil || c.close == nil {
		return nil
	}
	err := c.close()
	c.close = nil
	return err
}

// compactUsers keeps users as appendUser records in a spill: records are packed into
// chunks of about compactChunk bytes, and user i is at locs.at(i) (chunk, offset). The
// user being read (open) stays a model value until another one is found or added, so that
// the rows of one user, which a template lists one after the other, cost one encoding.
// A user found again later is decoded, changed and encoded anew at the end; its old record
// is left unused.
type compactUsers struct {
	sp     *spill
	cur    []byte   // the chunk being filled (chunk number len(sp.offs))
	locs   userLocs // where each user's latest record is
	logins *idIndex // by login, for find (nil: users are only added)
	// key is what find and logins know a user by: LoginKey of its login when nil (a
	// template's, OpenClinica 4's), its OID for a user table.
	key    func(*User) string
	open   *User
	openAt int
	as     userAssigns
}

func (s *compactUsers) assigns() *userAssigns { return &s.as }

// keyOf returns u's key (see key).
func (s *compactUsers) keyOf(u *User) string {
	if s.key != nil {
		return s.key(u)
	}
	return LoginKey(u.Login)
}

// compactChunk is the size a chunk is written at.
const compactChunk = 64 << 10

func newCompactUsers(byLogin bool) (*compactUsers, error) {
	sp, err := newSpill()
	if err != nil {
		return nil, err
	}
	s := &compactUsers{sp: sp, openAt: -1}
	if byLogin {
		s.logins = newIDIndex()
	}
	return s, nil
}

// find returns the user of login, to be changed until the next find or add.
func (s *compactUsers) find(login string) (*User, bool) {
	if s.open != nil && s.keyOf(s.open) == login {
		return s.open, true
	}
	i, ok := s.logins.find(login, func(i int32) bool { return s.keyOf(s.record(int(i))) == login })
	if !ok {
		return nil, false
	}
	s.flush()
	s.open, s.openAt = s.record(int(i)), int(i)
	return s.open, true
}

// add adds a new user, to be changed until the next find or add.
func (s *compactUsers) add(u *User) {
	s.flush()
	s.open, s.openAt = u, s.locs.len()
	s.locs.add()
	if s.logins != nil {
		s.logins.add(s.keyOf(u), int32(s.openAt))
	}
}

// record decodes user i as last encoded (the open user's record may be older).
func (s *compactUsers) record(i int) *User {
	if i == s.openAt && s.open != nil {
		return s.open
	}
	return s.user(i)
}

// user decodes user i's record.
func (s *compactUsers) user(i int) *User {
	k, off := s.locs.at(i)
	if k == len(s.sp.offs) {
		return decodeUser(string(s.cur[off:])) // a copy: cur is filled on
	}
	return decodeUser(s.sp.get(k)[off:])
}

// recordText returns user i's record as encoded (the open user's may be older), not
// decoded: for what is read off a record without the user (userID).
func (s *compactUsers) recordText(i int) string {
	k, off := s.locs.at(i)
	if k == len(s.sp.offs) {
		return string(s.cur[off:])
	}
	return s.sp.get(k)[off:]
}

// flush encodes the open user.
func (s *compactUsers) flush() {
	if s.open == nil {
		return
	}
	off := len(s.cur)
	b, err := appendUser(s.cur, s.open)
	if err != nil {
		// Only FromDocument's users hold decoded records; these never do.
		panic(spillFailure{fmt.Errorf("mapping: %w", err)})
	}
	s.cur = b
	s.locs.set(s.openAt, len(s.sp.offs), off)
	s.open, s.openAt = nil, -1
	if len(s.cur) >= compactChunk {
		s.sp.put(string(s.cur))
		s.cur = s.cur[:0]
	}
}

// userLocs are where compactUsers' records are, by user: chunk<<16 | offset in 4 bytes
// (a record starts before its chunk's compactChunk bytes are full, so its offset fits
// 16 bits), in 8 (chunk<<32 | offset) once there are more than 65,535 chunks (4 GiB of
// records). At a million users 4 MB, where 8 were held through a --base patch's copy of
// a template's users, the patch's peak.
type userLocs struct {
	narrow []uint32
	wide   []uint64 // nil until a chunk past 0xFFFF; narrow is then nil
}

func (l *userLocs) len() int {
	if l.wide != nil {
		return len(l.wide)
	}
	return len(l.narrow)
}

// add appends the location of a new user, set later (set).
func (l *userLocs) add() {
	if l.wide != nil {
		l.wide = append(l.wide, 0)
		return
	}
	l.narrow = append(l.narrow, 0)
}

// at returns user i's chunk and offset.
func (l *userLocs) at(i int) (chunk, off int) {
	if l.wide != nil {
		return int(l.wide[i] >> 32), int(uint32(l.wide[i]))
	}
	return int(l.narrow[i] >> 16), int(uint16(l.narrow[i]))
}

// set sets user i's location.
func (l *userLocs) set(i, chunk, off int) {
	if l.wide == nil && (chunk > 0xFFFF || off > 0xFFFF) {
		l.wide = make([]uint64, len(l.narrow), cap(l.narrow))
		for j, v := range l.narrow {
			l.wide[j] = uint64(v>>16)<<32 | uint64(uint16(v))
		}
		l.narrow = nil
	}
	if l.wide != nil {
		l.wide[i] = uint64(chunk)<<32 | uint64(uint32(off))
		return
	}
	l.narrow[i] = uint32(chunk)<<16 | uint32(off)
}

// finish encodes the open user and writes the last chunk; the login index is dropped.
func (s *compactUsers) finish() error {
	s.flush()
	if len(s.cur) > 0 {
		s.sp.put(string(s.cur))
		s.cur = nil
	}
	s.logins = nil
	return s.sp.err
}

func (s *compactUsers) close() error { return s.sp.close() }

// readCompactJSON reads the directory JSON from text with its users as records. Its
// syntax, a key given twice and what follows the value are checked as text is read
// (decodeCompactJSON), as ReadAny checks them first (jsontext.CheckValue); anything that
// does not decode is left to ReadAny (ErrReadWhole), so that its error is ReadAny's.
func readCompactJSON(text io.Reader, name string) (c *CompactDirectory, err error) {
	users, err := newCompactUsers(false)
	if err != nil {
		return nil, err
	}
	shell, derr := decodeCompactJSON(text, users)
	if derr == nil {
		derr = users.finish()
	}
	if derr != nil {
		users.close()
		if errors.Is(derr, errSpill) {
			return nil, derr
		}
		return nil, fmt.Errorf("%s: %w: %v", name, ErrReadWhole, derr)
	}
	return &CompactDirectory{shell: shell, users: users, close: users.close}, nil
}

// UserFile holds users as compact records (appendUser's encoding) in a temporary file,
// each found again by the number Add returned: diff keeps the users that differ there
// instead of in memory, 8 bytes a user (12 once arranged), and builds each again when it
// compares it.
type UserFile struct {
	f      *os.File
	w      *bufio.Writer
	remove string // the file to remove on close ("" when already removed)
	// offs are where the records stand: slot s at offs[s], up to offs[s+1] (or size).
	// User i is in slot i, or slot[i] once Arrange has moved the records.
	offs []int64
	slot []int32
	size int64
	enc  []byte
	buf  []byte
	mem  map[int]*User // users kept in memory (see Add)
	err  error
	// win holds the file's bytes from winOff on, read ahead while the users are built in
	// the order of their slots (run counts the users so built in a row; next is the slot
	// after the last built): diff builds them in order of their keys, the order of the
	// file as a rule and always after Arrange, and one read a user cost a system call
	// each, 403,336 of them (1.2-1.5 s of system time) to diff 200,000 users with their
	// template.
	win    []byte
	winOff int64
	next   int
	run    int
	reads  int   // reads of the file, for tests
	got    int64 // and the bytes they read
	moved  int   // records Arrange rewrote, for tests
	bucket int64 // the least bucket size of Arrange, if not arrangeBucket (tests)
}

// userFileWindow is how much of a UserFile is read ahead at once.
const userFileWindow = 64 << 10

// NewUserFile creates an empty UserFile; Close removes its file.
func NewUserFile() (*UserFile, error) {
	f, err := os.CreateTemp("", "odmadmin-users-*")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errSpill, err)
	}
	u := &UserFile{f: f, w: bufio.NewWriterSize(f, 64<<10)}
	if os.Remove(f.Name()) != nil {
		u.remove = f.Name()
	}
	return u, nil
}

// Add appends u and returns its number (0, 1, ...).
func (uf *UserFile) Add(u *User) (int, error) {
	if uf.err != nil {
		return 0, uf.err
	}
	b, err := appendUser(uf.enc[:0], u)
	if errors.Is(err, errUserRecs) {
		// A user FromDocument read keeps its decoded records, which the encoding does
		// not hold: such a directory is in memory anyway, and the user stays there.
		if uf.mem == nil {
			uf.mem = map[int]*User{}
		}
		uf.mem[len(uf.offs)] = u
		return uf.added(0), nil
	}
	if err != nil {
		return 0, err
	}
	uf.enc = b
	if _, err := uf.w.Write(b); err != nil {
		uf.err = fmt.Errorf("%w: %v", errSpill, err)
		return 0, uf.err
	}
	return uf.added(len(b)), nil
}

// added notes a record of n bytes just written at the end as the next user's.
func (uf *UserFile) added(n int) int {
	if uf.slot != nil {
		uf.slot = append(uf.slot, int32(len(uf.offs)))
	}
	uf.offs = append(uf.offs, uf.size)
	uf.size += int64(n)
	return len(uf.offs) - 1
}

// Len returns the number of users added.
func (uf *UserFile) Len() int { return len(uf.offs) }

// User builds user i again, a value of its own (of a user kept in memory, a copy with
// assignments of its own).
func (uf *UserFile) User(i int) (*User, error) {
	if uf.err != nil {
		return nil, uf.err
	}
	if u, ok := uf.mem[i]; ok {
		c := *u
		c.Assignments = slices.Clone(u.Assignments)
		return &c, nil
	}
	if uf.w.Buffered() > 0 {
		if err := uf.w.Flush(); err != nil {
			uf.err = fmt.Errorf("%w: %v", errSpill, err)
			return nil, uf.err
		}
	}
	s := i
	if uf.slot != nil {
		s = int(uf.slot[i])
	}
	start, end := uf.span(s)
	n := int(end - start)
	if s == uf.next {
		uf.run++
	} else {
		uf.run = 0
	}
	uf.next = s + 1
	if start >= uf.winOff && end <= uf.winOff+int64(len(uf.win)) {
		return decodeUser(string(uf.win[start-uf.winOff : end-uf.winOff])), nil
	}
	var b []byte
	if uf.run >= 2 && n <= userFileWindow {
		// The third user in a row: read on from it. A user out of order is read alone,
		// so that users built in another order read no more than their own bytes.
		if uf.win == nil {
			uf.win = make([]byte, userFileWindow)
		}
		uf.win = uf.win[:min(int64(userFileWindow), uf.size-start)]
		uf.winOff = start
		b = uf.win
	} else {
		if cap(uf.buf) < n {
			uf.buf = make([]byte, n)
		}
		b = uf.buf[:n]
	}
	uf.reads, uf.got = uf.reads+1, uf.got+int64(len(b))
	if _, err := uf.f.ReadAt(b, start); err != nil {
		uf.win = uf.win[:0]
		uf.err = fmt.Errorf("%w: %v", errSpill, err)
		return nil, uf.err
	}
	return decodeUser(string(b[:n])), nil
}

// span returns where the record in slot s starts and ends.
func (uf *UserFile) span(s int) (start, end int64) {
	end = uf.size
	if s+1 < len(uf.offs) {
		end = uf.offs[s+1]
	}
	return uf.offs[s], end
}

// Arrange tells uf the order its users will be built in: order lists user numbers, each
// at most once; users it does not name may follow in any order. Users built in the order
// they were added are read ahead, a window at a time, but in another order each was a
// read of its own, a system call for some 200 bytes: diff builds the users it holds by
// key, and keys sort apart from the file's order when IDs are numbered without padding
// (USR_2 after USR_10) or a template lists users in its own order. When order is not
// already mostly the order of the file, Arrange rewrites the file with the records in
// order, moving them through buckets of 1 MiB or more (at most arrangeMaxBuckets): two
// sequential reads and two writes of the file in large blocks, whatever the order, and
// in memory two buckets, a buffer per bucket and 16 bytes a user while it runs (4 after,
// the slot of each user). User(i) still builds user i.
func (uf *UserFile) Arrange(order []int) error {
	if uf.err != nil {
		return uf.err
	}
	n := len(uf.offs)
	// to[s] is the slot the record in slot s moves to; -1 while not placed yet.
	to := make([]int32, n)
	for s := range to {
		to[s] = -1
	}
	cur := func(i int) int {
		if uf.slot != nil {
			return int(uf.slot[i])
		}
		return i
	}
	breaks, prev := 0, -2
	next := 0
	for _, i := range order {
		if i < 0 || i >= n {
			return fmt.Errorf("mapping: Arrange: user %d of %d", i, n)
		}
		s := cur(i)
		if to[s] >= 0 {
			return fmt.Errorf("mapping: Arrange: user %d named twice", i)
		}
		to[s] = int32(next)
		next++
		if s != prev+1 {
			breaks++
		}
		prev = s
	}
	// Mostly in order already (a break in 64 users at most): the windows read ahead
	// almost everything.
	if breaks <= n/arrangeBreaks+1 {
		return nil
	}
	for s := range to {
		if to[s] < 0 {
			to[s] = int32(next)
			next++
		}
	}
	if uf.w.Buffered() > 0 {
		if err := uf.w.Flush(); err != nil {
			uf.err = fmt.Errorf("%w: %v", errSpill, err)
			return uf.err
		}
	}
	f, remove, err := uf.rewrite(to)
	if err != nil {
		uf.err = fmt.Errorf("%w: %v", errSpill, err)
		return uf.err
	}
	uf.f.Close()
	if uf.remove != "" {
		os.Remove(uf.remove)
	}
	uf.f, uf.remove = f, remove
	if uf.slot == nil {
		uf.slot = make([]int32, n)
		for i := range uf.slot {
			uf.slot[i] = int32(i)
		}
	}
	for i, s := range uf.slot {
		uf.slot[i] = to[s]
	}
	uf.win, uf.winOff, uf.next, uf.run = uf.win[:0], 0, 0, 0
	return nil
}

const (
	// arrangeBreaks: Arrange leaves a file alone whose order breaks at most once in as
	// many users.
	arrangeBreaks = 64
	// arrangeBucket is the least size of Arrange's buckets; there are at most
	// arrangeMaxBuckets of them, each with a buffer of arrangeBuffer bytes.
	arrangeBucket     = 1 << 20
	arrangeMaxBuckets = 512
	arrangeBuffer     = 32 << 10
)

// rewrite writes the records into a new file, the record in slot s into slot to[s], and
// sets offs for the new slots. The records go, in the order of the file, to the bucket
// of their new slot, each bucket a range of slots written to its own place in the new
// file; then each bucket is read whole, put in order and written back.
func (uf *UserFile) rewrite(to []int32) (f *os.File, remove string, err error) {
	n := len(uf.offs)
	size := func(s int) int64 { a, b := uf.span(s); return b - a }
	// The new slots' offsets: their records' sizes, then summed up.
	newOffs := make([]int64, n)
	for s, t := range to {
		newOffs[t] = size(s)
	}
	var off int64
	for t, z := range newOffs {
		newOffs[t] = off
		off += z
	}
	newSize := func(t int) int64 {
		if t+1 < n {
			return newOffs[t+1] - newOffs[t]
		}
		return uf.size - newOffs[t]
	}
	// Buckets: ranges of new slots of about bucket bytes; starts[b] is the first slot of
	// bucket b.
	bucket := int64(arrangeBucket)
	if uf.bucket > 0 {
		bucket = uf.bucket
	}
	bucket = max(bucket, uf.size/arrangeMaxBuckets)
	starts := []int32{0}
	var sum int64
	for t := range n {
		z := newSize(t)
		if sum > 0 && sum+z > bucket {
			starts = append(starts, int32(t))
			sum = 0
		}
		sum += z
	}
	bucketOf := func(t int32) int {
		b, _ := slices.BinarySearch(starts, t+1)
		return b - 1
	}
	bucketEnd := func(b int) int64 {
		if b+1 < len(starts) {
			return newOffs[starts[b+1]]
		}
		return uf.size
	}

	f, err = os.CreateTemp("", "odmadmin-users-*")
	if err != nil {
		return nil, "", err
	}
	if os.Remove(f.Name()) != nil {
		remove = f.Name()
	}
	defer func() {
		if err != nil {
			f.Close()
			if remove != "" {
				os.Remove(remove)
			}
		}
	}()

	// Pass 1: the records in the order of the file, each appended to its bucket's part of
	// the new file; at[t] is where the record of slot t landed in its bucket's part.
	at := make([]int32, n)
	bufs := make([][]byte, len(starts))
	fill := make([]int64, len(starts)) // bytes of each bucket written so far
	flush := func(b int) error {
		if len(bufs[b]) == 0 {
			return nil
		}
		if _, err := f.WriteAt(bufs[b], newOffs[starts[b]]+fill[b]); err != nil {
			return err
		}
		fill[b] += int64(len(bufs[b]))
		bufs[b] = bufs[b][:0]
		return nil
	}
	r := bufio.NewReaderSize(io.NewSectionReader(uf.f, 0, uf.size), 1<<20)
	var rec []byte
	for s := range n {
		z := int(size(s))
		if cap(rec) < z {
			rec = make([]byte, z)
		}
		rec = rec[:z]
		if _, err := io.ReadFull(r, rec); err != nil {
			return nil, "", err
		}
		t := to[s]
		b := bucketOf(t)
		if bufs[b] == nil {
			bufs[b] = make([]byte, 0, arrangeBuffer)
		}
		if len(bufs[b])+z > cap(bufs[b]) {
			if err := flush(b); err != nil {
				return nil, "", err
			}
		}
		at[t] = int32(fill[b] + int64(len(bufs[b])))
		if z > cap(bufs[b]) {
			// A record larger than the buffer goes straight to the file.
			if _, err := f.WriteAt(rec, newOffs[starts[b]]+fill[b]); err != nil {
				return nil, "", err
			}
			fill[b] += int64(z)
			continue
		}
		bufs[b] = append(bufs[b], rec...)
	}
	for b := range bufs {
		if err := flush(b); err != nil {
			return nil, "", err
		}
		bufs[b] = nil
	}

	// Pass 2: each bucket read whole and written back in the order of its slots.
	var in, out []byte
	for b, first := range starts {
		lo, hi := newOffs[first], bucketEnd(b)
		z := int(hi - lo)
		if cap(in) < z {
			in, out = make([]byte, z), make([]byte, z)
		}
		in, out = in[:z], out[:z]
		if _, err := f.ReadAt(in, lo); err != nil {
			return nil, "", err
		}
		last := int32(n)
		if b+1 < len(starts) {
			last = starts[b+1]
		}
		for t := first; t < last; t++ {
			o := newOffs[t] - lo
			copy(out[o:o+newSize(int(t))], in[at[t]:])
		}
		if _, err := f.WriteAt(out, lo); err != nil {
			return nil, "", err
		}
	}
	// Users added later are written at the end, through uf.w.
	if _, err := f.Seek(uf.size, io.SeekStart); err != nil {
		return nil, "", err
	}
	uf.w.Reset(f)
	uf.moved += n
	uf.offs = newOffs
	return f, remove, nil
}

// Close removes the file and returns the first I/O error met.
func (uf *UserFile) Close() error {
	if uf == nil || uf.f == nil {
		return nil
	}
	uf.f.Close()
	if uf.remove != "" {
		os.Remove(uf.remove)
	}
	uf.f = nil
	return uf.err
}
