// Package brief shortens lists that go into one-line messages: an error that names the
// studies of an export to choose from named all 6,000 of a large one on one line.
package brief

import "strconv"

// List joins the first max items with ", " and says how many more there are:
// "A, B, C and 5,997 more". A list of at most max items is joined whole.
func List(items []string, max int) string {
	n := len(items)
	if max < 1 {
		max = 1
	}
	show := min(n, max)
	if n == max+1 {
		show = n // "and 1 more" is no shorter than the item
	}
	b := make([]byte, 0, 16*show+24)
	for i, s := range items[:show] {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, s...)
	}
	if rest := n - show; rest > 0 {
		b = append(b, " and "...)
		b = append(b, thousands(rest)...)
		b = append(b, " more"...)
	}
	return string(b)
}

// thousands writes n with a comma between each group of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
