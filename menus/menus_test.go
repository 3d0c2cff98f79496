package menus

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

const good = `title = "Games"
art = "games"
prompt = "|08Pick one, @USER@"

[[entry]]
key = "B"
label = "Falling blocks"
script = "blocks"

[[entry]]
key = "s"
label = "Sysop's corner"
menu = "sysop"
sysop = true

[[entry]]
key = "1"
label = "Logo"
art = "gallery/logo"

[[entry]]
key = "g"
label = "Goodbye"
logoff = true
`

func TestParse(t *testing.T) {
	m, err := Parse("games.toml", "games", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if m.Title != "Games" || m.Art != "games" || m.ArtRows != 6 || len(m.Entries) != 4 {
		t.Fatalf("menu = %+v", m)
	}
	want := []Entry{
		{Key: 'b', Label: "Falling blocks", Kind: Script, Target: "blocks"},
		{Key: 's', Label: "Sysop's corner", Kind: Submenu, Target: "sysop", Sysop: true},
		{Key: '1', Label: "Logo", Kind: Art, Target: "gallery/logo"},
		{Key: 'g', Label: "Goodbye", Kind: Logoff},
	}
	for i, e := range m.Entries {
		if e != want[i] {
			t.Errorf("entry %d = %+v, want %+v", i, e, want[i])
		}
	}
}

func TestParseErrors(t *testing.T) {
	entry := func(body string) string { return "title = \"T\"\n\n[[entry]]\n" + body }
	ok := "key = \"a\"\nlabel = \"A\"\nscreen = \"who\"\n"
	for _, tc := range []struct {
		name, src, want string
	}{
		{"syntax", "title = \"T\n", "menu.toml:1: title: "},
		{"unknown top key", "title = \"T\"\ncolour = 1\n" + "[[entry]]\n" + ok, "menu.toml:2: colour: unknown key"},
		{"unknown entry key", entry(ok) + "[[entry]]\nkey = \"b\"\nlabel = \"B\"\nscren = \"who\"\n", "menu.toml:10: entry.scren: unknown key"},
		{"no title", "[[entry]]\n" + ok, "menu.toml: title: must be 1 to 60 characters"},
		{"control in title", "title = \"a\\u001b[2Jb\"\n[[entry]]\n" + ok, "menu.toml:1: title: must be 1 to 60"},
		{"no entries", "title = \"T\"\n", "menu.toml:1: title: the menu has no [[entry]]"},
		{"no key", entry("label = \"A\"\nscreen = \"who\"\n"), "menu.toml:3: entry.key: an entry needs a key"},
		{"long key", entry("key = \"ab\"\nlabel = \"A\"\nscreen = \"who\"\n"), "menu.toml:4: entry.key: \"ab\" must be one letter or digit"},
		{"q is back", entry("key = \"Q\"\nlabel = \"A\"\nscreen = \"who\"\n"), "menu.toml:4: entry.key: \"Q\" is the menu's own key"},
		{"no action", entry("key = \"a\"\nlabel = \"A\"\n"), "menu.toml:5: entry.label: an entry needs one action"},
		{"two actions", entry("key = \"a\"\nlabel = \"A\"\nscreen = \"who\"\nmenu = \"x\"\n"), "menu.toml:7: entry.menu: an entry has one action, not screen and menu"},
		{"bad target", entry("key = \"a\"\nlabel = \"A\"\nscript = \"../etc/passwd\"\n"), "menu.toml:6: entry.script: \"../etc/passwd\" must be"},
		{"bad art", entry("key = \"a\"\nlabel = \"A\"\nart = \"a/b/c\"\n"), "menu.toml:6: entry.art: \"a/b/c\" is not an art name"},
		{"same key twice", entry(ok) + "\n[[entry]]\nkey = \"A\"\nlabel = \"B\"\nscreen = \"chat\"\n", "menu.toml:9: entry.key: \"A\" is already the key of \"A\""},
		{"art rows", "title = \"T\"\nart_rows = 99\n[[entry]]\n" + ok, "menu.toml:2: art_rows: must be between 0 and 40"},
		{"wrong type", "title = 5\n", "menu.toml:1: title: wrong type: "},
		{"not utf-8", "title = \"\xff\"\n", "menu.toml: the file is not UTF-8 text"},
		{"too big", "title = \"T\"\n#" + strings.Repeat("x", MaxFileSize), "menu.toml: the file is larger than 16 KiB"},
		{"long dotted key", "title = \"T\"\n" + strings.Repeat("a.", 600) + "b = 1\n", "menu.toml:2: the line is longer than 1024 bytes"},
		{"nested tables", "title = \"T\"\nx = " + strings.Repeat("{a = ", 9) + "1" + strings.Repeat("}", 9) + "\n", "menu.toml:2: more than 8 brackets"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("menu.toml", "menu", []byte(tc.src))
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("err = %v, want an *Error", err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("err = %q\nwant prefix %q", err, tc.want)
			}
		})
	}
}

