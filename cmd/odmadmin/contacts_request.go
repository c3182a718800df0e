package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/odmadmin/odmadmin/validate"
)

// requestFlags are the contacts command's request context: the study, site and caller a
// record would be submitted with.
type requestFlags struct {
	study, studyStatus, site, siteStatus string
	role, baseRole, callerSite           string
	register, idMethod                   string
	participate                          bool
	enrolled, cap                        int
	custom                               customRoles
	set                                  func() bool
}

// customRoles is the repeatable --custom-role NAME=BASE.
type customRoles map[string]string

func (c *customRoles) String() string {
	var parts []string
	for k, v := range *c {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, ",")
}

func (c *customRoles) Set(s string) error {
	name, base, ok := strings.Cut(s, "=")
	name, base = strings.TrimSpace(name), strings.TrimSpace(base)
	if !ok || name == "" || base == "" {
		return fmt.Errorf("want NAME=BASE, such as \"CRC (TEST)=Clinical Research Coordinator\", not %q", s)
	}
	if *c == nil {
		*c = customRoles{}
	}
	(*c)[name] = base
	return nil
}

func (fs *cmdFlags) requestFlags() *requestFlags {
	r := &requestFlags{}
	fs.StringVar(&r.study, "study", "", "check each record against a request to the study `OID`")
	fs.StringVar(&r.studyStatus, "study-status", "available", "the study's `STATUS`")
	fs.StringVar(&r.site, "site", "", "the site `OID` of the request (none: the study-level endpoint)")
	fs.StringVar(&r.siteStatus, "site-status", "available", "the site's `STATUS`")
	fs.StringVar(&r.role, "role", "", "the caller's `ROLE` in the study or site (none: no role set up)")
	fs.StringVar(&r.baseRole, "base-role", "", "the `ROLE` a custom --role is based on")
	fs.Var(&r.custom, "custom-role", "map a custom role to its base role: `NAME=BASE` (repeatable)")
	fs.StringVar(&r.callerSite, "caller-site", "", "the site `OID` the caller's role is limited to (none: a study-level role)")
	fs.StringVar(&r.register, "register", "", "the request's register parameter, `y or n`, for records that do not say")
	fs.BoolVar(&r.participate, "participate", false, "the OpenClinica Participate module is active for the study")
	fs.IntVar(&r.enrolled, "enrolled", 0, "`N` participants are enrolled before the first record")
	fs.IntVar(&r.cap, "cap", 0, "the study's enforced enrollment cap `N` (0: none)")
	fs.StringVar(&r.idMethod, "id-method", "", "the study's Participant ID Method: `METHOD` \"Manual Entry\" or \"System-generated\"")
	names := []string{"study", "study-status", "site", "site-status", "role", "base-role", "custom-role", "caller-site",
		"register", "participate", "enrolled", "cap", "id-method"}
	r.set = func() bool {
		any := false
		fs.Visit(func(f *flag.Flag) {
			for _, n := range names {
				any = any || f.Name == n
			}
		})
		return any
	}
	return r
}

// request returns the request the flags describe, or nil when no context flag was given.
func (r *requestFlags) request() (*validate.Request, error) {
	if !r.set() {
		return nil, nil
	}
	if r.study == "" {
		return nil, fmt.Errorf("the request context needs --study OID")
	}
	if r.enrolled < 0 || r.cap < 0 {
		return nil, fmt.Errorf("--enrolled and --cap must not be negative")
	}
	// A status or ID method one typo away from the value that lets records pass is a
	// mistake on the command line, not a study that is not Available: every record would
	// fail with the server's error code.
	for _, f := range []struct{ name, value string }{{"--study-status", r.studyStatus}, {"--site-status", r.siteStatus}} {
		if v := strings.ToLower(strings.TrimSpace(f.value)); v != "available" && nearest(v, []string{"available"}) != "" {
			return nil, fmt.Errorf("%s %q looks like a typo (did you mean available?); a status other than available fails every record", f.name, f.value)
		}
	}
	methodKey := func(s string) string {
		return strings.NewReplacer(" ", "", "-", "", "_", "").Replace(strings.ToLower(s))
	}
	if m := methodKey(r.idMethod); m != "" && m != "manualentry" && m != "systemgenerated" {
		names := map[string]string{"manualentry": validate.IDManualEntry, "systemgenerated": validate.IDSystemGenerated}
		if near := nearest(m, []string{"manualentry", "systemgenerated"}); near != "" {
			return nil, fmt.Errorf("--id-method %q looks like a typo (did you mean %q?); another method fails every record", r.idMethod, names[near])
		}
	}
	switch strings.ToLower(r.register) {
	case "", "y", "n", "yes", "no":
	default:
		return nil, fmt.Errorf("--register must be y or n, not %q", r.register)
	}
	st := &validate.Study{OID: r.study, Status: r.studyStatus, Participate: r.participate,
		EnrollmentCap: r.cap, Enrolled: r.enrolled, IDMethod: r.idMethod}
	if r.site != "" {
		st.Sites = []validate.Site{{OID: r.site, Status: r.siteStatus}}
	}
	return &validate.Request{
		Caller:      validate.Caller{Role: r.role, BaseRole: r.baseRole, SiteOID: r.callerSite},
		Study:       st,
		SiteOID:     r.site,
		CustomRoles: r.custom,
	}, nil
}
