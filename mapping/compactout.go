package mapping

import (
	"fmt"
	"io"
	"iter"
	"slices"
	"time"

	"github.com/odmadmin/odmadmin/odm"
)

// The writers of a CompactDirectory other than WriteJSON: the Clinical One template, the
// OpenClinica 4 user table, the starter spec and ODM, each fed one user at a time from
// the records, so that "map" of a large template or directory JSON holds what ReadCompact
// holds (4 bytes a user) rather than the directory (about 1.7 KB a user). Each writes
// what its whole-directory writer writes for the Directory ReadAny returns after
// Spec.Apply; like WriteJSON they leave Check to the caller, before anything is written.

// users hands on the users in order, each built anew from its record (a user of a
// directory read whole as it is); an I/O error of the temporary file ends the sequence
// and is left in *err.
func (c *CompactDirectory) seq(err *error) iter.Seq[*User] {
	return func(yield func(*User) bool) {
		if c.spent {
			if *err == nil {
				*err = errSpent
			}
			return
		}
		if c.users == nil {
			for _, u := range c.whole {
				if u != nil && !yield(u) {
					return
				}
			}
			return
		}
		for i := range c.users.locs.len() {
			u, e := c.userAt(i)
			if e != nil {
				if *err == nil {
					*err = e
				}
				return
			}
			if !yield(u) {
				return
			}
		}
	}
}

// userAt builds user i from its record; the spill's I/O error is returned, not panicked.
func (c *CompactDirectory) userAt(i int) (u *User, err error) {
	defer catchSpill(&err)
	return c.users.user(i), nil
}

// Write writes the directory as to: "json" (WriteJSON), "csv" and "xlsx" (the Clinical One
// template: WriteClinicalOneCSV, WriteClinicalOneXLSX), "oc4users" (WriteOC4Users) or
// "spec-template" (SpecTemplate for target at now), one user at a time, as those writers
// write the Directory ReadAny returns. With opts.Spec the spec is applied to the
// directory and each user as Spec.Apply applies it before those writers, and its
// warnings come first. A table of one study (the template, the OpenClinica 4 study
// table) without opts.Study reads the users held as records twice: once, the spec
// applied on a copy of the sites, to find the study from the users it keeps. The users of a directory read whole (not Compact) are changed by the spec as
// Apply changes them.
func (c *CompactDirectory) Write(w io.Writer, to string, opts Options, target Profile, now time.Time) ([]Warning, error) {
	dir := c.shell
	var serr error
	if to == "spec-template" {
		err := specTemplate(w, dir, c.seq(&serr), target, now)
		if err == nil {
			err = serr
		}
		return nil, err
	}
	template := to == "csv" || to == "xlsx" || to == "oc4users" // a table of one study
	study := opts.Study
	if template && study == "" && c.users != nil {
		find := *dir
		find.Sites = make([]*Site, len(dir.Sites))
		for i, site := range dir.Sites {
			s := *site
			find.Sites[i] = &s
		}
		run := startSpec(&find, opts)
		var err error
		if study, err = tableStudyOf(to, &find, run.filter(c.seq(&serr)), opts); err == nil {
			err = serr
		}
		if err != nil {
			// The spec saw every user (as Apply before the writer): its warnings stand.
			return run.result(), err
		}
	}
	run := startSpec(dir, opts)
	users := run.filter(c.seq(&serr))
	var count int // the users to come, at most (the spec may leave some out)
	if c.users != nil {
		count = c.users.locs.len()
	} else {
		// In memory already: the spec changes each user once, as Apply does, and the
		// template's study is found from the users it keeps.
		kept := []*User{}
		for u := range users {
			kept = append(kept, u)
		}
		users, count = slices.Values(kept), len(kept)
		if template && study == "" {
			var err error
			if study, err = tableStudyOf(to, dir, users, opts); err != nil {
				return run.result(), err
			}
		}
	}
	ws, err := writeUsersAs(w, to, dir, users, count, study, opts, func() error { return serr })
	return append(run.result(), ws...), err
}

// tableStudyOf returns the study of the table to (csv, xlsx: the Clinical One template;
// oc4users: the OpenClinica 4 study table) written of dir and users.
func tableStudyOf(to string, dir *Directory, users iter.Seq[*User], opts Options) (string, error) {
	if to == "oc4users" {
		return oc4TableStudy(dir, users, opts)
	}
	return clinicalOneStudy(dir, users, opts)
}

