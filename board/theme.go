package board

import (
	"cmp"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/x84bbs/x84/internal/tomlpos"
	"github.com/x84bbs/x84/lang"
	"github.com/x84bbs/x84/markup"
	"github.com/x84bbs/x84/ui"
)

// Theme is the look of the board's screens: the palette, the characters
// and colour of message boxes, and what the built-in screens say. Themes
// are TOML files: the built-in "default" (x84's own look) and "plain"
// (high contrast, ASCII boxes), or a sysop's DATA/themes/NAME.toml; see
// LoadTheme. A Theme is shared by every call: treat it as read-only.
type Theme struct {
	// Name is the name the theme is loaded by ([board] theme).
	Name string
	// Description says in a line what the theme is for.
	Description string

	// The palette: SGR sequences that start afresh (attributes reset),
	// for Say, KeyHelp and screens' own text.
	Text  string // ordinary text
	Label string // a field's label
	Value string // a value, a name
	Key   string // a key to press
	Title string // a screen's title
	Error string // a refusal, an error
	OK    string // done
	Dim   string // hints, times
	// Bar marks where the caller is: a menu's highlighted entry, the
	// selected row of a list, a field being typed in, chat's status
	// line.
	Bar string

	// Box draws message boxes and rules, and colours highlighted bars.
	Box Box
	// Strings are what the built-in screens say, in the caller's
	// language: the catalogs' [strings] table (package lang), with the
	// theme file's own [strings] in the board's default language.
	Strings Strings
	// ownStrings are the strings the theme file sets, by key.
	ownStrings map[string]string
}

// Box is how message boxes and rules are drawn: a colour (an SGR
// sequence that starts afresh) and six characters, each one column wide.
type Box struct {
	Style                                      string
	TopLeft, TopRight, BottomLeft, BottomRight string
	Horizontal, Vertical                       string
}

// Strings are the prompts and messages of the built-in screens, as plain
// text. Some hold a word in braces that the screen fills in, in its own
// colour: the comments name them.
type Strings struct {
	PressKey         string // under a message box: "Press a key."
	YesNo            string // after a yes/no question: "[y/N]"
	AnyKey           string // a hint's key: "[any key] back"
	Back             string // a hint's meaning: "[q] back"
	Choose           string // what the arrows do in a list: "[arrows] choose"
	LoginConnected   string // {board}, {node}
	LoginHelp        string // {new}: the word that applies for an account
	LoginAnonymous   string // {anonymous}: the word to type
	LoginAccessible  string // {a}: the word for plain text screens
	LoginForgot      string // {forgot}: the word for a forgotten password
	LoginHandle      string // the handle field's label
	LoginPassword    string // the password field's label
	LoginFailed      string
	LoginOtherHandle string // the client gave a handle; Esc asks for another
	LoginTooMany     string // too many failed logins: the call ends
	LoginTooSlow     string // the login timed out: the call ends
	LoginLeave       string // the caller left at the handle prompt
	LoginCode        string // the two-factor code field's label
	LoginCodeHelp    string // how to answer it
	LoginCodeWrong   string // a code refused: a failed login
	LogoffAsk        string
	LogoffThanks     string // {board}, {handle}
	ScreenFailed     string // a screen of the main menu failed
	DatabaseAway     string // a screen failed for want of the database
}

// Limits on theme files.
const (
	// maxThemeSize bounds a theme file; the default theme is about 3 KiB.
	maxThemeSize = 16 << 10
	// maxThemeString bounds a string of a theme, in characters.
	maxThemeString = 200
	// themeColors is the colour depth themes are rendered for: the
	// terminal's own 16 colours, as the board has always used.
	themeColors = 16
)

// ErrNoTheme reports a theme name that is neither built in nor a file of
// the themes directory.
var ErrNoTheme = errors.New("board: no such theme")

// ThemeError is a problem with a theme file. It names the file, the line
// and the key, so the message alone is enough to fix the file.
type ThemeError struct {
	File string // the file's path
	Line int    // 1-based; 0 when unknown
	Key  string // the full dotted key, such as "colors.key"; "" when unknown
	Err  error
}

