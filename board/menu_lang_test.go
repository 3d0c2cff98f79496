package board_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/menus"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// addUserIn creates an account that chose the language tag.
func (f *fixture) addUserIn(handle, password, tag string) {
	f.t.Helper()
	h, err := f.hasher.Hash(f.t.Context(), password)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.store.Users.CreateUser(f.t.Context(), &store.User{Handle: handle, Password: h, Language: tag,
		Encoding: store.EncodingAuto, Level: store.DefaultLevel}); err != nil {
		f.t.Fatal(err)
	}
}

// A German caller sees the built-in menus in German, an English one as
// the files say; the greeting speaks the caller's language too.
func TestMenuInCallersLanguage(t *testing.T) {
	f := newFixture(t, settings{})
	f.addUserIn("hans", "password1", "de")
	f.addUser("nat", "password1")

	de := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(de, "hans", "password1")
	scr := de.WaitFor("[G] Tschüss (abmelden)")
	for _, want := range []string{"Willkommen, hans.", "Das ist dein erster Anruf.", "Neu für dich: 0 Nachrichten und 0 Briefe.",
		"[W] Wer ist online", "[O] Einzeiler", "[P] Dein Profil", "hans@x84 · Pfeiltasten und Enter"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the German main menu lacks %q:\n%s", want, scr)
		}
	}
	de.Type("x")
	scr = de.WaitFor("[R] Kunstgalerie") // the scripts are left off here
	if !strings.Contains(scr, "q geht zurück") {
		t.Errorf("the German extras menu's prompt is not German:\n%s", scr)
	}

	en := f.call(80, 24, term.UTF8, "192.0.2.1:1001")
	login(en, "nat", "password1")
	scr = en.WaitFor("[G] Goodbye (log off)")
	for _, want := range []string{"Welcome, nat.", "This is your first call.", "New for you: 0 messages and 0 letters.",
		"[W] Who's online", "[O] One-liners", "[P] Your profile", "nat@x84 · arrows and Enter"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the English main menu lacks %q:\n%s", want, scr)
		}
	}
}

// A sysop's menu file that changes a built-in text shows its own words
// to a German caller, not the board's translation of the old ones; the
// texts it keeps are still translated.
func TestMenuChangedTextNotTranslated(t *testing.T) {
	dir := t.TempDir()
	writeMenuFile(t, dir, "main", `title = "Main menu"
greeting = true
prompt = "Pick one"
[[entry]]
key = "w"
label = "Who is here"
screen = "who"
[[entry]]
key = "o"
label = "One-liners"
screen = "oneliners"
[[entry]]
key = "g"
label = "Goodbye (log off)"
logoff = true
`)
	f := newFixture(t, settings{MenuDir: dir})
	f.addUserIn("hans", "password1", "de")
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	login(tt, "hans", "password1")
	scr := tt.WaitFor("[G] Tschüss (abmelden)")
	for _, want := range []string{"[W] Who is here", "[O] Einzeiler", "Pick one"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the sysop's main menu lacks %q:\n%s", want, scr)
		}
	}
}

// Every text of every built-in menu file has its German translation.
func TestMenuGermanComplete(t *testing.T) {
	cat, err := lang.Load(lang.Builtin(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	de := cat.Printer("de")
	if de.Tag() != "de" {
		t.Fatalf("no German catalog: %s", de.Tag())
	}
	// The German file's ids, to find those no built-in menu has.
	var file map[string]any
	if _, err := toml.DecodeFS(lang.Builtin(), "de/menus.toml", &file); err != nil {
		t.Fatal(err)
	}
	stale := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		if m, ok := v.(map[string]any); ok {
			for k, x := range m {
				walk(prefix+"."+k, x)
			}
			return
		}
		stale[prefix[1:]] = true
	}
	walk("", file)
	names, err := fs.Glob(board.BuiltinMenus(), "*.toml")
	if err != nil || len(names) == 0 {
		t.Fatalf("built-in menus: %v %v", names, err)
	}
	for _, n := range names {
		data, err := fs.ReadFile(board.BuiltinMenus(), n)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(n, ".toml")
		m, err := menus.Parse(n, name, data)
		if err != nil {
			t.Fatal(err)
		}
		ids := []string{"menus." + name + ".title"}
		if m.Prompt != "" {
			ids = append(ids, "menus."+name+".prompt")
		}
		for _, e := range m.Entries {
			ids = append(ids, "menus."+name+".entry."+string(e.Key))
		}
		for _, id := range ids {
			if !de.Own(id) {
				t.Errorf("%s: German lacks %s", n, id)
			}
			delete(stale, id)
		}
	}
	for id := range stale {
		t.Errorf("de/menus.toml: %s is the text of no built-in menu", id)
	}
}
