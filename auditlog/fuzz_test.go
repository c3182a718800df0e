package auditlog_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/odmadmin/odmadmin/auditlog"
	"github.com/odmadmin/odmadmin/diff"
)

// FuzzRead checks that no input makes Read panic or hang, and that what it keeps
// reconciles without a panic either. Seeds: the sample log and the cases of TestReadCases.
func FuzzRead(f *testing.F) {
	if b, err := os.ReadFile("testdata/log.csv"); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		"\xEF\xBB\xBFby;Audit Event;DATE/TIME;TARGET OBJECT;VALUE TYPE;OLD VALUE;NEW VALUE\nA (a);SUCCESSFUL_LOGIN;2020-12-11T16:29:21Z;A (a);;;\n",
		"AUDIT EVENT,DATE/TIME,TARGET OBJECT,BY,VALUE TYPE,OLD VALUE,NEW VALUE\nX,2020-12-11T16:29:21.5,(,),,,\n",
		"PK\x03\x04", "", "AUDIT EVENT\n\"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		log, err := auditlog.Read(bytes.NewReader(b), auditlog.Options{MaxEntries: 1000})
		if err != nil {
			return
		}
		var changes []diff.Change
		for _, e := range log.Entries {
			changes = append(changes, diff.Change{Event: diff.Event(e.Event), User: e.TargetUser(), ValueType: e.ValueType, Old: e.Old, New: e.New})
		}
		for _, m := range auditlog.Reconcile(changes, log.Entries) {
			if m.Status != auditlog.Logged {
				t.Errorf("an entry does not record the change made from it: %+v", m)
			}
		}
	})
}
