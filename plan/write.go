package plan

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// Writer writes actions as they are planned ([Each]), in the layout of [Plan.WriteJSON]
// or [Plan.WriteText], holding none of them: the text summary's counts only.
type Writer struct {
	bw     *bufio.Writer
	text   bool
	n      int
	counts map[Kind]int
	warned int
	err    error
}

// NewWriter returns a Writer of JSON, or of text when text is true.
func NewWriter(w io.Writer, text bool) *Writer {
	return &Writer{bw: bufio.NewWriter(w), text: text, counts: map[Kind]int{}}
}

// Write writes one action.
func (pw *Writer) Write(a Action) error {
	if pw.err != nil {
		return pw.err
	}
	pw.n++
	pw.counts[a.Action]++
	pw.warned += len(a.Warnings)
	bw := pw.bw
	if pw.text {
		fmt.Fprintf(bw, "row %d: %s %s\n", a.Row, a.Action, textField(a.User))
		for _, c := range a.Changes {
			bw.WriteString("  " + c.Field)
			if c.Where != "" {
				bw.WriteString(" " + textField(c.Where))
			}
			bw.WriteString(": " + strconv.Quote(c.Old) + " -> " + strconv.Quote(c.New) + "\n")
		}
		for _, x := range a.Warnings {
			fmt.Fprintf(bw, "  warning %s: %s\n", x.Code, textMessage(x.Message))
		}
		return nil
	}
	if a.Changes == nil {
		a.Changes = []Change{}
	}
	if a.Warnings == nil {
		a.Warnings = []Warning{}
	}
	b, err := json.Marshal(a)
	if err != nil {
		pw.err = err
		return err
	}
	// The comma after an action is written before the next one, so that the last
	// action, known only at Close, has none.
	if pw.n == 1 {
		bw.WriteString("{\"actions\": [\n  ")
	} else {
		bw.WriteString(",\n  ")
	}
	bw.Write(b)
	return nil
}

// Close writes the end (the JSON's closing brackets, the text's summary) and flushes.
func (pw *Writer) Close() error {
	if pw.err != nil {
		return pw.err
	}
	bw := pw.bw
	switch {
	case pw.text:
		fmt.Fprintf(bw, "%d %s: %d create, %d update, %d unchanged; %d %s\n", pw.n, plural(pw.n, "row", "rows"),
			pw.counts[Create], pw.counts[Update], pw.counts[Unchanged], pw.warned, plural(pw.warned, "warning", "warnings"))
	case pw.n == 0:
		bw.WriteString("{\"actions\": []}\n")
	default:
		bw.WriteString("\n]}\n")
	}
	return bw.Flush()
}

// WriteJSON writes the plan as {"actions": [...]}, one action per line: row, action, user,
// changes (field, where, old, new) and warnings (code, message). Empty lists are [].
func (p *Plan) WriteJSON(w io.Writer) error { return p.write(NewWriter(w, false)) }

// WriteText writes one line per row, its changes and warnings indented below it, and a
// summary:
//
//	row 2: create jdoe
//	  role DEMO (Production)-North Demo Clinic: "" -> "Site User"
//	  warning possibleDuplicateAccount: the e-mail address belongs to existing user jdoe1; ...
//	1 row: 1 create, 0 update, 0 unchanged; 1 warning
func (p *Plan) WriteText(w io.Writer) error { return p.write(NewWriter(w, true)) }

func (p *Plan) write(pw *Writer) error {
	for _, a := range p.Actions {
		if err := pw.Write(a); err != nil {
			return err
		}
	}
	return pw.Close()
}

// hasControl reports whether s holds a line break or another control character, which
// would end a line of the text output or forge another.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' })
}

// textField returns s for a field the text output writes without quotes (a login, the
// place of a change): s itself, or s quoted as the values are when it holds a control
// character.
func textField(s string) string {
	if hasControl(s) {
		return strconv.Quote(s)
	}
	return s
}

// textMessage returns a warning's message with its control characters escaped as in a
// quoted value (a login it names may hold a line break).
func textMessage(s string) string {
	if !hasControl(s) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}
