package validate

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/odmadmin/odmadmin/internal/gen"
	"github.com/odmadmin/odmadmin/odm"
)

// TestStreamMatchesDocument: the streaming check of a file (CheckAdminDataXML, two reads
// with odm.Reader) and the check of the decoded document (CheckAdminData) give the same
// findings, in the same order, for every fixture.
func TestStreamMatchesDocument(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(adminDataDir, "*.xml"))
	if len(files) < 20 {
		t.Fatalf("only %d fixtures", len(files))
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, opts := range []AdminDataOptions{{}, {Values: true}, {Series: true}} {
			doc, err := odm.Decode(bytes.NewReader(src), opts.Read)
			if err != nil {
				t.Fatal(err)
			}
			want := CheckAdminData(doc, opts)
			got := checkXML(t, src, opts)
			if !slices.Equal(got, want) {
				t.Errorf("%s %+v:\n stream   %v\n document %v", filepath.Base(name), opts, got, want)
			}
		}
	}
}

func inputsOf(files map[string]string, names ...string) []AdminDataInput {
	var ins []AdminDataInput
	for _, n := range names {
		src := files[n]
		ins = append(ins, AdminDataInput{Name: n, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(src)), nil }})
	}
	return ins
}

const (
	odmStart = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" FileType="Snapshot" FileOID="F" CreationDateTime="2026-01-01T00:00:00" ODMVersion="1.3">` + "\n"
	odmEnd   = "</ODM>\n"
)

