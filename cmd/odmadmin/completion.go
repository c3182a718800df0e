package main

import (
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// cmdSpec is what completion knows about one command: its flags, which of them take a
// value, and the values of the enum flags.
type cmdSpec struct {
	name    string
	summary string
	flags   []flagSpec
}

type flagSpec struct {
	name    string
	usage   string
	isBool  bool
	choices []string
}

// specs describes every command by letting it build its flag set (env.describe stops it
// before it does anything else).
func specs() []cmdSpec {
	var out []cmdSpec
	for _, name := range commandNames() {
		c, ok := commands[name]
		if !ok {
			continue
		}
		spec := cmdSpec{name: name, summary: c.summary}
		e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
		e.describe = func(fs *cmdFlags) {
			fs.VisitAll(func(f *flag.Flag) {
				_, usage := flag.UnquoteUsage(f)
				fl := flagSpec{name: f.Name, usage: usage}
				if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
					fl.isBool = true
				}
				if ev := enumOf(f.Value); ev != nil {
					fl.choices = ev.allowed
				}
				spec.flags = append(spec.flags, fl)
			})
		}
		c.run(e, nil)
		out = append(out, spec)
	}
	for _, b := range builtins {
		out = append(out, cmdSpec{name: b[0], summary: b[1]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

func runCompletion(e *env, args []string) int {
	const help = `Usage:
  odmadmin completion bash|zsh|fish

Prints a completion script for the shell: commands, their flags and the values of
flags that take one of a list. Load it with
  bash:  source <(odmadmin completion bash)       (or save it in ~/.local/share/bash-completion/completions/odmadmin)
  zsh:   source <(odmadmin completion zsh)        (uses bashcompinit)
  fish:  odmadmin completion fish | source        (or save it in ~/.config/fish/completions/odmadmin.fish)
`
	if len(args) == 1 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		fmt.Fprint(e.stdout, help)
		return 0
	}
	if len(args) != 1 {
		fmt.Fprintf(e.stderr, "odmadmin completion: want one shell: bash, zsh or fish\nRun 'odmadmin completion --help' for usage.\n")
		return 2
	}
	var script string
	switch strings.ToLower(args[0]) {
	case "bash":
		script = bashCompletion(specs())
	case "zsh":
		script = "#compdef odmadmin\n# zsh completion for odmadmin, through bash's completion function.\nautoload -U +X bashcompinit && bashcompinit\n" + bashCompletion(specs())
	case "fish":
		script = fishCompletion(specs())
	default:
		msg := fmt.Sprintf("unknown shell %q (want bash, zsh or fish)", args[0])
		if m := nearest(strings.ToLower(args[0]), []string{"bash", "zsh", "fish"}); m != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", m)
		}
		fmt.Fprintf(e.stderr, "odmadmin completion: %s\nRun 'odmadmin completion --help' for usage.\n", msg)
		return 2
	}
	if _, err := io.WriteString(e.stdout, script); err != nil {
		return fail(e, "completion", err)
	}
	return 0
}

func bashCompletion(specs []cmdSpec) string {
	var b strings.Builder
	var names []string
	for _, s := range specs {
		names = append(names, s.name)
	}
	b.WriteString("# bash completion for odmadmin: source <(odmadmin completion bash)\n")
	b.WriteString("_odmadmin() {\n")
	b.WriteString("  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n")
	b.WriteString("  if [ \"$COMP_CWORD\" -eq 1 ]; then\n")
	fmt.Fprintf(&b, "    COMPREPLY=($(compgen -W %q -- \"$cur\"))\n    return\n  fi\n", strings.Join(names, " "))
	b.WriteString("  local flags=\n  case \"${COMP_WORDS[1]}\" in\n")
	for _, s := range specs {
		switch s.name {
		case "help":
			fmt.Fprintf(&b, "  help) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;\n", strings.Join(names, " "))
			continue
		case "completion":
			b.WriteString("  completion) COMPREPLY=($(compgen -W \"bash zsh fish\" -- \"$cur\")); return ;;\n")
			continue
		}
		if len(s.flags) == 0 {
			continue
		}
		var fl []string
		for _, f := range s.flags {
			fl = append(fl, dashed(f.name))
			if len(f.choices) > 0 {
				fmt.Fprintf(&b, "  %s) case \"$prev\" in --%s|-%s) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;; esac ;;&\n",
					s.name, f.name, f.name, strings.Join(f.choices, " "))
			}
		}
		fmt.Fprintf(&b, "  %s) flags=%q ;;\n", s.name, strings.Join(fl, " "))
	}
	b.WriteString("  esac\n")
	b.WriteString("  if [[ $cur == -* ]]; then\n    COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n  fi\n}\n")
	b.WriteString("complete -o default -F _odmadmin odmadmin\n")
	return b.String()
}

func fishCompletion(specs []cmdSpec) string {
	q := func(s string) string {
		return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
	}
	var b strings.Builder
	var names []string
	for _, s := range specs {
		names = append(names, s.name)
	}
	b.WriteString("# fish completion for odmadmin: odmadmin completion fish | source\n")
	b.WriteString("complete -c odmadmin -f -n __fish_use_subcommand\n")
	for _, s := range specs {
		fmt.Fprintf(&b, "complete -c odmadmin -f -n __fish_use_subcommand -a %s -d %s\n", s.name, q(s.summary))
	}
	fmt.Fprintf(&b, "complete -c odmadmin -f -n '__fish_seen_subcommand_from help' -a %s\n", q(strings.Join(names, " ")))
	b.WriteString("complete -c odmadmin -f -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'\n")
	for _, s := range specs {
		for _, f := range s.flags {
			line := fmt.Sprintf("complete -c odmadmin -n '__fish_seen_subcommand_from %s'", s.name)
			if len(f.name) == 1 {
				line += " -s " + f.name
			} else {
				line += " -l " + f.name
			}
			if !f.isBool {
				line += " -r"
			}
			if len(f.choices) > 0 {
				line += " -f -a " + q(strings.Join(f.choices, " "))
			}
			line += " -d " + q(firstSentence(f.usage))
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// firstSentence shortens a flag's usage for a completion menu.
func firstSentence(s string) string {
	if i := strings.IndexAny(s, ";("); i > 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
