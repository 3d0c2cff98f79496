package filearea

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/x84bbs/x84/term"
)

// A name is shown to other callers by every sftp client that lists the
// folder, so a name holding an escape sequence, a C1 control, a line
// break or a direction-changing character would reach their terminals
// or forge lines in their listings. New names must be clean: what
// term.Sanitize leaves as it is, valid UTF-8, and without a backslash,
// which names an escape in the form below. Names already on disk that
// are not clean (a sysop copied them in) are listed escaped: each rune
// that is not clean becomes \xHH (ASCII and bytes that are not UTF-8),
// \uHHHH or \UHHHHHHHH, and a backslash \\. A request naming the escaped
// form reaches the file, so such files can still be fetched, renamed or
// removed; only the canonical escaped form is read that way.

// errBadName answers a new name that is not clean.
var errBadName = failure("files.error.bad_name", "names may not contain control characters, invisible or direction-changing characters, or backslashes")

// cleanName reports whether name may be given to a new file or folder.
func cleanName(name string) bool {
	return utf8.ValidString(name) && !strings.ContainsRune(name, '\\') && term.Sanitize(name) == name
}

// cleanRune reports whether r may stand in a name as it is.
func cleanRune(r rune) bool {
	if r == '\\' || r == utf8.RuneError {
		return false
	}
	s := string(r)
	return term.Sanitize(s) == s
}

// escapeName returns name as listings show it: itself when clean.
func escapeName(name string) string {
	if cleanName(name) {
		return name
	}
	var b strings.Builder
	for i := 0; i < len(name); {
		r, size := utf8.DecodeRuneInString(name[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, name[i])
		case r == '\\':
			b.WriteString(`\\`)
		case cleanRune(r):
			b.WriteString(name[i : i+size])
		case r < utf8.RuneSelf:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		i += size
	}
	return b.String()
}

// unescapeName reads the escaped form of a name. It reports false for a
// string that is not the canonical escaped form of some name, which
// then stands for itself.
func unescapeName(s string) (string, bool) {
	if !strings.ContainsRune(s, '\\') {
		return s, false
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return s, false
		}
		digits := 0
		switch s[i+1] {
		case '\\':
			b.WriteByte('\\')
			i += 2
			continue
		case 'x':
			digits = 2
		case 'u':
			digits = 4
		case 'U':
			digits = 8
		default:
			return s, false
		}
		if i+2+digits > len(s) {
			return s, false
		}
		n, err := strconv.ParseUint(s[i+2:i+2+digits], 16, 32)
		if err != nil {
			return s, false
		}
		if digits == 2 {
			b.WriteByte(byte(n))
		} else {
			b.WriteRune(rune(n))
		}
		i += 2 + digits
	}
	name := b.String()
	if name == s || escapeName(name) != s {
		return s, false
	}
	return name, true
}

// local maps a request's slash path ("/uploads/x", "x", "/../x") to a
// path relative to the root that cannot start with "..": "." for the
// root itself. Components in escaped form name the files they escape.
func local(p string) string {
	p = path.Clean("/" + p)
	if p == "/" {
		return "."
	}
	p = p[1:]
	if !strings.ContainsRune(p, '\\') {
		return p
	}
	parts := strings.Split(p, "/")
	for i, c := range parts {
		if name, ok := unescapeName(c); ok && name != "." && name != ".." && !strings.ContainsRune(name, '/') {
			parts[i] = name
		}
	}
	return strings.Join(parts, "/")
}

// display is the client's view of a root-relative path, escaped.
func display(rel string) string {
	if rel == "." {
		return "/"
	}
	return "/" + escapePath(rel)
}

// escapePath escapes each name of a slash path as listings show it.
func escapePath(p string) string {
	if cleanName(p) {
		return p
	}
	parts := strings.Split(p, "/")
	for i, c := range parts {
		parts[i] = escapeName(c)
	}
	return strings.Join(parts, "/")
}
