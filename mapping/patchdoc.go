package mapping

import (
	"bufio"
	"errors"
	"hash/maphash"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/odmadmin/odmadmin/odm"
)

// A user the directory has that the document patched has too is written where the
// document has it, patched, not added as new at the head of its study's block as well:
// that wrote every user of a template patched into a base of the same users twice, under
// the same OID. For a user read from the document (its Source names this flavour) the
// Source says which blocks have it; for any other (a template row, a directory built by a
// program, one read from another vendor's export) the document is read once before it is
// patched, for which users each study's blocks have: docUsers.

// docUsers are the users of the document patched, as a sorted set of hashes of (the study
// of their block, their key: OID, or login for a record without one), eight bytes a user.
// Two keys share a hash with a chance of about one in 2^64/n²; a user wrongly taken as the
// document's is then not written as new, and unplaced reports it.
type docUsers struct {
	seed maphash.Seed
	keys []uint64
}

func (d *docUsers) hash(study, key string) uint64 {
	var h maphash.Hash
	h.SetSeed(d.seed)
	h.WriteString(study)
	h.WriteByte(0)
	h.WriteString(key)
	return h.Sum64()
}

// userKey is what patcher.record finds u by (patchUsers.find): its ID, or "\x00" and its
// login for a user without one.
func userKey(u *User) string {
	if u.ID != "" {
		return u.ID
	}
	return "\x00" + u.Login
}

// has reports whether a block of study in the document has a record of u that
// patcher.record will find. It is false for a user read from this flavour (the patcher
// goes by its Source) and when the document was not read (no foreign users: d is nil).
func (d *docUsers) has(p Profile, study string, u *User) bool {
	if d == nil || u.Source != nil && u.Source.Vendor == p {
		return false
	}
	_, ok := slices.BinarySearch(d.keys, d.hash(study, userKey(u)))
	return ok
}

// readDocUsers reads which users the document in src has by study, and returns a reader
// of the same document to patch: src again, rewound, when it can seek (a file), or else
// a copy of it spooled to a temporary file as it was read, which done removes.
func readDocUsers(src io.Reader, ro odm.ReadOptions) (d *docUsers, again io.Reader, done func() error, err error) {
	done = func() error { return nil }
	var spool *os.File
	var spoolW *bufio.Writer
	in := src
	start, serr := int64(0), error(errors.ErrUnsupported)
	if s, ok := src.(io.Seeker); ok {
		start, serr = s.Seek(0, io.SeekCurrent)
	}
	if serr != nil {
		if spool, err = os.CreateTemp("", "odmadmin-patch-*.xml"); err != nil {
			return nil, nil, nil, err
		}
		done = func() error {
			err := spool.Close()
			if rerr := os.Remove(spool.Name()); err == nil {
				err = rerr
			}
			return err
		}
		spoolW = bufio.NewWriterSize(spool, 64<<10)
		in = io.TeeReader(src, spoolW)
	}
	fail := func(err error) (*docUsers, io.Reader, func() error, error) {
		done()
		return nil, nil, nil, err
	}
	ro.Reuse = true // nothing of a record is kept but a hash
	r := odm.NewReader(in, ro)
	d = &docUsers{seed: maphash.MakeSeed()}
	study := ""
	for {
		n, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(err)
		}
		switch v := n.(type) {
		case *odm.AdminData:
			study = strings.TrimSpace(v.StudyOID)
		case *odm.User:
			key := strings.TrimSpace(v.OID)
			if key == "" {
				key = "\x00" + strings.TrimSpace(v.LoginName)
			}
			d.keys = append(d.keys, d.hash(study, key))
		}
	}
	slices.Sort(d.keys)
	d.keys = slices.Compact(d.keys)
	if spool == nil {
		if _, err := src.(io.Seeker).Seek(start, io.SeekStart); err != nil {
			return fail(err)
		}
		return d, src, done, nil
	}
	// What follows the document (the reader stops at its end) is patched as before.
	if _, err := io.Copy(spoolW, src); err != nil {
		return fail(err)
	}
	if err := spoolW.Flush(); err != nil {
		return fail(err)
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}
	return d, bufio.NewReaderSize(spool, 64<<10), done, nil
}
