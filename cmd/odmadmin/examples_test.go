package main

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/odmadmin/odmadmin/internal/testenv"
)

// example is one command line found in a help text or the README.
type example struct {
	source string   // where it was found
	args   []string // after "odmadmin"
	exit   int      // expected exit code ("# exit N" after the command; default 0)
}

var exitComment = regexp.MustCompile(`\s+#\s*exit\s+(\d+)\b.*$`)

// parseExample splits a command line as a POSIX shell would for the quoting examples use
// (single and double quotes, no expansions) and reads an "# exit N" comment.
func parseExample(t *testing.T, source, line string) example {
	t.Helper()
	ex := example{source: source}
	if m := exitComment.FindStringSubmatch(line); m != nil {
		ex.exit, _ = strconv.Atoi(m[1])
		line = line[:len(line)-len(m[0])]
	}
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'' || c == '"':
			j := strings.IndexByte(line[i+1:], c)
			if j < 0 {
				t.Fatalf("%s: unbalanced quote in %q", source, line)
			}
			cur.WriteString(line[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '#' && !inWord:
			i = len(line)
		case c == '|' || c == '>' || c == '<' || c == '$' || c == '`' || c == ';' || c == '&':
			t.Fatalf("%s: example %q uses shell syntax the example test cannot run", source, line)
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	if len(words) == 0 || words[0] != "odmadmin" {
		t.Fatalf("%s: %q does not start with odmadmin", source, line)
	}
	ex.args = words[1:]
	return ex
}

// helpExamples returns the example lines of a help text: the indented "odmadmin ..."
// lines after a line starting with "Examples".
func helpExamples(t *testing.T, source, help string) []example {
	t.Helper()
	var out []example
	in := false
	sc := bufio.NewScanner(strings.NewReader(help))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "Examples") {
			in = true
			continue
		}
		if in {
			l := strings.TrimSpace(line)
			if l == "" || !strings.HasPrefix(line, "  ") {
				in = false
				continue
			}
			out = append(out, parseExample(t, source, l))
		}
	}
	return out
}

// readmeExamples returns the odmadmin commands of the README's sh code blocks, written
// either as "odmadmin ..." or "go run ./cmd/odmadmin ...".
func readmeExamples(t *testing.T) []example {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var out []example
	inBlock := false
	for i, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "```sh"):
			inBlock = true
		case strings.HasPrefix(line, "```"):
			inBlock = false
		case inBlock:
			l := strings.TrimSpace(line)
			src := "README.md:" + strconv.Itoa(i+1)
			if rest, ok := strings.CutPrefix(l, "go run ./cmd/odmadmin "); ok {
				out = append(out, parseExample(t, src, "odmadmin "+rest))
			} else if strings.HasPrefix(l, "odmadmin ") {
				out = append(out, parseExample(t, src, l))
			}
		}
	}
	return out
}

// TestExamplesRun runs every example of every help text and of the README in a temporary
// directory holding copies of the files they name, and checks the exit code each one
// states (0 unless "# exit N" follows it). A renamed fixture or flag fails here, so an
// example can never rot; running in a temporary directory proves that they write nowhere
// else.
func TestExamplesRun(t *testing.T) {
	var all []example
	var top strings.Builder
	usage(&top)
	all = append(all, helpExamples(t, "odmadmin --help", top.String())...)
	for _, name := range commandNames() {
		code, stdout, stderr := runCmd(nil, "help", name)
		if code != 0 || stderr != "" {
			t.Errorf("odmadmin help %s: exit %d, stderr %q", name, code, stderr)
		}
		exs := helpExamples(t, "odmadmin help "+name, stdout)
		if _, ok := commands[name]; ok && len(exs) == 0 {
			t.Errorf("odmadmin help %s has no example", name)
		}
		all = append(all, exs...)
	}
	readme := readmeExamples(t)
	if len(readme) == 0 {
		t.Error("README.md shows no odmadmin command")
	}
	all = append(all, readme...)

	root := testenv.RepoRoot()
	dir := t.TempDir()
	for _, ex := range all {
		for _, a := range ex.args {
			if strings.HasPrefix(a, "-") || !strings.ContainsAny(a, "/.") {
				continue
			}
			if fi, err := os.Stat(filepath.Join(root, a)); err == nil && fi.Mode().IsRegular() {
				copyFile(t, filepath.Join(root, a), filepath.Join(dir, a))
			}
		}
	}
	t.Chdir(dir)
	for _, ex := range all {
		code, stdout, stderr := runCmd(nil, ex.args...)
		if code != ex.exit {
			t.Errorf("%s: odmadmin %s: exit %d, want %d\nstderr: %s", ex.source, strings.Join(ex.args, " "), code, ex.exit, stderr)
			continue
		}
		// Success prints something, except "no differences" (diff) and "no findings" (check).
		if ex.exit == 0 && stdout == "" && !hasOutputFlag(ex.args) && ex.args[0] != "diff" && ex.args[0] != "check" {
			t.Errorf("%s: odmadmin %s printed nothing", ex.source, strings.Join(ex.args, " "))
		}
	}
}

func hasOutputFlag(args []string) bool {
	for _, a := range args {
		if a == "-o" || a == "--o" {
			return true
		}
	}
	return false
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}
