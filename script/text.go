package script

import (
	"strconv"

	"github.com/dop251/goja"

	"github.com/x84bbs/x84/lang"
)

// Bounds of bbs.text.
const (
	// maxTextKey is the longest key, in bytes.
	maxTextKey = 64
	// maxTextVars is the most values one call fills in; maxTextValue is
	// the longest value, in bytes, and maxTextName the longest name.
	// With a text of at most lang.MaxMessage bytes, a result is under
	// 1 MiB however its placeholders repeat.
	maxTextVars  = 20
	maxTextValue = 1024
	maxTextName  = 32
)

// bbs.text(key, text, vars) → the caller's language's own message
// "scripts.NAME.key" if it has one, else text; the {name} placeholders
// of either are filled from vars (strings, or numbers, converted as
// JavaScript converts them), {{ and }} being literal braces, as in the
// catalogs. A placeholder vars has no value for is left as written.
func (r *run) bbsText(call goja.FunctionCall) goja.Value {
	key := text(call.Argument(0))
	if !textKey(key) {
		r.throw("bbs.text: the key " + strconv.Quote(capText(key, maxTextKey+8)) + " is not 1 to " + strconv.Itoa(maxTextKey) +
			" of a-z, 0-9, _ and . (a dot between words)")
	}
	t := call.Argument(1)
	if goja.IsUndefined(t) || goja.IsNull(t) {
		r.throw("bbs.text takes a key and the text in English")
	}
	s := t.String()
	if len(s) > lang.MaxMessage {
		r.throw("bbs.text: a text is at most " + strconv.Itoa(lang.MaxMessage) + " bytes, as a catalog's message is")
	}
	pairs := r.textVars(call.Argument(2))
	if len(pairs) == 0 {
		// No value to fill in, but the text is read the same way, so
		// that {{ means { with or without values.
		pairs = []string{"", ""}
	}
	return r.vm.ToValue(r.c.Lang().Or("scripts."+r.name+"."+key, s, pairs...))
}

// textKey reports whether key names a script's message: words of a–z,
// 0–9 and _, joined by dots, as a catalog's table path holds them.
func textKey(key string) bool {
	if key == "" || len(key) > maxTextKey || key[0] == '.' || key[len(key)-1] == '.' {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_':
		case c == '.' && key[i-1] != '.':
		default:
			return false
		}
	}
	return true
}

// textVars reads bbs.text's values, a plain object of names and strings
// or numbers, as name, value pairs.
func (r *run) textVars(v goja.Value) []string {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	o, ok := v.(*goja.Object)
	if !ok || o.ClassName() != "Object" {
		r.throw("bbs.text: the values are an object, {name: value}")
	}
	keys := o.Keys()
	if len(keys) > maxTextVars {
		r.throw("bbs.text takes at most " + strconv.Itoa(maxTextVars) + " values")
	}
	pairs := make([]string, 0, 2*len(keys))
	for _, name := range keys {
		if !textName(name) {
			r.throw("bbs.text: the name " + strconv.Quote(capText(name, maxTextName+8)) + " is not 1 to " +
				strconv.Itoa(maxTextName) + " of a-z, A-Z, 0-9 and _")
		}
		val := o.Get(name)
		if val == nil || !goja.IsString(val) && !goja.IsNumber(val) {
			r.throw("bbs.text: the value of " + name + " is not a string or a number")
		}
		s := val.String()
		if len(s) > maxTextValue {
			r.throw("bbs.text: the value of " + name + " is longer than " + strconv.Itoa(maxTextValue) + " bytes")
		}
		pairs = append(pairs, name, s)
	}
	return pairs
}

// textName reports whether name can be a placeholder's.
func textName(name string) bool {
	if name == "" || len(name) > maxTextName {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