// writeUsersAs writes users, those of dir, in the table or JSON output to (json, csv,
// xlsx, oc4users) one at a time, for CompactDirectory.Write and MergeStream.Write; count
// is how many users users hands on at most (0: not known), which a table's set of logins
// written is sized for; study is the table's (the template's, the OpenClinica 4 study
// table's). srcErr reports what stopped users early, once they have ended.
func writeUsersAs(w io.Writer, to string, dir *Directory, users iter.Seq[*User], count int, study string, opts Options, srcErr func() error) ([]Warning, error) {
	var ws []Warning
	var err error
	switch to {
	case "json":
		var jw *jsonUsers
		if jw, err = newJSONUsers(w, dir); err != nil {
			break
		}
		for u := range users {
			if err = jw.user(u); err != nil {
				break
			}
		}
		if err == nil {
			err = srcErr()
		}
		if err == nil {
			err = jw.end()
		}
	case "csv", "xlsx":
		write := writeClinicalOneCSV
		if to == "xlsx" {
			write = writeClinicalOneXLSX
		}
		left := leftOutOf(0, len(dir.Organizations), len(dir.Signatures), dir)
		if ws, err = write(w, templateSitesOf(dir.Sites), users, count, study, opts); err == nil {
			ws = left.warn(ws, "the template holds users only")
		}
	case "oc4users":
		ws, err = writeOC4Users(w, dir, users, count, study, opts)
	default:
		return nil, fmt.Errorf("mapping: no output %q of users one at a time", to)
	}
	if err == nil {
		err = srcErr()
	}
	return ws, err
}

// WriteODM writes the directory as WriteODM writes the Directory ReadAny returns (after
// opts.Spec applied as Spec.Apply applies it) into profile p, holding what WriteODMStream
// holds: the users, spec applied, go to a second temporary file (with their (study, site)
// pairs, a few bytes each, in memory) and are written from there one at a time
// (writeSpilled). It returns the spec's warnings, then the writer's. opts.Now is the
// writer's.
func (c *CompactDirectory) WriteODM(out io.Writer, p Profile, opts Options, wopts odm.WriteOptions) (ws []Warning, err error) {
	dir := c.shell
	wo := Options{Now: opts.Now}
	var run *specRun
	defer func() { ws = append(run.result(), ws...) }()
	var serr error
	defer catchSpill(&err)
	shell, err := newWriter(&Directory{Source: dir.Source}, p, wo)
	if err != nil {
		// The spec has seen every user first (as Apply before the writer).
		run = c.specOnly(opts)
		return nil, err
	}
	users, err := newSpilledUsers(shell)
	if err != nil {
		return nil, err
	}
	defer users.close()
	users.seq = true
	run = startSpec(dir, opts)
	assigned := &assignedSet{}
	var pairs userPairs
	for u := range run.filter(c.seq(&serr)) {
		pairs.add(u, assigned)
		if err := users.add(u); err != nil {
			return nil, err
		}
	}
	if serr != nil {
		return nil, serr
	}
	if err := users.seal(); err != nil {
		return nil, err
	}
	out2 := *dir
	return writeSpilled(out, &out2, nil, p, wo, wopts, users, assigned, &pairs)
}

