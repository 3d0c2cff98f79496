package board

import (
	"github.com/x84bbs/x84/term"
)

// choiceQuit reports whether k leaves a screen that asks for one of its
// keys: IsQuit, except on plain screens, where a line typed empty is no
// choice (Enter alone says the keys again, noSuchKey), so that only q
// and Esc leave.
func (c *Call) choiceQuit(k term.Key) bool {
	if c.Accessible() && k.Code == term.KeyEnter {
		return false
	}
	return IsQuit(k)
}

// noSuchKey is what a plain screen says of a key it has no use for (a
// letter not among its keys, Enter alone), before saying its keys again,
// in the caller's language.
func (c *Call) noSuchKey(k term.Key) string {
	p := c.Lang()
	if k.Code == term.KeyRune && k.Mod == 0 {
		return p.T("plain.no_such_key", "key", term.Sanitize(string(k.Rune)))
	}
	return p.T("plain.type_a_key")
}
