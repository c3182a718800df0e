package main

import (
	"strings"
)

// expandPrefixWildcards rewrites every name test "P:*" (all elements, or with @ all
// attributes, of the namespace bound to P) as "*[namespace-uri()='URI']". The xpath
// package (antchfx/xpath v1.3.9, the newest release) parses "P:*" as the literal local name
// "*", so "//@mdsol:*" and "//odm:*" matched nothing on any file; the rewritten form is
// the same node test in XPath 1.0 and the package evaluates it correctly. Text inside
// string literals is left alone, and so are an axis ("child::*"), a variable ("$p:*" is no
// name test) and a prefix with no binding, which compileXPath then reports. A URI that
// contains both quote characters cannot be written as an XPath literal and is left too.
func expandPrefixWildcards(expr string, ns map[string]string) string {
	var b strings.Builder
	i := 0
	for i < len(expr) {
		c := expr[i]
		if c == '"' || c == '\'' {
			end := strings.IndexByte(expr[i+1:], c)
			if end < 0 {
				b.WriteString(expr[i:])
				break
			}
			b.WriteString(expr[i : i+end+2])
			i += end + 2
			continue
		}
		if !isNameStart(c) {
			b.WriteByte(c)
			i++
			continue
		}
		j := i + 1
		for j < len(expr) && isNameChar(expr[j]) {
			j++
		}
		name := expr[i:j]
		prev := byte(0)
		if i > 0 {
			prev = expr[i-1]
		}
		uri, bound := ns[name]
		if bound && prev != '$' && prev != ':' && strings.HasPrefix(expr[j:], ":*") {
			if lit, ok := xpathLiteral(uri); ok {
				b.WriteString("*[namespace-uri()=" + lit + "]")
				i = j + 2
				continue
			}
		}
		b.WriteString(name)
		i = j
	}
	return b.String()
}

// xpathLiteral quotes s as an XPath 1.0 string literal, which has no escapes.
func xpathLiteral(s string) (string, bool) {
	switch {
	case !strings.Contains(s, "'"):
		return "'" + s + "'", true
	case !strings.Contains(s, `"`):
		return `"` + s + `"`, true
	}
	return "", false
}

func isNameStart(c byte) bool {
	return c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= 0x80
}

func isNameChar(c byte) bool {
	return isNameStart(c) || c == '-' || c == '.' || c >= '0' && c <= '9'
}
