package mapping

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"

	"github.com/odmadmin/odmadmin/odm"
)

// directWrite is WriteODMStream's path when the document it writes is known to have one
// AdminData before any user is built: each user goes from the builder's records into the
// writer as it is built, where the other path builds every user first into a temporary
// file of their encodings (spilledUsers) and then reads each back to write it. That
// file was some 590 bytes a user (inform-1000000 wrote and read 590 MB through it) and
// its encoding and decoding a sixth of map --to odm2's CPU.
//
// The other path spills the users because the writer's plan of blocks (writer.blocks)
// depends on the studies they are assigned in, which are known only once every user is
// built, and a user is written into each block it belongs to. Here the plan is worked
// out beforehand from what any assignment can name: resolve takes a user's study from
// its block (blockAccessInfo.study), from a site's study (siteStudies) or the file's
// only study, so the studies assigned lie between those every user is sure to get
// (the block's study, when every block has the same one) and all those. When the plan
// is the same one block at both ends, it is the plan of every set in between, and so
// the one the users would give. What is asked of the assignments of all users at once
// (the assignedSet) is asked after the users are written (the Locations of the block),
// by which time the set is complete, as the other path has it from the start.
type directWrite struct {
	b        *builder
	w        *writer
	assigned *assignedSet
}

// newDirectWrite returns the direct write of b's directory into p, or nil when the
// other path must write it: with a spec (which may drop users and rename studies), into
// OpenClinica (whose site studies come before the AdminData and are made from the
// assignments), back into the flavour read (whose records are sorted by their place),
// when the plan is not one block known beforehand, or when the directory fails the
// writer's check (the other path reports it, after the users' own check).
func newDirectWrite(b *builder, p Profile, opts Options) *directWrite {
	if opts.Spec != nil || b.dir.Source == nil {
		return nil
	}
	only := b.finishPrepare()
	b.siteStudies()
	assigned := &assignedSet{}
	w, err := newStreamWriter(b.dir, p, opts, assigned)
	if err != nil || w.same || w.fl.siteStudies() || w.buffered() || len(w.plan) != 1 {
		return nil
	}
	// The studies any assignment can name, and those some assignment is sure to name.
	all, sure := &assignedSet{}, &assignedSet{}
	common, sameStudy := "", true
	for i := range b.dir.Source.Blocks {
		st := b.blockAccess(i).study
		all.add(Assignment{Study: st})
		if i == 0 {
			common = st
		}
		sameStudy = sameStudy && st == common && st != ""
	}
	all.add(Assignment{Study: only})
	for _, st := range b.siteStudy.studies {
		all.add(Assignment{Study: st})
	}
	if sameStudy && b.nusers > 0 && len(b.dir.Source.Blocks) > 0 {
		// Each user is resolved in a block of this study, which names it: a user of
		// sites gets it for each site, one without for the study.
		sure.add(Assignment{Study: common})
	}
	w.assigned = sure
	least := w.blocks()
	w.assigned = all
	most := w.blocks()
	w.assigned = assigned
	if len(least) != 1 || !slices.Equal(least, most) {
		return nil
	}
	w.plan = least
	return &directWrite{b: b, w: w, assigned: assigned}
}

// errPlanChanged is an internal error: the users' assignments gave another plan of
// blocks than newDirectWrite found beforehand.
var errPlanChanged = errors.New("mapping: internal error: the users' assignments changed the blocks planned before them")

// write writes the document: the users built one at a time as the writer asks for them,
// each checked as spillAll checks it and its assignments noted in the set, then the rest
// of the block. It returns the writer's warnings; the builder's are the caller's.
func (d *directWrite) write(out io.Writer, wopts odm.WriteOptions) (ws []Warning, err error) {
	defer catchSpill(&err)
	b, w := d.b, d.w
	w.dir.Users = nil
	w.findLocationless()
	if t, ok := packSites(w.dir.Sites); ok {
		// The builder keeps of its sites only what resolve needs (as WriteJSON's
		// builder does): the writer has them packed.
		w.sitePack = t
		b.letGoOfSites()
		w.dir.Sites = nil
	}
	// Nothing keeps a user once the writer has written it (one block writes it once, and
	// the assignments' strings are copied into the set), so each is built in the memory
	// of the one before, as spillAll builds them.
	b.reuseUsers = true
	// The writer writes each user's record before it makes the next: it makes each in
	// the memory of the last.
	w.fresh = &freshUser{}
	var invalid, serr error
	kept := 0
	w.userSeq = func(blockPlan) iter.Seq[*User] {
		return func(yield func(*User) bool) {
			e := b.finishEach(func(_ int, u *User) error {
				if invalid = checkUser(kept, u); invalid != nil {
					return errStopped
				}
				if u.Source != nil && len(u.Source.recs) > 0 {
					return errUserRecs // as spillAll's encoding refuses them
				}
				kept++
				for _, a := range u.Assignments {
					d.assigned.add(a)
				}
				// One block writes each user once: the role names reported for a user
				// (CodeRoleVerbatim, once per user and name) need not be kept past it.
				clear(w.verbatim)
				if !yield(u) {
					return errStopped
				}
				return nil
			})
			if e != nil && e != errStopped {
				serr = e
			}
		}
	}
	ws, err = w.writeODM(out, wopts)
	switch {
	case invalid != nil:
		return ws, fmt.Errorf("mapping: %w", invalid)
	case serr != nil:
		return ws, serr
	case err != nil:
		return ws, err
	}
	if cerr := b.close(); cerr != nil {
		return ws, cerr
	}
	if !slices.Equal(w.blocks(), w.plan) {
		return ws, errPlanChanged
	}
	return ws, nil
}
