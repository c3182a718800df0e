package diff

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"iter"
	"slices"
	"strconv"
	"time"

	"github.com/odmadmin/odmadmin/internal/csvcell"
)

// String returns the change as one line of text (see WriteText).
func (ch Change) String() string {
	var b bytes.Buffer
	writeLine(&b, ch)
	return b.String()
}

func writeLine(b *bytes.Buffer, ch Change) {
	b.WriteString(string(ch.Event))
	b.WriteByte(' ')
	b.WriteString(textField(ch.Target))
	switch ch.Event {
	case UserAdded, UserRemoved, SiteAdded, SiteRemoved, OrganizationAdded, OrganizationRemoved, SignatureDefAdded, SignatureDefRemoved:
		if ch.ValueType == "" && ch.Old == "" && ch.New == "" {
			writeRule(b, ch)
			return
		}
	}
	b.WriteString(": ")
	if ch.ValueType != "" {
		b.WriteString(textField(ch.ValueType))
		b.WriteString(": ")
	}
	b.WriteString(strconv.Quote(ch.Old))
	b.WriteString(" -> ")
	b.WriteString(strconv.Quote(ch.New))
	writeRule(b, ch)
}

// textField returns s for a field the text output writes without quotes (the target, the
// value type): s itself, or s quoted as the values are when it holds a line break or
// another control character, which would end the change's line or forge another.
func textField(s string) string {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == '\u2028' || r == '\u2029' {
			return strconv.Quote(s)
		}
	}
	return s
}

// writeRule appends the rule a change breaks, in brackets.
func writeRule(b *bytes.Buffer, ch Change) {
	if ch.Rule != "" {
		b.WriteString(" [")
		b.WriteString(ch.Rule)
		b.WriteByte(']')
	}
}

// WriteText writes one line per change:
//
//	USER_ADDED First Last (login)
//	PROFILE_CHANGE First Last (login): emails: "old" -> "new"
//	ROLE_CHANGE First Last (login): STUDY (Production)-SITE: "" -> "Site User"
//
// Values are quoted as Go strings, so an empty value shows as "" and a line break as \n;
// so are a target and a value type that hold a line break or another control character.
func WriteText(w io.Writer, changes []Change) error {
	return WriteTextSeq(w, slices.Values(changes))
}

// WriteTextSeq is WriteText for changes given one at a time (Changes.All).
func WriteTextSeq(w io.Writer, changes iter.Seq[Change]) error {
	bw := bufio.NewWriter(w)
	var b bytes.Buffer
	for ch := range changes {
		b.Reset()
		writeLine(&b, ch)
		b.WriteByte('\n')
		if _, err := bw.Write(b.Bytes()); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteJSON writes the changes as a JSON array of objects with the keys event, user,
// target, valueType, old and new, one object per line; no changes is "[]".
func WriteJSON(w io.Writer, changes []Change) error {
	return WriteJSONSeq(w, slices.Values(changes))
}

// WriteJSONSeq is WriteJSON for changes given one at a time (Changes.All).
func WriteJSONSeq(w io.Writer, changes iter.Seq[Change]) error {
	bw := bufio.NewWriter(w)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	n := 0
	for ch := range changes {
		buf.Reset()
		if err := enc.Encode(ch); err != nil {
			return err
		}
		if n == 0 {
			bw.WriteString("[\n  ")
		} else {
			bw.WriteString(",\n  ")
		}
		if _, err := bw.Write(buf.Bytes()[:buf.Len()-1]); err != nil { // Encode ends with a newline
			return err
		}
		n++
	}
	if n == 0 {
		bw.WriteString("[]\n")
	} else {
		bw.WriteString("\n]\n")
	}
	return bw.Flush()
}

// CSVHeader returns the columns WriteCSV writes: those of OpenClinica's User and Role
// Audit Log.
func CSVHeader() []string {
	return []string{"AUDIT EVENT", "DATE/TIME", "TARGET OBJECT", "BY", "VALUE TYPE", "OLD VALUE", "NEW VALUE"}
}

// WriteCSV writes the changes in the column layout of the User and Role Audit Log (see
// CSVHeader). A comparison knows neither when a change was made nor by whom, so DATE/TIME
// and BY are empty; WriteAuditCSV fills them. A cell that a spreadsheet would run as a
// formula (it starts with "=", "+", "-", "@", TAB or CR, other than a number such as a
// phone number "+1 5551234") is written with a leading apostrophe; WriteCSVRaw (or
// Stamp.Raw) writes cells as they are.
func WriteCSV(w io.Writer, changes []Change) error {
	return WriteAuditCSV(w, changes, Stamp{})
}

// WriteCSVRaw is WriteCSV without the formula neutralization, for programs, not people.
func WriteCSVRaw(w io.Writer, changes []Change) error {
	return WriteAuditCSV(w, changes, Stamp{Raw: true})
}

// Stamp is who made a set of changes and when, for the BY and DATE/TIME columns.
type Stamp struct {
	// By is the user who made the changes, written as the log writes users:
	// "First Last (login)". Empty leaves BY empty.
	By string
	// At is when the changes were made. The zero time leaves DATE/TIME empty.
	At time.Time
	// Raw writes cells as they are, without neutralizing formulas (see WriteCSV).
	Raw bool
}

// AuditTimeLayout is how the User and Role Audit Log writes DATE/TIME: UTC, with the
// fraction of a second the log has ("2020-12-11T16:29:21.502Z").
const AuditTimeLayout = "2006-01-02T15:04:05.999999999Z"

// WriteAuditCSV writes the changes as WriteCSV does, with BY and DATE/TIME taken from the
// stamp, so that the output reads like the real log. Every change gets the same stamp; a
// comparison cannot tell changes apart in time.
func WriteAuditCSV(w io.Writer, changes []Change, st Stamp) error {
	return WriteAuditCSVSeq(w, slices.Values(changes), st)
}

// WriteAuditCSVSeq is WriteAuditCSV for changes given one at a time (Changes.All).
func WriteAuditCSVSeq(w io.Writer, changes iter.Seq[Change], st Stamp) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader()); err != nil {
		return err
	}
	at := ""
	if !st.At.IsZero() {
		at = st.At.UTC().Format(AuditTimeLayout)
	}
	for ch := range changes {
		row := []string{string(ch.Event), at, ch.Target, st.By, ch.ValueType, ch.Old, ch.New}
		if !st.Raw {
			csvcell.Row(row)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
