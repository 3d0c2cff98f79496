package lang

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// testFS is a small reference catalog and a translation.
func testFS(extra map[string]string) fstest.MapFS {
	m := fstest.MapFS{
		"en.toml": {Data: []byte(`
[language]
name = "English"

[login]
connected = "Connected to {board}, node {node}."
braces = "Type {{new}} to apply."

[who.count]
one = "{n} caller online"
other = "{n} callers online"
`)},
		"de.toml": {Data: []byte(`
[language]
name = "Deutsch"

[login]
connected = "Mit {board} verbunden, Knoten {node}."

[who.count]
one = "{n} Anrufer online"
other = "{n} Anrufer online"
`)},
	}
	for k, v := range extra {
		m[k] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
}

func load(t *testing.T, builtin fstest.MapFS, dir, def string) *Catalog {
	t.Helper()
	c, err := Load(builtin, dir, def)
	if err != nil {
		t.Fatalf("Load() = %v", err)
	}
	return c
}

func TestPrinter(t *testing.T) {
	c := load(t, testFS(nil), "", "")
	en, de := c.Printer("en"), c.Printer("de_DE.UTF-8")
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"placeholders", en.T("login.connected", "board", "x84", "node", "3"), "Connected to x84, node 3."},
		{"translated", de.T("login.connected", "board", "x84", "node", "3"), "Mit x84 verbunden, Knoten 3."},
		{"literal braces", en.T("login.braces"), "Type {new} to apply."},
		{"missing translation is English", de.T("login.braces"), "Type {new} to apply."},
		{"plural one", en.N("who.count", 1), "1 caller online"},
		{"plural other", en.N("who.count", 7), "7 callers online"},
		{"plural translated", de.N("who.count", 2), "2 Anrufer online"},
		{"unknown id shows the id", en.T("no.such"), "no.such"},
		{"unfilled placeholder shows", en.T("login.connected", "board", "x84"), "Connected to x84, node {node}."},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q; want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestMatch(t *testing.T) {
	c := load(t, testFS(nil), "", "")
	tests := []struct {
		prefs []string
		want  string
	}{
		{nil, "en"},
		{[]string{""}, "en"},
		{[]string{"C"}, "en"},
		{[]string{"POSIX"}, "en"},
		{[]string{"de"}, "de"},
		{[]string{"de_DE.UTF-8"}, "de"},
		{[]string{"de_AT@euro"}, "de"},
		{[]string{"fr_FR.UTF-8"}, "en"},
		{[]string{"fr", "de"}, "de"},
		{[]string{"", "de-CH"}, "de"},
		{[]string{"not a tag!"}, "en"},
		{[]string{strings.Repeat("x", 100)}, "en"},
	}
	for _, tt := range tests {
		if got := c.Match(tt.prefs...); got != tt.want {
			t.Errorf("Match(%q) = %q; want %q", tt.prefs, got, tt.want)
		}
	}
	// The board's default answers when nothing matches.
	if got := load(t, testFS(nil), "", "de").Match("fr"); got != "de" {
		t.Errorf("Match(fr) with default de = %q; want de", got)
	}
}

func TestLanguagesAndProblems(t *testing.T) {
	c := load(t, testFS(nil), "", "")
	langs := c.Languages()
	if len(langs) != 2 || langs[0] != (Language{"en", "English"}) || langs[1] != (Language{"de", "Deutsch"}) {
		t.Errorf("Languages() = %+v; want English then Deutsch", langs)
	}
	p := c.Problems()
	if len(p) != 1 || !strings.Contains(p[0], "de: 1 messages are not translated") || !strings.Contains(p[0], "login.braces") {
		t.Errorf("Problems() = %q; want de lacking login.braces", p)
	}
}

// TestSysopCatalogs: a sysop's file adds a language or replaces some of
// a built-in one's messages.
func TestSysopCatalogs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("fr.toml", "[language]\nname = \"Français\"\n[login]\nconnected = \"Connecté à {board}, nœud {node}.\"\n")
	write("en.toml", "[login]\nconnected = \"Welcome to {board} (node {node})\"\n")
	write("notes.txt", "not a catalog")
	c := load(t, testFS(nil), dir, "")
	if got := c.Printer("fr_CA").T("login.connected", "board", "b", "node", "1"); got != "Connecté à b, nœud 1." {
		t.Errorf("fr: %q", got)
	}
	if got := c.Printer("en").T("login.connected", "board", "b", "node", "1"); got != "Welcome to b (node 1)" {
		t.Errorf("the sysop's English: %q", got)
	}
	if got := c.Printer("en").N("who.count", 2); got != "2 callers online" {
		t.Errorf("the built-in English kept beside the sysop's: %q", got)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, file, src, want string
		line                  int
	}{
		{"unknown placeholder", "de.toml", "[login]\nconnected = \"{board} {user}\"\n", "{user}: this message's placeholders are {board}, {node}", 2},
		{"unknown message", "de.toml", "[login]\n\nconected = \"x\"\n", "login.conected: there is no such message in en", 3},
		{"unclosed brace", "de.toml", "[login]\nconnected = \"{board\"\n", "never closed", 2},
		{"stray brace", "de.toml", "[login]\nconnected = \"a } b\"\n", "closes nothing", 2},
		{"bad name", "de.toml", "[login]\nconnected = \"{bo ard}\"\n", "is not a placeholder", 2},
		{"plural for a plain message", "de.toml", "[login.connected]\none = \"a\"\nother = \"b\"\n", "has no plural forms", 1},
		{"not a string", "de.toml", "[login]\nconnected = 3\n", "a message is a string", 2},
		{"syntax", "de.toml", "[login\nconnected = \"x\"\n", "", 1},
		{"bad tag", "x!.toml", "", "is not a language tag", 0},
		{"not UTF-8", "de.toml", "[login]\nconnected = \"\xff\"\n", "not UTF-8", 0},
		{"deep", "de.toml", "a = [[[[[[1]]]]]]\n", "", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := testFS(nil)
			fsys[tt.file] = &fstest.MapFile{Data: []byte(tt.src)}
			_, err := Load(fsys, "", "")
			var le *Error
			if !errors.As(err, &le) {
				t.Fatalf("Load() = %v; want a *lang.Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) || le.Line != tt.line {
				t.Errorf("Load() = %q (line %d); want it to say %q at line %d", err, le.Line, tt.want, tt.line)
			}
		})
	}
	if _, err := Load(fstest.MapFS{"de.toml": {Data: []byte("")}}, "", ""); err == nil {
		t.Error("Load() with no English catalog = nil; want an error")
	}
	if _, err := Load(testFS(nil), "", "fr"); err == nil || !strings.Contains(err.Error(), "no catalog") {
		t.Errorf("Load() with default fr = %v; want no catalog", err)
	}
	big := t.TempDir()
	if err := os.WriteFile(filepath.Join(big, "fr.toml"), make([]byte, MaxFileSize+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(testFS(nil), big, ""); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("Load() of a file over the limit = %v; want larger than", err)
	}
}

// TestBuiltin: the shipped catalogs load, and every language the board
// ships is complete.
func TestBuiltin(t *testing.T) {
	c, err := Load(Builtin(), "", "")
	if err != nil {
		t.Fatalf("Load(Builtin()) = %v", err)
	}
	if p := c.Problems(); len(p) > 0 {
		t.Errorf("the built-in catalogs are incomplete:\n%s", strings.Join(p, "\n"))
	}
	if len(c.Languages()) < 2 {
		t.Errorf("Languages() = %v; want English and at least one more", c.Languages())
	}
}

func FuzzParseBraces(f *testing.F) {
	for _, s := range []string{"", "a {b} c", "{{x}}", "{", "}", "{a}{b}", "{é}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := parseBraces(s)
		if err != nil {
			return
		}
		out, _ := b.Execute(map[string]string{})
		// With no values, a message reads as written, braces unescaped.
		if strings.Count(out, "{") < len(b.names()) {
			t.Errorf("parseBraces(%q) then Execute = %q; lost a placeholder", s, out)
		}
	})
}

