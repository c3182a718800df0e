package odm

import (
	"testing"
	"unsafe"
)

// TestPoolTake: pool.take hands out capped slices one after the other from one array,
// noted by an index into it (pool.off), so that a slice taken never overlaps another
// handed out since the array was made; past the array's end a new one is made; cut drops
// the array (the next record's values never share it), reset in recycle mode hands the
// same memory out again from its start, detach forgets it.
func TestPoolTake(t *testing.T) {
	cases := []struct {
		name    string
		recycle bool
		hint    int
		takes   []int
		fresh   []bool // take i starts a new array
	}{
		{"fits the array the hint made", false, 8, []int{2, 3, 3}, []bool{true, false, false}},
		{"outgrows it: a larger array, doubling", false, 4, []int{3, 2, 1}, []bool{true, true, false}},
		{"a slice of poolAlone elements gets its own array", false, 8, []int{2, poolAlone, 1}, []bool{true, true, false}},
		{"recycle mode grows its whole array", true, 0, []int{10, 10, 1}, []bool{true, true, false}},
	}
	for _, c := range cases {
		p := pool[int]{hint: c.hint, recycle: c.recycle}
		var got [][]int
		for i, n := range c.takes {
			before := p.buf
			s := p.take(n)
			if len(s) != n || cap(s) != n {
				t.Fatalf("%s: take(%d) gave len %d cap %d", c.name, n, len(s), cap(s))
			}
			for j := range s {
				s[j] = i + 1
			}
			fresh := len(before) == 0 || unsafe.SliceData(before) != unsafe.SliceData(p.buf) || n >= poolAlone
			if fresh != c.fresh[i] {
				t.Errorf("%s: take %d in a new array %v, want %v", c.name, i, fresh, c.fresh[i])
			}
			got = append(got, s)
		}
		for i, s := range got {
			for _, v := range s {
				if v != i+1 {
					t.Fatalf("%s: take %d overwritten by a later one", c.name, i)
				}
			}
		}
		if c.recycle {
			first := unsafe.SliceData(p.take(1))
			p.reset()
			if again := unsafe.SliceData(p.take(1)); again != unsafe.SliceData(p.all) {
				t.Errorf("%s: after reset take did not start the array again (%p, first %p)", c.name, again, first)
			}
			p.detach()
			if p.buf != nil || p.off != 0 || p.all != nil {
				t.Errorf("%s: detach kept the array", c.name)
			}
			continue
		}
		p.cut()
		if p.buf != nil || p.off != 0 {
			t.Errorf("%s: cut kept the array", c.name)
		}
		if s := p.take(1); len(s) != 1 || unsafe.SliceData(s) == unsafe.SliceData(got[len(got)-1]) {
			t.Errorf("%s: the first take after cut shares the record's memory", c.name)
		}
	}
}

// TestStrPool: strings cut from one array keep their bytes while more are cut after them
// (the array's length grows in place), a string that does not fit starts a new array,
// and bytes are capped at their length.
func TestStrPool(t *testing.T) {
	var p strPool
	p.hint = 16
	words := []string{"Ada", "Example", "user000000", "a value longer than the array so far", "", "x"}
	var got []string
	for _, w := range words {
		got = append(got, p.str([]byte(w)))
	}
	for i, w := range words {
		if got[i] != w {
			t.Errorf("string %d is %q, want %q", i, got[i], w)
		}
	}
	if unsafe.StringData(got[0]) == nil || unsafe.StringData(got[1]) != (*byte)(unsafe.Add(unsafe.Pointer(unsafe.StringData(got[0])), 3)) {
		t.Errorf("the second string is not cut right after the first")
	}
	b := p.bytes([]byte("lay"))
	if string(b) != "lay" || cap(b) != 3 {
		t.Errorf("bytes gave %q cap %d", b, cap(b))
	}
	if s := p.str([]byte("after")); s != "after" || string(b) != "lay" || got[5] != "x" {
		t.Errorf("a later string changed an earlier one")
	}
}

// TestStrPoolLengths: str copies a value of every length around the two-word copy (8 to
// 16 bytes) and the general one whole, each byte distinct so that a word stored at the
// wrong place shows, and a later value leaves the earlier ones as they were.
func TestStrPoolLengths(t *testing.T) {
	var p strPool
	p.hint = 64
	var want, got []string
	for n := 1; n <= 24; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('A' + (n+i)%58)
		}
		want = append(want, string(b))
		got = append(got, p.str(b))
		for i := range b {
			b[i] = '#' // the copy must not share the source's bytes
		}
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("length %d: got %q, want %q", i+1, got[i], want[i])
		}
	}
}
