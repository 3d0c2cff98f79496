package config

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// section is implemented by every section of Config. Sections are checked
// after decoding, so check sees the defaults merged with the file.
type section interface {
	check() *problem
}

// problem is a value that failed its check.
type problem struct {
	key string // the key at fault, within its section
	// also names another key of the section that the rule involves; the
	// error names it instead of key when only it is set in the file, so the
	// reported line is one the user wrote.
	also string
	// index is, for a section that is an array of tables, which table
	// (1-based) the problem is in.
	index int
	// table names, for an array of tables inside a section
	// ([[files.area]]), the array; index is then which of its tables.
	table string
	// sub names, for a table inside a section ([access.areas.TAG]), the
	// keys between the section and key.
	sub []string
	err error
}

func problemf(key, format string, args ...any) *problem {
	return &problem{key: key, err: fmt.Errorf(format, args...)}
}

// firstProblem returns the first non-nil problem, so a check method can
// list its rules in field order.
func firstProblem(ps ...*problem) *problem {
	for _, p := range ps {
		if p != nil {
			return p
		}
	}
	return nil
}

func intIn(key string, v, lo, hi int) *problem {
	if v < lo || v > hi {
		return problemf(key, "must be between %d and %d (got %d)", lo, hi, v)
	}
	return nil
}

func atLeast(key string, v, lo int) *problem {
	if v < lo {
		return problemf(key, "must be at least %d (got %d)", lo, v)
	}
	return nil
}

// notNegative catches negative durations set by code; the decoder already
// rejects them in files.
func notNegative(key string, d Duration) *problem {
	if d < 0 {
		return problemf(key, "must not be negative (got %v)", d)
	}
	return nil
}

func durationIn(key string, d, lo, hi Duration) *problem {
	if d < lo || d > hi {
		return problemf(key, "must be between %v and %v (got %v)", lo, hi, d)
	}
	return nil
}

func durationAtLeast(key string, d, lo Duration) *problem {
	if d < lo {
		return problemf(key, "must be at least %v (got %v)", lo, d)
	}
	return nil
}

func oneOf(key, v string, allowed ...string) *problem {
	if !slices.Contains(allowed, v) {
		return problemf(key, "must be one of %s (got %q)", strings.Join(allowed, ", "), v)
	}
	return nil
}

// hostOrIP accepts "", an IP address (IPv6 bracketed or not, with or
// without a zone) or a host name.
func hostOrIP(key, s string) *problem {
	if s == "" {
		return nil
	}
	if inner := unbracket(s); inner != s {
		if a, err := netip.ParseAddr(inner); err == nil && a.Is6() {
			return nil
		}
		return problemf(key, "brackets must hold an IPv6 address (got %q)", s)
	}
	if _, err := netip.ParseAddr(s); err == nil || isHostName(s) {
		return nil
	}
	if _, _, err := net.SplitHostPort(s); err == nil {
		return problemf(key, "must not include a port (got %q); set port instead", s)
	}
	return problemf(key, "must be a host name or an IP address (got %q)", s)
}

// isHostName reports whether s is a host name as RFC 1123 defines it.
func isHostName(s string) bool {
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, c := range []byte(l) {
			if !isAlnum(c) && c != '-' {
				return false
			}
		}
	}
	// A numeric last label makes a malformed IP address such as
	// "10.0.0.256" or "10.1", not a name.
	last := labels[len(labels)-1]
	return strings.ContainsFunc(last, func(r rune) bool { return r < '0' || r > '9' })
}

func regexpProblem(key, s string) *problem {
	if s == "" {
		return problemf(key, "must not be empty")
	}
	if _, err := regexp.Compile(s); err != nil {
		return problemf(key, "is not a valid regular expression: %v", err)
	}
	return nil
}

// wordsProblem checks a list of words: none empty, none with spaces or
// control characters.
func wordsProblem(key string, words []string) *problem {
	for i, w := range words {
		if w == "" || strings.ContainsFunc(w, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
			return problemf(key, "element %d: must be one word without spaces (got %q)", i+1, w)
		}
	}
	return nil
}

func prefixesProblem(key string, list []string) *problem {
	for i, s := range list {
		if _, err := ParsePrefix(s); err != nil {
			return problemf(key, `element %d: %v; want an address such as "192.0.2.7" or a range such as "192.0.2.0/24"`, i+1, err)
		}
	}
	return nil
}

// originsProblem checks a list of web origins: a scheme (http or https)
// and a host, with an optional port, and nothing else.
func originsProblem(key string, list []string) *problem {
	for i, s := range list {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
			u.Path != "" || u.RawQuery != "" || u.Fragment != "" || s != strings.ToLower(s) {
			return problemf(key, `element %d: %q is not an origin; want a lower-case scheme and host such as "https://bbs.example.com" or "https://example.com:8443"`, i+1, s)
		}
	}
	return nil
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
