package mapping

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"

	"github.com/odmadmin/odmadmin/odm"
)

// WriteJSON reads r like [FromReader] and writes the directory as JSON, byte for byte what
// json.Encoder with a two-space indent writes for the Directory FromReader returns. It
// never holds the directory: the users are kept as the compact records FromReader reads
// them into, and each is built, written and dropped in turn, each block of records let go
// once its users are written. Memory is that of the records (a few hundred bytes per
// user), not that of the model values. It returns FromReader's warnings.
func WriteJSON(w io.Writer, r *odm.Reader, opts Options) ([]Warning, error) {
	b, err := readStream(r, opts, true)
	if err != nil {
		return nil, err
	}
	defer b.close()
	b.finishPrepare()
	jw, err := newJSONUsers(w, b.dir)
	if err != nil {
		return nil, err
	}
	if err := b.finishEach(func(_ int, u *User) error { return jw.user(u) }); err != nil {
		return nil, err
	}
	if err := b.close(); err != nil {
		return nil, err
	}
	return b.w.result(), jw.end()
}

// jsonUsers writes a directory's JSON around users written one at a time.
type jsonUsers struct {
	w    io.Writer
	tail []byte // what follows the users' array
	n    int
	buf  bytes.Buffer
	enc  *json.Encoder
}

// newJSONUsers writes d (its Users left out) up to the users' array.
func newJSONUsers(w io.Writer, d *Directory) (*jsonUsers, error) {
	shell := *d
	shell.Users = []*User{}
	head, err := json.MarshalIndent(&shell, "", "  ")
	if err != nil {
		return nil, err
	}
	const key = "\n  \"users\": []"
	i := bytes.Index(head, []byte(key))
	if i < 0 {
		return nil, errors.New("mapping: no users key in the directory JSON")
	}
	if _, err := w.Write(head[:i+len(key)-1]); err != nil {
		return nil, err
	}
	j := &jsonUsers{w: w, tail: head[i+len(key)-1:]}
	j.enc = json.NewEncoder(&j.buf)
	j.enc.SetIndent("    ", "  ")
	return j, nil
}

func (j *jsonUsers) user(u *User) error {
	j.buf.Reset()
	if j.n == 0 {
		j.buf.WriteString("\n    ")
	} else {
		j.buf.WriteString(",\n    ")
	}
	j.n++
	if err := j.enc.Encode(u); err != nil {
		return err
	}
	j.buf.Truncate(j.buf.Len() - 1) // Encode ends with a newline
	_, err := j.w.Write(j.buf.Bytes())
	return err
}

func (j *jsonUsers) end() error {
	if j.n > 0 {
		if _, err := io.WriteString(j.w, "\n  "); err != nil {
			return err
		}
	}
	if _, err := j.w.Write(j.tail); err != nil {
		return err
	}
	_, err := io.WriteString(j.w, "\n")
	return err
}

// ReadEach reads r like [FromReader] but keeps only the users keep returns: keep gets each
// user in turn, built from its compact record once the stream is read, and returns the
// user to keep (the same one, a smaller stand-in) or nil. The users kept are the returned
// directory's Users, in order; everything else in the directory is as FromReader gives
// it. A caller that needs a few users of a large export (plan keeps those its rows name)
// so holds the compact records, not the model values of every user.
func ReadEach(r *odm.Reader, opts Options, keep func(*User) *User) (*Directory, []Warning, error) {
	b, err := readStream(r, opts, true)
	if err != nil {
		return nil, nil, err
	}
	defer b.close()
	d := b.dir
	d.Users = []*User{}
	err = b.finishEach(func(_ int, u *User) error {
		if k := keep(u); k != nil {
			d.Users = append(d.Users, k)
		}
		return nil
	})
	if err == nil {
		err = b.close()
	}
	if err != nil {
		return nil, nil, err
	}
	return d, b.w.result(), nil
}
