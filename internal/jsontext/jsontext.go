// Package jsontext writes JSON strings for the hand-written streaming JSON writers of the
// odm package and the CLI, which write records as they go instead of marshalling values,
// and reads JSON as a stream of tokens (Decoder) for the odm package's streaming reader.
package jsontext

import (
	"encoding/binary"
	"slices"
	"unicode/utf8"
)

// plain marks the ASCII bytes a JSON string carries as they are: not a control character,
// not '"', not '\\'. Bytes from 0x80 up start a UTF-8 sequence and are checked apart.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// plainHTML is plain without '<', '>' and '&', which encoding/json escapes by default.
var plainHTML = func() (t [256]bool) {
	t = plain
	t['<'], t['>'], t['&'] = false, false, false
	return t
}()

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// special reports whether one of the 8 bytes of w (little-endian) may need more than a
// copy: a control character, '"', '\\' or a byte of a multi-byte UTF-8 sequence. It may
// report a byte that does not (the caller then looks byte by byte), never miss one.
func special(w uint64) bool { return specialMask(w) != 0 }

// specialMask has the high bit set in the bytes of w that special reports. A byte is
// reported wrongly only after (above) one reported rightly, whose borrow it took: the
// lowest bit set is always the first byte that needs a look.
func specialMask(w uint64) uint64 {
	ctl := (w - 0x20*lsb) &^ w // high bit set in bytes < 0x20 (or after a borrow)
	q := w ^ '"'*lsb           // zero bytes where w has '"'
	bs := w ^ '\\'*lsb         // zero bytes where w has '\\'
	zq := (q - lsb) &^ q       // high bit in zero bytes of q
	zb := (bs - lsb) &^ bs     // and of bs
	return (w | ctl | zq | zb) & msb
}

// specialHTML is special for AppendStringHTML: '<', '>' and '&' need a look too.
func specialHTML(w uint64) bool {
	lt := w ^ '<'*lsb
	gt := w ^ '>'*lsb
	amp := w ^ '&'*lsb
	return special(w) || (((lt-lsb)&^lt)|((gt-lsb)&^gt)|((amp-lsb)&^amp))&msb != 0
}

// AppendString appends s as a JSON string the way encoding/json does with HTML escaping
// off: invalid UTF-8 becomes U+FFFD, and U+2028/U+2029 are escaped for JavaScript readers.
//
// Most values need no escaping at all: they are checked and copied 8 bytes at a time into
// room made once; a value with a byte that needs a look goes on in appendString from there.
func AppendString(b []byte, s string) []byte { return appendPlain(b, s, false) }

// AppendStringHTML appends s as AppendString does and, as encoding/json does by default
// (HTML escaping on), writes '<', '>' and '&' as \u003c, \u003e and \u0026.
func AppendStringHTML(b []byte, s string) []byte { return appendPlain(b, s, true) }

// appendPlain is the fast path of AppendString: it makes room for s and its quotes once and
// copies s word by word, checking each word as it goes (a JSON writer spends most of its
// time here: a per-call append of each piece, a growth check and a memmove call each, cost
// more than the copy). At the first byte that needs a look it hands what is left of s to
// appendString, which picks up behind the bytes already copied.
func appendPlain(b []byte, s string, html bool) []byte {
	n := len(b)
	if cap(b)-n < len(s)+2 {
		b = slices.Grow(b, len(s)+2)
	}
	d := b[n : n+len(s)+2]
	d[0] = '"'
	t := d[1 : len(s)+1]
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8]
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		if special(x) || html && specialHTML(x) {
			return appendString(b[:n+1+i], s, i, html)
		}
		binary.LittleEndian.PutUint64(t[i:i+8], x)
	}
	tab := &plain
	if html {
		tab = &plainHTML
	}
	for ; i < len(s); i++ {
		c := s[i]
		if !tab[c] {
			return appendString(b[:n+1+i], s, i, html)
		}
		t[i] = c
	}
	d[len(s)+1] = '"'
	return b[:n+len(s)+2]
}

// appendString appends s[i:] and the closing quote to b, which ends with the opening quote
// and s[:i] (plain bytes, copied by appendPlain).
func appendString(b []byte, s string, i int, html bool) []byte {
	const hex = "0123456789abcdef"
	tab := &plain
	if html {
		tab = &plainHTML
	}
	start := i
	for {
		// Skip plain ASCII: a word at a time (sliced first, so that the eight reads need
		// no bounds checks and the compiler makes them one load), then byte by byte.
		for i+8 <= len(s) {
			w := s[i : i+8]
			x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
				uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
			if special(x) || html && specialHTML(x) {
				break
			}
			i += 8
		}
		for i < len(s) && tab[s[i]] {
			i++
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		// The common well-formed 2- and 3-byte sequences are checked in place (E0 and
		// ED, whose second byte has a narrower range, and U+2028/U+2029 take the long way).
		if c >= 0xC2 && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
			i += 2
			continue
		}
		if (c >= 0xE1 && c <= 0xEC || c == 0xEE || c == 0xEF) && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 &&
			(c != 0xE2 || s[i+1] != 0x80 || s[i+2]&0xFE != 0xA8) {
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
