package script

import (
	"unicode"

	"github.com/x84bbs/x84/term"
)

// keyNames names the keys that are not characters, as bbs.key returns
// them.
var keyNames = map[term.KeyCode]string{
	term.KeyEnter:     "enter",
	term.KeyTab:       "tab",
	term.KeyBackspace: "backspace",
	term.KeyEscape:    "esc",
	term.KeyUp:        "up",
	term.KeyDown:      "down",
	term.KeyLeft:      "left",
	term.KeyRight:     "right",
	term.KeyHome:      "home",
	term.KeyEnd:       "end",
	term.KeyPgUp:      "pgup",
	term.KeyPgDn:      "pgdn",
	term.KeyInsert:    "insert",
	term.KeyDelete:    "delete",
	term.KeyF1:        "f1",
	term.KeyF2:        "f2",
	term.KeyF3:        "f3",
	term.KeyF4:        "f4",
	term.KeyF5:        "f5",
	term.KeyF6:        "f6",
	term.KeyF7:        "f7",
	term.KeyF8:        "f8",
	term.KeyF9:        "f9",
	term.KeyF10:       "f10",
	term.KeyF11:       "f11",
	term.KeyF12:       "f12",
}

// keyName names a key for a script: the character itself ("a", "A",
// "1", "é"), "space", a key's name ("enter", "up", "f1"), with "ctrl-",
// "alt-" and "shift-" before it when those were held ("ctrl-a",
// "shift-tab", "alt-x"). A key a script cannot name (an unknown escape
// sequence) is "".
func keyName(k term.Key) string {
	var name string
	switch {
	case k.Code == term.KeyRune && k.Rune == ' ':
		name = "space"
	case k.Code == term.KeyRune:
		if !unicode.IsPrint(k.Rune) {
			return ""
		}
		name = string(k.Rune)
	default:
		name = keyNames[k.Code]
		if name == "" {
			return ""
		}
	}
	// A letter typed with Shift is its capital already.
	if k.Mod&term.ModShift != 0 && k.Code != term.KeyRune {
		name = "shift-" + name
	}
	if k.Mod&term.ModAlt != 0 {
		name = "alt-" + name
	}
	if k.Mod&term.ModCtrl != 0 {
		name = "ctrl-" + name
	}
	return name
}
