package auditlog

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// MaxRangeDays is the longest range the download allows: "a custom range of up to 368
// days (approximately one year)". It is the number of days from the start date to the end
// date.
const MaxRangeDays = 368

// DefaultRangeDays is how far before today the Start Date defaults to.
const DefaultRangeDays = 30

// DateLayout is the form of the Start Date and End Date fields, DD-MMM-YYYY.
const DateLayout = "02-Jan-2006"

// ErrRange is the sentinel every error about a date range wraps.
var ErrRange = errors.New("invalid audit log date range")

// Range is the date range of a download: every entry from the Start date through the End
// date, both inclusive, in UTC. Only the dates count; a time of day is ignored.
type Range struct {
	Start, End time.Time
}

// IsZero reports whether neither date is set.
func (r Range) IsZero() bool { return r.Start.IsZero() && r.End.IsZero() }

// DefaultRange is the download's default: today minus 30 days to today, in UTC.
func DefaultRange(now time.Time) Range {
	today := day(now)
	return Range{Start: today.AddDate(0, 0, -DefaultRangeDays), End: today}
}

// ParseRange reads Start and End dates written DD-MMM-YYYY ("11-Dec-2020"; the month in
// any letter case) or YYYY-MM-DD. An empty date takes its default from now (DefaultRange);
// the result is validated.
func ParseRange(start, end string, now time.Time) (Range, error) {
	r := DefaultRange(now)
	for _, f := range []struct {
		name, v string
		t       *time.Time
	}{{"Start Date", start, &r.Start}, {"End Date", end, &r.End}} {
		v := strings.TrimSpace(f.v)
		if v == "" {
			continue
		}
		t, err := parseDate(v)
		if err != nil {
			return Range{}, fmt.Errorf("%w: %s %q is not a date written DD-MMM-YYYY", ErrRange, f.name, v)
		}
		*f.t = t
	}
	return r, r.Validate()
}

func parseDate(s string) (time.Time, error) {
	if len(s) == len(DateLayout) && s[2] == '-' && s[6] == '-' {
		// time.Parse wants "Dec"; the field may say "DEC" or "dec".
		s = s[:3] + strings.ToUpper(s[3:4]) + strings.ToLower(s[4:6]) + s[6:]
		return time.ParseInLocation(DateLayout, s, time.UTC)
	}
	return time.ParseInLocation("2006-01-02", s, time.UTC)
}

// Validate applies the download's rules: both dates are required, the end is not before
// the start, and the range spans at most MaxRangeDays days.
func (r Range) Validate() error {
	switch {
	case r.Start.IsZero():
		return fmt.Errorf("%w: the Start Date is required", ErrRange)
	case r.End.IsZero():
		return fmt.Errorf("%w: the End Date is required", ErrRange)
	}
	s, e := day(r.Start), day(r.End)
	if e.Before(s) {
		return fmt.Errorf("%w: the End Date %s is before the Start Date %s", ErrRange, e.Format(DateLayout), s.Format(DateLayout))
	}
	if n := int(e.Sub(s).Hours() / 24); n > MaxRangeDays {
		return fmt.Errorf("%w: the range from %s to %s is %d days, more than a year; the User and Role Audit Log allows at most %d days",
			ErrRange, s.Format(DateLayout), e.Format(DateLayout), n, MaxRangeDays)
	}
	return nil
}

// Contains reports whether t falls on a date from Start through End, both inclusive, in UTC.
func (r Range) Contains(t time.Time) bool {
	d := day(t)
	return !d.Before(day(r.Start)) && !d.After(day(r.End))
}

// day returns the UTC date of t at midnight.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
