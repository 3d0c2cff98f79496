package term

import (
	"strings"
	"unicode/utf8"
)

// Sanitize returns s made safe to show on other people's terminals as a
// single line.
//
// It removes escape sequences with their parameters and bodies (CSI, OSC,
// DCS, SOS, PM, APC, in their 7-bit and 8-bit forms, and two-byte ESC
// sequences), all other control characters, DEL, the Unicode
// bidirectional controls that make text display as something other than
// what it is, and the invisible format characters that have no use in a
// line of BBS text and make layouts miscount or two names look alike:
// U+00AD soft hyphen, U+034F combining grapheme joiner, U+115F, U+1160,
// U+3164 and U+FFA0 Hangul fillers, U+180E Mongolian vowel separator,
// U+200B zero width space, U+2028 and U+2029 line and paragraph
// separators, U+2060–U+2064 word joiner and invisible operators,
// U+206A–U+206F deprecated format controls, U+FEFF byte order mark, and
// the tag characters U+E0000–U+E007F. Zero width non-joiner and joiner
// (U+200C, U+200D) and variation selectors are kept: emoji and several
// scripts need them. A string sequence that is never terminated takes
// the rest of s with it. Tab, CR and LF become a space each, and invalid
// UTF-8 becomes U+FFFD. Printable text in any script is kept as it is; a
// string with nothing to remove is returned without allocating.
func Sanitize(s string) string {
	return sanitize(s, false)
}

// SanitizeText is Sanitize for multi-line text (messages): it keeps "\n"
// (CR LF and lone CR become "\n") and tabs.
func SanitizeText(s string) string {
	return sanitize(s, true)
}

func sanitize(s string, text bool) string {
	i := cleanPrefix(s, text)
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c >= 0x20 && c < 0x7f:
				b.WriteByte(c)
			case c == esc:
				i = skipEscape(s, i)
			case c == '\r' && text:
				b.WriteByte('\n')
				if i < len(s) && s[i] == '\n' {
					i++
				}
			case c == '\n' && text, c == '\t' && text:
				b.WriteByte(c)
			case c == '\r', c == '\n', c == '\t':
				b.WriteByte(' ')
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == 0x9b: // CSI
			i = skipCSI(s, i)
		case r == 0x9d: // OSC
			i = skipString(s, i, true)
		case r == 0x90 || r == 0x98 || r == 0x9e || r == 0x9f: // DCS SOS PM APC
			i = skipString(s, i, false)
		case r < 0xa0 || isBidiControl(r) || isInvisible(r):
		case r == utf8.RuneError && size == 1:
			b.WriteString("\uFFFD")
		default:
			b.WriteString(s[i-size : i])
		}
	}
	return b.String()
}

// cleanPrefix returns the length of the longest prefix of s that sanitize
// leaves as it is.
func cleanPrefix(s string, text bool) int {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 || c == 0x7f) && !(text && (c == '\n' || c == '\t')) {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < 0xa0 || r == utf8.RuneError && size == 1 || isBidiControl(r) || isInvisible(r) {
			return i
		}
		i += size
	}
	return i
}

// isBidiControl reports whether r is one of the Unicode controls that
// change the display order of text (embeddings, overrides, isolates and
// the invisible direction marks), the stuff of "Trojan Source" attacks.
func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 ||
		r == 0x200e || r == 0x200f || r == 0x061c
}

// Invisible reports whether Sanitize removes r as an invisible or
// direction-changing character (not as a control character): for rules
// that refuse such text rather than clean it, such as handles.
func Invisible(r rune) bool { return isInvisible(r) || isBidiControl(r) }

// isInvisible reports whether r is one of the invisible format characters
// that Sanitize removes (listed in its comment), the bidirectional
// controls aside.
func isInvisible(r rune) bool {
	switch {
	case r < 0xad:
		return false
	case r < 0x2000:
		return r == 0xad || r == 0x34f || r == 0x115f || r == 0x1160 || r == 0x180e
	case r < 0x3000:
		return r == 0x200b || r == 0x2028 || r == 0x2029 ||
			r >= 0x2060 && r <= 0x2064 || r >= 0x206a && r <= 0x206f
	}
	return r == 0x3164 || r == 0xfeff || r == 0xffa0 || r >= 0xe0000 && r <= 0xe007f
}

// skipEscape returns where the escape sequence whose ESC ends at i ends.
// An ESC that starts no sequence goes alone.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch c := s[i]; {
	case c == '[':
		return skipCSI(s, i+1)
	case c == ']':
		return skipString(s, i+1, true)
	case c == 'P' || c == 'X' || c == '^' || c == '_':
		return skipString(s, i+1, false)
	case c >= 0x20 && c <= 0x2f:
		// Intermediate bytes, then a final byte: ESC ( B, ESC # 8.
		i++
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
			i++
		}
		return i
	case c >= 0x30 && c <= 0x7e:
		return i + 1
	}
	return i
}

// skipCSI returns where the control sequence whose introducer ends at i
// ends: after its parameter and intermediate bytes and its final byte. Any
// other byte ends it early and is left to the caller.
func skipCSI(s string, i int) int {
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x3f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipString returns where the control string (OSC, DCS…) whose introducer
// ends at i ends: after the string terminator, ESC \ or U+009C, or, when
// bel, a BEL, which xterm also accepts for OSC. Without a terminator it
// takes the rest of s, since a terminal would swallow that too.
func skipString(s string, i int, bel bool) int {
	for ; i < len(s); i++ {
		switch s[i] {
		case 0x07:
			if bel {
				return i + 1
			}
		case esc:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
		case 0xc2:
			if i+1 < len(s) && s[i+1] == 0x9c {
				return i + 2
			}
		}
	}
	return i
}
