package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/mapping"
)

// cmdInputs names, for each command, arguments that make it run successfully (or answer
// no, exit 1) on shipped files; the CLI-wide tests below add flags to them.
var cmdInputs = map[string]struct {
	args []string
	exit int
}{
	"accounts": {[]string{"testdata/accounts/share.csv"}, 0},
	"check":    {[]string{"testdata/check/clean.xml"}, 0},
	"contacts": {[]string{"testdata/contacts/valid.csv"}, 0},
	"convert":  {[]string{"testdata/map/inform.xml"}, 0},
	"diff":     {[]string{"testdata/diff/inform.xml", "testdata/diff/reordered.xml"}, 0},
	"map":      {[]string{"testdata/map/inform.xml"}, 0},
	"plan":     {[]string{"--existing", "testdata/plan/existing.xml", "--upload", "testdata/plan/clean.csv"}, 0},
	"query":    {[]string{"--xpath", "//odm:User", "testdata/query/inform.xml"}, 0},
}

func TestEveryCommandHasInputs(t *testing.T) {
	for name := range commands {
		if _, ok := cmdInputs[name]; !ok {
			t.Errorf("cmdInputs has no arguments for %s: add them so the CLI-wide tests cover it", name)
		}
	}
}

// TestUsageErrorsAreOneLine: on every command an unknown flag, a misspelt flag and a
// missing flag value give exit 2, one line naming the problem (with a did-you-mean for
// the misspelling) and the way to the help, never the whole usage.
func TestUsageErrorsAreOneLine(t *testing.T) {
	for name, in := range cmdInputs {
		for _, tc := range []struct {
			flag, want, reason string
		}{
			{"--frobnicate", "unknown flag --frobnicate", "an unknown flag"},
			{"--fromat", "unknown flag --fromat (did you mean --format?)", "a transposition gets a did-you-mean"},
			{"--qiuet", "unknown flag --qiuet (did you mean --quiet?)", "every command has --quiet"},
			{"--format=", "--format must be ", "an empty enum value"},
		} {
			args := append([]string{name, tc.flag}, in.args...)
			code, stdout, stderr := runCmd(nil, args...)
			want := "odmadmin " + name + ": " + tc.want
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if code != 2 || stdout != "" || len(lines) != 2 || !strings.HasPrefix(lines[0], want) ||
				lines[1] != "Run 'odmadmin "+name+" --help' for usage." {
				t.Errorf("%s (%s): exit %d, stdout %q\nstderr %q\nwant exit 2 and %q, then the help pointer", strings.Join(args, " "), tc.reason, code, stdout, stderr, want)
			}
		}
	}
}

// TestFlagsAfterFile: on every command the common flags work after the file too.
func TestFlagsAfterFile(t *testing.T) {
	for name, in := range cmdInputs {
		before := append([]string{name, "--quiet", "-o", "-"}, in.args...)
		after := append(append([]string{name}, in.args...), "--quiet", "-o", "-")
		c1, out1, err1 := runCmd(nil, before...)
		c2, out2, err2 := runCmd(nil, after...)
		if c1 != in.exit || c2 != c1 || out1 != out2 || out1 == "" && name != "check" && name != "accounts" && name != "diff" {
			t.Errorf("%s: flags before the file: exit %d (%s); after: exit %d (%s); outputs equal: %v",
				name, c1, err1, c2, err2, out1 == out2)
		}
	}
}

