package term

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// KeyCode says which key a Key is.
type KeyCode int

// The keys a KeyDecoder reports.
const (
	KeyRune KeyCode = iota // a character: see Key.Rune
	KeyEnter
	KeyTab
	KeyBackspace
	KeyEscape
	KeyUp
	KeyDown
	KeyLeft
	KeyRight
	KeyHome
	KeyEnd
	KeyPgUp
	KeyPgDn
	KeyInsert
	KeyDelete
	KeyBegin // keypad 5
	KeyF1
	KeyF2
	KeyF3
	KeyF4
	KeyF5
	KeyF6
	KeyF7
	KeyF8
	KeyF9
	KeyF10
	KeyF11
	KeyF12
	KeyUnknown // a well-formed escape sequence we do not know
	// KeyResize is never produced by the decoder; the session reports
	// window-size changes with it (like curses KEY_RESIZE).
	KeyResize
	// KeyEvent is never produced by the decoder; the session reports an
	// update from elsewhere (someone arrived, a line of chat) with it.
	KeyEvent
	// KeyNotice is never produced by the decoder; the session reports
	// with it that notices for the caller (a page, a broadcast) wait to
	// be shown.
	KeyNotice
)

// keyNames holds the name of each KeyCode but the function keys.
var keyNames = [...]string{
	KeyRune:      "Rune",
	KeyEnter:     "Enter",
	KeyTab:       "Tab",
	KeyBackspace: "Backspace",
	KeyEscape:    "Esc",
	KeyUp:        "Up",
	KeyDown:      "Down",
	KeyLeft:      "Left",
	KeyRight:     "Right",
	KeyHome:      "Home",
	KeyEnd:       "End",
	KeyPgUp:      "PgUp",
	KeyPgDn:      "PgDn",
	KeyInsert:    "Insert",
	KeyDelete:    "Delete",
	KeyBegin:     "Begin",
	KeyUnknown:   "Unknown",
	KeyResize:    "Resize",
	KeyEvent:     "Event",
	KeyNotice:    "Notice",
}

// String returns the key's name: "Enter", "PgUp", "F5"…
func (c KeyCode) String() string {
	switch {
	case c >= KeyF1 && c <= KeyF12:
		return "F" + strconv.Itoa(int(c-KeyF1)+1)
	case c >= 0 && int(c) < len(keyNames):
		return keyNames[c]
	}
	return "KeyCode(" + strconv.Itoa(int(c)) + ")"
}

// Mod is a set of modifier keys held with a key.
type Mod uint8

// The modifiers. Their bits are those of xterm's modifier parameter minus
// one, which lets the decoder use that number directly.
const (
	ModShift Mod = 1 << iota
	ModAlt
	ModCtrl
)

// Key is one key press.
//
// Control characters are reported as the letter with ModCtrl: byte 0x01 is
// Key{Code: KeyRune, Rune: 'a', Mod: ModCtrl}, byte 0x00 is Ctrl-Space and
// 0x1C–0x1F are Ctrl-\ Ctrl-] Ctrl-^ Ctrl-_. The exceptions are those that
// have keys of their own: Tab (0x09), Enter (CR, LF), Backspace (BS, DEL)
// and Esc.
type Key struct {
	Code KeyCode
	Rune rune // the character when Code is KeyRune
	Mod  Mod
}

// String names the key for people: "a", "Space", "Ctrl-A", "Alt-x",
// "Shift-Tab", "Ctrl-Up", "F12".
func (k Key) String() string {
	var s string
	switch {
	case k.Code != KeyRune:
		s = k.Code.String()
	case k.Rune == ' ':
		s = "Space"
	case k.Mod&ModCtrl != 0 && k.Rune >= 'a' && k.Rune <= 'z':
		// Ctrl-A is the usual name of 0x01 even though the rune is 'a'.
		s = string(k.Rune - 'a' + 'A')
	case unicode.IsPrint(k.Rune):
		s = string(k.Rune)
	default:
		s = fmt.Sprintf("U+%04X", k.Rune)
	}
	if k.Mod&ModShift != 0 {
		s = "Shift-" + s
	}
	if k.Mod&ModAlt != 0 {
		s = "Alt-" + s
	}
	if k.Mod&ModCtrl != 0 {
		s = "Ctrl-" + s
	}
	return s
}

