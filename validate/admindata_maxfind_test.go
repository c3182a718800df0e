package validate

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/odmadmin/odmadmin/odm"
)

// boundFindings is what MaxFindings must give, computed from the unbounded findings:
// of each severity and code the first limit in order, then one finding per cut kind
// counting the rest, in severity and code order. The messages of those are left empty
// (the test compares counts).
func boundFindings(all []Finding, limit int) []Finding {
	type key struct {
		s Severity
		c Code
	}
	kept, dropped := map[key]int{}, map[key]int{}
	var out []Finding
	for _, f := range all {
		k := key{f.Severity, f.Code}
		if kept[k] < limit {
			kept[k]++
			out = append(out, f)
		} else {
			dropped[k] += max(f.Count, 1)
		}
	}
	var keys []key
	for k := range dropped {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.s, b.s), cmp.Compare(a.c, b.c)) })
	for _, k := range keys {
		out = append(out, Finding{Severity: k.s, Code: k.c, Count: dropped[k]})
	}
	return out
}

// danglingUsers is an ODM file of n users whose LocationRef names no Location (an error
// each), every seventh with an empty Fax (a reader warning) and every eleventh a login
// another user has too.
func danglingUsers(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" ODMVersion="1.3.2" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00">
<AdminData>
`)
	for i := range n {
		login := fmt.Sprintf("user%d", i)
		if i%11 == 10 {
			login = "user0"
		}
		fax := ""
		if i%7 == 0 {
			fax = "<Fax/>"
		}
		fmt.Fprintf(&b, "<User OID=\"U%d\"><LoginName>%s</LoginName>%s<LocationRef LocationOID=\"L%d\"/></User>\n", i, login, fax, i)
	}
	b.WriteString("</AdminData>\n</ODM>\n")
	return b.Bytes()
}

// TestMaxFindings: a bounded check keeps exactly the first findings of each kind by
// position, as the unbounded check lists them, and one finding that counts the rest; so
// memory does not grow with the findings and nothing goes uncounted. The generated file
// has enough findings for the list to be trimmed while the file is read, the fixtures
// (each also with its content three times) findings of every kind in every order.
func TestMaxFindings(t *testing.T) {
	files := reuseFixtures(t)
	files["generated-9000-users"] = danglingUsers(9000)
	check := func(name string, data []byte, limit int) ([]Finding, []Finding, error) {
		in := AdminDataInput{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
		fs, err := CheckAdminDataInputs([]AdminDataInput{in}, AdminDataOptions{MaxFindings: limit, Read: odm.ReadOptions{MaxWarnings: -1}})
		if err != nil {
			return nil, nil, err
		}
		doc, err := odm.Decode(bytes.NewReader(data), odm.ReadOptions{Name: name, MaxWarnings: -1})
		if err != nil {
			return nil, nil, err
		}
		return fs[0], CheckAdminData(doc, AdminDataOptions{MaxFindings: limit}), nil
	}
	noMsg := func(fs []Finding) []Finding {
		out := slices.Clone(fs)
		for i := range out {
			if out[i].Count > 0 && out[i].Line == 0 {
				if !strings.Contains(out[i].Message, fmt.Sprintf("%d more findings of this kind not listed", out[i].Count)) {
					t.Errorf("the finding counting the rest says %q", out[i].Message)
				}
				out[i].Message = ""
			}
		}
		return out
	}
	cut := 0
	for name, data := range files {
		all, allDoc, err := check(name, data, -1)
		if err != nil {
			continue // a fixture that is not well-formed: its error is tested elsewhere
		}
		for _, limit := range []int{1, 2, 1000} {
			got, gotDoc, err := check(name, data, limit)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			want := boundFindings(all, limit)
			if d := gocmp.Diff(want, noMsg(got)); d != "" {
				t.Errorf("%s, MaxFindings %d: not the first findings of each kind (-want +got):\n%s", name, limit, d)
			}
			if d := gocmp.Diff(boundFindings(allDoc, limit), noMsg(gotDoc)); d != "" {
				t.Errorf("%s, MaxFindings %d, CheckAdminData: not the first findings of each kind (-want +got):\n%s", name, limit, d)
			}
			if len(want) < len(all) {
				cut++
			}
		}
	}
	if cut < 10 {
		t.Errorf("only %d checks were cut by the bound: the test shows little", cut)
	}

	// The default keeps 1000 of each kind.
	data := files["generated-9000-users"]
	in := AdminDataInput{Name: "g", Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	fs, err := CheckAdminDataInputs([]AdminDataInput{in}, AdminDataOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := map[Code]int{}
	for _, f := range fs[0] {
		n[f.Code] += max(f.Count, 1)
	}
	if n[CodeDanglingLocationRef] != 9000 || len(fs[0]) > 3*1000+10 {
		t.Errorf("default bound: %d dangling LocationRefs counted in %d findings", n[CodeDanglingLocationRef], len(fs[0]))
	}
}

// TestMaxFindingsOutOfOrder: findings made out of position order (as the whole-document
// driver and the side scan make them) are trimmed by position while they come in: of
// 20,000 findings made in a shuffled order of lines, the bound keeps the first lines.
func TestMaxFindingsOutOfOrder(t *testing.T) {
	c := newAdminChecker(AdminDataOptions{MaxFindings: 5}, newAdminDefs())
	const n = 20000
	for i := range n {
		line := i*7919%n + 1 // 7919 is prime to n: every line once
		c.add(SeverityError, CodeDanglingLocationRef, "", line, 1, "", "m")
		c.add(SeverityWarning, CodeEmptyElement, "", line, 2, "", "m")
		if len(c.out) > 3*4096 {
			t.Fatalf("%d findings held with a bound of 5 of each kind", len(c.out))
		}
	}
	got := c.result()
	var lines []int
	for _, f := range got {
		lines = append(lines, f.Line)
	}
	want := []int{1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 0, 0}
	if !slices.Equal(lines, want) {
		t.Fatalf("lines %v, want %v", lines, want)
	}
	if got[10].Count != n-5 || got[11].Count != n-5 {
		t.Errorf("counted %d and %d, want %d each", got[10].Count, got[11].Count, n-5)
	}
}

// TestFindingsSpill: unbounded findings given to a function are written to a temporary
// file in sorted runs past a bound (spillAt, a few findings here) and merged back; what
// the function gets is what CheckAdminDataInputs returns, finding by finding and in the
// same order, for every fixture alone, the 9,000-user file and fixtures checked together.
func TestFindingsSpill(t *testing.T) {
	files := reuseFixtures(t)
	files["generated-9000-users"] = danglingUsers(9000)
	input := func(name string, data []byte) AdminDataInput {
		return AdminDataInput{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	}
	var names []string
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	var sets [][]AdminDataInput
	for _, name := range names {
		sets = append(sets, []AdminDataInput{input(name, files[name])})
	}
	sets = append(sets, []AdminDataInput{input(names[0], files[names[0]]), input("generated", files["generated-9000-users"]), input(names[1], files[names[1]])})
	checked := 0
	for _, ins := range sets {
		opts := AdminDataOptions{MaxFindings: -1, Read: odm.ReadOptions{MaxWarnings: -1}}
		want, err := CheckAdminDataInputs(ins, opts)
		if err != nil {
			continue // not well-formed: tested elsewhere
		}
		ats := []int{1, 7, 1000}
		for _, in := range ins {
			if strings.HasPrefix(in.Name, "generated") {
				ats = []int{500} // 18 runs: a run a finding would be 9,000 readers
			}
		}
		for _, at := range ats {
			opts.spillAt = at
			got := make([][]Finding, len(ins))
			err := CheckAdminDataInputsFunc(ins, opts, func(i int, f Finding) error {
				got[i] = append(got[i], f)
				return nil
			})
			if err != nil {
				t.Fatalf("%s, spill at %d: %v", ins[0].Name, at, err)
			}
			if d := gocmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("%s (%d files), spill at %d (-whole +spilled):\n%s", ins[0].Name, len(ins), at, d)
			}
			checked++
		}
	}
	if checked < 10 {
		t.Fatalf("only %d checks ran", checked)
	}
}

// TestFindingsSpillOutOfOrder: findings added out of order are held up to the bound and
// given out in order, all of them.
func TestFindingsSpillOutOfOrder(t *testing.T) {
	c := newAdminChecker(AdminDataOptions{MaxFindings: -1, spillAt: 100}, newAdminDefs())
	c.spillOK = true
	const n = 20000
	for i := range n {
		line := i*7919%n + 1 // 7919 is prime to n: every line once
		c.add(SeverityError, CodeDanglingLocationRef, "", line, 1, "", "m")
		c.add(SeverityWarning, CodeEmptyElement, "", line, 2, "", "m")
		if len(c.out) > 100 {
			t.Fatalf("%d findings held with a spill bound of 100", len(c.out))
		}
	}
	if c.runs == nil || len(c.runs.ends) < n/100 {
		t.Fatalf("the findings were not written in runs")
	}
	name := c.runs.f.Name()
	var got []Finding
	if err := c.each(func(f Finding) error { got = append(got, f); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2*n {
		t.Fatalf("%d findings, want %d", len(got), 2*n)
	}
	for i, f := range got {
		if f.Line != i/2+1 || f.Column != i%2+1 {
			t.Fatalf("finding %d at %d:%d, want %d:%d", i, f.Line, f.Column, i/2+1, i%2+1)
		}
	}
	if _, err := os.Stat(name); !os.IsNotExist(err) {
		t.Errorf("the temporary file is left: %v", err)
	}
}
