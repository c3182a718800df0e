package mapping

import "io"

// Check checks the directory as [Directory.Check] checks the one ReadAny returns, building
// each user held as a record once more.
func (c *CompactDirectory) Check() error {
	if err := c.shell.checkHead(); err != nil {
		return err
	}
	i := 0
	var bad error
	if c.users == nil {
		for _, u := range c.whole {
			if bad == nil {
				bad = checkUser(i, u)
			}
			i++
		}
	} else if _, err := c.Each(func(u *User) *User {
		if bad == nil {
			bad = checkUser(i, u)
		}
		i++
		return nil
	}); err != nil {
		return err
	}
	if bad != nil {
		return bad
	}
	return c.shell.checkTail()
}

// WriteJSON writes the directory as JSON, byte for byte what json.Encoder with a
// two-space indent writes for the Directory ReadAny returns ("map --to json"), one user at
// a time: a directory held as compact records is never built whole. A caller that
// writes nothing of a directory that fails Check (as map does) calls it first.
func (c *CompactDirectory) WriteJSON(w io.Writer) error {
	jw, err := newJSONUsers(w, c.shell)
	if err != nil {
		return err
	}
	var werr error
	if c.users == nil {
		for _, u := range c.whole {
			if werr == nil {
				werr = jw.user(u)
			}
		}
	} else if _, err := c.Each(func(u *User) *User {
		if werr == nil {
			werr = jw.user(u)
		}
		return nil
	}); err != nil {
		return err
	}
	if werr != nil {
		return werr
	}
	return jw.end()
}
