package validate

import (
	"io"
	"os"
	"strings"

	"github.com/odmadmin/odmadmin/internal/ctxio"
	"github.com/odmadmin/odmadmin/internal/xmlenc"
	"github.com/odmadmin/odmadmin/internal/xmlscan"
	"github.com/odmadmin/odmadmin/odm"
)

// AdminDataInput is one file of a check of several files ([CheckAdminDataInputs]).
type AdminDataInput struct {
	// Name is the file's name in errors (it replaces AdminDataOptions.Read.Name).
	Name string
	// Open returns the file's bytes from the start. A check reads each file twice, so Open
	// is called twice; the caller closes nothing, the check closes what Open returns.
	Open func() (io.ReadCloser, error)
	// Users, when not nil, makes the input a file that is no ODM (a user table adding
	// e-mail addresses or logins by OID): Open is not used, and its users are compared
	// with the ODM files' by the identity rules across files, in the order of the inputs.
	Users []TableUser
	// EachUser, when not nil, is Users for a table too large to hold: it calls each with
	// every user in order and returns the first error met. A check calls it twice.
	EachUser func(each func(TableUser)) error
}

// table reports whether the input is a user table (Users or EachUser), not ODM.
func (in AdminDataInput) table() bool { return in.Users != nil || in.EachUser != nil }

// eachUser calls each with the table's users in order.
func (in AdminDataInput) eachUser(each func(TableUser)) error {
	if in.EachUser != nil {
		return in.EachUser(each)
	}
	for _, u := range in.Users {
		each(u)
	}
	return nil
}

// CheckAdminDataXML reads an ODM document from r and checks it like [CheckAdminData]. It
// returns the odm decode error (an *odm.Error for bad input) when the document cannot be
// read.
//
// Memory does not grow with the document beyond a compact index: the document is read
// twice, one record at a time with odm.Reader (Study, ClinicalData and the rest are only
// scanned), first for the OIDs every reference may name and the OIDs and login names that
// occur more than once, then for the checks. What it holds between the two reads is about
// 20 bytes per User (hashes of its OID and login name; see the package documentation),
// the Study and MetaDataVersion OIDs as text, and the findings. An r that is an
// io.ReadSeeker (a file, a bytes.Reader) is read twice from its current offset; any other
// is copied to a temporary file on the first read.
func CheckAdminDataXML(r io.Reader, opts AdminDataOptions) ([]Finding, error) {
	if r == nil {
		// The odm readers' error for a nil reader, as the check of an input that odm
		// reads: no input (rereadable would spool from it).
		_, err := odm.Check(nil, opts.Read)
		return nil, err
	}
	in, cleanup, err := rereadable(r, opts.Read.Name)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	fs, err := CheckAdminDataInputs([]AdminDataInput{in}, opts)
	if err != nil {
		return nil, err
	}
	return fs[0], nil
}

// CheckAdminDataInputs checks several ODM files as one: each file's AdminData is checked as
// CheckAdminDataXML checks it (uniqueness holds within each AdminData of each file), but a
// reference resolves against the definitions of every file — a Rave Users.odm whose
// LocationRefs name the Locations of its Sites.odm, InForm's paged user downloads, a study
// file defining the Study the AdminData names. The findings of ins[i] are the i-th slice. The
// first file that cannot be read stops the check with its error.
func CheckAdminDataInputs(ins []AdminDataInput, opts AdminDataOptions) ([][]Finding, error) {
	return checkInputs(ins, opts, newAdminDefs())
}

// CheckAdminDataInputsFunc is [CheckAdminDataInputs] giving each finding to emit, the
// files' in the order of ins and each file's in order, instead of returning them; emit's
// first error stops the check and is returned. With unbounded findings
// (AdminDataOptions.MaxFindings < 0) memory stays bounded however many there are: past
// 65,536 a file's findings go to a temporary file in sorted runs, merged as they are
// given out (a finding on every one of 200,000 users: 128 → 56 MiB in odmadmin check).
func CheckAdminDataInputsFunc(ins []AdminDataInput, opts AdminDataOptions, emit func(file int, f Finding) error) error {
	return checkInputsEach(ins, opts, newAdminDefs(), true, emit)
}

