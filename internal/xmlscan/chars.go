package xmlscan

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// Byte classes, one table per context, so that the hot loops test one table entry per
// byte and leave the loop only at a byte that needs a decision.
var (
	// textStop: bytes that end a plain run of character data (a line feed is counted).
	textStop [256]bool
	// attrStop: bytes that need a look inside a quoted attribute value.
	attrStop [256]bool
	// attrStopDQ, attrStopSQ: attrStop and the quote that ends the value.
	attrStopDQ, attrStopSQ [256]bool
	// plainStop: bytes that need a look in comments, PIs, CDATA and DOCTYPE bodies.
	plainStop [256]bool
	// nameFast: ASCII bytes allowed inside a name, colon excepted; the colon and non-ASCII
	// bytes (checked as runes) leave the fast loop.
	nameFast [256]bool
	// nameFirst: ASCII bytes that may begin a name (colon excepted).
	nameFirst [256]bool
	// spaceByte: XML white space (S).
	spaceByte [256]bool
)

func init() {
	for c := 0; c < 256; c++ {
		ctl := c < 0x20 && c != '\t' && c != '\n' && c != '\r'
		hi := c >= 0x80
		textStop[c] = ctl || hi || c == '<' || c == '&' || c == '\r' || c == ']' || c == '\n'
		attrStop[c] = ctl || hi || c == '<' || c == '&' || c == '\t' || c == '\n' || c == '\r'
		attrStopDQ[c] = attrStop[c] || c == '"'
		attrStopSQ[c] = attrStop[c] || c == '\''
		plainStop[c] = ctl || hi
		nameFirst[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
		nameFast[c] = nameFirst[c] || '0' <= c && c <= '9' || c == '.' || c == '-'
		spaceByte[c] = c == ' ' || c == '\t' || c == '\n' || c == '\r'
	}
}

// isChar reports whether r is a character XML 1.0 allows in a document (production Char).
func isChar(r rune) bool {
	switch {
	case r < 0x20:
		return r == '\t' || r == '\n' || r == '\r'
	case r <= 0xD7FF:
		return true
	case r < 0xE000:
		return false
	case r <= 0xFFFD:
		return true
	default:
		return r >= 0x10000 && r <= utf8.MaxRune
	}
}

// isNameStart reports whether r may begin a name (XML 1.0 fifth edition, NameStartChar;
// the colon is handled by the caller as the namespace separator).
func isNameStart(r rune) bool {
	switch {
	case r < 0x80:
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || r == '_' || r == ':'
	case r < 0xC0:
		return false
	case r <= 0x2FF:
		return r != 0xD7 && r != 0xF7
	case r < 0x370:
		return false
	case r <= 0x1FFF:
		return r != 0x37E
	case r == 0x200C || r == 0x200D:
		return true
	case r >= 0x2070 && r <= 0x218F, r >= 0x2C00 && r <= 0x2FEF, r >= 0x3001 && r <= 0xD7FF,
		r >= 0xF900 && r <= 0xFDCF, r >= 0xFDF0 && r <= 0xFFFD, r >= 0x10000 && r <= 0xEFFFF:
		return true
	}
	return false
}

// isNameChar reports whether r may continue a name (NameChar).
func isNameChar(r rune) bool {
	if r < 0x80 {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' ||
			r == '_' || r == ':' || r == '.' || r == '-'
	}
	return isNameStart(r) || r == 0xB7 || r >= 0x300 && r <= 0x36F || r == 0x203F || r == 0x2040
}

// validChars returns the index of the first byte of b that does not start a valid XML
// character, or -1. Invalid UTF-8 counts as such a byte.
func validChars(b []byte) int {
	for i := 0; i < len(b); {
		c := b[i]
		if !plainStop[c] {
			i++
			continue
		}
		if c < 0x80 {
			return i
		}
		r, n := utf8.DecodeRune(b[i:])
		if (r == utf8.RuneError && n == 1) || !isChar(r) {
			return i
		}
		i += n
	}
	return -1
}

// IsSpace reports whether b is XML white space only (and not empty).
func IsSpace(b []byte) bool {
	for _, c := range b {
		if !spaceByte[c] {
			return false
		}
	}
	return len(b) > 0
}

// Word-at-a-time scanning: eight bytes are tested with a few arithmetic operations where a
// byte loop spends a load, a table look-up and a branch on each.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// zeroBytes has the high bit of the lowest zero byte of y set (and maybe of bytes above it).
func zeroBytes(y uint64) uint64 { return (y - ones) &^ y & highs }

// textRun returns the index of the first byte at or after b[i] that textStop holds, or
// len(b).
func textRun(b []byte, i int) int {
	for i+8 <= len(b) {
		x := binary.LittleEndian.Uint64(b[i : i+8])
		// Bytes below 0x20 or from 0x80 on, '<', '&' and ']'. Each mask is exact at its
		// lowest set byte (a borrow only runs upwards from a byte that is set), so is
		// their union. A tab, flagged with the controls, is character data.
		m := ((x-0x20*ones)|x)&highs | zeroBytes(x^('<'*ones)) | zeroBytes(x^('&'*ones)) | zeroBytes(x^(']'*ones))
		if m == 0 {
			i += 8
			continue
		}
		i += bits.TrailingZeros64(m) >> 3
		if textStop[b[i]] {
			return i
		}
		i++
	}
	for i < len(b) && !textStop[b[i]] {
		i++
	}
	return i
}

// valueRun returns the index of the first byte at or after b[i] that stop holds (attrStop
// and a value's quote), or len(b). Values are mostly short: a table look-up per byte,
// four bytes to one length test, costs fewer instructions than words tested in arithmetic.
func valueRun(b []byte, i int, stop *[256]bool) int {
	for i+4 <= len(b) {
		w := b[i : i+4]
		if stop[w[0]] {
			return i
		}
		if stop[w[1]] {
			return i + 1
		}
		if stop[w[2]] {
			return i + 2
		}
		if stop[w[3]] {
			return i + 3
		}
		i += 4
	}
	for i < len(b) && !stop[b[i]] {
		i++
	}
	return i
}

// nameRun returns the index of the first byte at or after b[i] that nameFast does not
// hold, or len(b), four bytes to one length test. (Words tested in arithmetic, exact at
// every byte, took more instructions than the look-ups of the short names of markup.)
func nameRun(b []byte, i int) int {
	for i+4 <= len(b) {
		w := b[i : i+4]
		if !nameFast[w[0]] {
			return i
		}
		if !nameFast[w[1]] {
			return i + 1
		}
		if !nameFast[w[2]] {
			return i + 2
		}
		if !nameFast[w[3]] {
			return i + 3
		}
		i += 4
	}
	for i < len(b) && nameFast[b[i]] {
		i++
	}
	return i
}

// spaces returns the index of the first byte at or after b[i] that is not ' ', or len(b).
func spaces(b []byte, i int) int {
	for i+8 <= len(b) {
		if x := binary.LittleEndian.Uint64(b[i:i+8]) ^ (' ' * ones); x != 0 {
			return i + bits.TrailingZeros64(x)>>3
		}
		i += 8
	}
	for i < len(b) && b[i] == ' ' {
		i++
	}
	return i
}
