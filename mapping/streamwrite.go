package mapping

import (
	"errors"
	"iter"

	"github.com/odmadmin/odmadmin/odm"
)

// The writers of tables (the Clinical One template, the OpenClinica 4 user table) have
// streaming forms, in their vendors' files, built on the helpers here: they read the ODM
// stream as WriteJSON does and write each user as it is built, so they hold what WriteJSON
// holds (see the package's Performance notes), never the directory.

// errStopped ends finishEach when the loop over streamUsers stops early.
var errStopped = errors.New("mapping: stopped")

// streamUsers hands on the users of b (read with a spill) one at a time, in order (see
// finishEach); once the loop is done, *err holds an error of the spill file.
func streamUsers(b *builder, err *error) iter.Seq[*User] {
	return func(yield func(*User) bool) {
		e := b.finishEach(func(_ int, u *User) error {
			if !yield(u) {
				return errStopped
			}
			return nil
		})
		if e != nil && e != errStopped {
			*err = e
		}
	}
}

// fromStream reads r into a spilling builder and has write write the directory from it:
// dir holds everything but the users, which users hands on. It returns the reader's
// warnings and then write's.
func fromStream(r *odm.Reader, opts Options, write func(dir *Directory, users iter.Seq[*User]) ([]Warning, error)) ([]Warning, error) {
	b, err := readStream(r, opts, true)
	if err != nil {
		return nil, err
	}
	return fromBuilder(b, opts, write)
}

// fromBuilder is fromStream once r is read into the spilling builder b, which it closes.
func fromBuilder(b *builder, opts Options, write func(dir *Directory, users iter.Seq[*User]) ([]Warning, error)) ([]Warning, error) {
	defer b.close()
	b.finishPrepare()
	run := startSpec(b.dir, opts)
	var serr error
	ws, err := write(b.dir, run.filter(streamUsers(b, &serr)))
	if err == nil {
		err = serr
	}
	if cerr := b.close(); err == nil {
		err = cerr
	}
	return append(append(b.w.result(), run.result()...), ws...), err
}

// startSpec starts applying opts.Spec to dir, whose users are to come; nil without one.
func startSpec(dir *Directory, opts Options) *specRun {
	if opts.Spec == nil || opts.Spec.Spec == nil {
		return nil
	}
	return opts.Spec.Spec.start(dir, opts.Spec.Target, opts.Spec.Lookup)
}

// filter applies the spec to each user of users and hands on those it keeps; users as
// they are without a spec.
func (r *specRun) filter(users iter.Seq[*User]) iter.Seq[*User] {
	if r == nil {
		return users
	}
	return func(yield func(*User) bool) {
		for u := range users {
			if r.user(u) && !yield(u) {
				return
			}
		}
	}
}
