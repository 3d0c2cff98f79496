package plaincheck

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Violations returns what in out is not plain text, each with its
// offset and the text around it: escape sequences whole, other control
// characters, invalid UTF-8.
func Violations(out []byte) []string {
	var bad []string
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRune(out[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			bad = append(bad, fmt.Sprintf("at %d: invalid UTF-8 %#x%s", i, out[i], near(out, i)))
		case r == 0x1b:
			n := escapeLen(out[i:])
			bad = append(bad, fmt.Sprintf("at %d: escape sequence %q%s", i, out[i:i+n], near(out, i)))
			i += n
			continue
		case r == '\r' && (i+1 >= len(out) || out[i+1] != '\n'):
			bad = append(bad, fmt.Sprintf("at %d: CR without LF%s", i, near(out, i)))
		case r == '\b':
			n := rubOutLen(out[i:])
			if n == 0 {
				bad = append(bad, fmt.Sprintf("at %d: Backspace not rubbing out%s", i, near(out, i)))
				n = 1
			}
			i += n
			continue
		case r == '\r', r == '\n':
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			bad = append(bad, fmt.Sprintf("at %d: control character %U%s", i, r, near(out, i)))
		}
		i += size
	}
	return bad
}

// rubOutLen is the length of the rub-out at the start of b: n
// Backspaces, n spaces, n Backspaces, taking n characters off the line;
// 0 if b starts with Backspaces that are not one.
func rubOutLen(b []byte) int {
	n := 0
	for n < len(b) && b[n] == '\b' {
		n++
	}
	want := strings.Repeat("\b", n) + strings.Repeat(" ", n) + strings.Repeat("\b", n)
	if !strings.HasPrefix(string(b), want) {
		return 0
	}
	return 3 * n
}

// escapeLen is the length of the escape sequence at the start of b: a
// CSI sequence to its final byte, or ESC and the byte after it.
func escapeLen(b []byte) int {
	if len(b) < 2 {
		return len(b)
	}
	if b[1] != '[' {
		return 2
	}
	for i := 2; i < len(b); i++ {
		if b[i] >= 0x40 && b[i] <= 0x7e {
			return i + 1
		}
	}
	return len(b)
}

// near quotes the text around out[i], for a message.
func near(out []byte, i int) string {
	return fmt.Sprintf(" near %q", out[max(0, i-40):min(len(out), i+40)])
}

// Lines splits plain output into the lines a screen reader reads: at
// CR LF, each with the characters rubbed out (Backspace, space,
// Backspace) taken away and trailing spaces trimmed.
func Lines(out []byte) []string {
	var lines []string
	for _, l := range strings.Split(string(out), "\r\n") {
		var kept []rune
		for _, r := range l {
			if r == '\b' {
				if len(kept) > 0 {
					kept = kept[:len(kept)-1]
				}
				continue
			}
			kept = append(kept, r)
		}
		lines = append(lines, strings.TrimRight(string(kept), " "))
	}
	return lines
}
