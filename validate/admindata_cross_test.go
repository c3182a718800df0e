package validate

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// crossPage is one file of a check of several: an AdminData of the given Users.
func crossPage(users ...string) string {
	return odmStart + `<AdminData>` + "\n" + strings.Join(users, "\n") + "\n</AdminData>\n" + odmEnd
}

// TestCheckAcrossFiles: Users that several files of one check share are one user by the
// identity rules of mapping.Merge (same OID, else same login name ignoring case); a repeat
// across files is no error, and a value they give differently is one admin.mergeConflict
// warning in the later file, at the value, naming the earlier file and line.
func TestCheckAcrossFiles(t *testing.T) {
	const (
		ana  = `<User OID="U1"><LoginName>ana</LoginName><FirstName>Ana</FirstName><LastName>Test</LastName></User>`
		bo   = `<User OID="U2"><LoginName>bo</LoginName><FirstName>Bo</FirstName></User>`
		rave = `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:mdsol="http://www.mdsol.com/ns/odm/metadata" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00" ODMVersion="1.3">`
	)
	raveUser := func(study, role string) string {
		return strings.Replace(odmStart, `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00" ODMVersion="1.3">`, rave, 1) +
			`<AdminData StudyOID="` + study + `">` + "\n" + `<User OID="U1" mdsol:UserRole="` + role + `"><LoginName>ana</LoginName></User>` + "\n</AdminData>\n" + odmEnd
	}
	for _, tc := range []struct {
		reason string
		files  []string
		want   [][]string // per file: "line:col code message"
	}{
		{"the same user on two pages of one export is one user: no repeat, no conflict",
			[]string{crossPage(ana, bo), crossPage(ana)}, [][]string{nil, nil}},
		{"a different FirstName in the second file is a warning at its FirstName, naming the first file and line",
			[]string{crossPage(ana), crossPage(strings.Replace(ana, ">Ana<", ">Anna<", 1))},
			[][]string{nil, {"4:42 admin.mergeConflict User U1: FirstName differs from that of the same user in f0.xml (line 4); merged (odmadmin map, diff, plan), the first file's value is kept"}}},
		{"a value only the second file has fills the gap, as a merge does: no conflict",
			[]string{crossPage(`<User OID="U1"><LoginName>ana</LoginName></User>`), crossPage(ana)}, [][]string{nil, nil}},
		{"a third file is compared with the merged person: the value the second file filled in, named by that file",
			[]string{crossPage(`<User OID="U1"><LoginName>ana</LoginName></User>`), crossPage(ana),
				crossPage(strings.Replace(ana, ">Test<", ">Tester<", 1))},
			[][]string{nil, nil, {"4:68 admin.mergeConflict User U1: LastName differs from that of the same user in f1.xml (line 4); merged (odmadmin map, diff, plan), the first file's value is kept"}}},
		{"matched by login name (ignoring case) under another OID: the OID is the conflict",
			[]string{crossPage(ana), crossPage(`<User OID="U9"><LoginName>ANA</LoginName></User>`)},
			[][]string{nil, {
				"4:1 admin.mergeConflict User U9: @OID differs from that of the same user in f0.xml (line 4); merged (odmadmin map, diff, plan), the first file's value is kept",
				"4:16 admin.mergeConflict User U9: LoginName differs from that of the same user in f0.xml (line 4); merged (odmadmin map, diff, plan), the first file's value is kept"}}},
		{"vendor attributes are per study in Rave and InForm exports (a role, a status): of two studies, not compared (as a merge)",
			[]string{raveUser("S1", "Investigator"), raveUser("S2", "Data Manager")}, [][]string{nil, nil}},
		{"a vendor attribute two files of the same study give differently is a conflict (as a merge), named by its prefix",
			[]string{raveUser("S1", "Investigator"), raveUser("S1", "Data Manager")},
			[][]string{nil, {"4:1 admin.mergeConflict User U1: @mdsol:UserRole differs from that of the same user in f0.xml (line 4); merged (odmadmin map, diff, plan), the first file's value is kept"}}},
		{"a vendor attribute only the second file has joins the person: a third file is compared with it",
			[]string{strings.Replace(raveUser("S1", "-"), ` mdsol:UserRole="-"`, "", 1), raveUser("S1", "Investigator"), raveUser("S1", "Data Manager")},
			[][]string{nil, nil, {"4:1 admin.mergeConflict User U1: @mdsol:UserRole differs from that of the same user in f0.xml (line 4); merged (odmadmin map, diff, plan), the first file's value is kept"}}},
		{"a vendor attribute only the second file has, given alike by the third: no conflict",
			[]string{strings.Replace(raveUser("S1", "-"), ` mdsol:UserRole="-"`, "", 1), raveUser("S1", "Investigator"), raveUser("S1", "Investigator")},
			[][]string{nil, nil, nil}},
		{"a repeat within one file is still an error there, and the other file is compared with its first",
			[]string{crossPage(ana, ana), crossPage(ana)},
			[][]string{{"5:1 admin.oidNotUnique User OID U1 is already used by another User (line 4) in this AdminData",
				"5:16 admin.loginNameNotUnique User U1: LoginName is the same as that of User U1 (line 4), ignoring case"}, nil}},
		{"users no other file has are not compared",
			[]string{crossPage(ana), crossPage(bo)}, [][]string{nil, nil}},
	} {
		files := map[string]string{}
		var names []string
		for i, f := range tc.files {
			n := fmt.Sprintf("f%d.xml", i)
			files[n] = f
			names = append(names, n)
		}
		got, err := CheckAdminDataInputs(inputsOf(files, names...), AdminDataOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.reason, err)
		}
		for i := range tc.want {
			var g []string
			for _, f := range got[i] {
				if f.Code == CodeDanglingStudyOID {
					continue // the Rave pages name a Study no file holds: not this test's business
				}
				g = append(g, fmt.Sprintf("%d:%d %s %s", f.Line, f.Column, f.Code, f.Message))
				if f.Code == CodeMergeConflict && f.Severity != SeverityWarning {
					t.Errorf("%s: a conflict is a warning, got %s", tc.reason, f.Severity)
				}
			}
			if !slices.Equal(g, tc.want[i]) {
				t.Errorf("%s: %s:\n got  %q\n want %q", tc.reason, names[i], g, tc.want[i])
			}
		}
	}
}

