package main

import (
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/odmadmin/odmadmin/internal/testenv"
)

// TestXLSXOpensInLibreOffice converts the workbooks "map --to xlsx" and "diff --format
// xlsx" write with LibreOffice (soffice --headless --convert-to csv, every sheet) and
// compares every cell with the CSV the same command writes with --raw-csv: LibreOffice must read the
// files, find the tab, and show each cell as written (text stays text: "007" keeps its
// zeros, a date its DD-MMM-YYYY form, "=..." is no formula). It skips when LibreOffice is
// not installed.
func TestXLSXOpensInLibreOffice(t *testing.T) {
	soffice := testenv.LibreOffice(t)
	dir := t.TempDir()
	// A template of fictitious people with cells a spreadsheet likes to reinterpret.
	src := writeFile(t, dir, "users.csv", []byte("First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n"+
		"Zoë,山田,zoe.yamada@site07.example.org,zyamada,05-Jan-2026,31-Dec-2026,Site User,007; 008,D1\n"+
		"\"Bo \"\"B\"\"\",\"O'Neil, Jr.\",bo.oneil@site07.example.org,boneil,05-Jan-2026,,Data Manager,All,\n"+
		"\"=HYPERLINK(\"\"x\"\")\",Sample,eve.sample@site07.example.org,esample,12-Feb-2026,,Site User,008,\n"))
	changed := writeFile(t, dir, "users-after.csv", []byte("First Name,Last Name,Email,User Name,Start Date,End Date,Study Role,Sites,Depots\n"+
		"Zoë,山田-Berg,zoe.yamada@site07.example.org,zyamada,05-Jan-2026,31-Dec-2026,Data Manager,007,D1\n"+
		"\"=HYPERLINK(\"\"x\"\")\",Sample,eve.sample@site07.example.org,esample,12-Feb-2026,,Site User,008,\n"+
		"Ana,Ñúñez,ana.nunez@site08.example.org,anunez,01-Mar-2026,,Site User,008,\n"))

	type pair struct{ xlsx, csv string }
	var pairs []pair
	run := func(args ...string) {
		t.Helper()
		if code, _, errs := runCmd(nil, args...); code > 1 {
			t.Fatalf("odmadmin %s: exit %d %s", strings.Join(args, " "), code, errs)
		}
	}
	for _, p := range []struct {
		name string
		args []string
	}{
		{"map", []string{"map", "--quiet", "--study", "S", src}},
		{"diff", []string{"diff", "--key", "login", "--by", "Ada Admin (aadmin)", "--at", "2026-06-01T09:30:00Z", src, changed}},
	} {
		x, c := filepath.Join(dir, p.name+".xlsx"), filepath.Join(dir, p.name+".csv")
		flag := "--to"
		if p.name == "diff" {
			flag = "--format"
		}
		run(append([]string{p.args[0], flag, "xlsx", "-o", x}, p.args[1:]...)...)
		// The workbook's cells are the raw values: a string cell is never a formula, so it
		// needs no apostrophe; "=HYPERLINK" must come back as text, not as a link.
		run(append([]string{p.args[0], flag, "csv", "--raw-csv", "-o", c}, p.args[1:]...)...)
		pairs = append(pairs, pair{x, c})
	}

	// CSV filter options: comma, double quote, UTF-8 (76), from line 1, cells as shown
	// (token 9), every sheet (token 12 = -1, one file per sheet: NAME-SHEET.csv).
	out := filepath.Join(dir, "lo")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "--headless", "--norestore",
		"-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "lo-profile")),
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1",
		"--outdir", out, pairs[0].xlsx, pairs[1].xlsx)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	for i, sheet := range []string{"Clinical One Users", "User and Role Audit Log"} {
		name := strings.TrimSuffix(filepath.Base(pairs[i].xlsx), ".xlsx") + "-" + sheet + ".csv"
		got := readCSV(t, filepath.Join(out, name))
		want := readCSV(t, pairs[i].csv)
		if len(want) < 4 {
			t.Fatalf("%s: only %d rows written; the test needs data", pairs[i].csv, len(want))
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s as LibreOffice reads it differs from the CSV written (-csv +libreoffice):\n%s", pairs[i].xlsx, d)
		}
	}
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (files: %v)", err, listDir(filepath.Dir(path)))
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

func listDir(dir string) []string {
	es, _ := os.ReadDir(dir)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}