// maxHeld bounds the bytes a KeyDecoder keeps between calls. No real key
// sequence comes close; a longer one is noise, reported as one KeyUnknown.
const maxHeld = 64

const esc = 0x1b

// KeyDecoder turns the bytes a terminal sends into key presses. It
// understands the escape sequences of xterm and its descendants, vt100 and
// vt220, rxvt, the Linux console, PuTTY and ANSI-BBS clients such as
// SyncTERM.
//
// A KeyDecoder belongs to one goroutine.
type KeyDecoder struct {
	cp437 bool
	held  [maxHeld]byte
	n     int // bytes held
	// afterCR is set after a CR gave an Enter, so that the LF or NUL of a
	// CR LF or CR NUL pair gives none, even when it comes in a later Feed.
	afterCR bool
	// skip is set while the rest of an over-long sequence is thrown away.
	skip bool
}

// NewKeyDecoder returns a decoder for a terminal that sends text in enc.
// Any encoding but CP437 is taken as UTF-8.
func NewKeyDecoder(enc Encoding) *KeyDecoder {
	d := &KeyDecoder{}
	d.SetEncoding(enc)
	return d
}

// SetEncoding changes the encoding of the text that follows.
func (d *KeyDecoder) SetEncoding(enc Encoding) {
	d.cp437 = enc == CP437
}

// Feed appends the keys decoded from p to keys and returns the extended
// slice. Bytes of an incomplete sequence (a lone ESC, a prefix of an escape
// sequence, part of a UTF-8 character) are held for the next call.
func (d *KeyDecoder) Feed(keys []Key, p []byte) []Key {
	// Held bytes are completed from p in the buffer; once the decoder has
	// used them all it carries on in p itself, which saves copying.
	for d.n > 0 && len(p) > 0 {
		m := copy(d.held[d.n:], p)
		total := d.n + m
		var used int
		keys, used = d.decode(keys, d.held[:total], false)
		if used >= d.n {
			p = p[used-d.n:]
			d.n = 0
			break
		}
		d.n = copy(d.held[:], d.held[used:total])
		p = p[m:]
	}
	if d.n == 0 {
		var used int
		keys, used = d.decode(keys, p, false)
		d.n = copy(d.held[:], p[used:])
	}
	return keys
}

// Pending reports whether bytes are held, or a sequence is part-read. The
// caller (the session) waits a short time (50 ms) for more input and then
// calls Flush, so that a bare Esc key press is recognised.
func (d *KeyDecoder) Pending() bool {
	return d.n > 0 || d.skip
}

// Flush decodes the held bytes as they stand: a lone ESC becomes KeyEscape,
// "ESC [" becomes Alt-[, "ESC O" Alt-O, a part of a longer sequence
// KeyUnknown, and each byte of a partial UTF-8 character U+FFFD. It also
// ends the skipping of an over-long sequence.
func (d *KeyDecoder) Flush(keys []Key) []Key {
	keys, _ = d.decode(keys, d.held[:d.n], true)
	d.n = 0
	d.skip = false
	return keys
}

// decode appends the keys in b and returns how many bytes it used. Unless
// final, it stops before an incomplete sequence at the end of b. Its choices
// depend only on the bytes from the start of each key, never on where b
// ends, so input split anywhere decodes as it would whole.
func (d *KeyDecoder) decode(keys []Key, b []byte, final bool) ([]Key, int) {
	i := 0
	for i < len(b) {
		c := b[i]
		if d.skip {
			if c >= 0x20 && c <= 0x3f {
				i++
				continue
			}
			d.skip = false
			if c >= 0x40 && c <= 0x7e {
				i++
				continue
			}
		}
		if d.afterCR {
			d.afterCR = false
			if c == '\n' || c == 0 {
				i++
				continue
			}
		}
		k, n := d.key(b[i:], final)
		if n == 0 {
			break
		}
		keys = append(keys, k)
		i += n
	}
	return keys, i
}