// TestCheckAdminDataInputs: several files are checked as one export. References resolve
// into any file, whichever comes first; uniqueness stays within each file's AdminData.
func TestCheckAdminDataInputs(t *testing.T) {
	files := map[string]string{
		"users.xml": odmStart + `<AdminData>
<User OID="U1"><LoginName>ana</LoginName><LocationRef LocationOID="L1"/></User>
<User OID="U2"><LoginName>ben</LoginName><LocationRef LocationOID="L9"/></User>
</AdminData>
` + odmEnd,
		"sites.xml": odmStart + `<AdminData>
<User OID="U1"><LoginName>ANA</LoginName></User>
<Location OID="L1" Name="One"><MetaDataVersionRef StudyOID="S" MetaDataVersionOID="M" EffectiveDate="2026-01-01"/></Location>
</AdminData>
` + odmEnd,
		"study.xml": odmStart + `<Study OID="S"><MetaDataVersion OID="M" Name="m"/></Study>
<ClinicalData StudyOID="S" MetaDataVersionOID="M"><SubjectData SubjectKey="1"><AuditRecord><UserRef UserOID="U2"/><LocationRef LocationOID="L1"/><DateTimeStamp>2026-01-01T00:00:00</DateTimeStamp></AuditRecord></SubjectData></ClinicalData>
` + odmEnd,
	}
	summ := func(fs []Finding) (out []string) {
		for _, f := range fs {
			out = append(out, string(f.Code)+" "+f.Message)
		}
		return out
	}
	for _, tc := range []struct {
		names  []string
		want   [][]string
		reason string
	}{
		{[]string{"users.xml", "sites.xml", "study.xml"}, [][]string{
			{"admin.danglingLocationRef User U2: LocationRef names Location L9, which is not defined"},
			{"admin.mergeConflict User U1: LoginName differs from that of the same user in users.xml (line 4); merged (odmadmin map, diff, plan), the first file's value is kept"}, nil},
			"L1, S, M, U2 are defined in other files; U1 in two files is one user (no repeat), whose login names differ in case (a merge keeps the first)"},
		{[]string{"study.xml", "sites.xml", "users.xml"}, [][]string{nil, nil,
			{"admin.mergeConflict User U1: LoginName differs from that of the same user in sites.xml (line 4); merged (odmadmin map, diff, plan), the first file's value is kept",
				"admin.danglingLocationRef User U2: LocationRef names Location L9, which is not defined"}},
			"references into later files resolve as well"},
		{[]string{"study.xml"}, [][]string{{
			"admin.danglingUserRef UserRef names User U2, which AdminData does not define",
			"admin.danglingLocationRef LocationRef names Location L1, which AdminData does not define"}},
			"alone, the study file's ClinicalData references dangle"},
	} {
		got, err := CheckAdminDataInputs(inputsOf(files, tc.names...), AdminDataOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range tc.want {
			if g := summ(got[i]); !slices.Equal(g, tc.want[i]) {
				t.Errorf("%s: %s:\n got  %q\n want %q", tc.reason, tc.names[i], g, tc.want[i])
			}
		}
	}
	// The first file that cannot be read is the error, with its name.
	files["broken.xml"] = odmStart + "<AdminData>"
	if _, err := CheckAdminDataInputs(inputsOf(files, "users.xml", "broken.xml"), AdminDataOptions{}); err == nil || !strings.Contains(err.Error(), "broken.xml") {
		t.Errorf("a broken second file: %v", err)
	}
}

// TestCollidingHashesAreConfirmed runs the check with a hash that gives every OID and login
// name of the same length the same value: every one is then a candidate, and the findings
// must still be exactly those of the real hash — a shared hash is never a repeat.
func TestCollidingHashesAreConfirmed(t *testing.T) {
	src := odmStart + `<AdminData>
<User OID="U1"><LoginName>ana</LoginName></User>
<User OID="U2"><LoginName>bob</LoginName></User>
<User OID="U3"><LoginName>Ana</LoginName></User>
<User OID="U1"><LoginName>eve</LoginName></User>
<Location OID="L1" Name="a"><MetaDataVersionRef StudyOID="S" MetaDataVersionOID="M" EffectiveDate="2026-01-01"/></Location>
<Location OID="L2" Name="b"><MetaDataVersionRef StudyOID="S" MetaDataVersionOID="M" EffectiveDate="2026-01-01"/></Location>
</AdminData>
` + odmEnd
	in := inputsOf(map[string]string{"f": src}, "f")
	want, err := CheckAdminDataInputs(in, AdminDataOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defs := newAdminDefs()
	defs.h = hasher{func(s string) uint64 { return uint64(len(s)) }}
	got, err := checkInputs(in, AdminDataOptions{}, defs)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got[0], want[0]) {
		t.Errorf("colliding hash:\n got  %v\n want %v", got[0], want[0])
	}
	var codes []Code
	for _, f := range want[0] {
		codes = append(codes, f.Code)
	}
	if !slices.Contains(codes, CodeOIDNotUnique) || !slices.Contains(codes, CodeLoginNameNotUnique) || defs.dup[kindUser].n == 0 {
		t.Errorf("the fixture must repeat an OID and a login name: %v", codes)
	}
}

// TestCheckMemoryPerUser checks that what a check holds does not grow with the users
// beyond the compact index: it checks generated exports of 20,000 and 80,000 users (about
// 20 and 80 MB) read from files, sampling the heap in use while it runs, and measures what
// pass 1 leaves for pass 2 after a collection. Holding the decoded document (as the check
// once did) costs over 2 KB per user; the index about 20 bytes.
func TestCheckMemoryPerUser(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 100 MB of input")
	}
	dir := t.TempDir()
	type result struct{ peak, kept uint64 }
	measure := func(users int) result {
		path := filepath.Join(dir, "users.xml")
		writeInForm(t, path, users)
		in := AdminDataInput{Name: path, Open: func() (io.ReadCloser, error) { return os.Open(path) }}

		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		// The peak of the heap in use during a whole check, sampled.
		defs := newAdminDefs()
		var fs [][]Finding
		var err error
		peak := heapPeakDuring(5*time.Millisecond, func() {
			fs, err = checkInputs([]AdminDataInput{in}, AdminDataOptions{}, defs)
		})
		if err != nil {
			t.Fatal(err)
		}
		// What pass 1 left for pass 2 (defs), still alive after a collection.
		runtime.GC()
		runtime.ReadMemStats(&after)
		if len(fs[0]) == 0 || defs.needUsers || defs.users.n != 0 {
			t.Fatalf("the export has no ClinicalData: no User hashes are needed (%d)", defs.users.n)
		}
		kept := after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
		runtime.KeepAlive(defs)
		// The generated export names a Study it does not hold: one warning per Location
		// and one for the AdminData, so the check did read the whole file.
		found := 0
		for _, f := range fs[0] {
			found += max(f.Count, 1) // past MaxFindings, one finding counts the rest
		}
		if found < users/50 {
			t.Fatalf("%d users: only %d findings", users, found)
		}
		runtime.KeepAlive(fs)
		return result{peak, kept}
	}
	small, large := measure(20000), measure(80000)
	perUserPeak := float64(int64(large.peak)-int64(small.peak)) / 60000
	// The sampled peak is the one noisy figure: on a loaded machine a collection's mark
	// phase runs long while the reader goes on allocating, so the heap in use overshoots
	// its goal by what was allocated meanwhile. That noise only ever adds, so a peak over
	// the bound is measured again (twice at most) and the least of each size's peaks
	// counts. A check that holds its users exceeds the bound on every run.
	for try := 0; try < 2 && perUserPeak > 256; try++ {
		s, l := measure(20000), measure(80000)
		small.peak, large.peak = min(small.peak, s.peak), min(large.peak, l.peak)
		perUserPeak = float64(int64(large.peak)-int64(small.peak)) / 60000
	}
	perUserKept := float64(int64(large.kept)-int64(small.kept)) / 60000
	t.Logf("kept between the passes: %d vs %d bytes (%.1f per user); peak heap in use %d vs %d bytes (%.1f per user)",
		small.kept, large.kept, perUserKept, small.peak, large.peak, perUserPeak)
	if perUserKept > 64 {
		t.Errorf("pass 1 keeps %.1f bytes per user for pass 2, want at most 64", perUserKept)
	}
	if perUserPeak > 256 {
		t.Errorf("the heap in use grows by %.1f bytes per user, want at most 256", perUserPeak)
	}
}