// TestEnumsIgnoreCase: every enum value is accepted in any letter case, and the common
// --format flag of each command takes its values in upper case.
func TestEnumsIgnoreCase(t *testing.T) {
	for name, in := range cmdInputs {
		var formats []string
		e := &env{describe: func(fs *cmdFlags) {
			if f := fs.Lookup("format"); f != nil {
				if ev := enumOf(f.Value); ev != nil {
					formats = ev.allowed
				}
			}
		}}
		commands[name].run(e, nil)
		if len(formats) == 0 {
			t.Errorf("%s has no --format enum", name)
			continue
		}
		for _, f := range formats {
			lower := append([]string{name, "--format", f}, in.args...)
			upper := append([]string{name, "--format", strings.ToUpper(f)}, in.args...)
			c1, o1, _ := runCmd(nil, lower...)
			c2, o2, e2 := runCmd(nil, upper...)
			if c1 != c2 || o1 != o2 {
				t.Errorf("%s --format %s: exit %d vs %d for upper case (%s)", name, f, c1, c2, e2)
			}
		}
	}
	if code, _, stderr := runCmd(nil, "diff", "--key", "LOGIN", "--roles", "Canonical", "testdata/diff/inform.xml", "testdata/diff/reordered.xml"); code != 0 {
		t.Errorf("diff --key LOGIN --roles Canonical: exit %d: %s", code, stderr)
	}
}

func TestHelpCommand(t *testing.T) {
	for name := range commands {
		c1, o1, _ := runCmd(nil, "help", name)
		c2, o2, _ := runCmd(nil, name, "--help")
		if c1 != 0 || c2 != 0 || o1 != o2 || !strings.Contains(o1, "odmadmin "+name) {
			t.Errorf("help %s: exit %d, %s --help: exit %d; same text: %v", name, c1, name, c2, o1 == o2)
		}
		c3, o3, _ := runCmd(nil, name, "-h")
		if c3 != 0 || o3 != o1 {
			t.Errorf("%s -h differs from --help", name)
		}
	}
	for _, tc := range []struct {
		args   []string
		exit   int
		stderr string
		reason string
	}{
		{[]string{"help"}, 0, "", "help alone is the top-level help"},
		{[]string{"help", "conver"}, 2, `odmadmin help: unknown command "conver" (did you mean convert?)`, "a typo"},
		{[]string{"help", "convert", "map"}, 2, "odmadmin help: want one command name", "two names"},
		{[]string{"conver"}, 2, `odmadmin: unknown command "conver" (did you mean convert?)`, "unknown command"},
		{[]string{"vresion"}, 2, `(did you mean version?)`, "built-ins are suggested too"},
		{[]string{"xyzzy"}, 2, `odmadmin: unknown command "xyzzy"` + "\nRun 'odmadmin --help' for usage.\n", "nothing close: no suggestion"},
		{[]string{"--format", "json"}, 2, "odmadmin: unknown flag --format (flags follow the command", "a flag before the command"},
		{nil, 2, "Commands:", "no command prints the usage to stderr"},
	} {
		code, stdout, stderr := runCmd(nil, tc.args...)
		if code != tc.exit || !strings.Contains(stderr, tc.stderr) || (tc.exit == 0 && !strings.Contains(stdout, "Commands:")) {
			t.Errorf("odmadmin %q (%s): exit %d, stderr %q; want %d and %q", tc.args, tc.reason, code, stderr, tc.exit, tc.stderr)
		}
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		code, stdout, stderr := runCmd(nil, args...)
		if code != 0 || !strings.HasPrefix(stdout, "odmadmin ") || stderr != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	if code, _, _ := runCmd(nil, "version", "extra"); code != 2 {
		t.Errorf("version with an argument: exit %d, want 2", code)
	}
	// The build information of a binary built from a checkout, and of go install @v1.2.3.
	for _, tc := range []struct {
		bi   debug.BuildInfo
		want string
	}{
		{debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-12-01T17:00:00Z"}, {Key: "vcs.modified", Value: "true"}}},
			"odmadmin (devel) (rev 0123456789ab, 2026-12-01T17:00:00Z, modified) go1.26.8"},
		{debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "false"}}},
			"odmadmin v1.2.3 (rev abc) go1.26.8"},
	} {
		if got := formatVersion(&tc.bi); got != tc.want {
			t.Errorf("formatVersion = %q, want %q", got, tc.want)
		}
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "BASH"} {
		code, stdout, stderr := runCmd(nil, "completion", shell)
		if code != 0 || stderr != "" {
			t.Errorf("completion %s: exit %d: %s", shell, code, stderr)
		}
		for _, want := range []string{"check", "convert", "contacts", "diff", "map", "plan", "query", "format", "xpath", "version"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("completion %s lacks %q", shell, want)
			}
		}
	}
	if code, _, stderr := runCmd(nil, "completion", "bsah"); code != 2 || !strings.Contains(stderr, "did you mean bash?") {
		t.Errorf("completion bsah: exit %d, stderr %q", code, stderr)
	}
	if code, _, _ := runCmd(nil, "completion"); code != 2 {
		t.Errorf("completion without a shell: exit %d, want 2", code)
	}
}