// key decodes the key at the start of b and the bytes it takes, or 0 bytes
// when b holds only part of it (never when final).
func (d *KeyDecoder) key(b []byte, final bool) (Key, int) {
	c := b[0]
	switch {
	case c == esc:
		return d.escape(b, final)
	case c < utf8.RuneSelf:
		return d.ascii(c), 1
	case d.cp437:
		return Key{Code: KeyRune, Rune: DecodeCP437(c)}, 1
	case !final && !utf8.FullRune(b):
		return Key{}, 0
	}
	r, n := utf8.DecodeRune(b)
	return Key{Code: KeyRune, Rune: r}, n
}

// ascii decodes a byte below 0x80 other than ESC.
func (d *KeyDecoder) ascii(c byte) Key {
	switch c {
	case '\r':
		d.afterCR = true
		return Key{Code: KeyEnter}
	case '\n':
		return Key{Code: KeyEnter}
	case '\t':
		return Key{Code: KeyTab}
	case 0x08, 0x7f:
		// Terminals disagree on which one Backspace sends, and ANSI-BBS
		// clients send DEL for their Delete key, where users expect the
		// character to the left to go.
		return Key{Code: KeyBackspace}
	case 0:
		return Key{Code: KeyRune, Rune: ' ', Mod: ModCtrl}
	}
	switch {
	case c < 0x1b:
		return Key{Code: KeyRune, Rune: rune(c) - 1 + 'a', Mod: ModCtrl}
	case c < 0x20:
		return Key{Code: KeyRune, Rune: rune(c) + 0x40, Mod: ModCtrl}
	}
	return Key{Code: KeyRune, Rune: rune(c)}
}

// escape decodes what starts with ESC (b[0]).
func (d *KeyDecoder) escape(b []byte, final bool) (Key, int) {
	if len(b) < 2 {
		if !final {
			return Key{}, 0
		}
		return Key{Code: KeyEscape}, 1
	}
	switch b[1] {
	case '[', 'O':
		k, n, _ := d.sequence(b, maxHeld, final)
		return k, n
	case esc:
		// rxvt sends Alt with a key that has a sequence as ESC before
		// the sequence.
		if len(b) < 3 {
			if !final {
				return Key{}, 0
			}
			return Key{Code: KeyEscape, Mod: ModAlt}, 2
		}
		if b[2] == '[' || b[2] == 'O' {
			k, n, ok := d.sequence(b[1:], maxHeld-1, final)
			if n == 0 {
				return Key{}, 0
			}
			if ok {
				if k.Code != KeyUnknown {
					k.Mod |= ModAlt
				}
				return k, n + 1
			}
		}
		return Key{Code: KeyEscape, Mod: ModAlt}, 2
	}
	k, n := d.key(b[1:], final)
	if n == 0 {
		return Key{}, 0
	}
	k.Mod |= ModAlt
	return k, n + 1
}

