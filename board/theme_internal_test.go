package board

import (
	"reflect"
	"testing"

	"github.com/x84bbs/x84/lang"
)

// TestDefaultThemeComplete: the default theme's file sets every key but
// the strings, which the English catalog sets, so every other theme can
// fall back on it, and the other built-in themes parse.
func TestDefaultThemeComplete(t *testing.T) {
	data, err := builtinThemes.ReadFile("themes/default.toml")
	if err != nil {
		t.Fatal(err)
	}
	th, err := parseTheme("default", "default.toml", data, &Theme{})
	if err != nil {
		t.Fatal(err)
	}
	th = th.speaking(lang.Fallback(), true)
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		for i := range v.NumField() {
			f, name := v.Field(i), path+v.Type().Field(i).Name
			if !v.Type().Field(i).IsExported() {
				continue
			}
			if f.Kind() == reflect.Struct {
				walk(f, name+".")
				continue
			}
			if f.String() == "" {
				t.Errorf("default.toml leaves %s unset", name)
			}
		}
	}
	walk(reflect.ValueOf(*th), "")
	// Every key the parser knows is a field, and each field has one key.
	seen := map[*string]string{}
	for table, keys := range th.keys("default") {
		for k, tk := range keys {
			if other, ok := seen[tk.dst]; ok {
				t.Errorf("keys %s and %s.%s set the same field", other, table, k)
			}
			seen[tk.dst] = table + "." + k
		}
	}
	if want := countStrings(reflect.ValueOf(*th)); len(seen) != want {
		t.Errorf("theme files set %d fields; Theme has %d", len(seen), want)
	}
	entries, err := builtinThemes.ReadDir("themes")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()[:len(e.Name())-len(".toml")]
		if _, err := LoadTheme("", name); err != nil {
			t.Errorf("built-in theme %s: %v", name, err)
		}
	}
}

func countStrings(v reflect.Value) int {
	n := 0
	for i := range v.NumField() {
		if f := v.Field(i); !v.Type().Field(i).IsExported() {
			continue
		} else if f.Kind() == reflect.Struct {
			n += countStrings(f)
		} else {
			n++
		}
	}
	return n
}

// TestDefaultThemeLook: the default theme is the board's look from
// before themes: the same colours (bright ones as 90-97 rather than bold,
// as the art renderer writes them), box and words.
func TestDefaultThemeLook(t *testing.T) {
	th, err := LoadTheme("", "default")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, got, want string }{
		{"Text", th.Text, "\x1b[0;37m"},
		{"Label", th.Label, "\x1b[0;36m"},
		{"Value", th.Value, "\x1b[0;97m"},
		{"Key", th.Key, "\x1b[0;93m"},
		{"Title", th.Title, "\x1b[0;96m"},
		{"Error", th.Error, "\x1b[0;91m"},
		{"OK", th.OK, "\x1b[0;92m"},
		{"Dim", th.Dim, "\x1b[0;90m"},
		{"Bar", th.Bar, "\x1b[0;97;44m"},
		{"Box.Style", th.Box.Style, "\x1b[0;97;44m"},
		{"Box corners", th.Box.TopLeft + th.Box.TopRight + th.Box.BottomLeft + th.Box.BottomRight, "┌┐└┘"},
		{"Box lines", th.Box.Horizontal + th.Box.Vertical, "─│"},
		{"PressKey", th.Strings.PressKey, "Press a key."},
		{"YesNo", th.Strings.YesNo, "[y/N]"},
		{"LoginHandle", th.Strings.LoginHandle, "Handle:"},
	} {
		if tt.got != tt.want {
			t.Errorf("default theme's %s = %q; want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestFill(t *testing.T) {
	tests := []struct {
		s     string
		pairs []string
		want  string
	}{
		{"Thanks for calling {board}, {handle}.", []string{"board", "x84", "handle", "ann"}, "Thanks for calling x84, ann."},
		{"{board} {board}", []string{"board", "x"}, "x x"},
		{"no words", []string{"board", "x"}, "no words"},
		{"{other} stays", []string{"board", "x"}, "{other} stays"},
		// A value is not filled in again.
		{"{board}", []string{"board", "{handle}", "handle", "h"}, "{handle}"},
	}
	for _, tt := range tests {
		if got := fill(tt.s, tt.pairs...); got != tt.want {
			t.Errorf("fill(%q, %q) = %q; want %q", tt.s, tt.pairs, got, tt.want)
		}
	}
}
