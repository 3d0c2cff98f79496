package board_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/x84bbs/x84/board"
	"github.com/x84bbs/x84/term"
)

// writeTheme writes DIR/NAME.toml and returns DIR.
func writeTheme(t *testing.T, dir, name, text string) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name+".toml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLoadTheme(t *testing.T) {
	def, err := board.LoadTheme("", "default")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := writeTheme(t, dir, "night", `# a whole theme
name = "night"
description = "Green on black."

[colors]
text = "|02"
label = "|03"
value = "|10"
key = "|14"
title = "|11"
error = "|12"
ok = "|10"
dim = "|07"
bar = "|00|18"
box = "|16|10"    # either order

[box]
top_left = "╔"
top_right = "╗"
bottom_left = "╚"
bottom_right = "╝"
horizontal = "═"
vertical = "║"

[strings]
press_key = "Hit it."
logoff_thanks = "Bye from {board}, {handle}! {Braces} and {} stay as typed."
`)
	th, err := board.LoadTheme(good, "night")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ what, got, want string }{
		{"Name", th.Name, "night"},
		{"Description", th.Description, "Green on black."},
		{"Text", th.Text, "\x1b[0;32m"},
		{"Value", th.Value, "\x1b[0;92m"},
		{"Bar", th.Bar, "\x1b[0;30;42m"},
		{"Box.Style", th.Box.Style, "\x1b[0;92;40m"},
		{"Box", th.Box.TopLeft + th.Box.Horizontal + th.Box.TopRight + th.Box.Vertical + th.Box.BottomLeft + th.Box.BottomRight, "╔═╗║╚╝"},
		{"PressKey", th.Strings.PressKey, "Hit it."},
		// Strings the file leaves out are the default theme's.
		{"YesNo", th.Strings.YesNo, def.Strings.YesNo},
		{"LoginHelp", th.Strings.LoginHelp, def.Strings.LoginHelp},
	} {
		if tt.got != tt.want {
			t.Errorf("night's %s = %q; want %q", tt.what, tt.got, tt.want)
		}
	}

	// A file with a few keys: the rest are the default theme's.
	few := writeTheme(t, t.TempDir(), "few", "[colors]\nkey = \"|13\"\n")
	th, err = board.LoadTheme(few, "few")
	if err != nil {
		t.Fatal(err)
	}
	want := *def
	want.Name, want.Key = "few", "\x1b[0;95m"
	if !reflect.DeepEqual(*th, want) {
		t.Errorf("LoadTheme(few) = %+v; want the default theme with key |13: %+v", *th, want)
	}
	if th, err := board.LoadTheme(t.TempDir(), "empty"); err == nil || th != nil {
		t.Errorf("LoadTheme(no such theme) = %v, %v; want an error", th, err)
	}
}

func TestLoadThemeErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		want string // after "board: theme DIR/bad.toml"
	}{
		{"unknown key", "[colors]\ntext = \"|07\"\n\nkye = \"|14\"\n", `:4: colors.kye: unknown key`},
		{"unknown table", "name = \"bad\"\n[colours]\ntext = \"|07\"\n", `:2: colours: unknown key`},
		{"unknown top-level key", "# c\ntitle = \"x\"\n", `:2: title: unknown key`},
		{"bad colour", "[colors]\ntext = \"|07\"\nkey = \"yellow\"\n", `:3: colors.key: "yellow" is not a colour: want a pipe code such as "|14", or a foreground and a background such as "|15|17"`},
		{"colour out of range", "[colors]\n\nbox = \"|15|24\"\n", `:3: colors.box: "|15|24" is not a colour`},
		{"two foregrounds", "[colors]\nbox = \"|15|14\"\n", `:2: colors.box: "|15|14" is not a colour`},
		{"colour in an inline table", "colors = { text = \"|07\", dim = \"8\" }\n", `:1: colors.dim: "8" is not a colour`},
		{"wide box character", "[box]\nvertical = \"｜\"\n", `:2: box.vertical: must be one character one column wide (got "｜")`},
		{"two box characters", "[box]\nhorizontal = \"--\"\n", `:2: box.horizontal: must be one character one column wide (got "--")`},
		{"control character", "[strings]\npress_key = \"Press\\u001b[2J a key\"\n", `:2: strings.press_key: must not contain control characters (got "Press\x1b[2J a key")`},
		{"unknown word", "[strings]\nlogoff_thanks = \"Bye, {user}.\"\n", `:2: strings.logoff_thanks: {user} is not filled in here; this string takes {board}, {handle}`},
		{"word where none is filled in", "[strings]\npress_key = \"{handle}, press a key.\"\n", `:2: strings.press_key: {handle} is not filled in here; this string takes no words in braces`},
		{"long string", "[strings]\nback = \"" + strings.Repeat("x", 201) + "\"\n", `:2: strings.back: must be at most 200 characters (got 201)`},
		{"number for string", "[strings]\nback = 1\n", `:2: strings.back: must be a string (got an integer)`},
		{"table for string", "[colors.text]\nfg = \"|07\"\n", `:1: colors.text: must be a string (got a table)`},
		{"string for table", "\ncolors = \"|07\"\n", `:2: colors: must be a table (got a string)`},
		{"another theme's name", "name = \"plain\"\n", `:1: name: must be "bad", the name the theme is loaded by (got "plain")`},
		{"syntax error", "[colors]\ntext = \"|07\"\nkey = |14\n", `:3: colors.key: expected value but found '|' instead`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTheme(t, t.TempDir(), "bad", tt.file)
			_, err := board.LoadTheme(dir, "bad")
			var te *board.ThemeError
			if !errors.As(err, &te) {
				t.Fatalf("LoadTheme(%q) = %v; want a *ThemeError", tt.file, err)
			}
			prefix := "board: theme " + filepath.Join(dir, "bad.toml")
			if got := err.Error(); !strings.HasPrefix(got, prefix+tt.want) {
				t.Errorf("LoadTheme(%q) = %q; want %q", tt.file, got, prefix+tt.want)
			}
		})
	}
}