// Error formats e as "board: theme FILE:LINE: KEY: ERR", leaving out the
// parts that are unknown.
func (e *ThemeError) Error() string {
	var b strings.Builder
	b.WriteString("board: theme " + e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ThemeError) Unwrap() error { return e.Err }

// builtinThemes are the themes compiled into x84.
//
//go:embed themes/*.toml
var builtinThemes embed.FS

// defaultTheme parses the built-in default theme once; every other theme
// starts from it. Its file sets every key (TestDefaultThemeComplete).
var defaultTheme = sync.OnceValues(func() (*Theme, error) {
	data, err := builtinThemes.ReadFile("themes/default.toml")
	if err != nil {
		return nil, err
	}
	return parseTheme("default", "default.toml (built in)", data, &Theme{})
})

// ValidThemeName reports whether name can name a theme: 1 to 32 letters,
// digits, '-' or '_', so that it is also a plain file name.
func ValidThemeName(name string) bool {
	if len(name) < 1 || len(name) > 32 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// LoadTheme returns the theme called name: dir/NAME.toml if there is
// such a file (dir is typically DATA/themes; "" means none), else the
// built-in theme of that name. A file sets only the keys it changes; the
// others keep the default theme's values. Its strings are the built-in
// English, replaced by those the file sets; a board gives each caller
// them in their language. A problem with the file is a
// *ThemeError, a name found nowhere an ErrNoTheme error.
//
// The directory is opened as an os.Root, so no name or symbolic link can
// reach outside it, and a file may be at most 64 KiB.
func LoadTheme(dir, name string) (*Theme, error) {
	if !ValidThemeName(name) {
		return nil, fmt.Errorf("board: bad theme name %q: want 1 to 32 letters, digits, '-' or '_'", name)
	}
	base, err := defaultTheme()
	if err != nil {
		return nil, fmt.Errorf("board: built-in default theme: %w", err)
	}
	file := name + ".toml"
	data, path, found, err := readThemeFile(dir, file)
	if err != nil {
		return nil, err
	}
	if !found {
		data, err = builtinThemes.ReadFile("themes/" + file)
		if err != nil {
			where := "not built in"
			if dir != "" {
				where += " and no " + filepath.Join(dir, file)
			}
			return nil, fmt.Errorf("%w: %q (%s)", ErrNoTheme, name, where)
		}
		path = file + " (built in)"
	}
	t, err := parseTheme(name, path, data, base)
	if err != nil {
		return nil, err
	}
	// In English until a board gives it its languages (themeFor).
	return t.speaking(lang.Fallback(), true), nil
}

// readThemeFile reads file from dir and returns its contents and path;
// found is false when there is no such file (or no dir).
func readThemeFile(dir, file string) (data []byte, path string, found bool, err error) {
	if dir == "" {
		return nil, "", false, nil
	}
	path = filepath.Join(dir, file)
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", false, nil
	}
	if err != nil {
		return nil, "", false, fmt.Errorf("board: themes: %w", err)
	}
	defer root.Close()
	f, err := root.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", false, nil
	}
	if err != nil {
		return nil, "", false, &ThemeError{File: path, Err: err}
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, maxThemeSize+1))
	if err != nil {
		return nil, "", false, &ThemeError{File: path, Err: err}
	}
	if len(data) > maxThemeSize {
		return nil, "", false, &ThemeError{File: path, Err: fmt.Errorf("larger than %d bytes", maxThemeSize)}
	}
	return data, path, true, nil
}

// themeKey is one key a theme file may set: where its value goes and how
// it is checked and converted.
type themeKey struct {
	dst  *string
	conv func(string) (string, error)
}

