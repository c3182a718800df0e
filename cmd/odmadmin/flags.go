package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// cmdFlags is a command's flag set with the conventions every command shares: errors are
// one line plus a pointer to --help (never the whole usage), unknown flags and enum values
// get a did-you-mean, enum values are case-insensitive, and help goes to stdout.
type cmdFlags struct {
	*flag.FlagSet
	e        *env
	cmd      string
	synopsis string
	examples string
	// help is the command's long description, printed after the flags.
	help string
	// enumErr is the last error an enum flag's Set returned; the flag package flattens it
	// into a longer sentence, and the enum's own message reads better.
	enumErr error
	out     *outputFlags
}

// errUsage is returned by parseArgs after it has printed a usage error; the command exits 2.
var errUsage = errors.New("usage error")

// newFlagSet returns the flag set of command name. synopsis is the usage line; examples
// holds one example command per line, each optionally followed by "# exit N" when it
// does not exit 0 (a test runs every example and checks that code).
func newFlagSet(e *env, name, synopsis, examples string) *cmdFlags {
	fs := &cmdFlags{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), e: e, cmd: name, synopsis: synopsis, examples: examples}
	// parseArgs reports errors itself, in one line; the flag package must print nothing
	// (it would print the whole usage after every error).
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// setHelp sets the long description printed after the flags.
func (fs *cmdFlags) setHelp(help string) { fs.help = help }

// printUsage writes the command's help: synopsis, flags, description, examples.
func (fs *cmdFlags) printUsage() {
	w := fs.e.stdout
	fmt.Fprintf(w, "Usage:\n  %s\n\nFlags:\n", fs.synopsis)
	printFlagDefaults(w, fs.FlagSet)
	if fs.help != "" {
		fmt.Fprint(w, "\n"+strings.Trim(fs.help, "\n")+"\n")
	}
	if fs.examples != "" {
		fmt.Fprint(w, "\nExamples (run from the repository root; files under testdata/ ship with it):\n")
		for _, ex := range strings.Split(strings.Trim(fs.examples, "\n"), "\n") {
			fmt.Fprintf(w, "  %s\n", ex)
		}
	}
}

// printFlagDefaults lists the flags as --name (-x for one-letter names), the spelling the
// help and the error messages use. The flag package accepts one dash or two for either.
func printFlagDefaults(w io.Writer, fs *flag.FlagSet) {
	fs.VisitAll(func(f *flag.Flag) {
		name, usage := flag.UnquoteUsage(f)
		line := "  " + dashed(f.Name)
		if name != "" {
			line += " " + name
		}
		fmt.Fprintln(w, line)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			usage += " (default " + f.DefValue + ")"
		}
		fmt.Fprintf(w, "        %s\n", strings.ReplaceAll(usage, "\n", "\n        "))
	})
}

// dashed spells a flag name as users type it: -o, --format.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// Enum defines a string flag that takes one of allowed, in any letter case; the value
// stored is the allowed spelling. def may be "" (not given) even when "" is not allowed.
func (fs *cmdFlags) Enum(name, def, usage string, allowed ...string) *string {
	p := new(string)
	*p = def
	fs.Var(&enumValue{p: p, allowed: allowed, fs: fs, name: name}, name, usage)
	return p
}

type enumValue struct {
	p       *string
	allowed []string
	fs      *cmdFlags
	name    string
}