func TestNearest(t *testing.T) {
	names := []string{"format", "from", "to", "o", "quiet", "max", "max-depth", "values"}
	for _, tc := range []struct{ in, want, reason string }{
		{"fromat", "format", "a transposition"},
		{"formt", "format", "a deletion"},
		{"qiet", "quiet", "a deletion"},
		{"valeus", "values", "a transposition"},
		{"xyz", "", "nothing close"},
		{"t", "", "one letter is too short to guess from"},
		{"max-dep", "max-depth", "a prefix"},
		{"FORMAT", "format", "case differs only"},
	} {
		if got := nearest(tc.in, names); got != tc.want {
			t.Errorf("nearest(%q) = %q, want %q (%s)", tc.in, got, tc.want, tc.reason)
		}
	}
}

// TestInterrupted: with the context cancelled (what Ctrl-C does), every command stops,
// says "interrupted" in one line, exits 2 and leaves no output file.
func TestInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, in := range cmdInputs {
		out := filepath.Join(t.TempDir(), "out")
		var stdout, stderr bytes.Buffer
		e := &env{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, ctx: ctx}
		code := run(e, append([]string{name, "-o", out}, in.args...))
		lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
		if code != 2 || !strings.HasPrefix(lines[len(lines)-1], "odmadmin "+name+": interrupted") {
			t.Errorf("%s: exit %d, stderr %q; want 2 and a last line saying interrupted", name, code, stderr.String())
		}
		if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
			t.Errorf("%s: left %d files in the output directory", name, len(entries))
		}
	}
}

// TestMappingDiagnostic: a reader warning that travels as a mapping warning gets its
// file, line and column back; a merged warning is placed at the file.
func TestMappingDiagnostic(t *testing.T) {
	d := mappingDiagnostic("in.xml", mapping.Warning{Code: mapping.CodeQuirk, Field: "ODM", Count: 1,
		Message: "in.xml:11:10: odm: non-standard content: empty Address element"})
	if got := d.String(); got != "in.xml:11:10: warning mapping.quirk: empty Address element" {
		t.Errorf("reader warning: %q", got)
	}
	d = mappingDiagnostic("in.xml", mapping.Warning{Code: mapping.CodeUnrepresentable, Field: "User/phones", Count: 2, Subject: "User a", Message: "no phones"})
	if got := d.String(); got != "in.xml: warning mapping.unrepresentable: User/phones: no phones (2 values, first: User a)" || d.Count != 2 {
		t.Errorf("merged warning: %q (count %d)", got, d.Count)
	}
}

// TestAliasConflict: --format is another spelling of --to for map and convert. Given both
// with different values, the later won without a word (map --to json --format odm wrote
// ODM); it is now a usage error. The same value twice, or either alone, is fine.
func TestAliasConflict(t *testing.T) {
	in := fixture("inform/htn-demo.xml")
	for _, tc := range []struct {
		args []string
		code int
		why  string
	}{
		{[]string{"map", "--quiet", "--to", "json", "--format", "odm", in}, 2, "map: two formats"},
		{[]string{"convert", "--format", "json", "--to", "odm", in}, 2, "convert: two formats, the alias first"},
		{[]string{"map", "--quiet", "--to", "json", "--format", "JSON", in}, 0, "the same format in another letter case"},
		{[]string{"map", "--quiet", "--format", "csv", "--study", "S", in}, 0, "the alias alone"},
	} {
		code, _, stderr := runCmd(nil, tc.args...)
		if code != tc.code || code == 2 && !strings.Contains(stderr, "say different things") {
			t.Errorf("%s: exit %d, %q; want %d", tc.why, code, stderr, tc.code)
		}
	}
}