// onlyReader hides every method but Read, as a pipe or stdin would.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// TestCheckAdminDataXMLSpools: an input that cannot seek is copied to a temporary file on
// the first read and checked the same; the copy is removed.
func TestCheckAdminDataXMLSpools(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	src := readFixture(t, "danglingLocationRef.xml")
	want := checkXML(t, src, AdminDataOptions{})
	got, err := CheckAdminDataXML(onlyReader{bytes.NewReader(src)}, AdminDataOptions{})
	if err != nil || !slices.Equal(got, want) || len(want) == 0 {
		t.Errorf("from a plain reader: %v, %v\nwant %v", got, err, want)
	}
	if left, _ := filepath.Glob(filepath.Join(os.TempDir(), "odmadmin-check-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestCheckAdminDataXMLCancelled: a cancelled context stops the check with the reader's
// error, which wraps context.Canceled.
func TestCheckAdminDataXMLCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := CheckAdminDataXML(bytes.NewReader(readFixture(t, "clean13.xml")), AdminDataOptions{Read: odm.ReadOptions{Context: ctx}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

// heapPeakDuring returns the peak of the heap in use while run runs, sampled every
// interval.
func heapPeakDuring(interval time.Duration, run func()) uint64 {
	var peak atomic.Uint64
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			peak.Store(max(peak.Load(), m.HeapInuse))
			select {
			case <-stop:
				return
			case <-time.After(interval):
			}
		}
	}()
	run()
	close(stop)
	<-done
	return peak.Load()
}

// writeInForm writes a generated InForm export of users users to path.
func writeInForm(t *testing.T, path string, users int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	bw := bufio.NewWriter(f)
	if err := gen.InForm(bw, users); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(bw.Flush(), f.Close()); err != nil {
		t.Fatal(err)
	}
}