// Patch writes what Patch writes for the directory (after opts.Spec applied as Apply
// applies it) patched into the document src, holding what PatchStream holds: the users,
// spec applied and checked, go to a second temporary file (some 10 bytes a user stay in
// memory: where each is, an index of IDs, a bit each) and each is built again where the
// document's records need it. It returns the spec's warnings, then Patch's, those of the
// document's reader first, as Patch returns them with PatchOptions.Foreign.
//
// Patch is the directory's last use but Close: once its users are copied, it lets go of
// them, and any other use of them is an error.
func (c *CompactDirectory) Patch(out io.Writer, src io.Reader, opts PatchOptions) (ws []Warning, err error) {
	if src == nil {
		return nil, nilODMReader()
	}
	dir := c.shell
	spec := opts.Options
	opts.Spec = nil // the writer's options
	var run *specRun
	defer func() { ws = append(run.result(), ws...) }()
	var serr error
	defer catchSpill(&err)
	shell, err := newWriter(&Directory{Source: dir.Source}, opts.Profile, opts.Options)
	if err != nil {
		// The spec has seen every user first (as Apply before the writer).
		run = c.specOnly(spec)
		return nil, err
	}
	users, err := newSpilledUsers(shell)
	if err != nil {
		return nil, err
	}
	defer users.close()
	users.readDoc = true // the patch reads where src has them (patchdoc.go)
	// The index of the users' IDs is built once FILE is read, from the records: their
	// fingerprints are not held meanwhile, while the template's users and FILE's sites
	// are (4 MB at a million users, at the patch's peak).
	users.lazyFps = true
	// The directory is resolved against the document first (basepatch.go): its sites and
	// roles in the document's terms, and, for a table, the document's users to merge
	// the rows with.
	rs, bs, done, err := openBaseSide(src, opts.Read, opts.Profile, dir, opts.Options)
	if err != nil {
		return nil, err
	}
	defer done()
	src = rs
	// A table's users are found by the LoginKey of their ID, the login they were read
	// with (basepatch.go).
	users.fold = bs.tabled()
	run = startSpec(dir, spec)
	if run == nil && c.users != nil && !c.spent {
		// Every user of c is copied, in c's order (no spec leaves one out): the bits of
		// what the document has of them (baseSide.tableBits) are made of c's records
		// before the copy, which holds c's and the copy's users beside each other (a
		// million users' keys, 8 MB, let go of before that), and before FILE's sites
		// are indexed (resolve): held beside the index, the keys made that a peak of
		// the patch (a live heap of 26-27 MB there at a million users, 17-19 now).
		cu := c.users
		bs.tableBitsOf(int32(cu.locs.len()), func(i int32) string { return userID(cu.recordText(int(i))) })
	}
	// After the spec's start, which renames the sites its rules name (in dir).
	head := *dir
	// Patch is the last use of c (see spend): its sites are renamed where they are, not
	// copied (20,000 sites of a template: 6 MB), unless the spec's run holds them, as it
	// found them.
	bs.resolve(&head, spec.Spec == nil)
	if spec.Spec == nil {
		// Resolved where they are: head has those FILE lacks, the aligner the others'
		// IDs, and the rest of c's (20,000 of a template: some 6 MB, held to spend
		// through the copy) are let go of now.
		dir.Sites = nil
	}
	// The writer asks about every user's assignments where it plans blocks and places
	// new sites (siteInBlock): the (study, site) pairs stand in for the users.
	assigned := &assignedSet{}
	var invalid error
	kept := 0
	for u := range run.filter(c.seq(&serr)) {
		if invalid == nil {
			invalid = checkUser(kept, u)
		}
		kept++
		bs.user(u)
		for _, a := range u.Assignments {
			assigned.add(a)
		}
		if err := users.add(u); err != nil {
			return nil, err
		}
	}
	if serr != nil {
		return nil, serr
	}
	if err := users.seal(); err != nil {
		return nil, err
	}
	// The users are all in users now: where c has each (4 bytes a user) is let go of
	// for the patch, which holds as much again (see spend).
	c.spend()
	d := head
	// head is the resolve's (its address taken): the compiler keeps it to the end, and
	// with it the directory's sites finish replaces (20,000 of a template: some 5 MB).
	head = Directory{}
	d.Users = nil
	// What the document has of the table's users is a bit each from here on, if not
	// made before the copy, before finish builds FILE's sites as values beside it (a
	// million users' keys: 8 MB).
	if bs.userHad == nil {
		bs.tableBits(users)
	}
	// FILE's sites stay packed for the writer of Locations (not OpenClinica's site
	// studies, made from the sites as values): built as values at once, with the
	// packing they were built from, they were some 30 MB at this point (decoded ones hold
	// the packing).
	bs.packOut = !writeProfile(&d, opts.Profile).flavour().siteStudies()
	resolved := bs.finish(&d)
	bs.checkSites(&d)
	if err := d.checkHead(); err != nil {
		return nil, fmt.Errorf("mapping: %w", err)
	}
	if invalid != nil {
		return nil, fmt.Errorf("mapping: %w", invalid)
	}
	w, err := newStreamWriter(&d, opts.Profile, opts.Options, assigned)
	if err != nil {
		return nil, err
	}
	// As Patch: writing into a document of the directory's flavour.
	w.same = true
	if v := d.Source; v != nil && v.Vendor != "" && v.Vendor != w.p && !isTemplate(v.Vendor) && !bs.tabled() {
		w.same = false
	}
	opts.docQuirks = true
	opts.base = bs
	sites := heldSites(d.Sites)
	if bs.tabled() {
		// FILE's sites, which may be many (20,000 in the generated million-user
		// export, some 900 bytes each as model values): packed, as PatchStream holds
		// them.
		if sites = bs.packedSites(w); sites == nil {
			sites = packedSites(w)
		}
	}
	ws, err = w.patch(out, src, users, sites, true, opts)
	return append(resolved, ws...), err
}

// ReadCompactODM reads the ODM stream r (its header may be read) as FromReader reads it,
// with FromReader's warnings, and holds the users as compact records in a temporary file
// as ReadCompact holds a template's: for the writers of a CompactDirectory where the ODM
// stream is not written as it is read (Patch into a document of another flavour). Close
// the directory to remove its file. opts.Spec is not applied (the writers apply it).
func ReadCompactODM(r *odm.Reader, opts Options) (c *CompactDirectory, ws []Warning, err error) {
	opts.Spec = nil
	b, err := readStream(r, opts, true)
	if err != nil {
		return nil, nil, err
	}
	defer b.close()
	users, err := newCompactUsers(false)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			users.close()
		}
	}()
	// Each user is a value of its own (the builder does not reuse it): add keeps it until
	// the next one is added, then encodes it.
	if err := b.finishEach(func(_ int, u *User) error {
		users.add(u)
		return nil
	}); err != nil {
		return nil, nil, err
	}
	if err := users.finish(); err != nil {
		return nil, nil, err
	}
	if err := b.close(); err != nil {
		return nil, nil, err
	}
	shell := &Directory{}
	*shell = *b.dir
	shell.Users = nil
	return &CompactDirectory{shell: shell, users: users, close: users.close}, b.w.result(), nil
}

// SpecWarnings applies opts.Spec to the users (each built anew; one of a directory read
// whole is changed) as Apply does, writing nothing, and returns its warnings: for a
// caller that fails after the whole read would have applied the spec, before it writes.
func (c *CompactDirectory) SpecWarnings(opts Options) []Warning { return c.specOnly(opts).result() }

func (c *CompactDirectory) specOnly(opts Options) *specRun {
	run := startSpec(c.shell, opts)
	var serr error
	for range run.filter(c.seq(&serr)) {
	}
	return run
}
