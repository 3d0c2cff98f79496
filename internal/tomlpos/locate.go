package tomlpos

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// locateKey returns the 1-based line of src where key, or a key inside
// it, is first set, or 0 if it is not found.
//
// It understands the parts of TOML that decide which key a line sets:
// [table] and [[array]] headers, bare, quoted and dotted keys, inline
// tables, and multi-line strings and arrays, which may hide lines that
// look like keys. It does not validate: src is normally a file the toml
// parser has accepted, and on anything else it skips ahead and never fails.
// It runs in time linear in len(src), however deep the nesting.
func locateKey(src []byte, key []string) int {
	if len(key) == 0 {
		return 0
	}
	l := &locator{src: src, want: key, found: -1}
	l.document()
	if l.found < 0 {
		return 0
	}
	return 1 + bytes.Count(src[:l.found], []byte("\n"))
}

type locator struct {
	src   []byte
	pos   int
	want  []string
	found int // offset of the first key in want; -1 until found
}

func (l *locator) document() {
	l.pos = BOMLen(l.src)
	var table []string
	for l.found < 0 {
		l.skipSpace(true)
		if l.eof() {
			return
		}
		start := l.pos
		if l.src[l.pos] == '[' {
			l.pos++
			array := l.peek('[')
			if array {
				l.pos++
			}
			path, ok := l.keyPath()
			if !ok || !l.accept(']') || array && !l.peek(']') {
				l.skipLine()
				continue
			}
			if array {
				l.pos++
			}
			table = path
			l.match(path, start)
			continue
		}
		path, ok := l.keyPath()
		if !ok || !l.accept('=') {
			l.skipLine()
			continue
		}
		full := l.join(table, path)
		l.match(full, start)
		l.value(full)
	}
}

// container is an array or inline table that value has entered.
type container struct {
	prefix []string // of the keys or elements inside
	table  bool     // an inline table, not an array
}

// value skips one value, matching the keys of any inline tables inside it
// under prefix. It keeps its own stack of open arrays and inline tables,
// rather than recursing, so that no depth of nesting can exhaust the
// goroutine's stack.
func (l *locator) value(prefix []string) {
	var open []container
	for l.found < 0 {
		l.skipSpace(false)
		if l.eof() {
			return
		}
		start := l.pos
		switch l.src[l.pos] {
		case '"', '\'':
			l.stringValue()
		case '[':
			l.pos++
			open = append(open, container{prefix: prefix})
		case '{':
			l.pos++
			open = append(open, container{prefix: prefix, table: true})
		default: // number, boolean or date, which may hold a space
			for !l.eof() && strings.IndexByte(",]}#\n", l.src[l.pos]) < 0 {
				l.pos++
			}
			if l.pos == start {
				l.pos++ // not a value; step over it
			}
		}
		var ok bool
		if prefix, ok = l.seek(&open); !ok {
			return
		}
	}
}

// seek moves past separators, comments and closing brackets to the next
// element or key of the innermost open container, matching that key, and
// returns the prefix of the value that follows. It reports false when
// every container is closed, or when what follows is not a key. Inline
// tables may span lines, as TOML 1.1 allows.
func (l *locator) seek(open *[]container) ([]string, bool) {
	for len(*open) > 0 {
		top := (*open)[len(*open)-1]
		l.skipSpace(true)
		if l.eof() {
			return nil, false
		}
		switch c := l.src[l.pos]; {
		case c == ',':
			l.pos++
		case c == ']' && !top.table, c == '}' && top.table:
			l.pos++
			*open = (*open)[:len(*open)-1]
		case !top.table:
			return top.prefix, true
		default:
			start := l.pos
			path, ok := l.keyPath()
			if !ok || !l.accept('=') {
				return nil, false // not a table after all; the document resumes here
			}
			full := l.join(top.prefix, path)
			l.match(full, start)
			return full, true
		}
	}
	return nil, false
}

// keyPath reads a dotted key such as a."b.c".d, with optional blanks
// around the dots.
func (l *locator) keyPath() ([]string, bool) {
	var path []string
	for {
		l.skipSpace(false)
		k, ok := l.simpleKey()
		if !ok {
			return nil, false
		}
		path = append(path, k)
		if !l.accept('.') {
			return path, true
		}
	}
}

func (l *locator) simpleKey() (string, bool) {
	if l.eof() {
		return "", false
	}
	switch l.src[l.pos] {
	case '"':
		s, ok := l.quoted('"')
		return unescape(s), ok
	case '\'':
		return l.quoted('\'')
	}
	start := l.pos
	for !l.eof() && strings.IndexByte(" \t\r\n=.[]{},#\"'", l.src[l.pos]) < 0 {
		l.pos++
	}
	return string(l.src[start:l.pos]), l.pos > start
}

// quoted reads a one-line string quoted by q and returns its raw contents.
func (l *locator) quoted(q byte) (string, bool) {
	l.pos++
	start := l.pos
	for !l.eof() {
		switch c := l.src[l.pos]; {
		case c == '\n':
			return "", false
		case c == q:
			l.pos++
			return string(l.src[start : l.pos-1]), true
		case c == '\\' && q == '"':
			l.advance(2)
		default:
			l.pos++
		}
	}
	return "", false
}

