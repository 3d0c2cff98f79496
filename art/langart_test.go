package art

import (
	"errors"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// loadBodies loads name for tag n times and counts the bodies shown.
func loadBodies(t *testing.T, l *Library, name, tag string, n int) map[string]int {
	t.Helper()
	seen := map[string]int{}
	for range n {
		a, err := l.LoadFor(name, tag)
		if err != nil || a == nil {
			t.Fatalf("LoadFor(%q, %q) = %v, %v", name, tag, a, err)
		}
		seen[string(a.Body)]++
	}
	return seen
}

// TestLoadForLanguage: a sysop's NAME.TAG.ans and its variants are shown
// to callers of that language (or a region of it), at random, and never
// to anyone else.
func TestLoadForLanguage(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"main.ans":         "plain",
		"main2.ans":        "second",
		"main.de.ans":      "deutsch",
		"main-xmas.de.ans": "festlich",
		"main.pt-br.ans":   "brasil", // any case
		"mainmenu.de.ans":  "another screen",
		"main.v2.ans":      "a variant: v2 is no language",
	})
	l := NewLibrary(dir)
	l.SetLanguages("pt-BR") // the board speaks it (lang.Catalog.Languages)
	english := map[string]bool{"plain": true, "second": true, "a variant: v2 is no language": true}
	for _, tag := range []string{"", "en", "en-GB", "fr", "pt", "x", "not a tag"} {
		seen := loadBodies(t, l, "main", tag, 200)
		for body := range seen {
			if !english[body] {
				t.Errorf("LoadFor(main, %q) showed %q; want only the untagged art", tag, body)
			}
		}
		if len(seen) != 3 {
			t.Errorf("LoadFor(main, %q) 200 times showed %v; want the 3 untagged pieces", tag, seen)
		}
	}
	if seen := loadBodies(t, l, "main", "", 200); seen["deutsch"]+seen["festlich"]+seen["brasil"] > 0 {
		t.Errorf("Load(main) showed art for a language: %v", seen)
	}
	for _, tag := range []string{"de", "de-AT", "de-CH"} {
		seen := loadBodies(t, l, "main", tag, 200)
		if len(seen) != 2 || seen["deutsch"] == 0 || seen["festlich"] == 0 {
			t.Errorf("LoadFor(main, %q) 200 times showed %v; want deutsch and festlich", tag, seen)
		}
	}
	if seen := loadBodies(t, l, "main", "pt-BR", 20); len(seen) != 1 || seen["brasil"] != 20 {
		t.Errorf("LoadFor(main, pt-BR) showed %v; want brasil", seen)
	}
	if a, err := l.LoadFor("mainmenu", "de"); err != nil || string(a.Body) != "another screen" {
		t.Errorf("LoadFor(mainmenu, de) = %v, %v", a, err)
	}
	// mainmenu has German art only: other callers get nothing.
	if a, err := l.LoadFor("mainmenu", "en"); !errors.Is(err, ErrNotFound) || a != nil {
		t.Errorf("LoadFor(mainmenu, en) = %v, %v; want error %v", a, err, ErrNotFound)
	}
	got := l.Names()
	for _, name := range []string{"main", "main2", "main.v2"} {
		if !slices.Contains(got, name) {
			t.Errorf("Names() = %q; want it to have %q", got, name)
		}
	}
	for _, name := range got {
		if _, tag := l.splitTag(name); tag != "" {
			t.Errorf("Names() has %q, art for a language", name)
		}
	}
	if a, err := l.LoadFor("main", "de"); err != nil || a.Name != "main" {
		t.Errorf("LoadFor(main, de) = %v, %v; want art named main", a, err)
	}
}

