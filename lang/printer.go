package lang

import (
	"strconv"
	"strings"
	"sync"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Languages returns the catalog's languages, the default first.
func (c *Catalog) Languages() []Language { return c.langs }

// Default returns the board's default language's tag.
func (c *Catalog) Default() string { return c.def.String() }

// Problems lists what the languages lack, one line per language, for
// `x84 lang check` and the log.
func (c *Catalog) Problems() []string { return c.problems }

// Has reports whether id is a message of the reference catalog.
func (c *Catalog) Has(id string) bool { _, ok := c.ref[id]; return ok }

// Match returns the tag of the catalog's language that best serves
// prefs, tried in order (each a BCP 47 tag or a POSIX locale such as
// "de_DE.UTF-8"; empty and unparsable ones are skipped); the default
// when none is served.
func (c *Catalog) Match(prefs ...string) string {
	for _, p := range prefs {
		t, ok := parsePref(p)
		if !ok {
			continue
		}
		if _, i, conf := c.matcher.Match(t); conf >= language.High {
			return c.tags[i].String()
		}
	}
	return c.def.String()
}

// parsePref reads a language preference: a BCP 47 tag, or a POSIX
// locale ("de_DE.UTF-8@euro"); "C" and "POSIX" name no language.
func parsePref(p string) (language.Tag, bool) {
	p = strings.TrimSpace(p)
	if i := strings.IndexAny(p, ".@"); i >= 0 {
		p = p[:i]
	}
	if p == "" || p == "C" || p == "POSIX" || len(p) > 35 {
		return language.Und, false
	}
	t, err := language.Parse(strings.ReplaceAll(p, "_", "-"))
	if err != nil || t == language.Und {
		return language.Und, false
	}
	return t, true
}

// Printer returns a Printer for the first of prefs the catalog serves
// (see Match).
func (c *Catalog) Printer(prefs ...string) *Printer {
	tag := c.Match(prefs...)
	return &Printer{c: c, tag: tag, loc: i18n.NewLocalizer(c.bundle, tag)}
}

// Printer gives the messages of one language. Build one with
// Catalog.Printer.
type Printer struct {
	c   *Catalog
	tag string
	loc *i18n.Localizer
}

// Tag returns the printer's language.
func (p *Printer) Tag() string { return p.tag }

// T returns message id with its placeholders filled from pairs: name,
// value, name, value… A message missing from every catalog gives its id,
// so that the mistake shows.
func (p *Printer) T(id string, pairs ...string) string {
	return p.localize(id, nil, pairs)
}

// N is T for a message with plural forms, chosen by n, which also fills
// the placeholder {n}.
func (p *Printer) N(id string, n int, pairs ...string) string {
	return p.localize(id, n, append(pairs, "n", strconv.Itoa(n)))
}

func (p *Printer) localize(id string, count any, pairs []string) string {
	data := pairsMap(pairs)
	s, err := p.loc.Localize(&i18n.LocalizeConfig{
		MessageID:      id,
		TemplateData:   data,
		PluralCount:    count,
		TemplateParser: braceParser{},
	})
	if s == "" && err != nil {
		return id
	}
	return s
}

// Own reports whether the printer's language has message id itself,
// rather than showing it in English: the board shows a menu file's text
// as written unless the caller's language has its own.
func (p *Printer) Own(id string) bool { return p.c.ids[p.tag][id] }

// fallback is the built-in English, for text shown where no board has
// chosen a language (see Fallback).
var fallback = sync.OnceValue(func() *Printer {
	c, err := Load(Builtin(), "", "")
	if err != nil {
		panic("lang: the built-in catalogs: " + err.Error()) // TestBuiltin
	}
	return c.Printer(Reference)
})

// Fallback returns a printer of the built-in English catalog, for the
// sessions no board has given a language (tests, tools).
func Fallback() *Printer { return fallback() }

// Or returns the printer's language's own message id if it has one (see
// Own), else text: for a sysop's words (menu files, scripts) written in
// one language, with translations in the catalogs' menus and scripts
// tables. Placeholders are filled from pairs in either; a text with a
// stray brace is shown as written.
func (p *Printer) Or(id, text string, pairs ...string) string {
	if p.Own(id) {
		return p.T(id, pairs...)
	}
	if len(pairs) == 0 {
		return text
	}
	b, err := parseBraces(text)
	if err != nil {
		return text
	}
	data := pairsMap(pairs)
	out, err := b.Execute(data)
	if err != nil {
		return text
	}
	return out
}

// ParseTag reports whether s is a language tag a catalog can be named by
// ("de", "pt-BR"), and returns it in its canonical form.
func ParseTag(s string) (string, bool) {
	if len(s) > 35 {
		return "", false
	}
	t, err := language.Parse(s)
	if err != nil || t == language.Und || t.String() != s && !strings.EqualFold(t.String(), s) {
		return "", false
	}
	return t.String(), true
}

// Yes reports whether v, a key or a line a caller typed, answers yes: y
// or yes, or the language's own yes key or word (the catalogs'
// common.yes_key and common.yes_word: j or ja in German), in any case.
// Every yes/no question of the board takes its answer through Yes, so
// that what the question shows ("[j/N]") is what it takes.
func (p *Printer) Yes(v string) bool {
	v = strings.TrimSpace(v)
	for _, yes := range []string{"y", "yes", p.T("common.yes_key"), p.T("common.yes_word")} {
		if strings.EqualFold(v, yes) {
			return true
		}
	}
	return false
}

// pairsMap makes placeholder values of pairs: name, value, name, value…
func pairsMap(pairs []string) map[string]string {
	data := make(map[string]string, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		data[pairs[i]] = pairs[i+1]
	}
	return data
}
