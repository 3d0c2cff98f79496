package term

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
	"golang.org/x/text/width"
)

// DecodeCP437 returns the character a CP437 terminal sends as b: bytes
// below 0x80 are ASCII, 0x80–0xFF the IBM PC characters.
func DecodeCP437(b byte) rune {
	return charmap.CodePage437.DecodeByte(b)
}

// lowGlyphs are the pictures IBM PCs show for bytes 0x00–0x1F.
var lowGlyphs = [32]rune{
	' ', '☺', '☻', '♥', '♦', '♣', '♠', '•', '◘', '○', '◙', '♂', '♀', '♪', '♫', '☼',
	'►', '◄', '↕', '‼', '¶', '§', '▬', '↨', '↑', '↓', '→', '←', '∟', '↔', '▲', '▼',
}

// CP437Glyph returns the character an IBM PC screen shows for b, for
// converting ANSI art: like DecodeCP437, but 0x01–0x1F and 0x7F give their
// glyphs (☺ ☻ ♥ … ⌂) and 0x00 a space.
func CP437Glyph(b byte) rune {
	switch {
	case b < 0x20:
		return lowGlyphs[b]
	case b == 0x7f:
		return '⌂'
	}
	return DecodeCP437(b)
}

// CP437Encoder turns UTF-8 text into CP437 bytes for classic BBS terminals.
// It keeps a partial UTF-8 sequence between calls so writes may split
// characters anywhere.
//
// Bytes below 0x80 pass through, so ANSI escape sequences survive. A
// character CP437 has becomes its byte; one it lacks becomes a look-alike
// of the same width (an accented letter its base letter, "━" "═", "→" ">")
// or
// '?'. East Asian wide characters become "??" to keep the width the text
// was laid out for, and combining marks and invisible format characters
// vanish. The zero value is ready to use; an encoder belongs to one
// goroutine.
type CP437Encoder struct {
	part [utf8.UTFMax]byte
	n    int
}

// Append appends the CP437 encoding of p to dst and returns the extended
// slice. An incomplete UTF-8 sequence at the end of p is held for the next
// call.
func (e *CP437Encoder) Append(dst, p []byte) []byte {
	// Complete the held sequence one byte at a time. A byte that breaks
	// it makes the held bytes '?' and is then read again in its own
	// right, just as if the input had come in one piece.
	for e.n > 0 {
		if !utf8.FullRune(e.part[:e.n]) {
			if len(p) == 0 {
				return dst
			}
			e.part[e.n] = p[0]
			e.n++
			p = p[1:]
			continue
		}
		r, size := utf8.DecodeRune(e.part[:e.n])
		dst = appendCP437(dst, r)
		e.n = copy(e.part[:], e.part[size:e.n])
	}
	for i := 0; i < len(p); {
		if p[i] < utf8.RuneSelf {
			j := i + 1
			for j < len(p) && p[j] < utf8.RuneSelf {
				j++
			}
			dst = append(dst, p[i:j]...)
			i = j
			continue
		}
		if !utf8.FullRune(p[i:]) {
			e.n = copy(e.part[:], p[i:])
			break
		}
		r, size := utf8.DecodeRune(p[i:])
		dst = appendCP437(dst, r)
		i += size
	}
	return dst
}

// Flush appends a '?' for each byte of a held incomplete sequence, for
// the end of the text, and returns the extended slice.
func (e *CP437Encoder) Flush(dst []byte) []byte {
	for range e.n {
		dst = append(dst, '?')
	}
	e.n = 0
	return dst
}

// appendCP437 appends the CP437 form of r.
func appendCP437(dst []byte, r rune) []byte {
	if r < utf8.RuneSelf {
		return append(dst, byte(r))
	}
	if b, ok := charmap.CodePage437.EncodeRune(r); ok {
		return append(dst, b)
	}
	if s := lookAlike(r); s != "" {
		return append(dst, s...)
	}
	if r >= 0x2500 && r < 0x2580 {
		return append(dst, boxCP437(r))
	}
	if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
		return dst
	}
	// An accented letter CP437 lacks is shown with fewer accents (ǖ as ü)
	// or as its base letter.
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	if d := norm.NFD.Properties(buf[:n]).Decomposition(); d != nil {
		base, size := utf8.DecodeRune(d)
		mark, _ := utf8.DecodeRune(d[size:])
		if b, ok := composeCP437(base, mark); ok {
			return append(dst, b)
		}
		if base < utf8.RuneSelf {
			return append(dst, byte(base))
		}
		if b, ok := charmap.CodePage437.EncodeRune(base); ok {
			return append(dst, b)
		}
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return append(dst, "??"...)
	}
	return append(dst, '?')
}