func TestParseTooManyEntries(t *testing.T) {
	var b strings.Builder
	b.WriteString("title = \"T\"\n")
	keys := "abcdefghijklmnoprstuvwxyz0123456789ABCDEFGHIJ"
	for _, k := range keys[:MaxEntries+1] {
		b.WriteString("[[entry]]\nkey = \"" + string(k) + "\"\nlabel = \"x\"\nscreen = \"who\"\n")
	}
	_, err := Parse("m.toml", "m", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "at most 40 entries") {
		t.Fatalf("err = %v", err)
	}
}

var builtin = fstest.MapFS{
	"main.toml":   {Data: []byte("title = \"Main\"\n[[entry]]\nkey = \"w\"\nlabel = \"Who\"\nscreen = \"who\"\n")},
	"extras.toml": {Data: []byte("title = \"Extras\"\n[[entry]]\nkey = \"b\"\nlabel = \"Blocks\"\nscript = \"blocks\"\n")},
}

// clock is a Set's time, moved by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newSet(t *testing.T, dir string) (*Set, *clock) {
	t.Helper()
	s, err := NewSet(dir, builtin, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Now()}
	s.now = c.now
	s.checked = c.t
	return s, c
}

func write(t *testing.T, dir, name, src string, mod time.Time) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, mod, mod); err != nil {
		t.Fatal(err)
	}
}

func TestSetReload(t *testing.T) {
	dir := t.TempDir()
	s, c := newSet(t, dir)
	if m := s.Get("main"); m == nil || m.Title != "Main" {
		t.Fatalf("built-in main = %+v", m)
	}
	mod := time.Now().Add(-time.Hour)
	write(t, dir, "main.toml", "title = \"Mine\"\n[[entry]]\nkey = \"x\"\nlabel = \"X\"\nscreen = \"who\"\n", mod)
	// Within CheckEvery the folder is not looked at.
	if m := s.Get("main"); m.Title != "Main" {
		t.Fatalf("changed before the next look: %q", m.Title)
	}
	c.t = c.t.Add(CheckEvery)
	if m := s.Get("main"); m.Title != "Mine" {
		t.Fatalf("after a look: %q", m.Title)
	}
	// A broken edit is refused and the last good version stays.
	write(t, dir, "main.toml", "title = \"Broken\"\n[[entry]]\nkey = \"xy\"\n", mod.Add(time.Minute))
	c.t = c.t.Add(CheckEvery)
	if m := s.Get("main"); m.Title != "Mine" {
		t.Fatalf("after a broken edit: %q", m.Title)
	}
	if p := s.Problems(); len(p) != 1 || !strings.Contains(p[0].Error(), "main.toml:3: entry.key") {
		t.Fatalf("problems = %v", p)
	}
	// A new menu, and a fix.
	write(t, dir, "games.toml", good, mod)
	write(t, dir, "main.toml", "title = \"Fixed\"\n[[entry]]\nkey = \"x\"\nlabel = \"X\"\nmenu = \"games\"\n", mod.Add(2*time.Minute))
	s.Reload()
	if m := s.Get("main"); m.Title != "Fixed" || s.Get("games") == nil || len(s.Problems()) != 0 {
		t.Fatalf("after the fix: %+v, problems %v", m, s.Problems())
	}
	if got := strings.Join(s.Names(), ","); got != "extras,games,main" {
		t.Fatalf("names = %s", got)
	}
	// A rewrite that keeps the size and the time escapes the look once
	// a second; Reload reads every file.
	gen := s.Generation()
	write(t, dir, "main.toml", "title = \"Fixes\"\n[[entry]]\nkey = \"x\"\nlabel = \"X\"\nmenu = \"games\"\n", mod.Add(2*time.Minute))
	c.t = c.t.Add(CheckEvery)
	if m := s.Get("main"); m.Title != "Fixed" || s.Generation() != gen {
		t.Fatalf("a same-stamp rewrite was seen: %q", m.Title)
	}
	s.Reload()
	if m := s.Get("main"); m.Title != "Fixes" || s.Generation() == gen {
		t.Fatalf("after Reload: %q, generation %d", m.Title, s.Generation())
	}
	// Removed: the built-in is back, and a sysop-only menu is gone.
	os.Remove(filepath.Join(dir, "main.toml"))
	os.Remove(filepath.Join(dir, "games.toml"))
	s.Reload()
	if m := s.Get("main"); m.Title != "Main" || s.Get("games") != nil {
		t.Fatalf("after removal: %+v", m)
	}
}