func TestLoadThemeFiles(t *testing.T) {
	dir := t.TempDir()
	// A sysop's file replaces the built-in theme of its name.
	writeTheme(t, dir, "plain", "name = \"plain\"\n[colors]\ntext = \"|02\"\n")
	th, err := board.LoadTheme(dir, "plain")
	if err != nil {
		t.Fatal(err)
	}
	if th.Text != "\x1b[0;32m" || th.Box.Horizontal != "─" {
		t.Errorf("DATA/themes/plain.toml gave text %q, horizontal %q; want its own text and the default theme's box", th.Text, th.Box.Horizontal)
	}
	// The built-in themes need no directory, or a missing one.
	for _, d := range []string{"", filepath.Join(dir, "missing")} {
		th, err := board.LoadTheme(d, "plain")
		if err != nil || th.Box.Horizontal != "-" {
			t.Errorf("LoadTheme(%q, plain) = %+v, %v; want the built-in plain theme", d, th, err)
		}
	}

	// An empty file is the default theme under another name.
	writeTheme(t, dir, "blank", "")
	if th, err := board.LoadTheme(dir, "blank"); err != nil || th.Name != "blank" || th.Box.TopLeft != "┌" {
		t.Errorf("LoadTheme(an empty file) = %+v, %v; want the default theme", th, err)
	}

	// A theme neither built in nor in the directory.
	_, err = board.LoadTheme(dir, "nosuch")
	if !errors.Is(err, board.ErrNoTheme) || !strings.Contains(err.Error(), filepath.Join(dir, "nosuch.toml")) {
		t.Errorf("LoadTheme(nosuch) = %v; want ErrNoTheme naming the file looked for", err)
	}
	// Names that are not plain file names are refused before any lookup.
	for _, name := range []string{"", "../plain", "a.b", "dark mode", strings.Repeat("x", 33)} {
		if _, err := board.LoadTheme(dir, name); err == nil || !strings.Contains(err.Error(), "bad theme name") {
			t.Errorf("LoadTheme(%q) = %v; want a bad name error", name, err)
		}
	}

	// A file larger than 16 KiB is refused, whatever it holds.
	big := "# " + strings.Repeat("x", 16<<10) + "\n"
	writeTheme(t, dir, "big", big)
	_, err = board.LoadTheme(dir, "big")
	if err == nil || !strings.Contains(err.Error(), "larger than 16384 bytes") {
		t.Errorf("LoadTheme(big) = %v; want a size error", err)
	}
	// Dotted keys and nested tables, which cost the parser the square of
	// their length, are refused before it sees them.
	writeTheme(t, dir, "dots", "name = \"dots\"\n"+strings.Repeat("a.", 600)+"b = 1\n")
	if _, err = board.LoadTheme(dir, "dots"); err == nil || !strings.Contains(err.Error(), "dots.toml:2: the line is longer than 1024 bytes") {
		t.Errorf("LoadTheme(dots) = %v", err)
	}

	// A link out of the directory is not followed.
	outside := writeTheme(t, t.TempDir(), "outside", "[colors]\ntext = \"|02\"\n")
	if err := os.Symlink(filepath.Join(outside, "outside.toml"), filepath.Join(dir, "link.toml")); err != nil {
		t.Skip("no symbolic links:", err)
	}
	if th, err := board.LoadTheme(dir, "link"); err == nil {
		t.Errorf("LoadTheme(a link out of the directory) = %+v; want an error", th)
	}
}