func BenchmarkT(b *testing.B) {
	c, err := Load(testFS(nil), "", "")
	if err != nil {
		b.Fatal(err)
	}
	p := c.Printer("de")
	b.ReportAllocs()
	for b.Loop() {
		p.T("login.connected", "board", "x84", "node", "3")
	}
}

// TestFolders: a language's built-in messages may be spread over the
// files of a folder, but each is set in one only.
func TestFolders(t *testing.T) {
	fsys := fstest.MapFS{
		"en/a.toml": {Data: []byte("[language]\nname = \"English\"\n[a]\nx = \"ex {v}\"\n")},
		"en/b.toml": {Data: []byte("[b]\ny = \"why\"\n")},
		"de/a.toml": {Data: []byte("[language]\nname = \"Deutsch\"\n[a]\nx = \"iks {v}\"\n")},
		"de/b.toml": {Data: []byte("[b]\ny = \"wieso\"\n[menus.main]\ntitle = \"Hauptmenü\"\n")},
	}
	c := load(t, fsys, "", "")
	de := c.Printer("de")
	if got := de.T("b.y") + " " + de.T("a.x", "v", "1"); got != "wieso iks 1" {
		t.Errorf("German from two files: %q", got)
	}
	if len(c.Problems()) != 0 {
		t.Errorf("Problems() = %q; want none (menus.* need no English)", c.Problems())
	}
	if !de.Own("menus.main.title") || c.Printer("en").Own("menus.main.title") || !de.Own("a.x") {
		t.Error("Own: want German to have menus.main.title and a.x, English not the menu's title")
	}
	fsys["de/c.toml"] = &fstest.MapFile{Data: []byte("[b]\ny = \"noch mal\"\n")}
	if _, err := Load(fsys, "", ""); err == nil || !strings.Contains(err.Error(), "another built-in file") {
		t.Errorf("a message in two built-in files: Load() = %v; want an error naming it", err)
	}
}

