package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

func TestAccounts(t *testing.T) {
	table := "../../validate/testdata/accounts/administration.csv"
	code, out, stderr := runCmd(nil, "accounts", table)
	want := []string{
		table + ":3:Status: error account.invitedWithoutRole:",
		table + ":4:Status: error account.createdWithRoles: the status is Created, which means no role has been assigned, but the user has roles",
		table + ":5:Updated (UTC): error account.updatedBeforeCreated:",
		table + ":6:Type: error account.unknownType:",
		table + ":6:Status: error account.unknownStatus:",
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 1 || len(lines) != len(want) {
		t.Fatalf("a Created user with roles is a finding: exit %d\n%s%s", code, out, stderr)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: %q, want prefix %q", i, lines[i], w)
		}
	}
	if strings.Contains(out, "bo.sample") || strings.Contains(out, "Superuser") {
		t.Errorf("no values without --values: %s", out)
	}
	code, out, _ = runCmd(strings.NewReader("Username,Type,Status,Roles\na.b,User,Available,Investigator\n"), "accounts", "--format", "json")
	if code != 0 || strings.TrimSpace(out) != "[]" {
		t.Errorf("a clean table: exit %d %q", code, out)
	}
	if code, _, stderr := runCmd(strings.NewReader("Name,Colour\nx,y\n"), "accounts"); code != 2 || !strings.Contains(stderr, "no Username column") || strings.Contains(stderr, "Colour") {
		t.Errorf("an unreadable table: exit %d %s", code, stderr)
	}
}

// heapProbe serves a generated user table of n rows and, as the reader reaches each
// tenth of it, notes the live heap after a collection: what the command holds while it
// reads shows as the heap's growth from the first tenth to the end.
type heapProbe struct {
	n, next, row int
	buf          []byte
	live         []uint64
}

func (p *heapProbe) Read(b []byte) (int, error) {
	for len(p.buf) == 0 {
		if p.row > p.n {
			return 0, io.EOF
		}
		if p.row == 0 {
			p.buf = append(p.buf, "First,Last,Username,Email,Role,Type,Status,Created (UTC),Updated (UTC)\n"...)
		} else {
			// One row in a hundred has an unknown status: findings, as a real table has.
			status := "Available"
			if p.row%100 == 0 {
				status = "Dormant"
			}
			p.buf = fmt.Appendf(p.buf, "Ada,Example,user%07d,user%07d@example.org,Investigator,User,%s,10-May-2024 17:57,11-May-2024 09:00\n", p.row, p.row, status)
		}
		p.row++
		if p.row >= p.next {
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			p.live = append(p.live, ms.HeapAlloc)
			p.next += p.n / 10
		}
	}
	k := copy(b, p.buf)
	p.buf = p.buf[k:]
	return k, nil
}

// TestAccountsHoldsOneRow: accounts checks each row as it is read. It read the whole
// table first (validate.ReadAccounts), holding every row: 444 MiB for 1,000,000 rows.
// Here the live heap as the last rows are read is within 2 MB of what it was at the
// first tenth, where holding the rows grows it by some 200 bytes a row (8 MB for 40,000).
func TestAccountsHoldsOneRow(t *testing.T) {
	const n = 40000
	p := &heapProbe{n: n, next: n / 10}
	code, out, stderr := runCmd(p, "accounts", "--quiet", "--max", "0")
	if code != 1 || strings.Count(out, "account.unknownStatus") != n/100 {
		t.Fatalf("exit %d, %d findings (want %d)\n%s", code, strings.Count(out, "account.unknownStatus"), n/100, stderr)
	}
	if len(p.live) < 9 {
		t.Fatalf("%d heap samples; the table was not read to its end", len(p.live))
	}
	first, last := p.live[0], p.live[len(p.live)-1]
	t.Logf("live heap at the first tenth %d bytes, at the end %d", first, last)
	if last > first+2<<20 {
		t.Errorf("the live heap grew by %d bytes over %d rows: rows are held, not checked as they are read", last-first, n*9/10)
	}
}

// TestAccountsCharset: an 8-bit table is read with --charset, which the error for such a
// byte names; accounts had no such flag, so the advice led nowhere.
func TestAccountsCharset(t *testing.T) {
	table := "Username,Type,Status,Roles\nsl\xe9vy,User,Available,Investigator\nbad,Usr,Available,Investigator\n"
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // a line the output holds
		stderr string // what the error says
	}{
		{"without --charset the byte is an error that names the flag", []string{"accounts"}, 2, "", "--charset"},
		{"with it the table is read and checked", []string{"accounts", "--charset", "windows-1252"}, 1, "<stdin>:3:Type: error account.unknownType", ""},
		{"an unknown character set is a usage error", []string{"accounts", "--charset", "klingon"}, 2, "", "unknown character set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runCmd(strings.NewReader(table), tt.args...)
			if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(stderr, tt.stderr) {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, out, stderr)
			}
		})
	}
}
