package menus

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/x84bbs/x84/access"
	"github.com/x84bbs/x84/internal/tomlpos"
	"github.com/x84bbs/x84/store"
	"github.com/x84bbs/x84/term"
)

// Bounds of a menu file.
const (
	MaxFileSize   = 16 << 10 // bytes in one file; the main menu is about 3 KiB
	MaxEntries    = 40       // entries in one menu
	MaxTitle      = 60       // characters in a title or a label
	MaxPrompt     = 200      // characters in a prompt (codes included)
	MaxArtRows    = 40       // art_rows
	maxTargetName = 64
)

// Kind is what an entry does when it is picked.
type Kind int

// The actions an entry may have.
const (
	Screen  Kind = iota + 1 // a built-in screen
	Submenu                 // another menu
	Door                    // a configured door
	Art                     // a full-screen art display
	Script                  // a sysop's script
	Logoff                  // end the call
)

func (k Kind) String() string {
	switch k {
	case Screen:
		return "screen"
	case Submenu:
		return "menu"
	case Door:
		return "door"
	case Art:
		return "art"
	case Script:
		return "script"
	case Logoff:
		return "logoff"
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Menu is one menu file, checked.
type Menu struct {
	Name    string // the file's name without .toml
	Title   string // may hold pipe and @-codes
	Art     string // header art's name; "" for none
	ArtRows int    // rows of art on the smallest window; 0 means 6
	Prompt  string // the bottom line; may hold pipe and @-codes
	// Greeting shows the welcome and the caller's news under the art, as
	// the main menu does.
	Greeting bool
	Entries  []Entry
}

// Entry is one choice of a menu.
type Entry struct {
	Key    rune   // lower case
	Label  string // plain text
	Kind   Kind
	Target string // the screen, menu, door, art or script; "" for Logoff
	// Sysop hides the entry from callers who are not sysops.
	Sysop bool
	// Level and Group hide the entry from callers below the security
	// level or outside the group (see package access); 0 and "" need
	// nothing.
	Level int
	Group string
}

// Need is what the entry requires of a caller besides Sysop.
func (e Entry) Need() access.Need { return access.Need{Level: e.Level, Group: e.Group} }

// Error is a menu file that cannot be used.
type Error struct {
	File string // as given to Parse
	Line int    // 0 when unknown
	Key  string // the TOML key at fault, e.g. "entry.key"; may be ""
	Err  error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
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

func (e *Error) Unwrap() error { return e.Err }

// file is a menu file as TOML holds it.
type file struct {
	Title    string      `toml:"title"`
	Art      string      `toml:"art"`
	ArtRows  int         `toml:"art_rows"`
	Prompt   string      `toml:"prompt"`
	Greeting bool        `toml:"greeting"`
	Entry    []fileEntry `toml:"entry"`
}

type fileEntry struct {
	Key    string `toml:"key"`
	Label  string `toml:"label"`
	Screen string `toml:"screen"`
	Menu   string `toml:"menu"`
	Door   string `toml:"door"`
	Art    string `toml:"art"`
	Script string `toml:"script"`
	Logoff bool   `toml:"logoff"`
	Sysop  bool   `toml:"sysop"`
	Level  int    `toml:"level"`
	Group  string `toml:"group"`
}

// nameRE is what a menu's name, and a screen's, door's, art's or
// script's, may look like. Art may be in the gallery ("gallery/logo").
var (
	nameRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)
	artNameRE = regexp.MustCompile(`^(gallery/)?[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)
)

// shape keeps hostile files from the parser, whose cost grows with the
// square of dotted keys and nested tables; menus need neither.
var shape = tomlpos.Shape{MaxLine: 1024, MaxDepth: 8}

// typeErrRE reads the decoder's error for a value of the wrong type.
var typeErrRE = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key "([^"]*)"\): (.*)$`)

// ValidName reports whether name can name a menu file.
func ValidName(name string) bool { return nameRE.MatchString(name) }

// Parse reads one menu file; path names it in errors and name is the
// menu's name. Every problem is an *Error.
func Parse(path, name string, data []byte) (*Menu, error) {
	if len(data) > MaxFileSize {
		return nil, &Error{File: path, Err: fmt.Errorf("the file is larger than %d KiB", MaxFileSize>>10)}
	}
	if !utf8.Valid(data) {
		return nil, &Error{File: path, Err: errors.New("the file is not UTF-8 text")}
	}
	if line, err := shape.Check(data); err != nil {
		return nil, &Error{File: path, Line: line, Err: err}
	}
	var f file
	md, err := toml.Decode(string(data), &f)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &Error{File: path, Line: tomlpos.SyntaxLine(data, pe), Key: pe.LastKey, Err: errors.New(firstLine(pe.Message))}
		}
		// A value of the wrong type comes as text only.
		if m := typeErrRE.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			return nil, &Error{File: path, Line: line, Key: m[2], Err: errors.New("wrong type: " + m[3])}
		}
		return nil, &Error{File: path, Err: err}
	}
	if key := firstUndecoded(md); key != nil {
		return nil, &Error{File: path, Line: tomlpos.LineOf(data, key), Key: keyName(key), Err: errors.New("unknown key")}
	}
	m, key, err := f.check(name)
	if err != nil {
		return nil, &Error{File: path, Line: tomlpos.LineOf(data, key), Key: keyName(key), Err: err}
	}
	return m, nil
}

