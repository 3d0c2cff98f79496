package sqldb

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/x84bbs/x84/store"
)

// MaxScriptList bounds the keys one ListScriptValues returns.
const MaxScriptList = 1000

// ScriptKeyLimit is an engine's Config.MaxScriptKeys made valid:
// store.MaxScriptKeys unless lowered.
func ScriptKeyLimit(n int) int {
	if n <= 0 || n > store.MaxScriptKeys {
		return store.MaxScriptKeys
	}
	return n
}

// CheckScriptName refuses a script name the store does not keep.
func CheckScriptName(name string) error {
	return checkScriptText("script name", name, store.MaxScriptName, false)
}

// CheckScriptKey refuses a key the store does not keep.
func CheckScriptKey(key string) error {
	return checkScriptText("key", key, store.MaxScriptKey, false)
}

// CheckScriptValue refuses a value the store does not keep; "" is a
// value.
func CheckScriptValue(value string) error {
	return checkScriptText("value", value, store.MaxScriptValue, true)
}

// CheckScriptBound refuses a prefix or an after key of ListScriptValues
// that no key could match; what names it.
func CheckScriptBound(what, s string) error {
	return checkScriptText(what, s, store.MaxScriptKey, true)
}

// checkScriptText refuses s, called what in the error, when it is empty
// (unless empty is allowed), longer than max bytes, not UTF-8, or holds
// NUL. PostgreSQL's text cannot hold NUL nor bytes that are not UTF-8,
// so SQLite refuses them too: what one engine keeps, the other must take
// when a board is copied.
func checkScriptText(what, s string, max int, empty bool) error {
	switch {
	case s == "" && !empty:
		return fmt.Errorf("%s is empty", what)
	case len(s) > max:
		return fmt.Errorf("%s is %d bytes, more than %d", what, len(s), max)
	case !utf8.ValidString(s):
		return fmt.Errorf("%s is not valid UTF-8", what)
	case strings.IndexByte(s, 0) >= 0:
		return fmt.Errorf("%s holds a NUL byte", what)
	}
	return nil
}

// PrefixEnd returns the least string above every string that starts with
// prefix, to list a prefix as the range key >= prefix AND key < end:
// prefix with its last rune that is not U+10FFFF replaced by the next
// valid rune (and the runes after it dropped). UTF-8 sorts byte by byte
// as its runes do, and no rune's encoding starts another's, so every key
// between prefix and end starts with prefix. The end is UTF-8 too, as
// PostgreSQL requires of text. ok is false when there is no such string
// (prefix is empty, or all U+10FFFF): the range has no upper end. prefix
// must be valid UTF-8.
func PrefixEnd(prefix string) (end string, ok bool) {
	for p := prefix; p != ""; {
		r, n := utf8.DecodeLastRuneInString(p)
		p = p[:len(p)-n]
		switch {
		case r == utf8.MaxRune:
			continue
		case r == 0xD7FF: // the surrogates are not runes
			r = 0xE000
		default:
			r++
		}
		return p + string(r), true
	}
	return "", false
}
