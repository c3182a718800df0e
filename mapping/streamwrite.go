package mapping

import (
	"errors"
	"io"
	"iter"

	"github.com/odmadmin/odmadmin/odm"
)

// The writers of tables (the Clinical One template, the OpenClinica 4 user table) have
// streaming forms, which read the ODM stream as WriteJSON does and write each user as it
// is built: they hold what WriteJSON holds (see the package's Performance notes), never the
// directory.

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

// templateStudyFrom returns the study the template is written for (see
// WriteClinicalOneCSV): opts.Study, else found from every user of a first read.
func templateStudyFrom(open func() (*odm.Reader, error), opts Options) (string, []Warning, error) {
	if opts.Study != "" {
		return opts.Study, nil, nil
	}
	r, err := open()
	if err != nil {
		return "", nil, err
	}
	var study string
	ws, err := fromStream(r, opts, func(dir *Directory, users iter.Seq[*User]) ([]Warning, error) {
		var err error
		study, err = clinicalOneStudy(dir, users, opts)
		return nil, err
	})
	return study, ws, err
}

// WriteClinicalOneCSVFrom writes what WriteClinicalOneCSV writes for the directory
// FromReader would read from the ODM stream open returns, one user at a time, holding
// what WriteJSON holds. open returns the stream from its start: it is called once, or
// twice when opts.Study is empty (the template's study is then found from every user of
// a first read). It returns the reader's warnings, then the template's.
func WriteClinicalOneCSVFrom(w io.Writer, open func() (*odm.Reader, error), opts Options) ([]Warning, error) {
	return templateFrom(open, opts, func(dir *Directory, users iter.Seq[*User], study string) ([]Warning, error) {
		return writeClinicalOneCSV(w, dir, users, study, opts)
	})
}

// WriteClinicalOneXLSXFrom is WriteClinicalOneCSVFrom writing the workbook of
// WriteClinicalOneXLSX. The workbook's sheet is kept in memory up to 16 MB, beyond that in
// a temporary file, until it is compressed into w at the end.
func WriteClinicalOneXLSXFrom(w io.Writer, open func() (*odm.Reader, error), opts Options) ([]Warning, error) {
	return templateFrom(open, opts, func(dir *Directory, users iter.Seq[*User], study string) ([]Warning, error) {
		return writeClinicalOneXLSX(w, dir, users, study, opts)
	})
}

// templateFrom finds the template's study (templateStudyFrom), then streams the users
// of a fresh read to write, the common part of the template writers above.
func templateFrom(open func() (*odm.Reader, error), opts Options, write func(*Directory, iter.Seq[*User], string) ([]Warning, error)) ([]Warning, error) {
	study, ws, err := templateStudyFrom(open, opts)
	if err != nil {
		return ws, err
	}
	r, err := open()
	if err != nil {
		return nil, err
	}
	return fromStream(r, opts, func(dir *Directory, users iter.Seq[*User]) ([]Warning, error) {
		return write(dir, users, study)
	})
}

// WriteOC4UsersFrom writes what WriteOC4Users writes for the directory FromReader would
// read from r, one user at a time, holding what WriteJSON holds. It returns the reader's
// warnings, then the table's.
func WriteOC4UsersFrom(w io.Writer, r *odm.Reader, opts Options) ([]Warning, error) {
	return fromStream(r, opts, func(_ *Directory, users iter.Seq[*User]) ([]Warning, error) {
		return writeOC4Users(w, users, opts)
	})
}