func (v *enumValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v *enumValue) Set(s string) error {
	t := strings.TrimSpace(s)
	for _, a := range v.allowed {
		if strings.EqualFold(t, a) {
			*v.p = a
			return nil
		}
	}
	msg := fmt.Sprintf("%s must be %s, not %q", dashed(v.name), orList(v.allowed), s)
	if m := nearest(strings.ToLower(t), v.allowed); m != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", m)
	}
	v.fs.enumErr = errors.New(msg)
	return v.fs.enumErr
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// alias makes name another spelling of the existing flag target (both set the same value).
// Given both, with different values, is an error: the later one won without a word
// (map --to json --format odm wrote ODM).
func (fs *cmdFlags) alias(name, target, usage string) {
	f := fs.Lookup(target)
	v := f.Value
	if ev, ok := v.(*enumValue); ok {
		// The same value, but errors name the flag as the user typed it.
		v = &enumValue{p: ev.p, allowed: ev.allowed, fs: fs, name: name}
	}
	set := &aliasSet{}
	f.Value = &aliasValue{Value: f.Value, name: target, set: set, fs: fs}
	fs.Var(&aliasValue{Value: v, name: name, set: set, fs: fs}, name, usage)
}

// enumOf returns the enum a flag's value is, through an alias's wrapper; nil for none.
func enumOf(v flag.Value) *enumValue {
	if a, ok := v.(*aliasValue); ok {
		v = a.Value
	}
	ev, _ := v.(*enumValue)
	return ev
}

// aliasSet is which spelling of a flag and its alias set it, to what.
type aliasSet struct{ by, val string }

// aliasValue is a flag value that refuses to be set by one spelling to another value
// than the other spelling set.
type aliasValue struct {
	flag.Value
	name string
	set  *aliasSet
	fs   *cmdFlags
}

func (v *aliasValue) Set(s string) error {
	prev := v.Value.String()
	if err := v.Value.Set(s); err != nil {
		return err
	}
	cur := v.Value.String()
	if by := v.set.by; by != "" && by != v.name && v.set.val != cur {
		v.Value.Set(prev)
		v.fs.enumErr = fmt.Errorf("%s %s and %s %s say different things; give one of them", dashed(by), v.set.val, dashed(v.name), cur)
		return v.fs.enumErr
	}
	v.set.by, v.set.val = v.name, cur
	return nil
}

// outputFlags are the flags that mean the same on every command that has output.
type outputFlags struct {
	out    string // -o: the output file, "" or "-" for stdout
	quiet  bool   // --quiet: no warnings, summary or progress on stderr
	format string // --format: the output format ("" when the command has no choice)
	max    int    // --max: diagnostics listed per code
	maxSet bool   // --max was given (JSON lists everything unless it was)
}

// defaultMax is how many diagnostics of one code a text listing shows before it summarizes.
const defaultMax = 20

// outputFlags registers -o, --quiet and --max, and --format when formats are given (the
// first one is the default).
func (fs *cmdFlags) outputFlags(formats ...string) *outputFlags {
	o := &outputFlags{max: defaultMax}
	fs.StringVar(&o.out, "o", "", "write the output to `FILE` (atomically: a failed run leaves none) instead of stdout")
	fs.BoolVar(&o.quiet, "quiet", false, "print no warnings, summary or progress on stderr (errors still print)")
	fs.IntVar(&o.max, "max", defaultMax, "list at most `N` diagnostics of each code, then count the rest in the summary (0: all)")
	if len(formats) > 0 {
		o.format = formats[0]
		fs.Var(&enumValue{p: &o.format, allowed: formats, fs: fs, name: "format"}, "format",
			"output `format`: "+orList(formats))
	}
	fs.out = o
	return o
}

// parseArgs parses flags that may stand before, between or after the positional arguments
// (the standard flag package stops at the first positional one, which surprises people who
// type "odmadmin convert in.xml --to json"). A lone "-" is a positional argument (stdin);
// after "--" everything is positional. Asking for help (-h, -help, --help) prints the
// usage to stdout and returns flag.ErrHelp; a bad flag prints one line and errUsage.
func parseArgs(fs *cmdFlags, args []string) ([]string, error) {
	if fs.e.describe != nil {
		fs.e.describe(fs)
		return nil, flag.ErrHelp
	}
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			fs.printUsage()
			return nil, flag.ErrHelp
		}
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError(fs.e, fs.cmd, fs.flagError(err))
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if rest[0] == "--" {
			pos = append(pos, rest[1:]...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	fs.e.cmd = fs.cmd
	if fs.out != nil {
		toStdout := fs.out.out == "" || fs.out.out == "-"
		fs.e.quiet = fs.out.quiet || (toStdout && fs.e.stdoutTTY)
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "max" {
				fs.out.maxSet = true
			}
		})
		if fs.out.max < 0 {
			return nil, usageError(fs.e, fs.cmd, "--max must be 0 (all) or more")
		}
	}
	return pos, nil
}