// TestCheckAcrossFilesMemory: only the users pass 1 saw twice are remembered across
// files, so a check of files that share no user holds none.
func TestCheckAcrossFilesMemory(t *testing.T) {
	var a, b []string
	for i := range 200 {
		a = append(a, fmt.Sprintf(`<User OID="A%d"><LoginName>a%d</LoginName></User>`, i, i))
		b = append(b, fmt.Sprintf(`<User OID="B%d"><LoginName>b%d</LoginName></User>`, i, i))
	}
	b = append(b, `<User OID="A7"><LoginName>a7</LoginName></User>`)
	files := map[string]string{"a.xml": crossPage(a...), "b.xml": crossPage(b...)}
	defs := newAdminDefs()
	if _, err := checkInputs(inputsOf(files, "a.xml", "b.xml"), AdminDataOptions{}, defs); err != nil {
		t.Fatal(err)
	}
	// A7 is shared; a few others may share a 32-bit fingerprint by chance.
	if n := defs.cross.byOID.n; n < 1 || n > 5 {
		t.Errorf("%d users remembered across files, want the one shared (and at most a few fingerprint collisions)", n)
	}
}

// TestCheckAcrossFilesTable: a file that is no ODM (a user table adding e-mail addresses
// or logins by OID) joins the identity rules: a user of it is the ODM user of the same OID
// (else login), values it gives differently are conflicts placed at its row, and a table
// that only adds (e-mail addresses, a login the export lacks) is none.
func TestCheckAcrossFilesTable(t *testing.T) {
	export := crossPage(`<User OID="U1"><LoginName>ana</LoginName><FirstName>Ana</FirstName></User>`,
		`<User OID="U2"><FirstName>Bo</FirstName></User>`)
	for _, tc := range []struct {
		reason     string
		tableFirst bool
		table      []TableUser
		want       [2][]string // export, table
	}{
		{"a table adding a login by OID, and e-mail addresses (not compared): nothing", false,
			[]TableUser{{OID: "U2", Login: "bo", Row: 2}, {OID: "U1", Row: 3}}, [2][]string{nil, nil}},
		{"a table giving another first name: a conflict at its row, naming the export and line", false,
			[]TableUser{{OID: "U1", FirstName: "Anna", Row: 2}},
			[2][]string{nil, {"2:0 admin.mergeConflict User U1: FirstName differs from that of the same user in export.xml (line 4); merged (odmadmin map, diff, plan), the first file's value is kept"}}},
		{"the table first: the export's value is the conflict, naming the table's row", true,
			[]TableUser{{OID: "U1", Login: "ana.other", Row: 5}},
			[2][]string{{"4:16 admin.mergeConflict User U1: LoginName differs from that of the same user in logins.csv (row 5); merged (odmadmin map, diff, plan), the first file's value is kept"}, nil}},
	} {
		ins := inputsOf(map[string]string{"export.xml": export}, "export.xml")
		tbl := AdminDataInput{Name: "logins.csv", Users: tc.table}
		if tc.tableFirst {
			ins = append([]AdminDataInput{tbl}, ins...)
		} else {
			ins = append(ins, tbl)
		}
		got, err := CheckAdminDataInputs(ins, AdminDataOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.reason, err)
		}
		if tc.tableFirst {
			got[0], got[1] = got[1], got[0]
		}
		for i := range tc.want {
			var g []string
			for _, f := range got[i] {
				g = append(g, fmt.Sprintf("%d:%d %s %s", f.Line, f.Column, f.Code, f.Message))
			}
			if !slices.Equal(g, tc.want[i]) {
				t.Errorf("%s: file %d:\n got  %q\n want %q", tc.reason, i, g, tc.want[i])
			}
		}
	}
}