func TestSetBrokenAtStart(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.toml", "title = [\n", time.Now())
	write(t, dir, "new.toml", "title = \"\"\n", time.Now())
	write(t, dir, "notes.txt", "not a menu", time.Now())
	s, _ := newSet(t, dir)
	if m := s.Get("main"); m.Title != "Main" {
		t.Fatalf("main = %q, want the built-in", m.Title)
	}
	if s.Get("new") != nil {
		t.Fatal("a broken new menu is served")
	}
	if p := s.Problems(); len(p) != 2 {
		t.Fatalf("problems = %v", p)
	}
}

func TestSetNoFolder(t *testing.T) {
	s, _ := newSet(t, filepath.Join(t.TempDir(), "missing"))
	if s.Get("extras") == nil || len(s.Problems()) != 0 {
		t.Fatal("a missing folder must leave the built-in menus")
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.toml", "title = \"M\"\n[[entry]]\nkey = \"x\"\nlabel = \"X\"\nmenu = \"nowhere\"\n", time.Now())
	write(t, dir, "bad.toml", "title = 1\n", time.Now())
	errs := Check(dir, builtin, nil)
	if len(errs) != 3 || !strings.Contains(errs[1].Error(), "no log off entry") {
		t.Fatalf("Check = %v", errs)
	}
	errs = slices.Delete(errs, 1, 2)
	var got []string
	for _, err := range errs {
		got = append(got, err.Error())
	}
	all := strings.Join(got, "\n")
	if len(errs) != 2 || !strings.Contains(all, "bad.toml:1: title") || !strings.Contains(all, `opens menu "nowhere"`) {
		t.Fatalf("Check = %s", all)
	}
}

// FuzzParse: any file gives a menu that keeps the rules, or an *Error.
func FuzzParse(f *testing.F) {
	f.Add(good)
	f.Add("title = \"T\"\n[[entry]]\nkey = \"a\"\nlabel = \"A\"\nlogoff = true\n")
	f.Add("title = 5\n[[entry]]\nkey = 'é'\n")
	f.Fuzz(func(t *testing.T, src string) {
		m, err := Parse("f.toml", "f", []byte(src))
		if err != nil {
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("%T is not an *Error: %v", err, err)
			}
			return
		}
		if len(m.Entries) == 0 || len(m.Entries) > MaxEntries {
			t.Fatalf("%d entries", len(m.Entries))
		}
		for _, e := range m.Entries {
			if e.Kind < Screen || e.Kind > Logoff || e.Label == "" || e.Key == 'q' {
				t.Fatalf("entry %+v", e)
			}
		}
	})
}

func TestCheckTargets(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "main.toml", "title = \"M\"\n[[entry]]\nkey = \"w\"\nlabel = \"W\"\nscreen = \"whoo\"\n"+
		"[[entry]]\nkey = \"b\"\nlabel = \"B\"\nscript = \"blocks\"\n[[entry]]\nkey = \"g\"\nlabel = \"G\"\nlogoff = true\n", time.Now())
	errs := Check(dir, builtin, func(k Kind, target string) bool { return target == "blocks" })
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), `entry "w" opens screen "whoo", which this board does not have`) {
		t.Fatalf("Check = %v", errs)
	}
}
