package diff

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
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
	b.WriteString(ch.Target)
	switch ch.Event {
	case UserAdded, UserRemoved, SiteAdded, SiteRemoved:
		if ch.ValueType == "" && ch.Old == "" && ch.New == "" {
			return
		}
	}
	b.WriteString(": ")
	if ch.ValueType != "" {
		b.WriteString(ch.ValueType)
		b.WriteString(": ")
	}
	b.WriteString(strconv.Quote(ch.Old))
	b.WriteString(" -> ")
	b.WriteString(strconv.Quote(ch.New))
}

// WriteText writes one line per change:
//
//	USER_ADDED First Last (login)
//	PROFILE_CHANGE First Last (login): emails: "old" -> "new"
//	ROLE_CHANGE First Last (login): STUDY (Production)-SITE: "" -> "Site User"
//
// Values are quoted as Go strings, so an empty value shows as "" and a line break as \n.
func WriteText(w io.Writer, changes []Change) error {
	bw := bufio.NewWriter(w)
	var b bytes.Buffer
	for _, ch := range changes {
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
	bw := bufio.NewWriter(w)
	if len(changes) == 0 {
		bw.WriteString("[]\n")
		return bw.Flush()
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	bw.WriteString("[\n")
	for i, ch := range changes {
		buf.Reset()
		if err := enc.Encode(ch); err != nil {
			return err
		}
		bw.WriteString("  ")
		bw.Write(buf.Bytes()[:buf.Len()-1]) // Encode ends with a newline
		if i < len(changes)-1 {
			bw.WriteByte(',')
		}
		if err := bw.WriteByte('\n'); err != nil {
			return err
		}
	}
	bw.WriteString("]\n")
	return bw.Flush()
}

// CSVHeader returns the columns WriteCSV writes: those of OpenClinica's User and Role
// Audit Log.
func CSVHeader() []string {
	return []string{"AUDIT EVENT", "DATE/TIME", "TARGET OBJECT", "BY", "VALUE TYPE", "OLD VALUE", "NEW VALUE"}
}

// WriteCSV writes the changes in the column layout of the User and Role Audit Log (see
// CSVHeader). A comparison knows neither when a change was made nor by whom, so DATE/TIME
// and BY are empty.
func WriteCSV(w io.Writer, changes []Change) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader()); err != nil {
		return err
	}
	for _, ch := range changes {
		if err := cw.Write([]string{string(ch.Event), "", ch.Target, "", ch.ValueType, ch.Old, ch.New}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
