package mapping

import "github.com/odmadmin/odmadmin/odm"

// SpecRun is a migration spec applied to a directory's users one at a time, as Apply
// applies it to d.Users: diff and plan apply a spec to a side they read user by user (more
// than once), never holding the directory. What it keeps for its warnings is counted by
// site and role, not by user.
type SpecRun struct{ r *specRun }

// Start starts applying the spec to d, whose users are to come (d.Users is not looked at):
// d's sites are renamed by the site rules now, as Apply renames them, so pass a directory
// whose sites may change. A nil SpecUse (or one without a Spec) gives a run that keeps
// every user as it is.
func (u *SpecUse) Start(d *Directory) *SpecRun {
	if u == nil || u.Spec == nil {
		return &SpecRun{}
	}
	if d == nil {
		d = &Directory{}
	}
	return &SpecRun{r: u.Spec.start(d, u.Target, u.Lookup)}
}

// User applies the spec to u, as Apply does to each user, and reports whether u is kept
// (an exclude rule leaves it out).
func (r *SpecRun) User(u *User) bool {
	if r == nil || r.r == nil {
		return true
	}
	return r.r.user(u)
}

// Warnings returns what Apply would return for the users given so far.
func (r *SpecRun) Warnings() []Warning {
	if r == nil {
		return nil
	}
	return r.r.result()
}

// Shell returns a copy of the directory without its users (Users empty): its studies,
// sites, groups and source, shared with c. A spec run (SpecUse.Start) on it renames the
// sites: give it a copy with sites of its own.
func (c *CompactDirectory) Shell() *Directory {
	out := &Directory{}
	*out = *c.shell
	out.Users = []*User{}
	return out
}

// ReadEachSpec is [ReadEach] with opts.Spec applied to each user before keep sees it, as
// Spec.Apply applies it to the directory FromReader reads (the directory's sites renamed,
// the users an exclude rule names left out, never given to keep). It returns the
// reader's warnings and, apart, the spec's (Apply's). Without opts.Spec it is ReadEach.
func ReadEachSpec(r *odm.Reader, opts Options, keep func(*User) *User) (d *Directory, ws, specWarnings []Warning, err error) {
	b, err := readStream(r, opts, true)
	if err != nil {
		return nil, nil, nil, err
	}
	defer b.close()
	b.finishPrepare()
	run := startSpec(b.dir, opts)
	d = b.dir
	d.Users = []*User{}
	err = b.finishEach(func(_ int, u *User) error {
		if run != nil && !run.user(u) {
			return nil
		}
		if k := keep(u); k != nil {
			d.Users = append(d.Users, k)
		}
		return nil
	})
	if err == nil {
		err = b.close()
	}
	if err != nil {
		return nil, nil, nil, err
	}
	return d, b.w.result(), run.result(), nil
}