// stringValue skips a string of any of TOML's four kinds.
func (l *locator) stringValue() {
	q := l.src[l.pos]
	delim := []byte{q, q, q}
	if !bytes.HasPrefix(l.src[l.pos:], delim) {
		l.quoted(q)
		return
	}
	l.pos += len(delim)
	for !l.eof() {
		switch {
		case q == '"' && l.src[l.pos] == '\\':
			l.advance(2)
		case bytes.HasPrefix(l.src[l.pos:], delim):
			l.pos += len(delim)
			// Up to two more quotes end the string's contents: """a"""".
			for i := 0; i < 2 && l.peek(q); i++ {
				l.pos++
			}
			return
		default:
			l.pos++
		}
	}
}

func (l *locator) match(path []string, offset int) {
	if l.found < 0 && len(path) >= len(l.want) && slices.Equal(path[:len(l.want)], l.want) {
		l.found = offset
	}
}

// skipSpace skips blanks and, if newlines is set, line ends and comments.
func (l *locator) skipSpace(newlines bool) {
	for !l.eof() {
		switch l.src[l.pos] {
		case ' ', '\t':
		case '\r', '\n':
			if !newlines {
				return
			}
		case '#':
			if !newlines {
				return
			}
			for !l.eof() && l.src[l.pos] != '\n' {
				l.pos++
			}
			continue
		default:
			return
		}
		l.pos++
	}
}

func (l *locator) skipLine() {
	for !l.eof() && l.src[l.pos] != '\n' {
		l.pos++
	}
	l.advance(1)
}

// accept skips blanks and then c, if c is next.
func (l *locator) accept(c byte) bool {
	l.skipSpace(false)
	if l.peek(c) {
		l.pos++
		return true
	}
	return false
}

func (l *locator) peek(c byte) bool { return !l.eof() && l.src[l.pos] == c }
func (l *locator) eof() bool        { return l.pos >= len(l.src) }
func (l *locator) advance(n int)    { l.pos = min(l.pos+n, len(l.src)) }

// join returns path a followed by b, cut to the length of the key sought.
// Parts beyond that cannot change whether a path matches, and keeping them
// would make deeply nested inline tables cost quadratic time and memory.
func (l *locator) join(a, b []string) []string {
	p := make([]string, 0, len(l.want))
	for _, s := range [][]string{a, b} {
		p = append(p, s[:min(len(s), cap(p)-len(p))]...)
	}
	return p
}

// unescape decodes the escapes of a TOML basic string; a malformed escape
// is kept as written.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch c := s[i]; c {
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case 'e':
			b.WriteByte(0x1b)
		case '"', '\\':
			b.WriteByte(c)
		case 'x', 'u', 'U':
			n := 2 // hex digits
			if c == 'u' {
				n = 4
			} else if c == 'U' {
				n = 8
			}
			if i+n < len(s) {
				if r, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32); err == nil && utf8.ValidRune(rune(r)) {
					b.WriteRune(rune(r))
					i += n
					continue
				}
			}
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	return b.String()
}

// LineOf returns the 1-based line of src where key, or a key inside it,
// is first set, or 0 if it is not found. A part "#N" of key names the
// N-th (1-based) table of an array of tables: for "door", "#2",
// "command" it is the line in the second [[door]] table where command is
// set, or that table's header when the table does not set it.
func LineOf(src []byte, key []string) int {
	j := slices.IndexFunc(key, func(part string) bool { return strings.HasPrefix(part, "#") })
	if j < 1 {
		return locateKey(src, key)
	}
	n, err := strconv.Atoi(key[j][1:])
	if err != nil {
		return 0
	}
	table, rest := strings.Join(key[:j], "."), key[j+1:]
	header := -1
	for i, line := range strings.Split(string(src[BOMLen(src):]), "\n") {
		t := strings.TrimSpace(line)
		if header < 0 || t != "" && t[0] == '[' {
			if name, _, ok := strings.Cut(strings.TrimPrefix(t, "[["), "]]"); ok && strings.HasPrefix(t, "[[") && strings.Join(strings.Fields(name), "") == table {
				if n--; n == 0 {
					header = i
					continue
				}
			}
			if header >= 0 {
				// A sub-table of this one ([door.env]) may set the key.
				name := strings.Join(strings.Fields(strings.Trim(strings.SplitN(t, "#", 2)[0], "[] \t")), "")
				if len(rest) > 0 && (name == table+"."+rest[0] || strings.HasPrefix(name, table+"."+rest[0]+".")) {
					return i + 1
				}
				break // the table ended without the key
			}
			continue
		}
		if len(rest) > 0 {
			k, _, ok := strings.Cut(t, "=")
			if ok && strings.Trim(strings.TrimSpace(k), `"'`) == rest[0] {
				return i + 1
			}
		}
	}
	return header + 1
}

// BOMLen returns the length of the byte order mark that data starts with,
// if any; toml skips UTF-8 and UTF-16 ones.
func BOMLen(data []byte) int {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		return 3
	case bytes.HasPrefix(data, []byte("\xff\xfe")), bytes.HasPrefix(data, []byte("\xfe\xff")):
		return 2
	}
	return 0
}