// flagError rewrites the flag package's error as the message users see, with a
// did-you-mean for an unknown flag.
func (fs *cmdFlags) flagError(err error) string {
	if fs.enumErr != nil {
		return fs.enumErr.Error()
	}
	msg := err.Error()
	const undefined = "flag provided but not defined: "
	if name, ok := strings.CutPrefix(msg, undefined); ok {
		name = strings.TrimLeft(name, "-")
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		msg = "unknown flag " + dashed(name)
		if m := nearest(name, names); m != "" {
			msg += " (did you mean " + dashed(m) + "?)"
		}
		return msg
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return dashed(strings.TrimLeft(name, "-")) + " needs a value"
	}
	// "invalid value "x" for flag -n: parse error" and the like: name the flag as typed.
	return strings.Replace(msg, "for flag -", "for flag --", 1)
}

// flagExit turns a parseArgs error into an exit code: 0 for help (already printed to
// stdout), 2 for a usage error (already reported).
func flagExit(e *env, fs *cmdFlags, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// usageError prints a usage error as one line and the way to the help, and returns errUsage.
func usageError(e *env, cmd, msg string) error {
	fmt.Fprintf(e.stderr, "odmadmin %s: %s\nRun 'odmadmin %s --help' for usage.\n", cmd, msg, cmd)
	return errUsage
}

// usagef reports a usage error of cmd and returns exit code 2.
func usagef(e *env, cmd, format string, args ...any) int {
	usageError(e, cmd, fmt.Sprintf(format, args...))
	return 2
}

// inputPath returns the single positional argument (or "" for stdin). More than one is a
// usage error: it prints the message and returns ok false (exit 2).
func inputPath(e *env, fs *cmdFlags, cmd string, pos []string) (path string, ok bool) {
	if len(pos) > 1 {
		usageError(e, cmd, "at most one input file, got "+strconv.Itoa(len(pos))+": "+strings.Join(pos, " "))
		return "", false
	}
	if len(pos) == 1 {
		return pos[0], true
	}
	return "", true
}

// oneOf reports whether value is one of allowed (in any letter case), printing a usage
// error when it is not.
func oneOf(e *env, cmd, flagName, value string, allowed ...string) bool {
	for _, a := range allowed {
		if strings.EqualFold(value, a) {
			return true
		}
	}
	usageError(e, cmd, fmt.Sprintf("--%s must be %s, not %q", flagName, orList(allowed), value))
	return false
}

// nearest returns the candidate closest to s when it is close enough to be a likely typo
// (an edit distance of at most 2, and less than half of the word), or a unique candidate
// that s is a prefix of; "" otherwise.
func nearest(s string, candidates []string) string {
	if len(s) < 2 {
		return "" // one letter is too little to guess from
	}
	best, bestD := "", 3
	var prefixed []string
	for _, c := range candidates {
		if c == s {
			continue
		}
		if len(s) >= 2 && strings.HasPrefix(c, s) {
			prefixed = append(prefixed, c)
		}
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		if d < bestD && d*2 < len(c)+1 {
			best, bestD = c, d
		}
	}
	if best == "" && len(prefixed) == 1 {
		return prefixed[0]
	}
	return best
}

// editDistance is the optimal-string-alignment distance (Levenshtein plus adjacent
// transpositions: "fromat" is one edit from "format").
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// flagNames lists a flag set's flags as typed (--format, -o), sorted.
func flagNames(fs *flag.FlagSet) []string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, dashed(f.Name)) })
	sort.Strings(names)
	return names
}