// sequence decodes the CSI or SS3 sequence that starts b (ESC followed by
// '[' or 'O'), no longer than limit bytes. It returns 0 bytes when b holds
// only part of it, and ok false when no sequence follows the introducer, so
// that ESC and the introducer are an Alt key.
func (d *KeyDecoder) sequence(b []byte, limit int, final bool) (k Key, n int, ok bool) {
	intro := b[1]
	introKey := Key{Code: KeyRune, Rune: rune(intro), Mod: ModAlt}
	if intro == '[' && len(b) > 2 {
		switch b[2] {
		case '[':
			// Linux console F1–F5: ESC [ [ A … ESC [ [ E. Any other
			// byte after the second '[' leaves "ESC [ [" a complete
			// (unknown) sequence of its own.
			if len(b) < 4 {
				if !final {
					return Key{}, 0, false
				}
				return Key{Code: KeyUnknown}, 3, true
			}
			switch c := b[3]; {
			case c >= 'A' && c <= 'E':
				return Key{Code: KeyF1 + KeyCode(c-'A')}, 4, true
			case c >= 0x40 && c <= 0x7e:
				return Key{Code: KeyUnknown}, 4, true
			}
			return Key{Code: KeyUnknown}, 3, true
		case 'M':
			// An X10 mouse report: three raw bytes follow.
			if len(b) < 6 {
				if !final {
					return Key{}, 0, false
				}
				return Key{Code: KeyUnknown}, len(b), true
			}
			return Key{Code: KeyUnknown}, 6, true
		}
	}
	// ECMA-48 form: parameter bytes, intermediate bytes, a final byte.
	i := 2
	for i < len(b) && i < limit && b[i] >= 0x30 && b[i] <= 0x3f {
		i++
	}
	params := b[2:i]
	if intro == '[' && i < len(b) && i < limit && b[i] == '$' && isDigits(params) {
		// rxvt's Shift with the vt220 keys: ESC [ 2 $. By ECMA-48
		// '$' is an intermediate byte, which would leave the
		// sequence waiting for a final byte that never comes.
		return tildeKey(params, '$'), i + 1, true
	}
	j := i
	for i < len(b) && i < limit && b[i] >= 0x20 && b[i] <= 0x2f {
		i++
	}
	switch {
	case i == limit:
		// Decided at limit bytes whatever follows, so that the
		// outcome does not depend on how the input was split.
		d.skip = true
		return Key{Code: KeyUnknown}, limit, true
	case i == len(b):
		switch {
		case !final:
			return Key{}, 0, false
		case i == 2:
			return introKey, 2, false
		}
		return Key{Code: KeyUnknown}, i, true
	case b[i] < 0x40 || b[i] > 0x7e:
		// Not a sequence after all: end it before the stray byte.
		if i == 2 {
			return introKey, 2, false
		}
		return Key{Code: KeyUnknown}, i, true
	case j < i:
		// No key of ours has intermediate bytes.
		return Key{Code: KeyUnknown}, i + 1, true
	case intro == 'O':
		return ss3Key(params, b[i]), i + 1, true
	}
	return csiKey(params, b[i]), i + 1, true
}

// isDigits reports whether p is one or more ASCII digits.
func isDigits(p []byte) bool {
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(p) > 0
}

// parseParams reads up to two numeric parameters separated by ';'; a
// parameter left empty is -1. It fails on anything else, such as the
// private markers ('<', '?', '>') of mouse reports and terminal replies.
func parseParams(p []byte) (v [2]int, n int, ok bool) {
	v = [2]int{-1, -1}
	if len(p) == 0 {
		return v, 0, true
	}
	n = 1
	for _, c := range p {
		switch {
		case c == ';':
			if n == len(v) {
				return v, 0, false
			}
			n++
		case c >= '0' && c <= '9':
			x := &v[n-1]
			if *x < 0 {
				*x = 0
			}
			if *x > 999 {
				return v, 0, false
			}
			*x = *x*10 + int(c-'0')
		default:
			return v, 0, false
		}
	}
	return v, n, true
}

// modParam converts xterm's modifier parameter, 1 + (1 shift, 2 alt,
// 4 ctrl, 8 meta), to a Mod; meta counts as Alt.
func modParam(m int) (Mod, bool) {
	if m < 1 || m > 16 {
		return 0, false
	}
	m--
	mod := Mod(m & 7)
	if m&8 != 0 {
		mod |= ModAlt
	}
	return mod, true
}

// letterMod reads the parameters of a sequence that ends in a letter:
// none, "1", or "1;m" with m the modifier.
func letterMod(params []byte) (Mod, bool) {
	v, n, ok := parseParams(params)
	if !ok || n > 0 && v[0] != -1 && v[0] != 1 {
		return 0, false
	}
	if n < 2 {
		return 0, true
	}
	return modParam(v[1])
}

// arrows are the cursor keys in the order of their final bytes, A–D.
var arrows = [4]KeyCode{KeyUp, KeyDown, KeyRight, KeyLeft}