// TestLoadForPrecedence: the sysop's art of a name, in any language,
// goes before the built-in art; the built-in art for a language is used
// only when the sysop has no art of that name (or none that can be
// used).
func TestLoadForPrecedence(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"main.ans":               "my own main menu",
		"who.de.ans":             "mein Wer-ist-online",
		"login.ans":              "my login",
		"login.de.ans":           "damaged\x1a" + recComments,
		"profile.ans":            "damaged\x1a" + recComments,
		"gallery/x84.de.ans":     "mein Logo",
		"gallery/sunset.ans":     "my sunset",
		"gallery/mine.ans":       "mine",
		"gallery/mine.pt-BR.ans": "minha",
	})
	l := NewLibrary(dir)
	l.SetLanguages("pt-BR")
	for _, tt := range []struct {
		name, tag string
		body      string // "builtin:NAME" for NAME's built-in art
		override  bool   // an *OverrideError is expected
	}{
		// The sysop's main menu for everyone, never the built-in German.
		{"main", "de", "my own main menu", false},
		{"main", "en", "my own main menu", false},
		// The sysop's German art for German callers only.
		{"who", "de", "mein Wer-ist-online", false},
		{"who", "en", "builtin:who", false},
		// No art of the sysop's: the built-in art of the language.
		{"lastcallers", "de", "builtin:lastcallers.de", false},
		{"lastcallers", "en", "builtin:lastcallers", false},
		{"lastcallers", "", "builtin:lastcallers", false},
		// A damaged German file: the sysop's untagged art instead.
		{"login", "de", "my login", true},
		{"login", "en", "my login", false},
		// Damaged art of the sysop's: the built-in art of the language.
		{"profile", "de", "builtin:profile.de", true},
		{"profile", "en", "builtin:profile", true},
		// The gallery, with no variants, in the same order.
		{"gallery/x84", "de", "mein Logo", false},
		{"gallery/x84", "en", "builtin:gallery/x84", false},
		{"gallery/sunset", "de", "my sunset", false},
		{"gallery/sunset", "en", "my sunset", false},
		{"gallery/mine", "pt-BR", "minha", false},
		{"gallery/mine", "pt", "mine", false},
	} {
		want := tt.body
		if name, ok := strings.CutPrefix(want, "builtin:"); ok {
			want = builtinBody(t, name)
		}
		a, err := l.LoadFor(tt.name, tt.tag)
		var oe *OverrideError
		if tt.override != errors.As(err, &oe) || !tt.override && err != nil {
			t.Errorf("LoadFor(%q, %q) error %v; want an OverrideError: %v", tt.name, tt.tag, err, tt.override)
		}
		if a == nil || string(a.Body) != want {
			t.Errorf("LoadFor(%q, %q) = %+v; want body %.40q", tt.name, tt.tag, a, want)
		}
	}
	want := []string{"gallery/mine", "gallery/sunset", "gallery/x84"}
	if got := l.Gallery(); !slices.Equal(got, want) {
		t.Errorf("Gallery() = %q; want %q", got, want)
	}
}

func TestSplitTag(t *testing.T) {
	l := NewLibrary("")
	l.SetLanguages("pt-BR", "zh-Hant", "not a tag")
	for _, tt := range []struct{ base, stem, tag string }{
		{"main", "main", ""},
		{"main.de", "main", "de"},
		{"main-xmas.DE", "main-xmas", "de"},
		{"main2.pt-br", "main2", "pt-BR"},
		{"main.zh-Hant", "main", "zh-Hant"},
		{"main.v2", "main.v2", ""},
		{"main.", "main.", ""},
		{"main.bak", "main.bak", ""}, // "bak" is Bashkir, but written "ba"
		{"de", "de", ""},
		{"x.und", "x.und", ""},
		// Tags of languages the board does not speak are variants' names.
		{"main.alt", "main.alt", ""},
		{"main.old", "main.old", ""},
		{"main.fr", "main.fr", ""},
		{"main.de-AT", "main", "de-AT"}, // a region of a language it speaks
	} {
		if stem, tag := l.splitTag(tt.base); stem != tt.stem || tag != tt.tag {
			t.Errorf("splitTag(%q) = %q, %q; want %q, %q", tt.base, stem, tag, tt.stem, tt.tag)
		}
	}
	for _, tt := range []struct {
		tag  string
		want []string
	}{
		{"", nil},
		{"junk!", nil},
		{"de", []string{"de"}},
		{"pt-BR", []string{"pt-BR", "pt"}},
		{"de-AT", []string{"de-AT", "de"}},
	} {
		if got := tagChain(tt.tag); !slices.Equal(got, tt.want) {
			t.Errorf("tagChain(%q) = %q; want %q", tt.tag, got, tt.want)
		}
	}
}

