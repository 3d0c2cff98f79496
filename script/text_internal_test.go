package script

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dop251/goja"

	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/session"
)

// german returns a printer of the built-in catalogs' German.
func german(t *testing.T) *lang.Printer {
	t.Helper()
	c, err := lang.Load(lang.Builtin(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	p := c.Printer("de")
	if p.Tag() != "de" {
		t.Fatalf("the built-in catalogs speak no German: %q", p.Tag())
	}
	return p
}

// textRuntime is a runtime with bbs.text as text(), for the script name
// (whose messages the catalogs' [scripts.NAME] tables hold), in p's
// language (nil: the built-in English).
func textRuntime(t *testing.T, name string, p *lang.Printer) *goja.Runtime {
	t.Helper()
	vm := goja.New()
	s := &session.Session{}
	if p != nil {
		s.SetLang(p)
	}
	r := &run{vm: vm, name: name, c: &Call{Session: s}}
	r.errorCtor = vm.Get("Error").(*goja.Object)
	if err := vm.Set("text", r.fn(r.bbsText)); err != nil {
		t.Fatal(err)
	}
	return vm
}

// bbs.text gives the caller's language's own message, else the script's
// English, with the values filled in either.
func TestText(t *testing.T) {
	de := german(t)
	tests := []struct {
		name, src, en, de string
	}{
		{"own message", `text("save.best_still", "Your best is still {score}.", {score: 1200})`,
			"Your best is still 1200.", "Deine Bestleistung bleibt 1200."},
		{"no values", `text("save.top", "A new top score!")`, "A new top score!", "Ein neuer Spitzenwert!"},
		{"no translation", `text("nothing.here", "Only {what}, {n}", {what: "English", n: 1.5})`,
			"Only English, 1.5", "Only English, 1.5"},
		{"several values", `text("notice.top", "{handle} set a new top score: {score}", {score: 7, handle: "ann"})`,
			"ann set a new top score: 7", "ann hat einen neuen Spitzenwert: 7"},
		{"a value missing", `text("notice.top", "{handle} set a new top score: {score}", {handle: "ann"})`,
			"ann set a new top score: {score}", "ann hat einen neuen Spitzenwert: {score}"},
		{"braces", `text("x", "{{literal}} {v}", {v: "1"}) + "|" + text("x", "{{literal}} {v}")`,
			"{literal} 1|{literal} {v}", "{literal} 1|{literal} {v}"},
		{"a stray brace", `text("x", "a { b", {v: "1"})`, "a { b", "a { b"},
		{"values are not read again", `text("x", "{a}", {a: "{b}", b: "no"})`, "{b}", "{b}"},
		{"null values", `text("save.top", "A new top score!", null)`, "A new top score!", "Ein neuer Spitzenwert!"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, l := range []struct {
				p    *lang.Printer
				want string
			}{{nil, tt.en}, {de, tt.de}} {
				v, err := textRuntime(t, "blocks", l.p).RunString(tt.src)
				if err != nil {
					t.Fatalf("%s: %v", tt.src, err)
				}
				if got := v.String(); got != l.want {
					lang := "en"
					if l.p != nil {
						lang = l.p.Tag()
					}
					t.Errorf("%s in %s = %q; want %q", tt.src, lang, got, l.want)
				}
			}
		})
	}
	// Another script's messages are its own.
	if v, err := textRuntime(t, "news", de).RunString(`text("save.top", "A new top score!")`); err != nil || v.String() != "A new top score!" {
		t.Errorf("news's save.top in German = %v, %v; want the English (blocks's message is not news's)", v, err)
	}
}

// bbs.text says what is wrong with its arguments, as an error the
// script may catch.
func TestTextErrors(t *testing.T) {
	long := strings.Repeat("a", maxTextKey)
	good := []string{"a", "a.b", "save.best_still", "x9._y", long}
	for _, k := range good {
		if !textKey(k) {
			t.Errorf("textKey(%q) = false; want a key", k)
		}
	}
	tests := []struct {
		src, want string
	}{
		{`text("", "x")`, "is not 1 to 64 of a-z"},
		{`text("Save", "x")`, "is not 1 to 64 of a-z"},
		{`text("a-b", "x")`, "is not 1 to 64 of a-z"},
		{`text("a b", "x")`, "is not 1 to 64 of a-z"},
		{`text("a..b", "x")`, "is not 1 to 64 of a-z"},
		{`text(".a", "x")`, "is not 1 to 64 of a-z"},
		{`text("a.", "x")`, "is not 1 to 64 of a-z"},
		{`text("ä", "x")`, "is not 1 to 64 of a-z"},
		{`text("` + long + `a", "x")`, "is not 1 to 64 of a-z"},
		{`text(undefined, "x")`, "is not 1 to 64 of a-z"},
		{`text("a")`, "takes a key and the text in English"},
		{`text("a", null)`, "takes a key and the text in English"},
		{`text("a", "x".repeat(2049))`, "at most 2048 bytes"},
		{`text("a", "x", "v")`, "the values are an object"},
		{`text("a", "x", ["v"])`, "the values are an object"},
		{`text("a", "x", {v: {}})`, "the value of v is not a string or a number"},
		{`text("a", "x", {v: true})`, "the value of v is not a string or a number"},
		{`text("a", "x", {v: undefined})`, "the value of v is not a string or a number"},
		{`text("a", "x", {"a-b": "v"})`, `the name "a-b" is not`},
		{`text("a", "x", {v: "x".repeat(1025)})`, "longer than 1024 bytes"},
		{`var o = {}; for (var i = 0; i < 21; i++) o["v" + i] = "x"; text("a", "x", o)`, "at most 20 values"},
	}
	for _, tt := range tests {
		vm := textRuntime(t, "blocks", nil)
		v, err := vm.RunString(`try { ` + tt.src + `; "no error" } catch (e) { (e instanceof Error ? "Error: " : "") + e.message }`)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if got := v.String(); !strings.HasPrefix(got, "Error: ") || !strings.Contains(got, tt.want) {
			t.Errorf("%s threw %q; want an Error saying %q", tt.src, got, tt.want)
		}
	}
}

// bbsTextCall is a call of bbs.text in a bundled script: its key and its
// English text, as the source has them.
var bbsTextCall = regexp.MustCompile(`bbs\.text\(\s*"([^"]*)"\s*,\s*"((?:[^"\\]|\\.)*)"`)

var placeholder = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)

