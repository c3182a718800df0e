package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/odmadmin/odmadmin/auditlog"
	"github.com/odmadmin/odmadmin/diff"
	"github.com/odmadmin/odmadmin/internal/csvcell"
	"github.com/odmadmin/odmadmin/plan"
)

const diffAuditHelp = `
Audit log (--audit LOG): instead of the changes, prints for each change whether
OpenClinica's User and Role Audit Log (.xlsx, or saved as CSV) records it:
  LOGGED   an entry has the change's event, user and values
  PARTLY   an entry has the change's event and user, but other values
  MISSING  no entry has the change's event and user
text: STATUS CHANGE (log line N); json: an array of {"status", "change", "entry"};
csv: the audit log's columns with STATUS and LOG LINE added (a cell that would run as a
formula gets a leading apostrophe, as without --audit; --raw-csv writes cells as they
are). --from and --to keep only the log's entries of those dates (DD-MMM-YYYY, UTC, both inclusive; when only one is
given the other defaults as the download does, to today minus 30 days or today; at most
368 days apart, as the download allows). Without them every entry of LOG counts.
Exit status with --audit: 0 every change is logged, 1 some are missing (or, with
--strict, only partly logged), 2 error.

--by and --at fill the BY and DATE/TIME columns of the csv output, so that it reads like
the real log: --by "First Last (login)", --at 2020-12-11T04:49:38Z (RFC 3339; "now"
for the current time).
`

// auditFlags are diff's audit-log flags.
type auditFlags struct {
	log, from, to, by, at string
	strict                bool
}

func (fs *cmdFlags) auditFlags() *auditFlags {
	a := fs.auditLogFlags()
	fs.StringVar(&a.by, "by", "", "fill BY of the csv output with `USER`, written \"First Last (login)\"")
	fs.StringVar(&a.at, "at", "", "fill DATE/TIME of the csv output with `TIME` (RFC 3339, or now)")
	return a
}

// auditLogFlags registers --audit, --from, --to and --strict (diff and plan).
func (fs *cmdFlags) auditLogFlags() *auditFlags {
	a := &auditFlags{}
	fs.StringVar(&a.log, "audit", "", "report which changes the User and Role Audit Log `LOG` (.xlsx or CSV) records")
	fs.StringVar(&a.from, "from", "", "with --audit: keep log entries from `DATE` (DD-MMM-YYYY; default today minus 30 days, UTC)")
	fs.StringVar(&a.to, "to", "", "with --audit: keep log entries through `DATE` (DD-MMM-YYYY; default today, UTC)")
	fs.BoolVar(&a.strict, "strict", false, "with --audit: a change that is only partly logged counts as missing")
	return a
}

// stamp checks --by and --at and returns them as a diff.Stamp.
func (a *auditFlags) stamp(now time.Time) (diff.Stamp, error) {
	st := diff.Stamp{By: strings.TrimSpace(a.by)}
	switch v := strings.TrimSpace(a.at); v {
	case "":
	case "now":
		st.At = now
	default:
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return st, fmt.Errorf("--at %q is not a time like 2020-12-11T04:49:38Z (RFC 3339) or now", v)
		}
		st.At = t
	}
	return st, nil
}

// readAuditLog reads the log of --audit within the --from/--to range.
func (a *auditFlags) readAuditLog(e *env, now time.Time) (*auditlog.Log, error) {
	// Without --from and --to the whole file counts: it already holds the range it was
	// downloaded for. With one of them the other takes the download's default.
	var r auditlog.Range
	if a.from != "" || a.to != "" {
		var err error
		if r, err = auditlog.ParseRange(a.from, a.to, now); err != nil {
			return nil, err
		}
	}
	in, err := openInput(e, a.log)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	return auditlog.Read(in, auditlog.Options{Range: r, Name: in.Name})
}

// auditCounts are how many changes the log records, records partly, and misses.
type auditCounts struct{ logged, partly, missing int }

func (c auditCounts) total() int { return c.logged + c.partly + c.missing }