// TestCheckAcrossFilesBytesPerUser: what the comparison across files holds for a user
// both files have is some 240 bytes (the hashes of the values it has and of its seven
// InForm attributes, and its keys), not the 600 that a person object with its own slice,
// found by strings, cost, nor the 300 of a hash for each of the twelve values.
func TestCheckAcrossFilesBytesPerUser(t *testing.T) {
	if testing.Short() {
		t.Skip("checks 2 x 5,000 generated users")
	}
	const n = 20000
	var in bytes.Buffer
	if err := gen.InForm(&in, n); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"a.xml": in.String(), "b.xml": in.String()}
	defs := newAdminDefs()
	if _, err := checkInputs(inputsOf(files, "a.xml", "b.xml"), AdminDataOptions{}, defs); err != nil {
		t.Fatal(err)
	}
	if got := int(defs.cross.people.n); got != n {
		t.Fatalf("%d users compared across the files, want %d", got, n)
	}
	var with, without runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&with)
	defs.cross = nil
	runtime.GC()
	runtime.ReadMemStats(&without)
	runtime.KeepAlive(defs)
	per := (int64(with.HeapAlloc) - int64(without.HeapAlloc)) / n
	t.Logf("%d bytes a user", per)
	if per > 270 {
		t.Errorf("the comparison across files holds %d bytes a user, want at most 270", per)
	}
}