// Every text a bundled script gives a caller through bbs.text has a
// German message, which uses only the placeholders the English has.
func TestBundledTextsInGerman(t *testing.T) {
	de := german(t)
	names, err := fs.Glob(Builtin(), "*.js")
	if err != nil || len(names) == 0 {
		t.Fatalf("no bundled scripts: %v", err)
	}
	for _, file := range names {
		src, err := fs.ReadFile(Builtin(), file)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(file, ".js")
		calls := bbsTextCall.FindAllStringSubmatch(string(src), -1)
		// Each call names its key and text as literals, so that this
		// test sees them all.
		if n := strings.Count(string(src), "bbs.text("); n != len(calls) || n == 0 {
			t.Errorf("%s: %d calls of bbs.text, %d with a literal key and text", file, n, len(calls))
		}
		texts := map[string]string{}
		for _, c := range calls {
			key, en := c[1], c[2]
			if !textKey(key) {
				t.Errorf("%s: %q is not a key bbs.text takes", file, key)
				continue
			}
			if old, ok := texts[key]; ok && old != en {
				t.Errorf("%s: the key %s has two texts: %q and %q", file, key, old, en)
			}
			texts[key] = en
			id := "scripts." + name + "." + key
			if !de.Own(id) {
				t.Errorf("%s: %s (%q) has no German message", file, id, en)
				continue
			}
			var want []string
			for _, m := range placeholder.FindAllStringSubmatch(en, -1) {
				want = append(want, m[1])
			}
			// With no values, the placeholders are left as written.
			for _, m := range placeholder.FindAllStringSubmatch(de.T(id), -1) {
				if !slices.Contains(want, m[1]) {
					t.Errorf("%s: German %s has {%s}, which the English %q has not", file, id, m[1], en)
				}
			}
		}
	}
}