// germanTaglines are the words the built-in German art says in place of
// the English.
var germanTaglines = map[string][2]string{
	"login":          {"a bulletin board system for your terminal", "ein Bulletin-Board-System für dein Terminal"},
	"newuser":        {"tell us a little about yourself", "erzähl uns ein wenig von dir"},
	"main":           {"where every call begins", "wo jeder Anruf beginnt"},
	"oneliners":      {"a line for the next caller", "eine Zeile für den nächsten Anrufer"},
	"lastcallers":    {"who dialed in before you", "wer vor dir angerufen hat"},
	"who":            {"callers on the board right now", "wer gerade online ist"},
	"profile":        {"you, as the board knows you", "du, wie das Board dich kennt"},
	"goodbye":        {"∙ thanks for calling x84 ∙", "∙ danke für deinen Anruf bei x84 ∙"},
	"gallery/x84":    {"a bulletin board system in Go", "ein Bulletin-Board-System in Go"},
	"gallery/sunset": {"iCE colours: sixteen backgrounds, no blink", "iCE-Farben: sechzehn Hintergründe, kein Blinken"},
}

// TestBuiltinGerman: every built-in piece has a German twin, the same
// picture with the German words on the row of the English, and the same
// SAUCE record.
func TestBuiltinGerman(t *testing.T) {
	l := NewLibrary("")
	names := append(l.Names(), l.Gallery()...)
	if len(names) != len(germanTaglines) {
		t.Errorf("built-in art %q; want German words for each (%d)", names, len(germanTaglines))
	}
	plain := regexp.MustCompile("\x1b\\[[0-9;]*m")
	for _, name := range names {
		t.Run(strings.ReplaceAll(name, "/", "-"), func(t *testing.T) {
			words, ok := germanTaglines[name]
			if !ok {
				t.Fatalf("no German words for %q", name)
			}
			en, err := l.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			de, err := l.LoadFor(name, "de")
			if err != nil {
				t.Fatal(err)
			}
			if other, err := l.LoadFor(name, "de-CH"); err != nil || string(other.Body) != string(de.Body) {
				t.Errorf("LoadFor(%q, de-CH) is not the German art", name)
			}
			for _, tag := range []string{"en", "fr", "pt-BR"} {
				if other, err := l.LoadFor(name, tag); err != nil || string(other.Body) != string(en.Body) {
					t.Errorf("LoadFor(%q, %q) is not the English art", name, tag)
				}
			}
			es, ds := *en.SAUCE, *de.SAUCE
			if !reflect.DeepEqual(es, ds) {
				t.Errorf("SAUCE of %s in German %+v; want the English %+v", name, ds, es)
			}
			if de.Height() != ds.Height {
				t.Errorf("German %s is %d rows; its SAUCE record says %d", name, de.Height(), ds.Height)
			}
			out := de.Render(80, 0)
			checkRendering(t, out, 80, 0)
			checkRoundTrip(t, de, out)
			enRows := strings.Split(plain.ReplaceAllString(en.Render(80, 0), ""), "\r\n")
			deRows := strings.Split(plain.ReplaceAllString(out, ""), "\r\n")
			if len(enRows) != len(deRows) {
				t.Fatalf("German %s has %d rows; want %d", name, len(deRows), len(enRows))
			}
			differ := 0
			for i := range enRows {
				if enRows[i] == deRows[i] {
					continue
				}
				differ++
				if !strings.Contains(enRows[i], words[0]) || !strings.Contains(deRows[i], words[1]) {
					t.Errorf("%s row %d:\n%s\nin German:\n%s\nwant %q in place of %q and the rest alike", name, i, enRows[i], deRows[i], words[1], words[0])
				}
			}
			if differ != 1 {
				t.Errorf("German %s differs from the English in %d rows; want 1, the words", name, differ)
			}
		})
	}
}

// TestLoadForNames: LoadFor checks names as Load does.
func TestLoadForNames(t *testing.T) {
	l := NewLibrary(filepath.Join(t.TempDir(), "art"))
	for _, name := range []string{"", "../login", "gallery/../login", ".de"} {
		if a, err := l.LoadFor(name, "de"); !errors.Is(err, ErrBadName) || a != nil {
			t.Errorf("LoadFor(%q, de) = %v, %v; want error %v", name, a, err, ErrBadName)
		}
	}
	if a, err := l.LoadFor("nothing-here", "de"); !errors.Is(err, ErrNotFound) || a != nil {
		t.Errorf("LoadFor(nothing-here, de) = %v, %v; want error %v", a, err, ErrNotFound)
	}
}