// TestCheckBesideTableHeapPerUser: a check of an export beside a user table that lists
// every one of its users (a Clinical One template made from it) holds the comparison
// across the files and nothing per user for uniqueness, which is per file: the users the
// table repeats are no candidates for a repeat within the export. The peak of the heap in
// use is sampled while 10,000 and 50,000 users are checked (the export read from a file,
// the table made as it is read, and the collector run at GOGC=10 so that the peak is
// what the check holds); its growth per user was over 500 bytes when every such user's
// OID and login were kept as strings for uniqueness and the arrays of the comparison
// doubled as they grew (both copies alive meanwhile).
func TestCheckBesideTableHeapPerUser(t *testing.T) {
	if testing.Short() {
		t.Skip("checks 2 x 60,000 generated users")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	path := filepath.Join(t.TempDir(), "export.xml")
	measure := func(n int) uint64 {
		writeInForm(t, path, n)
		table := func(each func(TableUser)) error {
			for i := range n {
				id := fmt.Sprintf("user%06d", i)
				each(TableUser{OID: id, Login: id, Row: i + 2})
			}
			return nil
		}
		ins := []AdminDataInput{{Name: "export.xml", Open: func() (io.ReadCloser, error) { return os.Open(path) }},
			{Name: "template.csv", EachUser: table}}
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		defs := newAdminDefs()
		var err error
		peak := heapPeakDuring(2*time.Millisecond, func() {
			_, err = checkInputs(ins, AdminDataOptions{}, defs)
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := int(defs.cross.people.n); got != n {
			t.Fatalf("%d users compared across the files, want %d", got, n)
		}
		return peak - min(peak, before.HeapInuse)
	}
	// The sampled peak only ever overshoots (a collection's mark phase running long on a
	// loaded machine): a slope over the bound is measured again, and the least counts.
	per := func() float64 { return float64(int64(measure(50000))-int64(measure(10000))) / 40000 }
	got := per()
	for try := 0; try < 2 && got > 460; try++ {
		got = min(got, per())
	}
	t.Logf("peak heap in use grows by %.0f bytes a user", got)
	if got > 460 {
		t.Errorf("a check beside a table of its users grows the heap by %.0f bytes a user, want at most 460", got)
	}
}

// TestUniquenessPerFileBesideOthers: the candidates for a repeat are counted per file, so
// a name that other files repeat is no repeat within one, and one that a file repeats is
// found however many other files have it too.
func TestUniquenessPerFileBesideOthers(t *testing.T) {
	twice := crossPage(`<User OID="U1"><LoginName>ana</LoginName></User>`, `<User OID="U1"><LoginName>ANA</LoginName></User>`)
	once := crossPage(`<User OID="U1"><LoginName>ana</LoginName></User>`)
	table := AdminDataInput{Name: "t.csv", Users: []TableUser{{OID: "U1", Login: "ana", Row: 2}}}
	for _, tc := range []struct {
		reason string
		ins    []AdminDataInput
		want   [][]Code
	}{
		{"one user in two files and a table: no repeat in any", append(inputsOf(map[string]string{"a": once, "b": once}, "a", "b"), table),
			[][]Code{nil, nil, nil}},
		{"a file repeating the user beside a table that has it too: the file's repeat", append(inputsOf(map[string]string{"a": twice}, "a"), table),
			[][]Code{{CodeOIDNotUnique, CodeLoginNameNotUnique}, nil}},
		{"the repeat in the second file only", inputsOf(map[string]string{"a": once, "b": twice}, "a", "b"),
			[][]Code{nil, {CodeOIDNotUnique, CodeLoginNameNotUnique}}},
	} {
		got, err := CheckAdminDataInputs(tc.ins, AdminDataOptions{})
		if err != nil {
			t.Fatalf("%s: %v", tc.reason, err)
		}
		for i := range tc.want {
			var codes []Code
			for _, f := range got[i] {
				if f.Code == CodeOIDNotUnique || f.Code == CodeLoginNameNotUnique {
					codes = append(codes, f.Code)
				}
			}
			slices.Sort(codes)
			want := slices.Sorted(slices.Values(tc.want[i]))
			if !slices.Equal(codes, want) {
				t.Errorf("%s: file %d: got %v, want %v", tc.reason, i, codes, want)
			}
		}
	}
}

// TestCheckAcrossFilesManyAttributes: a person whose vendor attributes need a run longer
// than a chunk (ReadOptions.MaxAttrs raised past its default) is compared whole: a value
// differing in the last attribute is one conflict, the same attributes none.
func TestCheckAcrossFilesManyAttributes(t *testing.T) {
	const n = 3000
	user := func(last string) string {
		var b strings.Builder
		b.WriteString(`<User xmlns:v="urn:example:vendor" OID="U1"`)
		for i := range n - 1 {
			fmt.Fprintf(&b, ` v:a%d="%d"`, i, i)
		}
		fmt.Fprintf(&b, ` v:last="%s"><LoginName>ana</LoginName></User>`, last)
		return b.String()
	}
	opts := AdminDataOptions{Read: odm.ReadOptions{MaxAttrs: -1}}
	for _, tc := range []struct {
		reason, second string
		want           int
	}{
		{"the same attributes", user("x"), 0},
		{"the last attribute differs", user("y"), 1},
	} {
		files := map[string]string{"a.xml": crossPage(user("x")), "b.xml": crossPage(tc.second)}
		got, err := CheckAdminDataInputs(inputsOf(files, "a.xml", "b.xml"), opts)
		if err != nil {
			t.Fatalf("%s: %v", tc.reason, err)
		}
		conflicts := 0
		for _, f := range got[1] {
			if f.Code == CodeMergeConflict {
				conflicts++
				if !strings.Contains(f.Message, "{urn:example:vendor}last") {
					t.Errorf("%s: %s", tc.reason, f.Message)
				}
			}
		}
		if conflicts != tc.want {
			t.Errorf("%s: %d conflicts, want %d: %v", tc.reason, conflicts, tc.want, got[1])
		}
	}
}
