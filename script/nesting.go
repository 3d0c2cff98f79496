package script

import "fmt"

// The parser and the compiler recurse in Go for every level of nested
// brackets, parentheses and braces, and a deep enough nesting overflows
// the goroutine's stack, which is fatal to the whole board. A script
// file is scanned for it before it is compiled, and refused; code made
// at run time is not (eval and the Function constructors are gone; see
// sandbox.go).

// nestingError is a script file that nests too deep.
type nestingError struct {
	file string
	line int
}

func (e *nestingError) Error() string {
	return fmt.Sprintf("%s: Line %d: brackets, parentheses and braces nest deeper than %d levels", e.file, e.line, maxNesting)
}

// regexBefore are the words after which a '/' starts a regular
// expression, not a division.
var regexBefore = map[string]bool{
	"return": true, "typeof": true, "instanceof": true, "in": true, "of": true, "new": true, "delete": true,
	"void": true, "throw": true, "case": true, "do": true, "else": true, "yield": true, "await": true,
}

// checkNesting returns a *nestingError if src's brackets nest deeper
// than maxNesting. It skips comments, strings, template text and
// regular expressions (told from a division by what comes before, as a
// parser would), so it counts what the parser would; where it guesses
// wrong the parser still has the last word on the syntax, and a closing
// bracket never takes the depth below zero.
func checkNesting(file, src string) error {
	depth, line := 0, 1
	var tmpl []int // the depth at each open ${ of a template
	regexOK := true
	n := len(src)
	// template scans template text from i, returning where it stopped:
	// after the closing backquote, or after a ${.
	template := func(i int) (int, bool) {
		for ; i < n; i++ {
			switch src[i] {
			case '\\':
				i++
			case '\n':
				line++
			case '`':
				return i + 1, false
			case '$':
				if i+1 < n && src[i+1] == '{' {
					return i + 2, true
				}
			}
		}
		return n, false
	}
	open := func() error {
		if depth++; depth > maxNesting {
			return &nestingError{file, line}
		}
		return nil
	}
	for i := 0; i < n; {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '/' && i+1 < n && src[i+1] == '/':
			for i < n && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < n && src[i+1] == '*':
			i += 2
			for i < n && !(src[i] == '*' && i+1 < n && src[i+1] == '/') {
				if src[i] == '\n' {
					line++
				}
				i++
			}
			i += 2
		case c == '\'' || c == '"':
			for i++; i < n && src[i] != c && src[i] != '\n'; i++ {
				if src[i] == '\\' {
					if i+1 < n && src[i+1] == '\n' {
						line++
					}
					i++
				}
			}
			i++
			regexOK = false
		case c == '`':
			var sub bool
			if i, sub = template(i + 1); sub {
				tmpl = append(tmpl, depth)
				if err := open(); err != nil {
					return err
				}
				regexOK = true
			} else {
				regexOK = false
			}
		case c == '/' && regexOK:
			class := false
			for i++; i < n && src[i] != '\n'; i++ {
				if src[i] == '\\' {
					i++
				} else if src[i] == '[' {
					class = true
				} else if src[i] == ']' {
					class = false
				} else if src[i] == '/' && !class {
					break
				}
			}
			i++
			regexOK = false
		case c == '(' || c == '[' || c == '{':
			if err := open(); err != nil {
				return err
			}
			i++
			regexOK = true
		case c == ')' || c == ']':
			depth = max(depth-1, 0)
			i++
			regexOK = false
		case c == '}':
			depth = max(depth-1, 0)
			i++
			regexOK = true
			if k := len(tmpl) - 1; k >= 0 && tmpl[k] == depth {
				tmpl = tmpl[:k]
				var sub bool
				if i, sub = template(i); sub {
					tmpl = append(tmpl, depth)
					if err := open(); err != nil {
						return err
					}
				} else {
					regexOK = false
				}
			}
		case c == '_' || c == '$' || c >= 0x80 || (c|0x20) >= 'a' && (c|0x20) <= 'z' || c >= '0' && c <= '9':
			j := i
			for j < n && (src[j] == '_' || src[j] == '$' || src[j] >= 0x80 || (src[j]|0x20) >= 'a' && (src[j]|0x20) <= 'z' ||
				src[j] >= '0' && src[j] <= '9') {
				j++
			}
			regexOK = regexBefore[src[i:j]]
			i = j
		default:
			i++
			regexOK = true
		}
	}
	return nil
}