// composeCP437 returns the CP437 byte of base letter with a combining
// mark, if CP437 has that accented letter.
func composeCP437(base, mark rune) (byte, bool) {
	var bases, bytes string
	switch mark {
	case 0x300: // grave
		bases, bytes = "aeiou", "\x85\x8a\x8d\x95\x97"
	case 0x301: // acute
		bases, bytes = "aeEiou", "\xa0\x82\x90\xa1\xa2\xa3"
	case 0x302: // circumflex
		bases, bytes = "aeiou", "\x83\x88\x8c\x93\x96"
	case 0x303: // tilde
		bases, bytes = "nN", "\xa4\xa5"
	case 0x308: // diaeresis
		bases, bytes = "aAeioOuUy", "\x84\x8e\x89\x8b\x94\x99\x81\x9a\x98"
	case 0x30a: // ring
		bases, bytes = "aA", "\x86\x8f"
	case 0x327: // cedilla
		bases, bytes = "cC", "\x87\x80"
	}
	if base < utf8.RuneSelf {
		if i := strings.IndexByte(bases, byte(base)); i >= 0 {
			return bytes[i], true
		}
	}
	return 0, false
}

// lookAlike returns the CP437 bytes that best show a character CP437
// lacks, or "" when there are none. Where a CP437 picture exists only at a
// control byte (the arrows, ♪ at CR, ← at ESC), ASCII stands in: sending
// that byte would move the cursor or start an escape sequence.
func lookAlike(r rune) string {
	switch r {
	case '‘', '’', '‚', '‛', '′', 'ʼ':
		return "'"
	case '“', '”', '„', '‟', '″':
		return `"`
	case '‹':
		return "<"
	case '›':
		return ">"
	case '‐', '‑', '‒', '–', '—', '―', '−', '⁃':
		return "-"
	case '…':
		return "\xfa" // ·
	case '•', '‣', '◦', '●', '⦁':
		return "\xf9" // ∙
	case '⋅':
		return "\xfa" // ·
	case '▪', '◼':
		return "\xfe" // ■
	case '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006',
		'\u2007', '\u2008', '\u2009', '\u200a', '\u202f', '\u205f':
		return " "
	case '\u3000': // ideographic space, two cells wide
		return "  "
	case '×', '✕', '✖', '✗', '✘':
		return "x"
	case '✓', '✔':
		return "\xfb" // √
	case '™':
		return "T"
	case '©':
		return "c"
	case '®':
		return "r"
	case '€':
		return "E"
	case '→', '⟶', '➔', '➜', '⇒':
		return ">"
	case '←', '⟵', '⇐':
		return "<"
	case '↔', '⇔':
		return "-"
	case '↑', '▲', '△':
		return "^"
	case '↓', '▼', '▽':
		return "v"
	case '►', '▶', '▷':
		return ">"
	case '◄', '◀', '◁':
		return "<"
	case '‼':
		return "!"
	case '○':
		return "o"
	case 'β':
		return "\xe1" // ß, which CP437 fonts draw alike
	case 'μ':
		return "\xe6" // µ
	case '╱':
		return "/"
	case '╲':
		return `\`
	case '╳':
		return "X"
	case '▁':
		return "_"
	case '▂', '▃', '▅', '▖', '▗':
		return "\xdc" // ▄
	case '▆', '▇', '▉', '▊', '▙', '▛', '▜', '▟':
		return "\xdb" // █
	case '▋', '▍', '▎', '▏':
		return "\xdd" // ▌
	case '▕':
		return "\xde" // ▐
	case '▔', '▘', '▝':
		return "\xdf" // ▀
	case '▚', '▞':
		return "\xb1" // ▒
	}
	return ""
}

// boxArms describes each character of the Box Drawing block, U+2500–U+257F,
// by its arms: four letters for up, down, left and right, each '-' (none),
// 's' (light or single), 'h' (heavy) or 'd' (double). Dashed lines and arcs
// count as plain ones; the diagonals (╱╲╳) have no arms and are handled as
// look-alikes.
const boxArms = "" +
	"--ss--hhss--hh----ss--hhss--hh--" + // ─ ━ │ ┃ ┄ ┅ ┆ ┇
	"--ss--hhss--hh---s-s-s-h-h-s-h-h" + // ┈ ┉ ┊ ┋ ┌ ┍ ┎ ┏
	"-ss--sh--hs--hh-s--ss--hh--sh--h" + // ┐ ┑ ┒ ┓ └ ┕ ┖ ┗
	"s-s-s-h-h-s-h-h-ss-sss-hhs-ssh-s" + // ┘ ┙ ┚ ┛ ├ ┝ ┞ ┟
	"hh-shs-hsh-hhh-hsss-ssh-hss-shs-" + // ┠ ┡ ┢ ┣ ┤ ┥ ┦ ┧
	"hhs-hsh-shh-hhh--sss-shs-ssh-shh" + // ┨ ┩ ┪ ┫ ┬ ┭ ┮ ┯
	"-hss-hhs-hsh-hhhs-sss-hss-shs-hh" + // ┰ ┱ ┲ ┳ ┴ ┵ ┶ ┷
	"h-ssh-hsh-shh-hhsssssshsssshsshh" + // ┸ ┹ ┺ ┻ ┼ ┽ ┾ ┿
	"hsssshsshhsshshshsshshhsshshhshh" + // ╀ ╁ ╂ ╃ ╄ ╅ ╆ ╇
	"shhhhhhshhshhhhh--ss--hhss--hh--" + // ╈ ╉ ╊ ╋ ╌ ╍ ╎ ╏
	"--dddd---s-d-d-s-d-d-sd--ds--dd-" + // ═ ║ ╒ ╓ ╔ ╕ ╖ ╗
	"s--dd--sd--ds-d-d-s-d-d-ss-ddd-s" + // ╘ ╙ ╚ ╛ ╜ ╝ ╞ ╟
	"dd-dssd-dds-ddd--sdd-dss-ddds-dd" + // ╠ ╡ ╢ ╣ ╤ ╥ ╦ ╧
	"d-ssd-ddssddddssdddd-s-s-ss-s-s-" + // ╨ ╩ ╪ ╫ ╬ ╭ ╮ ╯
	"s--s--------------s-s------s-s--" + // ╰ ╱ ╲ ╳ ╴ ╵ ╶ ╷
	"--h-h------h-h----shsh----hshs--" //   ╸ ╹ ╺ ╻ ╼ ╽ ╾ ╿

// boxBytes gives the CP437 box character for each set of arms present
// (bit 3 up, 2 down, 1 left, 0 right) and weights: the column is 2 when the
// vertical arms are double, plus 1 when the horizontal ones are. CP437 has
// every such combination, but only one weight per axis.
var boxBytes = [16][4]byte{
	{'?', '?', '?', '?'},
	{0xc4, 0xcd, 0xc4, 0xcd}, // right: ─ ═
	{0xc4, 0xcd, 0xc4, 0xcd}, // left
	{0xc4, 0xcd, 0xc4, 0xcd}, // left and right
	{0xb3, 0xb3, 0xba, 0xba}, // down: │ ║
	{0xda, 0xd5, 0xd6, 0xc9}, // ┌ ╒ ╓ ╔
	{0xbf, 0xb8, 0xb7, 0xbb}, // ┐ ╕ ╖ ╗
	{0xc2, 0xd1, 0xd2, 0xcb}, // ┬ ╤ ╥ ╦
	{0xb3, 0xb3, 0xba, 0xba}, // up
	{0xc0, 0xd4, 0xd3, 0xc8}, // └ ╘ ╙ ╚
	{0xd9, 0xbe, 0xbd, 0xbc}, // ┘ ╛ ╜ ╝
	{0xc1, 0xcf, 0xd0, 0xca}, // ┴ ╧ ╨ ╩
	{0xb3, 0xb3, 0xba, 0xba}, // up and down
	{0xc3, 0xc6, 0xc7, 0xcc}, // ├ ╞ ╟ ╠
	{0xb4, 0xb5, 0xb6, 0xb9}, // ┤ ╡ ╢ ╣
	{0xc5, 0xd8, 0xd7, 0xce}, // ┼ ╪ ╫ ╬
}

// boxCP437 returns the CP437 box character nearest to r, a character of
// the Box Drawing block: heavy lines become double ones, which stand out
// the same way, and an axis whose two arms differ takes the heavier.
func boxCP437(r rune) byte {
	arms := boxArms[4*(r-0x2500):][:4]
	shape, col := 0, 0
	for i := range 4 {
		shape <<= 1
		if arms[i] == '-' {
			continue
		}
		shape |= 1
		if arms[i] == 'h' || arms[i] == 'd' {
			if i < 2 {
				col |= 2
			} else {
				col |= 1
			}
		}
	}
	return boxBytes[shape][col]
}