// writeAudit writes the matches reconcile hands out one at a time, as it gets them (a
// diff's changes are read from their file: neither they nor the matches are held), and
// returns how many of each status there were. The csv cells a spreadsheet would run as
// formulas get a leading apostrophe, as diff --format csv writes them, unless raw.
func writeAudit(w io.Writer, format string, raw bool, reconcile func(each func(auditlog.Match) error) error) (auditCounts, error) {
	var n auditCounts
	count := func(m auditlog.Match) {
		switch m.Status {
		case auditlog.Logged:
			n.logged++
		case auditlog.Partly:
			n.partly++
		default:
			n.missing++
		}
	}
	bw := bufio.NewWriter(w)
	var err error
	switch format {
	case "json":
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		err = reconcile(func(m auditlog.Match) error {
			buf.Reset()
			if err := enc.Encode(m); err != nil {
				return err
			}
			if n.total() == 0 {
				bw.WriteString("[\n  ")
			} else {
				bw.WriteString(",\n  ")
			}
			count(m)
			_, err := bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
			return err
		})
		if n.total() == 0 {
			bw.WriteString("[]\n")
		} else {
			bw.WriteString("\n]\n")
		}
	case "csv":
		cw := csv.NewWriter(bw)
		cw.Write(append(diff.CSVHeader(), "STATUS", "LOG LINE"))
		err = reconcile(func(m auditlog.Match) error {
			count(m)
			ch, at, by, line := m.Change, "", "", ""
			if m.Entry != nil {
				at, by, line = m.Entry.Time.Format(diff.AuditTimeLayout), m.Entry.By, strconv.Itoa(m.Entry.Line)
			}
			row := []string{string(ch.Event), at, ch.Target, by, ch.ValueType, ch.Old, ch.New, string(m.Status), line}
			if !raw {
				csvcell.Row(row)
			}
			return cw.Write(row)
		})
		cw.Flush()
		if err == nil {
			err = cw.Error()
		}
	default:
		err = reconcile(func(m auditlog.Match) error {
			count(m)
			fmt.Fprintf(bw, "%-7s %s", m.Status, m.Change.String())
			if m.Entry != nil {
				fmt.Fprintf(bw, " (log line %d", m.Entry.Line)
				if m.Status == auditlog.Partly {
					// The log's value type is read from the log: a line break in it
					// would end the line, as in a change's (diff.Change.String).
					vt := m.Entry.ValueType
					if strings.ContainsFunc(vt, unicode.IsControl) {
						vt = strconv.Quote(vt)
					}
					fmt.Fprintf(bw, ": %s: %q -> %q", vt, m.Entry.Old, m.Entry.New)
				}
				bw.WriteByte(')')
			}
			return bw.WriteByte('\n')
		})
	}
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}

// auditExit returns the exit status with --audit (diff, plan) and prints the summary.
func auditExit(e *env, cmd string, o *outputFlags, a *auditFlags, log *auditlog.Log, n auditCounts) int {
	if !o.quiet {
		for _, w := range log.Warnings {
			fmt.Fprintf(e.stderr, "odmadmin %s: %s: warning %s: %s (%s)\n", cmd, a.log, w.Code, w.Message, plural(w.Count, "time"))
		}
		fmt.Fprintf(e.stderr, "odmadmin %s: %d logged, %d partly logged, %d missing of %s; the log has %d entries in the range\n",
			cmd, n.logged, n.partly, n.missing, plural(n.total(), "change"), len(log.Entries))
	}
	if n.missing > 0 || (a.strict && n.partly > 0) {
		return 1
	}
	return 0
}

const planAuditHelp = `
Audit log (--audit LOG): after the upload, tells for each change the plan makes whether
OpenClinica's User and Role Audit Log (.xlsx, or saved as CSV) records it, as
"odmadmin diff --audit" does: a created user is USER_ADDED and a ROLE_CHANGE per role,
an update PROFILE_CHANGEs and ROLE_CHANGEs. --from, --to and --strict as for diff.
Exit status with --audit: 0 every change is logged, 1 some are missing, 2 error.
`

// planAudit reconciles the changes of an upload plan with the audit log (plan --audit).
func planAudit(e *env, o *outputFlags, a *auditFlags, p *plan.Plan) int {
	if a.log == "" {
		return usagef(e, "plan", "--from, --to and --strict need --audit LOG")
	}
	log, err := a.readAuditLog(e, time.Now())
	if err != nil {
		return fail(e, "plan", err)
	}
	changes := auditlog.PlanChanges(p)
	var n auditCounts
	if err := writeOutput(e, o.out, func(w io.Writer) (err error) {
		n, err = writeAudit(w, o.format, false, func(each func(auditlog.Match) error) error {
			return auditlog.ReconcileEach(slices.Values(changes), log.Entries, each)
		})
		return err
	}); err != nil {
		return fail(e, "plan", err)
	}
	return auditExit(e, "plan", o, a, log, n)
}