func checkInputs(ins []AdminDataInput, opts AdminDataOptions, defs *adminDefs) ([][]Finding, error) {
	out := make([][]Finding, len(ins))
	err := checkInputsEach(ins, opts, defs, false, func(i int, f Finding) error {
		out[i] = append(out[i], f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkInputsEach checks ins and gives emit their findings; spill lets a checker write
// unbounded findings to a temporary file.
func checkInputsEach(ins []AdminDataInput, opts AdminDataOptions, defs *adminDefs, spill bool, emit func(file int, f Finding) error) error {
	facts := make([]fileFacts, len(ins))
	defs.multi = len(ins) > 1
	for i, in := range ins {
		defs.file, defs.table = i, in.table()
		if in.table() {
			err := in.eachUser(func(u TableUser) {
				if strings.TrimSpace(u.OID) != "" {
					defs.child("User", u.OID)
				}
				defs.login(u.Login)
			})
			if err != nil {
				return err
			}
			continue
		}
		f, err := collectFile(in, opts, defs)
		if err != nil {
			return err
		}
		facts[i] = f
		defs.needUsers = defs.needUsers || f.dataRefs
	}
	defs.done()
	if defs.needUsers {
		for _, in := range ins {
			if in.table() {
				continue
			}
			if err := collectUsers(in, opts, defs); err != nil {
				return err
			}
		}
	}
	if len(ins) > 1 {
		names := make([]string, len(ins))
		tables := make([]bool, len(ins))
		for i, in := range ins {
			names[i], tables[i] = in.Name, in.table()
		}
		defs.cross = newCrossUsers(names, tables)
	}
	for i, in := range ins {
		c := newAdminChecker(opts, defs)
		c.file, c.spillOK = i, spill
		var err error
		if in.table() {
			c.phase = phaseAdmin
			err = in.eachUser(c.tableUser)
		} else {
			err = checkFile(in, opts, facts[i], c)
		}
		if err == nil {
			err = c.each(func(f Finding) error { return emit(i, f) })
		}
		if c.runs != nil {
			c.runs.close()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// rereadable returns an input that can be opened twice for r: r itself when it can seek,
// else a temporary copy written while the first pass reads it.
func rereadable(r io.Reader, name string) (AdminDataInput, func(), error) {
	if rs, ok := r.(io.ReadSeeker); ok {
		if start, err := rs.Seek(0, io.SeekCurrent); err == nil {
			return AdminDataInput{Name: name, Open: func() (io.ReadCloser, error) {
				if _, err := rs.Seek(start, io.SeekStart); err != nil {
					return nil, err
				}
				return io.NopCloser(rs), nil
			}}, func() {}, nil
		}
	}
	tmp, err := os.CreateTemp("", "odmadmin-check-*.xml")
	if err != nil {
		return AdminDataInput{}, nil, err
	}
	cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
	first := true
	return AdminDataInput{Name: name, Open: func() (io.ReadCloser, error) {
		if first {
			first = false
			return &spool{r: r, w: tmp}, nil
		}
		if _, err := tmp.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		return io.NopCloser(tmp), nil
	}}, cleanup, nil
}

// spool copies what is read from r to w; Close copies the rest, so that the copy is whole
// even when the reader stopped early.
type spool struct {
	r   io.Reader
	w   io.Writer
	err error
}

func (s *spool) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		if _, werr := s.w.Write(p[:n]); werr != nil && s.err == nil {
			s.err = werr
		}
	}
	if s.err != nil {
		return n, s.err
	}
	return n, err
}

func (s *spool) Close() error {
	if s.err != nil {
		return s.err
	}
	_, err := io.Copy(s.w, s.r)
	return err
}

// fileFacts is what pass 1 learns about one file for pass 2: the findings about the order
// of the root's children, which need no definitions, and whether ClinicalData or
// ReferenceData refer to AdminData at all.
type fileFacts struct {
	root     *adminChecker // holds the findings about the root's children
	dataRefs bool
}

// checkFile is pass 2 over one file: odm.Reader gives the AdminData records to c. When the
// file has references in ClinicalData or ReferenceData, a second, allocation-free tokenizer
// reads them beside the reader from the same bytes (sideScan).
func checkFile(in AdminDataInput, opts AdminDataOptions, facts fileFacts, c *adminChecker) (err error) {
	ropts := opts.Read
	ropts.Name = in.Name
	if facts.root != nil {
		c.absorb(facts.root)
	}
	src, err := in.Open()
	if err != nil {
		return err
	}
	if !facts.dataRefs {
		err := readRecords(odm.NewReader(src, ropts), nil, c)
		if cerr := src.Close(); err == nil {
			err = cerr
		}
		return err
	}
	pr, pw := io.Pipe()
	side := &sideScan{defs: c.defs, read: ropts, c: newAdminChecker(opts, c.defs)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		side.run(pr)
		// Whatever stopped the scan, keep draining, so that the reader is never blocked.
		io.Copy(io.Discard, pr)
	}()
	r := odm.NewReader(io.TeeReader(src, pw), ropts)
	err = readRecords(r, nil, c)
	cerr := src.Close()
	if err != nil {
		pw.CloseWithError(err)
	} else {
		pw.Close()
	}
	<-done
	if err != nil {
		return err
	}
	if cerr != nil {
		return cerr
	}
	if side.err != nil {
		// odm read the file, the side scan of the same bytes did not: a finding would be
		// missing, so the check fails rather than report less.
		return &odm.Error{File: in.Name, Err: odm.ErrSyntax, Msg: "the check's scan of the document failed: " + side.err.Error()}
	}
	c.absorb(side.c)
	return nil
}

// collectUsers reads the User OIDs of one file into defs.users, for the references to Users
// from ClinicalData and ReferenceData; pass 1 has read the file, so it reads.
func collectUsers(in AdminDataInput, opts AdminDataOptions, defs *adminDefs) error {
	ropts := opts.Read
	ropts.Name = in.Name
	src, err := in.Open()
	if err != nil {
		return err
	}
	side := &sideScan{defs: defs, read: ropts, c: newAdminChecker(opts, defs), pass1: true, usersOnly: true}
	side.run(ctxio.Reader(ropts.Context, src))
	if err := src.Close(); err != nil {
		return err
	}
	if side.err != nil {
		return &odm.Error{File: in.Name, Err: odm.ErrSyntax, Msg: "the check's scan of the document failed: " + side.err.Error()}
	}
	return nil
}

// collectFile is pass 1 over one file: the side scan alone, which reads every definition
// (the OIDs of Studies and MetaDataVersions, of AdminData's Users, Locations, SignatureDefs
// and Organizations, the login names) without building records, at the speed of the bare
// tokenizer. When the scan fails, odm.Reader reads the file to report the error as every
// command does, with its position.
func collectFile(in AdminDataInput, opts AdminDataOptions, defs *adminDefs) (fileFacts, error) {
	ropts := opts.Read
	ropts.Name = in.Name
	src, err := in.Open()
	if err != nil {
		return fileFacts{}, err
	}
	side := &sideScan{defs: defs, read: ropts, c: newAdminChecker(opts, defs), pass1: true}
	// A cancelled context stops the scan; the reader below then reports it, as odm does.
	side.run(ctxio.Reader(ropts.Context, src))
	if err := src.Close(); err != nil {
		return fileFacts{}, err
	}
	if side.err == nil {
		return fileFacts{root: side.c, dataRefs: side.dataRefs}, nil
	}
	again, err := in.Open()
	if err != nil {
		return fileFacts{}, err
	}
	defer again.Close()
	if err := readRecords(odm.NewReader(again, ropts), newAdminDefs(), nil); err != nil {
		return fileFacts{}, err
	}
	return fileFacts{}, &odm.Error{File: in.Name, Err: odm.ErrSyntax, Msg: "the check's scan of the document failed: " + side.err.Error()}
}

// readRecords reads every record of r into defs (pass 1) or the check c (pass 2).
func readRecords(r *odm.Reader, defs *adminDefs, c *adminChecker) error {
	h, err := r.Header()
	if err != nil {
		return err
	}
	if c != nil {
		c.begin(h.Version, h.Root)
	}
	warned := 0
	var summaries []*odm.Error // the reader's warnings that stand for those past its bound
	// report hands c the reader's warnings not handed yet; those that count on until the
	// read ends wait in summaries, reported last.
	report := func() {
		ws := r.Warnings()
		for ; warned < len(ws); warned++ {
			if ws[warned].More > 0 {
				summaries = append(summaries, ws[warned])
				continue
			}
			c.readerWarning(ws[warned])
		}
	}
	for {
		n, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if c == nil {
			defs.record(n)
			continue
		}
		switch n := n.(type) {
		case *odm.AdminData:
			c.beginAdminData(n)
		case *odm.User:
			c.adminChild("User", n.Line, n.Col)
			c.record(n)
		case *odm.Organization:
			c.adminChild("Organization", n.Line, n.Col)
			c.record(n)
		case *odm.Location:
			c.adminChild("Location", n.Line, n.Col)
			c.record(n)
		case *odm.SignatureDef:
			c.adminChild("SignatureDef", n.Line, n.Col)
			c.record(n)
		}
		report()
	}
	if c != nil {
		report()
		for _, w := range summaries {
			c.readerWarning(w)
		}
	}
	return nil
}

// sideScan reads what odm.Reader skips: the root's children (for their order), each
// Study's OID and MetaDataVersion OIDs (pass 1), and the references to AdminData from
// ClinicalData and ReferenceData (pass 2). It has its own checker (c, in pass 2) whose
// findings join the file's at the end. It never reports an error: the input is the
// reader's too, which reports the same error with its position.
type sideScan struct {
	defs  *adminDefs
	read  odm.ReadOptions
	c     *adminChecker
	pass1 bool
	// usersOnly is the read that fills defs.users (collectUsers): a pass 1 that records
	// nothing but User OIDs.
	usersOnly bool
	// dataRefs is set in pass 1 when ClinicalData or ReferenceData refer to AdminData.
	dataRefs bool
	err      error // why the scan stopped before the end, if it did
}

func (s *sideScan) run(r io.Reader) {
	u, err := utf8View(r)
	if err != nil {
		s.err = err
		return
	}
	lim := func(n, def int) int {
		switch {
		case n == 0:
			return def
		case n < 0:
			return 0
		}
		return n
	}
	sc := xmlscan.New(u, xmlscan.Options{
		MaxDepth:      lim(s.read.MaxDepth, odm.DefaultMaxDepth),
		MaxTokenBytes: lim(s.read.MaxTokenBytes, odm.DefaultMaxTokenBytes),
		MaxAttrs:      lim(s.read.MaxAttrs, odm.DefaultMaxAttrs),
		MaxInputBytes: max(s.read.MaxInputBytes, 0),
	})
	var (
		depth int
		ns    string
		// Inside a child of the root that matters, and which: a Study (its MetaDataVersion
		// children) or ClinicalData/ReferenceData (any reference in it).
		inStudy, inData bool
		study           string
		mdvs            []string
		// Pass 1 inside AdminData: the User being read, whether its login element was seen,
		// and the text of that element while it is open.
		inAdmin, inUser, loginSeen, inLogin bool
		loginElem                           = "LoginName"
		login                               []byte
	)
	pass1 := s.pass1
	for {
		kind, err := sc.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			s.err = err
			return
		}
		switch kind {
		case xmlscan.EndElement:
			depth--
			switch {
			case depth == 1:
				if inStudy && pass1 && !s.usersOnly {
					s.defs.study(study, mdvs)
				}
				inStudy, inData, inAdmin = false, false, false
			case depth == 2:
				inUser = false
			case depth == 3 && inLogin:
				inLogin = false
				if !s.usersOnly {
					s.defs.login(string(login))
				}
			}
			continue
		case xmlscan.Text, xmlscan.CDATA:
			// odm's text of a text-only element: its own text and CDATA pieces, joined.
			if inLogin && depth == 4 {
				login = append(login, sc.Data()...)
			}
			continue
		case xmlscan.StartElement:
		default:
			continue
		}
		depth++
		n := sc.Name()
		switch depth {
		case 1:
			ns = n.Space
			v := sideVersion(n.Space, sc.Attrs())
			if v == odm.V20 {
				loginElem = "UserName"
			}
			s.c.begin(v, rootElement(n, sc.Attrs()))
		case 2:
			if n.Space != ns {
				continue
			}
			local := string(n.Local)
			if pass1 {
				line, col := sc.Pos()
				s.c.rootChild(local, line, col)
			}
			switch local {
			case "Study":
				inStudy = true
				study, _ = attr(sc.Attrs(), "OID")
				mdvs = mdvs[:0]
			case "ClinicalData", "ReferenceData":
				inData = true
			case "AdminData":
				inAdmin = pass1
			}
		case 3:
			if inStudy && n.Space == ns && string(n.Local) == "MetaDataVersion" {
				if oid, ok := attr(sc.Attrs(), "OID"); ok {
					mdvs = append(mdvs, oid)
				}
			}
			if inAdmin && n.Space == ns {
				oid, _ := attr(sc.Attrs(), "OID")
				local := string(n.Local)
				switch {
				case s.usersOnly:
					if local == "User" {
						s.defs.user(oid)
					}
				default:
					s.defs.child(local, oid)
					if local == "User" {
						inUser, loginSeen = true, false
					}
				}
			}
		case 4:
			// The first login element of a User is its login name; odm keeps a second one
			// as unknown content.
			if inUser && !loginSeen && n.Space == ns && string(n.Local) == loginElem {
				loginSeen, inLogin = true, true
				login = login[:0]
			}
		}
		if inData && depth > 2 && n.Space == ns {
			switch string(n.Local) {
			case "UserRef", "InvestigatorRef", "LocationRef", "SiteRef", "SignatureRef":
				if pass1 {
					s.dataRefs = true
					break
				}
				local := string(n.Local)
				_, _, _, attrName := dataRefKind(local, s.defs)
				oid, _ := attr(sc.Attrs(), attrName)
				line, col := sc.Pos()
				s.c.dataRef(local, oid, line, col)
			}
		}
	}
}

// attr returns the value of the attribute local in no namespace.
func attr(as []xmlscan.Attr, local string) (string, bool) {
	for i := range as {
		if as[i].Space == "" && string(as[i].Local) == local {
			return string(as[i].Value), true
		}
	}
	return "", false
}

// rootElement is the root start tag as odm.Header gives it: the name and the attributes
// that decide a check's context (FileType, PriorFileOID, Granularity).
func rootElement(n *xmlscan.Name, as []xmlscan.Attr) *odm.Element {
	e := &odm.Element{Name: odm.Name{Space: n.Space, Local: string(n.Local)}}
	for i := range as {
		if as[i].Space == "" {
			e.Attrs = append(e.Attrs, odm.Attr{Name: odm.Name{Local: string(as[i].Local)}, Value: string(as[i].Value)})
		}
	}
	return e
}

// sideVersion is the ODM version odm reads a root with: by its namespace, or, for a root
// in no namespace, by its ODMVersion attribute.
func sideVersion(space string, as []xmlscan.Attr) odm.Version {
	switch space {
	case odm.NS20:
		return odm.V20
	case odm.NS12:
		return odm.V12
	case "":
		v, _ := attr(as, "ODMVersion")
		switch v = strings.TrimSpace(v); {
		case v == "2.0" || strings.HasPrefix(v, "2."):
			return odm.V20
		case v == "1.2" || strings.HasPrefix(v, "1.2."):
			return odm.V12
		}
	}
	return odm.V13
}

// utf8View decodes r to UTF-8 as odm does before it counts positions (xmlenc, the
// detection odm's reader makes: a byte-order mark removed, UTF-16, an encoding the XML
// declaration names), so that the side scan's lines and columns are odm's. Input odm
// refuses is refused here too, and odm reports it.
func utf8View(r io.Reader) (io.Reader, error) { return xmlenc.UTF8(r) }