// firstUndecoded returns the first key the struct has no field for, in
// file order, with "#N" naming the entry it is in.
func firstUndecoded(md toml.MetaData) []string {
	unknown := map[string]bool{}
	for _, k := range md.Undecoded() {
		unknown[k.String()] = true
	}
	if len(unknown) == 0 {
		return nil
	}
	entry := 0
	for _, k := range md.Keys() {
		if len(k) == 1 && k[0] == "entry" {
			entry++
			continue
		}
		if !unknown[k.String()] {
			continue
		}
		if k[0] == "entry" && entry > 0 {
			return append([]string{"entry", "#" + strconv.Itoa(entry)}, k[1:]...)
		}
		return k
	}
	return []string{md.Undecoded()[0].String()}
}

// keyName is key as an error shows it: "entry.key", without the index
// (the line says which entry).
func keyName(key []string) string {
	var parts []string
	for _, p := range key {
		if !strings.HasPrefix(p, "#") {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ".")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// check turns the file into a Menu, or names the key at fault.
func (f *file) check(name string) (*Menu, []string, error) {
	m := &Menu{Name: name, Title: f.Title, Art: f.Art, ArtRows: f.ArtRows, Prompt: f.Prompt, Greeting: f.Greeting}
	switch {
	case !ValidName(name):
		return nil, nil, fmt.Errorf("the file's name %q must be 1 to 32 lower-case letters, digits, '-' or '_' before .toml", name)
	case !text(m.Title, MaxTitle):
		return nil, []string{"title"}, fmt.Errorf("must be 1 to %d characters without control characters", MaxTitle)
	case m.Art != "" && !artNameRE.MatchString(m.Art):
		return nil, []string{"art"}, fmt.Errorf("%q is not an art name (letters, digits, '.', '_', '-', perhaps after gallery/)", m.Art)
	case m.ArtRows < 0 || m.ArtRows > MaxArtRows:
		return nil, []string{"art_rows"}, fmt.Errorf("must be between 0 and %d (got %d)", MaxArtRows, m.ArtRows)
	case m.Prompt != "" && !text(m.Prompt, MaxPrompt):
		return nil, []string{"prompt"}, fmt.Errorf("must be at most %d characters without control characters", MaxPrompt)
	case len(f.Entry) == 0:
		return nil, []string{"title"}, errors.New("the menu has no [[entry]]")
	case len(f.Entry) > MaxEntries:
		return nil, []string{"entry", "#" + strconv.Itoa(MaxEntries+1)}, fmt.Errorf("a menu holds at most %d entries", MaxEntries)
	}
	if m.ArtRows == 0 {
		m.ArtRows = 6
	}
	seen := map[rune]string{}
	for i, fe := range f.Entry {
		at := func(k string) []string { return []string{"entry", "#" + strconv.Itoa(i+1), k} }
		e, k, err := fe.check()
		if err != nil {
			return nil, at(k), err
		}
		if other, ok := seen[e.Key]; ok {
			return nil, at("key"), fmt.Errorf("%q is already the key of %q", fe.Key, other)
		}
		seen[e.Key] = e.Label
		m.Entries = append(m.Entries, e)
	}
	return m, nil, nil
}

// reservedKeys are the menu's own: q and Esc go back.
const reservedKeys = "q"

func (fe fileEntry) check() (Entry, string, error) {
	e := Entry{Label: fe.Label, Sysop: fe.Sysop, Level: fe.Level, Group: fe.Group}
	r, size := utf8.DecodeRuneInString(fe.Key)
	switch {
	case fe.Key == "":
		return e, "key", errors.New("an entry needs a key")
	case size != len(fe.Key) || !(unicode.IsLetter(r) || unicode.IsDigit(r)):
		return e, "key", fmt.Errorf("%q must be one letter or digit", fe.Key)
	case strings.ContainsRune(reservedKeys, unicode.ToLower(r)):
		return e, "key", fmt.Errorf("%q is the menu's own key (back)", fe.Key)
	case !text(fe.Label, MaxTitle):
		return e, "label", fmt.Errorf("must be 1 to %d characters without control characters", MaxTitle)
	case fe.Level < 0 || fe.Level > store.MaxLevel:
		return e, "level", fmt.Errorf("must be between 0 and %d (got %d)", store.MaxLevel, fe.Level)
	case fe.Group != "" && access.CheckGroup(fe.Group) != nil:
		return e, "group", fmt.Errorf("%q is not a group name: 1 to %d lower-case letters, digits, '-' and '_', starting with a letter", fe.Group, access.MaxGroupLen)
	case fe.Group == store.GroupSysop:
		return e, "group", fmt.Errorf("%q cannot be required: use sysop = true for an entry for sysops", fe.Group)
	case fe.Group != "" && access.CheckNeedGroup(fe.Group) != nil:
		return e, "group", fmt.Errorf("%q cannot be required: locked and unvalidated accounts count as in no group; require a level or another group", fe.Group)
	}
	e.Key = unicode.ToLower(r)
	type action struct {
		key, target string
		kind        Kind
	}
	var set []action
	for _, a := range []action{
		{"screen", fe.Screen, Screen}, {"menu", fe.Menu, Submenu}, {"door", fe.Door, Door},
		{"art", fe.Art, Art}, {"script", fe.Script, Script},
	} {
		if a.target != "" {
			set = append(set, a)
		}
	}
	if fe.Logoff {
		set = append(set, action{key: "logoff", kind: Logoff})
	}
	switch len(set) {
	case 0:
		return e, "label", errors.New("an entry needs one action: screen, menu, door, art, script or logoff = true")
	case 1:
	default:
		keys := make([]string, len(set))
		for i, a := range set {
			keys[i] = a.key
		}
		return e, set[1].key, fmt.Errorf("an entry has one action, not %s", strings.Join(keys, " and "))
	}
	a := set[0]
	e.Kind, e.Target = a.kind, a.target
	switch {
	case a.kind == Art && !artNameRE.MatchString(a.target):
		return e, a.key, fmt.Errorf("%q is not an art name", a.target)
	case a.kind == Door && !doorNameOK(a.target):
		return e, a.key, fmt.Errorf("%q is not a door's name", a.target)
	case a.kind != Art && a.kind != Door && a.kind != Logoff && !nameRE.MatchString(a.target):
		return e, a.key, fmt.Errorf("%q must be 1 to 32 lower-case letters, digits, '-' or '_'", a.target)
	}
	return e, "", nil
}

// doorNameOK accepts what the config accepts for a door's name.
func doorNameOK(s string) bool {
	if s == "" || len(s) > maxTargetName {
		return false
	}
	for i, r := range s {
		ok := r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || i > 0 && strings.ContainsRune("._-", r))
		if !ok {
			return false
		}
	}
	return true
}

// text reports whether s is 1 to n characters with no control
// characters.
func text(s string, n int) bool {
	return s != "" && utf8.RuneCountInString(s) <= n && term.Sanitize(s) == s &&
		!slices.ContainsFunc([]rune(s), unicode.IsControl)
}