// keys returns every key a theme file may set, by table ("" for the top
// level) and name.
func (t *Theme) keys(name string) map[string]map[string]themeKey {
	color := func(dst *string) themeKey { return themeKey{dst, themeColour} }
	char := func(dst *string) themeKey { return themeKey{dst, boxChar} }
	text := func(dst *string, words ...string) themeKey {
		return themeKey{dst, func(v string) (string, error) { return v, themeString(v, words) }}
	}
	s := &t.Strings
	return map[string]map[string]themeKey{
		"": {
			"name": {&t.Name, func(v string) (string, error) {
				if v != name {
					return "", fmt.Errorf("must be %q, the name the theme is loaded by (got %q)", name, v)
				}
				return v, nil
			}},
			"description": text(&t.Description),
		},
		"colors": {
			"text": color(&t.Text), "label": color(&t.Label), "value": color(&t.Value), "key": color(&t.Key),
			"title": color(&t.Title), "error": color(&t.Error), "ok": color(&t.OK), "dim": color(&t.Dim),
			"bar": color(&t.Bar), "box": color(&t.Box.Style),
		},
		"box": {
			"top_left": char(&t.Box.TopLeft), "top_right": char(&t.Box.TopRight),
			"bottom_left": char(&t.Box.BottomLeft), "bottom_right": char(&t.Box.BottomRight),
			"horizontal": char(&t.Box.Horizontal), "vertical": char(&t.Box.Vertical),
		},
		"strings": {
			"press_key":          text(&s.PressKey),
			"yes_no":             text(&s.YesNo),
			"any_key":            text(&s.AnyKey),
			"back":               text(&s.Back),
			"choose":             text(&s.Choose),
			"login_connected":    text(&s.LoginConnected, "board", "node"),
			"login_help":         text(&s.LoginHelp, "new"),
			"login_anonymous":    text(&s.LoginAnonymous, "anonymous"),
			"login_accessible":   text(&s.LoginAccessible, "a"),
			"login_forgot":       text(&s.LoginForgot, "forgot"),
			"login_handle":       text(&s.LoginHandle),
			"login_password":     text(&s.LoginPassword),
			"login_failed":       text(&s.LoginFailed),
			"login_other_handle": text(&s.LoginOtherHandle),
			"login_too_many":     text(&s.LoginTooMany),
			"login_too_slow":     text(&s.LoginTooSlow),
			"login_leave":        text(&s.LoginLeave),
			"login_code":         text(&s.LoginCode),
			"login_code_help":    text(&s.LoginCodeHelp),
			"login_code_wrong":   text(&s.LoginCodeWrong),
			"logoff_ask":         text(&s.LogoffAsk),
			"logoff_thanks":      text(&s.LogoffThanks, "board", "handle"),
			"screen_failed":      text(&s.ScreenFailed),
			"database_away":      text(&s.DatabaseAway),
		},
	}
}

// parseTheme parses a theme file's contents over a copy of base; name is
// the name it is loaded by, path is used in errors. Every problem is a
// *ThemeError.
func parseTheme(name, path string, data []byte, base *Theme) (*Theme, error) {
	fail := func(key toml.Key, err error) error {
		return &ThemeError{File: path, Line: tomlpos.LineOf(data, key), Key: key.String(), Err: err}
	}
	var doc map[string]any
	// The parser's cost grows with the square of dotted keys and nested
	// tables, which no theme needs.
	if line, err := (tomlpos.Shape{MaxLine: 1024, MaxDepth: 8}).Check(data); err != nil {
		return nil, &ThemeError{File: path, Line: line, Err: err}
	}
	md, err := toml.Decode(string(data), &doc)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &ThemeError{File: path, Line: tomlpos.SyntaxLine(data, pe), Key: pe.LastKey, Err: errors.New(pe.Message)}
		}
		return nil, &ThemeError{File: path, Err: err}
	}
	t := *base
	t.Name = name
	t.ownStrings = maps.Clone(base.ownStrings) // base's stays as it was
	keys := t.keys(name)
	for _, key := range md.Keys() {
		val := valueOf(doc, key)
		switch {
		case len(key) == 1 && keys[key[0]] != nil && key[0] != "":
			if _, ok := val.(map[string]any); !ok {
				return nil, fail(key, fmt.Errorf("must be a table (got %s)", describe(val)))
			}
			continue // its keys come next
		case len(key) > 2:
			continue // inside a value, which was refused already
		}
		table, k := "", key[0]
		if len(key) == 2 {
			table, k = key[0], key[1]
		}
		tk, ok := keys[table][k]
		if !ok {
			return nil, fail(key, errors.New("unknown key"))
		}
		s, ok := val.(string)
		if !ok {
			return nil, fail(key, fmt.Errorf("must be a string (got %s)", describe(val)))
		}
		v, err := tk.conv(s)
		if err != nil {
			return nil, fail(key, err)
		}
		*tk.dst = v
		if table == "strings" {
			if t.ownStrings == nil {
				t.ownStrings = map[string]string{}
			}
			t.ownStrings[k] = v
		}
	}
	return &t, nil
}