// TestBoardTheme: board.New refuses a theme it cannot load, naming it.
func TestBoardTheme(t *testing.T) {
	dir := writeTheme(t, t.TempDir(), "broken", "[colors]\ntext = \"grey\"\n")
	for _, tt := range []struct{ theme, want string }{
		{"broken", "broken.toml:2: colors.text:"},
		{"nosuch", `no such theme: "nosuch"`},
	} {
		f := newFixture(t, settings{})
		_, err := board.New(board.Config{Store: f.store, Events: f.bus, Accounts: f.accts, Community: f.svc,
			Theme: tt.theme, ThemeDir: dir})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("board.New(theme %q) = %v; want an error with %q", tt.theme, err, tt.want)
		}
	}
	if b := newFixture(t, settings{}).board; b.Theme().Name != "default" {
		t.Errorf("a board with no theme has theme %q; want default", b.Theme().Name)
	}
}

// TestPlainThemeScreens: with the plain theme the screens use its
// colours and draw boxes in ASCII; the blue and the line drawing of the
// default theme are gone.
func TestPlainThemeScreens(t *testing.T) {
	f := newFixture(t, settings{Theme: "plain", AllowAnonymous: true})
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	tt.WaitFor("Log in as anonymous")
	tt.Type("anonymous\r")
	tt.WaitFor("[G] Goodbye")
	raw := string(tt.Raw())
	// Bright white text, yellow keys, a black on grey field.
	for _, want := range []string{
		"\x1b[0;97mLog in with your handle. New here? Type \x1b[0;93mnew\x1b[0;97m to apply for an account.",
		"\x1b[0;96mHandle:",
		"\x1b[0;30;47m",
	} {
		if !strings.Contains(raw, want) {
			t.Errorf("the plain login screen lacks %q", want)
		}
	}
	// The menu's highlighted entry is black on grey.
	if raw := string(tt.Raw()); !strings.Contains(raw, "\x1b[0;30;47m[W]") {
		t.Errorf("the plain main menu's bar is not black on grey")
	}
	before := len(tt.Raw())
	f.broadcast("Tea is served.")
	scr := tt.WaitFor("Tea is served.")
	boxOut := string(tt.Raw()[before:])
	if !strings.Contains(boxOut, "\x1b[0;97m+----") || !strings.Contains(scr, "| Broadcast from the sysop:") ||
		!strings.Contains(scr, "| Press a key.") {
		t.Errorf("the box is not drawn in ASCII, white:\n%s", scr)
	}
	if strings.ContainsAny(scr, "┌─┐│└┘") || strings.Contains(boxOut, "44m") {
		t.Errorf("the plain theme's box has line drawing or a blue background:\n%q", boxOut)
	}
	tt.Type(" ")
	tt.WaitFor("[G] Goodbye")
	// Log off: the question and the goodbye in the theme's colours.
	tt.Type("g")
	tt.WaitFor("Log off now?")
	if raw := string(tt.Raw()); !strings.Contains(raw, "\x1b[0;97mLog off now? \x1b[0;93m[y/N]") {
		t.Errorf("the log off question is not in the plain theme's colours")
	}
	tt.Type("y")
	tt.WaitFor("Call again soon!")
	tt.Wait()
}

// TestThemeStrings: a sysop's theme changes what the screens say, and the
// login screen's fields follow labels of another length.
func TestThemeStrings(t *testing.T) {
	dir := writeTheme(t, t.TempDir(), "own", `name = "own"
[strings]
login_connected = "Welcome to {board}! You are on node {node}."
login_help = "Your handle please, or {new} to join."
login_handle = "Who are you?"
login_password = "Secret:"
press_key = "Hit it."
logoff_ask = "Leaving so soon?"
logoff_thanks = "So long, {handle}, and thanks for calling {board}."
`)
	f := newFixture(t, settings{Name: "Dream BBS", Theme: "own", ThemeDir: dir})
	f.addUser("ann", "anns-password")
	tt := f.call(80, 24, term.UTF8, "192.0.2.1:1000")
	scr := tt.WaitFor("Secret:")
	for _, want := range []string{"Welcome to Dream BBS! You are on node", "Your handle please, or new to join.", "Secret:"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the login screen lacks %q:\n%s", want, scr)
		}
	}
	// The fields start after the longer label and a space.
	tt.Type("ann\r")
	tt.WaitFor(" Who are you? ann")
	tt.Type("anns-password")
	tt.WaitFor(" Secret:      " + strings.Repeat("*", len("anns-password")))
	tt.Type("\r")
	tt.WaitFor("Welcome, ann.")
	f.broadcast("Tea is served.")
	tt.WaitFor("Hit it.")
	tt.Type(" ")
	tt.WaitFor("[G] Goodbye")
	tt.Type("g")
	tt.WaitFor("Leaving so soon? [y/N]")
	tt.Type("y")
	tt.WaitFor("So long, ann, and thanks for calling Dream BBS.")
	tt.Wait()
}
