package plan

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// WriteJSON writes the plan as {"actions": [...]}, one action per line: row, action, user,
// changes (field, where, old, new) and warnings (code, message). Empty lists are [].
func (p *Plan) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if len(p.Actions) == 0 {
		bw.WriteString("{\"actions\": []}\n")
		return bw.Flush()
	}
	bw.WriteString("{\"actions\": [\n")
	for i, a := range p.Actions {
		if a.Changes == nil {
			a.Changes = []Change{}
		}
		if a.Warnings == nil {
			a.Warnings = []Warning{}
		}
		b, err := json.Marshal(a)
		if err != nil {
			return err
		}
		bw.WriteString("  ")
		bw.Write(b)
		if i < len(p.Actions)-1 {
			bw.WriteByte(',')
		}
		bw.WriteByte('\n')
	}
	bw.WriteString("]}\n")
	return bw.Flush()
}

// WriteText writes one line per row, its changes and warnings indented below it, and a
// summary:
//
//	row 2: create jdoe
//	  role DEMO (Production)-North Demo Clinic: "" -> "Site User"
//	  warning possibleDuplicateAccount: the e-mail address belongs to existing user jdoe1; ...
//	1 row: 1 create, 0 update, 0 unchanged; 1 warning
func (p *Plan) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	counts := map[Kind]int{}
	for _, a := range p.Actions {
		counts[a.Action]++
		fmt.Fprintf(bw, "row %d: %s %s\n", a.Row, a.Action, a.User)
		for _, c := range a.Changes {
			bw.WriteString("  " + c.Field)
			if c.Where != "" {
				bw.WriteString(" " + c.Where)
			}
			bw.WriteString(": " + strconv.Quote(c.Old) + " -> " + strconv.Quote(c.New) + "\n")
		}
		for _, x := range a.Warnings {
			fmt.Fprintf(bw, "  warning %s: %s\n", x.Code, x.Message)
		}
	}
	n, nw := len(p.Actions), p.Warnings()
	fmt.Fprintf(bw, "%d %s: %d create, %d update, %d unchanged; %d %s\n", n, plural(n, "row", "rows"),
		counts[Create], counts[Update], counts[Unchanged], nw, plural(nw, "warning", "warnings"))
	return bw.Flush()
}