// TestSysopAddsMessages: the sysop's English may add messages, for their
// own menus and scripts, which their other catalogs then translate.
func TestSysopAddsMessages(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "en.toml"), []byte("[games]\ntitle = \"Games for {who}\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "de.toml"), []byte("[games]\ntitle = \"Spiele für {who}\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := load(t, testFS(nil), dir, "")
	if got := c.Printer("de").T("games.title", "who", "bob"); got != "Spiele für bob" {
		t.Errorf("a sysop's message in German: %q", got)
	}
	// A link out of the folder is not followed.
	outside := filepath.Join(t.TempDir(), "fr.toml")
	if err := os.WriteFile(outside, []byte("[language]\nname = \"Français\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "fr.toml")); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(testFS(nil), dir, ""); err == nil {
		t.Error("Load() followed a link out of the sysop's folder")
	}
}

func TestOr(t *testing.T) {
	fsys := testFS(map[string]string{})
	fsys["de.toml"] = &fstest.MapFile{Data: []byte("[language]\nname = \"Deutsch\"\n[menus.main]\ntitle = \"Hauptmenü von {who}\"\n")}
	c := load(t, fsys, "", "")
	de, en := c.Printer("de"), c.Printer("en")
	for _, tt := range []struct{ got, want string }{
		{de.Or("menus.main.title", "Main menu of {who}", "who", "x"), "Hauptmenü von x"},
		{en.Or("menus.main.title", "Main menu of {who}", "who", "x"), "Main menu of x"},
		{de.Or("menus.main.prompt", "Pick {one}", "one", "1"), "Pick 1"},
		{en.Or("menus.x", "a { stray", "v", "1"), "a { stray"},
		{en.Or("menus.x", "no pairs {kept}"), "no pairs {kept}"},
	} {
		if tt.got != tt.want {
			t.Errorf("Or() = %q; want %q", tt.got, tt.want)
		}
	}
}

func TestYes(t *testing.T) {
	c, err := Load(Builtin(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	en, de := c.Printer("en"), c.Printer("de")
	for _, tt := range []struct {
		p    *Printer
		in   string
		want bool
	}{
		{en, "y", true}, {en, "Y", true}, {en, " yes ", true}, {en, "j", false}, {en, "n", false}, {en, "", false},
		{de, "j", true}, {de, "Ja", true}, {de, "y", true}, {de, "n", false}, {de, "nein", false},
	} {
		if got := tt.p.Yes(tt.in); got != tt.want {
			t.Errorf("%s Yes(%q) = %v; want %v", tt.p.Tag(), tt.in, got, tt.want)
		}
	}
}
