package lang

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"github.com/x84bbs/x84/internal/tomlpos"
)

// parse reads one catalog file: its language from its name, its
// messages checked against the reference (which Reference's files set,
// being read first). have holds the messages the language has so far,
// so that a built-in message set in two files is caught.
func (c *Catalog) parse(f catalogFile, have map[string]bool) (language.Tag, []*i18n.Message, error) {
	fail := func(line int, id, format string, args ...any) error {
		return &Error{File: f.name, Line: line, ID: id, Msg: fmt.Sprintf(format, args...)}
	}
	tag, err := language.Parse(f.tag)
	if err != nil {
		return tag, nil, fail(0, "", "%q is not a language tag (name the file like de.toml or pt-BR.toml)", f.tag)
	}
	if !utf8.Valid(f.data) {
		return tag, nil, fail(0, "", "the file is not UTF-8")
	}
	data := f.data[tomlpos.BOMLen(f.data):]
	if line, err := shape.Check(data); err != nil {
		return tag, nil, fail(line, "", "%v", err)
	}
	var tree map[string]any
	if _, err := toml.Decode(string(data), &tree); err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return tag, nil, fail(tomlpos.SyntaxLine(data, pe), "", "%s", pe.Message)
		}
		return tag, nil, fail(0, "", "%v", err)
	}
	isRef := f.tag == Reference
	var msgs []*i18n.Message
	var walk func(prefix []string, table map[string]any) error
	walk = func(prefix []string, table map[string]any) error {
		keys := make([]string, 0, len(table))
		for k := range table {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			path := append(slices.Clone(prefix), k)
			id := strings.Join(path, ".")
			line := func() int { return tomlpos.LineOf(data, path) }
			var m *i18n.Message
			switch v := table[k].(type) {
			case string:
				m = &i18n.Message{ID: id, Other: v}
			case map[string]any:
				if !isPlural(v) {
					if err := walk(path, v); err != nil {
						return err
					}
					continue
				}
				m = &i18n.Message{ID: id}
				for form, text := range v {
					s, ok := text.(string)
					if !ok {
						return fail(line(), id, "the %s form is not a string", form)
					}
					setForm(m, form, s)
				}
			default:
				return fail(line(), id, "a message is a string, or a table of plural forms (one, other…)")
			}
			if have[id] && !f.own {
				return fail(line(), id, "the message is set in another built-in file too")
			}
			if err := c.check(m, isRef, f.own); err != nil {
				return fail(line(), id, "%v", err)
			}
			msgs = append(msgs, m)
		}
		return nil
	}
	if err := walk(nil, tree); err != nil {
		return tag, nil, err
	}
	return tag, msgs, nil
}

// isPlural reports whether a table is one message's plural forms: it has
// "other", and only forms.
func isPlural(t map[string]any) bool {
	if _, ok := t["other"]; !ok {
		return false
	}
	for k := range t {
		if !slices.Contains(pluralForms, k) {
			return false
		}
	}
	return true
}

func setForm(m *i18n.Message, form, s string) {
	switch form {
	case "zero":
		m.Zero = s
	case "one":
		m.One = s
	case "two":
		m.Two = s
	case "few":
		m.Few = s
	case "many":
		m.Many = s
	case "other":
		m.Other = s
	}
}

// forms returns a message's texts.
func forms(m *i18n.Message) []string {
	var fs []string
	for _, s := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
		if s != "" {
			fs = append(fs, s)
		}
	}
	return fs
}

// check checks a message's texts: sizes, placeholders, and against the
// reference (or, reading the reference, records it). own is a sysop's
// file, whose English may replace a built-in message with one that uses
// fewer of its placeholders, or add a message.
func (c *Catalog) check(m *i18n.Message, isRef, own bool) error {
	var names []string
	for _, s := range forms(m) {
		if len(s) > MaxMessage {
			return fmt.Errorf("the message is longer than %d bytes", MaxMessage)
		}
		b, err := parseBraces(s)
		if err != nil {
			return err
		}
		for _, n := range b.names() {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
	}
	plural := m.One != "" || m.Zero != "" || m.Two != "" || m.Few != "" || m.Many != ""
	ref, ok := c.ref[m.ID]
	switch {
	case isRef && !ok:
		c.ref[m.ID] = &refMessage{plural: plural, names: names}
		return nil
	case isRef && !own:
		return fmt.Errorf("the message is set twice")
	case !ok && free(m.ID):
		return nil
	case !ok:
		return fmt.Errorf("there is no such message in %s", Reference)
	}
	for _, n := range names {
		if !slices.Contains(ref.names, n) {
			if len(ref.names) == 0 {
				return fmt.Errorf("{%s}: this message has no placeholders", n)
			}
			return fmt.Errorf("{%s}: this message's placeholders are {%s}", n, strings.Join(ref.names, "}, {"))
		}
	}
	if plural && !ref.plural {
		return fmt.Errorf("this message has no plural forms; write it as one string")
	}
	return nil
}