// csiKey decodes ESC [ params final.
func csiKey(params []byte, final byte) Key {
	var k Key
	switch final {
	case '~', '^', '@':
		if len(params) > 0 {
			return tildeKey(params, final)
		}
		if final != '@' {
			return Key{Code: KeyUnknown}
		}
		k.Code = KeyInsert // ANSI-BBS
	case 'A', 'B', 'C', 'D':
		k.Code = arrows[final-'A']
	case 'H':
		k.Code = KeyHome
	case 'F':
		k.Code = KeyEnd
	case 'E', 'G':
		k.Code = KeyBegin
	case 'P':
		k.Code = KeyF1
	case 'Q':
		k.Code = KeyF2
	case 'R':
		// Also the final byte of a cursor position report, ESC [ row ;
		// col R: only row 1 with a real modifier is taken for F3.
		if v, n, _ := parseParams(params); n == 2 && v[1] < 2 {
			return Key{Code: KeyUnknown}
		}
		k.Code = KeyF3
	case 'S':
		k.Code = KeyF4
	case 'Z':
		k = Key{Code: KeyTab, Mod: ModShift}
	case 'K': // ANSI-BBS
		k.Code = KeyEnd
	case 'V': // ANSI-BBS
		k.Code = KeyPgUp
	case 'U': // ANSI-BBS
		k.Code = KeyPgDn
	case 'a', 'b', 'c', 'd': // rxvt Shift-arrows
		k = Key{Code: arrows[final-'a'], Mod: ModShift}
	default:
		return Key{Code: KeyUnknown}
	}
	mod, ok := letterMod(params)
	if !ok {
		return Key{Code: KeyUnknown}
	}
	k.Mod |= mod
	return k
}

// tildeCodes maps the number of a vt220-style ESC [ n ~ sequence to its
// key; rxvt and PuTTY add 7 and 8, and 11–14.
var tildeCodes = [...]KeyCode{
	1: KeyHome, 2: KeyInsert, 3: KeyDelete, 4: KeyEnd, 5: KeyPgUp, 6: KeyPgDn,
	7: KeyHome, 8: KeyEnd,
	11: KeyF1, 12: KeyF2, 13: KeyF3, 14: KeyF4, 15: KeyF5,
	17: KeyF6, 18: KeyF7, 19: KeyF8, 20: KeyF9, 21: KeyF10,
	23: KeyF11, 24: KeyF12,
}

// tildeKey decodes ESC [ n ~ and ESC [ n ; m ~, and rxvt's variants with
// Shift ($), Ctrl (^) and both (@) in place of the tilde.
func tildeKey(params []byte, final byte) Key {
	v, n, ok := parseParams(params)
	if !ok || v[0] < 1 || v[0] >= len(tildeCodes) || tildeCodes[v[0]] == KeyRune {
		return Key{Code: KeyUnknown}
	}
	k := Key{Code: tildeCodes[v[0]]}
	switch final {
	case '$':
		k.Mod = ModShift
	case '^':
		k.Mod = ModCtrl
	case '@':
		k.Mod = ModCtrl | ModShift
	}
	if n == 2 {
		mod, ok := modParam(v[1])
		if !ok || final != '~' {
			return Key{Code: KeyUnknown}
		}
		k.Mod = mod
	}
	return k
}

// ss3Key decodes ESC O params final: xterm's F1–F4 and cursor keys in
// application mode, rxvt's Ctrl-arrows and the application keypad.
func ss3Key(params []byte, final byte) Key {
	var k Key
	switch {
	case final >= 'A' && final <= 'D':
		k.Code = arrows[final-'A']
	case final >= 'P' && final <= 'S':
		k.Code = KeyF1 + KeyCode(final-'P')
	case final >= 'a' && final <= 'd':
		k = Key{Code: arrows[final-'a'], Mod: ModCtrl}
	case final >= 'j' && final <= 'y':
		k = Key{Code: KeyRune, Rune: rune("*+,-./0123456789"[final-'j'])}
	case final == 'H':
		k.Code = KeyHome
	case final == 'F':
		k.Code = KeyEnd
	case final == 'E':
		k.Code = KeyBegin
	case final == 'M':
		k.Code = KeyEnter
	case final == 'X':
		k = Key{Code: KeyRune, Rune: '='}
	default:
		return Key{Code: KeyUnknown}
	}
	// Modifiers come as ESC O 1 ; m P or, from older xterms and
	// Konsole, ESC O m P.
	v, n, ok := parseParams(params)
	var mod Mod
	switch {
	case !ok:
	case n == 1:
		mod, ok = modParam(v[0])
	case n == 2:
		mod, ok = letterMod(params)
	}
	if !ok {
		return Key{Code: KeyUnknown}
	}
	k.Mod |= mod
	return k
}