// speaking returns a copy of t whose Strings are p's language's: the
// catalog's [strings] messages, replaced by the theme file's own where
// own is true (the board's default language, which a theme is written
// in).
func (t *Theme) speaking(p *lang.Printer, own bool) *Theme {
	c := *t
	for k, tk := range c.keys(c.Name)["strings"] {
		// Unfilled placeholders stay in braces, for the screen to fill.
		*tk.dst = p.T("strings." + k)
		if v, ok := t.ownStrings[k]; ok && own {
			*tk.dst = v
		}
	}
	return &c
}

// valueOf returns the value of key in a parsed document.
func valueOf(doc map[string]any, key toml.Key) any {
	var v any = doc
	for _, part := range key {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[part]
	}
	return v
}

// describe names the type of a parsed TOML value, for errors.
func describe(val any) string {
	switch val.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a number"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	case []map[string]any:
		return "an array of tables"
	}
	return "a date or time"
}

// themeColour turns a colour spec ("|14", "|15|17") into an SGR sequence
// that starts afresh, so that no attribute of the text before it (a
// background, bold) carries over.
func themeColour(spec string) (string, error) {
	sgr, err := markup.Colour(spec, themeColors)
	if err != nil {
		return "", fmt.Errorf("%q is not a colour: want a pipe code such as \"|14\", or a foreground and a background such as \"|15|17\"", spec)
	}
	params, ok := strings.CutPrefix(sgr, "\x1b[")
	if !ok {
		return "", fmt.Errorf("%q: unexpected colour sequence %q", spec, sgr)
	}
	return "\x1b[0;" + params, nil
}

// boxChar checks a box character: one character, one column wide.
func boxChar(v string) (string, error) {
	if utf8.RuneCountInString(v) != 1 || ui.Width(v) != 1 || strings.ContainsFunc(v, unicode.IsControl) {
		return "", fmt.Errorf("must be one character one column wide (got %q)", v)
	}
	return v, nil
}

// themeString checks a theme's text: plain, printable, not too long, and
// with no word in braces but those in words.
func themeString(v string, words []string) error {
	if strings.ContainsFunc(v, unicode.IsControl) {
		return fmt.Errorf("must not contain control characters (got %q)", v)
	}
	if n := utf8.RuneCountInString(v); n > maxThemeString {
		return fmt.Errorf("must be at most %d characters (got %d)", maxThemeString, n)
	}
	for rest := v; ; {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			return nil
		}
		rest = rest[i+1:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			return nil
		}
		word := rest[:j]
		if isPlaceholder(word) && !slices.Contains(words, word) {
			if len(words) == 0 {
				return fmt.Errorf("{%s} is not filled in here; this string takes no words in braces", word)
			}
			return fmt.Errorf("{%s} is not filled in here; this string takes {%s}", word, strings.Join(words, "}, {"))
		}
	}
}

// isPlaceholder reports whether word (between braces) looks like a word
// to fill in: lower-case letters. Other braces are text.
func isPlaceholder(word string) bool {
	if word == "" {
		return false
	}
	for _, r := range word {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// fill fills in a theme string's words in braces: pairs of a word and
// its text, as in fill(s, "board", name).
func fill(s string, pairs ...string) string {
	r := make([]string, 0, len(pairs))
	for i := 0; i+1 < len(pairs); i += 2 {
		r = append(r, "{"+pairs[i]+"}", pairs[i+1])
	}
	return strings.NewReplacer(r...).Replace(s)
}

// KeyHelp formats key hints in the theme's colours:
// KeyHelp("a", "add", "q", "back") gives "[a] add  [q] back".
func (t *Theme) KeyHelp(pairs ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(pairs); i += 2 {
		if i > 0 {
			b.WriteString("  ")
		}
		fmt.Fprintf(&b, "%s[%s%s%s]%s %s", t.Text, t.Key, pairs[i], t.Text, t.Text, pairs[i+1])
	}
	return b.String() + ui.Reset
}

// styleMenu gives a menu the theme's colours, where it has none of its
// own.
func (t *Theme) styleMenu(m *ui.Menu) {
	m.KeyStyle = cmp.Or(m.KeyStyle, t.Key)
	m.TextStyle = cmp.Or(m.TextStyle, t.Text)
	m.BarStyle = cmp.Or(m.BarStyle, t.Bar)
}
